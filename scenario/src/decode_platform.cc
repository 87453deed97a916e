// platform.regions, platform.wan and platform.fat_tree (topologies
// multi_region and fat_tree), and the checks of region hosts against the
// hosts the simulator creates (docs/topologies.md).
#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "decoder.h"

namespace tracesim::scenario::internal {
namespace {

// Fat trees larger than this are refused: SimGrid builds every switch and
// link up front, and no scenario needs that many hosts.
constexpr uint64_t kMaxFatTreeLeaves = 65536;
constexpr int kMaxFatTreeLevels = 8;

// [a-z][a-z0-9_]*: region names appear in link names (wan-<a>-<b>), so they
// carry no '-'.
bool IsValidRegionName(std::string_view s) {
  if (s.empty() || s.front() < 'a' || s.front() > 'z') return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

// The hosts of collector tier t: its count plus one spare per scale_out of the tier.
int TierHostCount(const Scenario& s, size_t t) {
  int n = s.collector_tiers[t].count;
  for (const FailureSpec& f : s.failures) {
    if (f.type == FailureType::kScaleOut && f.target == s.collector_tiers[t].name) ++n;
  }
  return n;
}

// Every host the simulator creates, except the driver, in creation order.
std::vector<std::string> ScenarioHosts(const Scenario& s) {
  std::vector<std::string> hosts;
  for (const ServiceSpec& svc : s.services) {
    for (int r = 0; r < svc.replicas; ++r) hosts.push_back(ServiceHostName(svc, r));
  }
  for (size_t t = 0; t < s.collector_tiers.size(); ++t) {
    for (int i = 0; i < TierHostCount(s, t); ++i) hosts.push_back(TierHostName(s.collector_tiers[t].name, i));
  }
  for (int i = 0; i < s.storage.nodes; ++i) hosts.push_back(StorageHostName(i));
  return hosts;
}

size_t ServiceHostCount(const Scenario& s) {
  size_t n = 0;
  for (const ServiceSpec& svc : s.services) n += static_cast<size_t>(svc.replicas);
  return n;
}

// The hosts a region entry names, or empty when it names none.
std::vector<std::string> ExpandRegionEntry(const Scenario& s, const std::string& entry) {
  for (const ServiceSpec& svc : s.services) {
    std::vector<std::string> replicas;
    for (int r = 0; r < svc.replicas; ++r) replicas.push_back(ServiceHostName(svc, r));
    if (svc.name == entry) return replicas;  // a service names all its replicas
    if (std::find(replicas.begin(), replicas.end(), entry) != replicas.end()) return {entry};
  }
  for (size_t t = 0; t < s.collector_tiers.size(); ++t) {
    const std::string& tier = s.collector_tiers[t].name;
    const int count = TierHostCount(s, t);
    if (tier == entry) {
      std::vector<std::string> all;
      for (int i = 0; i < count; ++i) all.push_back(TierHostName(tier, i));
      return all;
    }
    const int64_t i = HostIndex(entry, tier + "-");
    if (i >= 0 && i < count) return {entry};
  }
  if (entry == "storage") {
    std::vector<std::string> all;
    for (int i = 0; i < s.storage.nodes; ++i) all.push_back(StorageHostName(i));
    return all;
  }
  const int64_t i = HostIndex(entry, "storage-");
  if (i >= 0 && i < s.storage.nodes) return {entry};
  return {};
}

}  // namespace

void Decoder::DecodeTopology(const Map& platform, PlatformSpec* p) {
  TopologyOrigins& origins = topology_origins_;
  origins = TopologyOrigins{};
  origins.regions = platform.KeyOrigin("regions");
  origins.fat_tree = platform.KeyOrigin("fat_tree");
  origins.fat_tree_down = origins.fat_tree;

  for (const char* key : {"regions", "wan"}) {
    if (platform.Get(key) != nullptr && p->topology != Topology::kMultiRegion) {
      Fail(platform.KeyOrigin(key), platform.Path(key), "only applies to topology: multi_region");
    }
  }
  if (platform.Get("fat_tree") != nullptr && p->topology != Topology::kFatTree) {
    Fail(platform.KeyOrigin("fat_tree"), platform.Path("fat_tree"), "only applies to topology: fat_tree");
  }

  if (p->topology == Topology::kMultiRegion) {
    DecodeLink(platform, "wan", &p->wan);
    if (!Require(platform, "regions", "a list of regions, e.g. - {name: eu, hosts: [frontend, storage]}")) {
      return;
    }
    const Node& n = *platform.Get("regions");
    const std::string path = platform.Path("regions");
    if (!n.IsSequence() || n.items.empty()) {
      FailExpected(n, path, "a non-empty sequence of regions (- {name: eu, hosts: [...]})");
      return;
    }
    p->regions.clear();
    std::map<std::string, std::string> name_paths;  // region name -> where it is first used
    for (size_t i = 0; i < n.items.size(); ++i) {
      const Node& item = n.items[i];
      const std::string item_path = JoinIndex(path, i);
      RegionSpec region;
      origins.region.push_back(item.origin);
      origins.hosts.emplace_back();
      origins.hosts_key.push_back(item.origin);
      std::optional<Map> m = OpenMap(&item, item_path, item.origin, {"name", "hosts"}, "a region: a mapping");
      if (m && item.IsNull()) {
        Fail(item.origin, item_path, "empty region; expected a mapping with 'name' and 'hosts'");
      } else if (m) {
        if (Require(*m, "name", "e.g. name: eu") && ReadString(*m, "name", &region.name)) {
          const Node& name = *m->Get("name");
          if (!IsValidRegionName(region.name)) {
            FailExpected(name, m->Path("name"),
                         "a region name: lowercase letters, digits and '_', starting with a letter");
          } else if (auto [it, inserted] = name_paths.emplace(region.name, item_path); !inserted) {
            Fail(name.origin, m->Path("name"),
                 "duplicate region name '" + region.name + "' (already used by " + it->second + ")");
          }
        }
        if (Require(*m, "hosts", "the services and hosts in the region, e.g. hosts: [frontend, storage]")) {
          origins.hosts_key.back() = m->KeyOrigin("hosts");
          const Node& hosts = *m->Get("hosts");
          if (ReadStringList(*m, "hosts", &region.hosts)) {
            if (region.hosts.empty()) {
              Fail(hosts.origin, m->Path("hosts"),
                   "empty region; expected at least one service or host (remove the region instead)");
            }
            for (const Node& h : hosts.items) origins.hosts.back().push_back(h.origin);
          }
        }
      }
      p->regions.push_back(std::move(region));
    }
  }

  if (p->topology == Topology::kFatTree) {
    std::optional<Map> m = SubMap(platform, "fat_tree", {"levels", "down", "up", "link_count"});
    if (!m) return;
    origins.fat_tree_down = m->KeyOrigin("down");
    FatTreeSpec& ft = p->fat_tree;
    const bool levels_written = ReadInt(*m, "levels", Bound::Closed(1, kMaxFatTreeLevels), &ft.levels);
    if (!levels_written && m->Get("levels") != nullptr)
      return;  // invalid levels: the lists cannot be checked
    struct ListKey {
      const char* key;
      std::vector<unsigned>* out;
    };
    for (const ListKey& k :
         {ListKey{"down", &ft.down}, ListKey{"up", &ft.up}, ListKey{"link_count", &ft.link_count}}) {
      const Node* list = m->Get(k.key);
      const std::string list_path = m->Path(k.key);
      if (list == nullptr) {
        if (k.out->size() != static_cast<size_t>(ft.levels)) {
          Fail(m->origin, list_path,
               "required when levels is not " + std::to_string(k.out->size()) +
                   " (one entry per level; levels: " + std::to_string(ft.levels) + ")");
        }
        continue;
      }
      if (!list->IsSequence()) {
        FailExpected(*list, list_path, "a sequence of integers >= 1, one per level ([4, 4])");
        continue;
      }
      std::vector<unsigned> values;
      bool ok = true;
      for (size_t i = 0; i < list->items.size(); ++i) {
        const Node& item = list->items[i];
        int64_t v = 0;
        if (!item.IsScalar() || item.quoted || !ParseIntText(item.scalar, &v) || v < 1 || v > 65536) {
          FailExpected(item, JoinIndex(list_path, i), "an integer in [1, 65536]");
          ok = false;
          continue;
        }
        values.push_back(static_cast<unsigned>(v));
      }
      if (!ok) continue;
      if (values.size() != static_cast<size_t>(ft.levels)) {
        Fail(list->origin, list_path,
             "expected " + std::to_string(ft.levels) + " entries (one per level; levels: " +
                 std::to_string(ft.levels) + "), got " + std::to_string(values.size()));
        continue;
      }
      *k.out = std::move(values);
    }
    uint64_t leaves = 1;
    for (unsigned d : ft.down) leaves = std::min<uint64_t>(leaves * d, kMaxFatTreeLeaves + 1);
    if (ft.down.size() == static_cast<size_t>(ft.levels) && leaves > kMaxFatTreeLeaves) {
      Fail(origins.fat_tree_down, m->Path("down"),
           "expected at most " + std::to_string(kMaxFatTreeLeaves) + " leaves (the product of down)");
    }
  }
}

void Decoder::CheckTopology(const Scenario& s) {
  const TopologyOrigins& origins = topology_origins_;
  const PlatformSpec& p = s.platform;
  const std::vector<std::string> hosts = ScenarioHosts(s);
  {
    // A replicated service's hosts are <name>-<i>: they must not take the
    // name of another host.
    std::map<std::string, int> seen;
    for (const std::string& h : hosts) {
      if (++seen[h] != 2) continue;
      Fail(Origin{}, "services",
           "two hosts would be named '" + h +
               "': a service with replicas > 1 runs on hosts <name>-0, <name>-1, ...; rename the service or "
               "the other host's service or tier");
    }
  }

  if (p.topology == Topology::kMultiRegion) {
    // Candidates for "did you mean": what an entry may name.
    std::vector<std::string> names;
    for (const ServiceSpec& svc : s.services) names.push_back(svc.name);
    for (const ServiceSpec& svc : s.services) {
      for (int r = 0; svc.replicas > 1 && r < std::min(svc.replicas, 64); ++r)
        names.push_back(ServiceHostName(svc, r));
    }
    for (size_t t = 0; t < s.collector_tiers.size(); ++t) {
      names.push_back(s.collector_tiers[t].name);
      for (int i = 0; i < std::min(TierHostCount(s, t), 64); ++i)
        names.push_back(TierHostName(s.collector_tiers[t].name, i));
    }
    names.push_back("storage");
    for (int i = 0; i < std::min(s.storage.nodes, 64); ++i) names.push_back(StorageHostName(i));

    std::map<std::string, std::string> placed;  // host -> the entry path that placed it
    bool unknown = false;                       // an entry named no host: which hosts it meant is unknown
    for (size_t r = 0; r < p.regions.size(); ++r) {
      const RegionSpec& region = p.regions[r];
      const std::string hosts_path = JoinKey(JoinIndex("platform.regions", r), "hosts");
      for (size_t e = 0; e < region.hosts.size(); ++e) {
        const std::string& entry = region.hosts[e];
        const std::string entry_path = JoinIndex(hosts_path, e);
        const Origin where =
            r < origins.hosts.size() && e < origins.hosts[r].size() ? origins.hosts[r][e] : Origin{};
        if (entry == "driver") {
          Fail(where, entry_path,
               "expected a service, a collector tier, a collector host (<tier>-<i>), 'storage' or a storage "
               "node (storage-<i>), got 'driver' (the load generator is always in the first region)");
          unknown = true;
          continue;
        }
        const std::vector<std::string> expanded = ExpandRegionEntry(s, entry);
        if (expanded.empty()) {
          std::string msg =
              "expected a service, a collector tier, a collector host (<tier>-<i>), 'storage' or a storage "
              "node (storage-<i>), got '" +
              entry + "'";
          if (std::string near = ClosestNameDetail(entry, names); !near.empty()) msg += " (" + near + ")";
          Fail(where, entry_path, msg);
          unknown = true;
          continue;
        }
        for (const std::string& host : expanded) {
          auto [it, inserted] = placed.emplace(host, entry_path);
          if (!inserted) {
            Fail(where, entry_path,
                 "host '" + host + "' is already placed by " + it->second +
                     " (every host is in exactly one region)");
            break;
          }
        }
      }
    }
    std::vector<std::string> missing;
    for (const std::string& host : hosts) {
      if (placed.count(host) == 0) missing.push_back(host);
    }
    if (!missing.empty() && !unknown) {
      std::string list;
      for (size_t i = 0; i < missing.size() && i < 10; ++i) list += (i == 0 ? "'" : ", '") + missing[i] + "'";
      if (missing.size() > 10) list += " and " + std::to_string(missing.size() - 10) + " more";
      Fail(origins.regions, "platform.regions",
           "every host must be in exactly one region; not in any region: " + list);
    }
  }

  if (p.topology == Topology::kFatTree) {
    uint64_t leaves = 1;
    for (unsigned d : p.fat_tree.down) leaves = std::min<uint64_t>(leaves * d, kMaxFatTreeLeaves + 1);
    const uint64_t needed = hosts.size() + 1;  // + the driver
    if (leaves < needed) {
      Fail(origins.fat_tree_down, "platform.fat_tree.down",
           "expected at least " + std::to_string(needed) + " leaves (the product of down), one per host: " +
               std::to_string(ServiceHostCount(s)) + " service hosts, " +
               std::to_string(hosts.size() - ServiceHostCount(s) - static_cast<size_t>(s.storage.nodes)) +
               " collector hosts, " + std::to_string(s.storage.nodes) +
               " storage nodes and the driver; got " + std::to_string(leaves));
    }
  }
}

}  // namespace tracesim::scenario::internal
