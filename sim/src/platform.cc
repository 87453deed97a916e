#include "platform.h"

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace tracesim::sim {
namespace sg4 = simgrid::s4u;
using scenario::LinkSpec;

namespace {

// A link as it appears in routes. A split-duplex link is two shared links
// (up and down traffic do not contend): the route names the direction.
sg4::LinkInRoute MakeLink(sg4::NetZone* zone, const std::string& name, const LinkSpec& spec,
                          sg4::LinkInRoute::Direction direction = sg4::LinkInRoute::Direction::UP) {
  if (spec.sharing == LinkSpec::Sharing::kSplitDuplex) {
    sg4::SplitDuplexLink* link = zone->create_split_duplex_link(name, spec.bandwidth_bytes_per_s);
    link->set_latency(spec.latency_s)->seal();
    return sg4::LinkInRoute(link, direction);
  }
  sg4::Link* link = zone->create_link(name, spec.bandwidth_bytes_per_s)->set_latency(spec.latency_s);
  link->set_sharing_policy(spec.sharing == LinkSpec::Sharing::kFatpipe ? sg4::Link::SharingPolicy::FATPIPE
                                                                       : sg4::Link::SharingPolicy::SHARED);
  return sg4::LinkInRoute(link->seal());
}

struct HostSpec {
  std::string name;
  double speed;
  int rack;             // 0 services, 1 collectors, 2 storage, 3 driver
  int tier = -1;        // collectors: the tier index
  std::string service;  // services: the service this host is a replica of
};

// Storage nodes get their disk (storage.disk) before the host is sealed.
sg4::Host* CreateHost(sg4::NetZone* zone, const HostSpec& h, const scenario::Scenario& sc) {
  sg4::Host* host = zone->create_host(h.name, h.speed);
  if (h.rack == 2) {
    host->create_disk("disk", sc.storage.disk.read_bytes_per_s, sc.storage.disk.write_bytes_per_s)->seal();
  }
  return host->seal();
}

int TierHostCount(const scenario::Scenario& sc, size_t t) {
  int n = sc.collector_tiers[t].count;
  for (const auto& f : sc.failures) {
    if (f.type == scenario::FailureType::kScaleOut && f.target == sc.collector_tiers[t].name) ++n;
  }
  return n;
}

// The inbound direction of a link in a route (split-duplex links only).
sg4::LinkInRoute Down(const sg4::LinkInRoute& l) {
  return l.get_direction() == sg4::LinkInRoute::Direction::NONE
             ? l
             : sg4::LinkInRoute(l.get_link(), sg4::LinkInRoute::Direction::DOWN);
}

// Star: every host has its own link to one switch; a transfer crosses the
// sender's link and the receiver's link.
std::vector<sg4::Host*> BuildStar(const scenario::Scenario& sc, const std::vector<HostSpec>& hosts) {
  std::vector<sg4::Host*> created;
  sg4::NetZone* zone = sg4::create_star_zone("platform");
  for (const auto& h : hosts) {
    sg4::Host* host = CreateHost(zone, h, sc);
    // Star zone: the link is used UP leaving the host and DOWN entering it.
    zone->add_route(host->get_netpoint(), nullptr, nullptr, nullptr,
                    {MakeLink(zone, h.name + "-link", sc.platform.host_link)}, true);
    created.push_back(host);
  }
  zone->seal();
  return created;
}

// Two tiers: services, collectors and storage each sit in a rack; a transfer
// inside a rack crosses the two host links, a transfer between racks also
// crosses both racks' uplinks to the backbone.
std::vector<sg4::Host*> BuildTwoTier(const scenario::Scenario& sc, const std::vector<HostSpec>& hosts) {
  std::vector<sg4::Host*> created;
  sg4::NetZone* zone = sg4::create_full_zone("platform");
  std::vector<sg4::LinkInRoute> host_links;
  std::vector<sg4::LinkInRoute> uplinks;
  for (int r = 0; r < 4; ++r)
    uplinks.push_back(MakeLink(zone, "rack" + std::to_string(r) + "-uplink", sc.platform.backbone));
  for (const auto& h : hosts) {
    created.push_back(CreateHost(zone, h, sc));
    host_links.push_back(MakeLink(zone, h.name + "-link", sc.platform.host_link));
  }
  for (size_t a = 0; a < hosts.size(); ++a) {
    for (size_t b = a + 1; b < hosts.size(); ++b) {
      // a -> b goes up a's links and down b's (split-duplex directions).
      std::vector<sg4::LinkInRoute> route{host_links[a]};
      if (hosts[a].rack != hosts[b].rack) {
        route.push_back(uplinks[hosts[a].rack]);
        route.push_back(Down(uplinks[hosts[b].rack]));
      }
      route.push_back(Down(host_links[b]));
      zone->add_route(created[a]->get_netpoint(), created[b]->get_netpoint(), nullptr, nullptr, route, true);
    }
  }
  zone->seal();
  return created;
}

// The region of every host (hosts' order; the driver in region 0), from the
// regions' entries: a service, a tier (all its hosts), <tier>-<i>, "storage"
// (every node) or storage-<i>. Error when an entry names no host or a host
// is placed twice or not at all (the loader reports these with positions).
StatusOr<std::vector<int>> AssignRegions(const scenario::Scenario& sc, const std::vector<HostSpec>& hosts) {
  const auto& regions = sc.platform.regions;
  if (regions.empty())
    return Status::InvalidArgument("platform.regions: topology multi_region needs regions");
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < hosts.size(); ++i) index[hosts[i].name] = i;
  std::vector<int> region(hosts.size(), -1);
  region.back() = 0;  // the driver (never named by an entry)
  for (size_t r = 0; r < regions.size(); ++r) {
    for (const std::string& entry : regions[r].hosts) {
      std::vector<size_t> named;
      if (auto it = index.find(entry); it != index.end() && hosts[it->second].rack != 3) {
        named.push_back(it->second);
      } else {
        for (size_t i = 0; i < hosts.size(); ++i) {
          const HostSpec& h = hosts[i];
          const bool tier = h.rack == 1 && sc.collector_tiers[static_cast<size_t>(h.tier)].name == entry;
          const bool service = h.rack == 0 && h.service == entry;  // every replica of the service
          if (tier || service || (h.rack == 2 && entry == "storage")) named.push_back(i);
        }
      }
      if (named.empty()) {
        return Status::InvalidArgument("platform.regions[" + std::to_string(r) + "]: '" + entry +
                                       "' names no service, collector tier, collector host or storage node");
      }
      for (size_t i : named) {
        if (region[i] >= 0) {
          return Status::InvalidArgument("platform.regions[" + std::to_string(r) + "]: host '" +
                                         hosts[i].name + "' is already in region '" +
                                         regions[static_cast<size_t>(region[i])].name + "'");
        }
        region[i] = static_cast<int>(r);
      }
    }
  }
  for (size_t i = 0; i < hosts.size(); ++i) {
    if (region[i] < 0) {
      return Status::InvalidArgument("platform.regions: host '" + hosts[i].name + "' is in no region");
    }
  }
  return region;
}

// Multi-region: every host has its own link <host>-link to its region's
// switch; each pair of regions is joined by one WAN link wan-<a>-<b> (names
// sorted). A transfer inside a region crosses the two host links, one
// between regions crosses sender's link, the pair's WAN link and the
// receiver's link. Split-duplex WAN links are used UP from the region whose
// name sorts first.
std::vector<sg4::Host*> BuildMultiRegion(const scenario::Scenario& sc, const std::vector<HostSpec>& hosts,
                                         const std::vector<int>& region) {
  const auto& regions = sc.platform.regions;
  std::vector<sg4::Host*> created;
  sg4::NetZone* zone = sg4::create_full_zone("platform");
  std::vector<sg4::LinkInRoute> host_links;
  for (const auto& h : hosts) {
    created.push_back(CreateHost(zone, h, sc));
    host_links.push_back(MakeLink(zone, h.name + "-link", sc.platform.host_link));
  }
  // wan[ra][rb], ra != rb: the link in the direction ra -> rb.
  const size_t n = regions.size();
  std::vector<std::vector<sg4::LinkInRoute>> wan(n);
  for (size_t ra = 0; ra < n; ++ra) wan[ra].resize(n, sg4::LinkInRoute(nullptr));
  for (size_t ra = 0; ra < n; ++ra) {
    for (size_t rb = ra + 1; rb < n; ++rb) {
      const bool ordered = regions[ra].name < regions[rb].name;
      const std::string& first = ordered ? regions[ra].name : regions[rb].name;
      const std::string& second = ordered ? regions[rb].name : regions[ra].name;
      const sg4::LinkInRoute up = MakeLink(zone, "wan-" + first + "-" + second, sc.platform.wan);
      wan[ra][rb] = ordered ? up : Down(up);
      wan[rb][ra] = ordered ? Down(up) : up;
    }
  }
  for (size_t a = 0; a < hosts.size(); ++a) {
    for (size_t b = a + 1; b < hosts.size(); ++b) {
      std::vector<sg4::LinkInRoute> route{host_links[a]};
      const auto ra = static_cast<size_t>(region[a]);
      const auto rb = static_cast<size_t>(region[b]);
      if (ra != rb) route.push_back(wan[ra][rb]);
      route.push_back(Down(host_links[b]));
      zone->add_route(created[a]->get_netpoint(), created[b]->get_netpoint(), nullptr, nullptr, route, true);
    }
  }
  zone->seal();
  return created;
}

sg4::Link::SharingPolicy Policy(LinkSpec::Sharing s) {
  switch (s) {
    case LinkSpec::Sharing::kFatpipe:
      return sg4::Link::SharingPolicy::FATPIPE;
    case LinkSpec::Sharing::kSplitDuplex:
      return sg4::Link::SharingPolicy::SPLITDUPLEX;
    case LinkSpec::Sharing::kShared:
      break;
  }
  return sg4::Link::SharingPolicy::SHARED;
}

// Loopback of a fat-tree leaf (a transfer from a host to itself): SimGrid's
// default loopback, 10 GBps and no latency, not shared.
constexpr double kLoopbackBandwidth = 10e9;

// Fat tree: SimGrid's fat-tree cluster (FatTreeParams from platform.fat_tree)
// whose links all have platform.host_link's bandwidth, latency and sharing,
// plus one limiter <host>-link per leaf. Leaves are given in order to the
// hosts (services, collector hosts, storage nodes, driver); leaves beyond
// them hold routers named _leaf-<i>.
StatusOr<std::vector<sg4::Host*>> BuildFatTree(const scenario::Scenario& sc,
                                               const std::vector<HostSpec>& hosts) {
  const scenario::FatTreeSpec& ft = sc.platform.fat_tree;
  const auto levels = static_cast<size_t>(ft.levels);
  if (ft.levels < 1 || ft.down.size() != levels || ft.up.size() != levels || ft.link_count.size() != levels) {
    return Status::InvalidArgument("platform.fat_tree: down, up and link_count need one entry per level");
  }
  uint64_t leaves = 1;
  for (unsigned d : ft.down) leaves *= d;
  if (leaves < hosts.size()) {
    return Status::InvalidArgument("platform.fat_tree: " + std::to_string(leaves) + " leaves for " +
                                   std::to_string(hosts.size()) + " hosts");
  }
  std::vector<sg4::Host*> created(hosts.size(), nullptr);
  auto leaf_name = [&](unsigned long id) {
    return id < hosts.size() ? hosts[id].name : "_leaf-" + std::to_string(id);
  };
  // Each leaf's limiter is the host's own link <host>-link (host_link's
  // bandwidth, no latency): every transfer of the host crosses it, so link
  // failures can name it as in the other topologies; a lone transfer's time
  // is that of the tree links alone. SimGrid uses one limiter link for both
  // directions: a split_duplex host_link gives a shared <host>-link.
  const sg4::Link::SharingPolicy limiter_sharing =
      sc.platform.host_link.sharing == LinkSpec::Sharing::kFatpipe ? sg4::Link::SharingPolicy::FATPIPE
                                                                   : sg4::Link::SharingPolicy::SHARED;
  // The callbacks see (level, position) coordinates: level 0 are the leaves.
  auto element_name = [&](const std::vector<unsigned long>& coord) {
    return coord.at(0) == 0 ? leaf_name(coord.at(1))
                            : "_switch-" + std::to_string(coord.at(0)) + "-" + std::to_string(coord.at(1));
  };
  sg4::ClusterCallbacks callbacks(
      [&](sg4::NetZone* zone, const std::vector<unsigned long>& /*coord*/, unsigned long id)
          -> std::pair<simgrid::kernel::routing::NetPoint*, simgrid::kernel::routing::NetPoint*> {
        if (id < hosts.size()) {
          created[id] = CreateHost(zone, hosts[id], sc);
          return {created[id]->get_netpoint(), nullptr};
        }
        return {zone->create_router(leaf_name(id)), nullptr};
      },
      [&](sg4::NetZone* zone, const std::vector<unsigned long>& coord, unsigned long /*id*/) -> sg4::Link* {
        return zone->create_link(element_name(coord) + "-loopback", kLoopbackBandwidth)
            ->set_latency(0)
            ->set_sharing_policy(sg4::Link::SharingPolicy::FATPIPE)
            ->seal();
      },
      [&](sg4::NetZone* zone, const std::vector<unsigned long>& coord, unsigned long /*id*/) -> sg4::Link* {
        // SimGrid gives switches a limiter too: a fatpipe at the host link's
        // bandwidth, which never binds (every flow also crosses tree links).
        const bool leaf = coord.at(0) == 0;
        return zone
            ->create_link(element_name(coord) + (leaf ? "-link" : "-limiter"),
                          sc.platform.host_link.bandwidth_bytes_per_s)
            ->set_latency(0)
            ->set_sharing_policy(leaf ? limiter_sharing : sg4::Link::SharingPolicy::FATPIPE)
            ->seal();
      });
  const sg4::FatTreeParams params(ft.levels, ft.down, ft.up, ft.link_count);
  sg4::NetZone* zone = sg4::create_fatTree_zone(
      "platform", nullptr, params, callbacks, sc.platform.host_link.bandwidth_bytes_per_s,
      sc.platform.host_link.latency_s, Policy(sc.platform.host_link.sharing));
  zone->seal();
  return created;
}

}  // namespace

sg4::Host* Platform::Find(const std::string& name) const {
  std::vector<const std::vector<sg4::Host*>*> lists = {&services, &storage};
  for (const auto& t : tiers) lists.push_back(&t);
  for (const auto* list : lists) {
    for (sg4::Host* h : *list) {
      if (h->get_name() == name) return h;
    }
  }
  return nullptr;
}

int Platform::RegionOf(const std::string& name) const {
  auto it = region_of_host.find(name);
  return it == region_of_host.end() ? -1 : it->second;
}

Status ConfigureNetworkModel(const std::string& model) {
  if (model == "LV08" || model == "CM02") {
    sg4::Engine::set_config("network/model:" + model);
  } else if (model == "constant") {
    sg4::Engine::set_config("network/model:Constant");
  } else {
    return Status::InvalidArgument("platform.network_model: expected LV08, CM02 or constant, got '" + model +
                                   "'");
  }
  return Status::Ok();
}

StatusOr<Platform> BuildPlatform(const scenario::Scenario& sc) {
  std::vector<HostSpec> hosts;
  for (const auto& s : sc.services) {
    for (int r = 0; r < s.replicas; ++r)
      hosts.push_back({scenario::ServiceHostName(s, r), s.host_speed_flops, 0, -1, s.name});
  }
  for (size_t t = 0; t < sc.collector_tiers.size(); ++t) {
    const auto& tier = sc.collector_tiers[t];
    const int hosts_in_tier = TierHostCount(sc, t);
    for (int i = 0; i < hosts_in_tier; ++i)
      hosts.push_back({scenario::TierHostName(tier.name, i), tier.host_speed_flops, 1, static_cast<int>(t)});
  }
  for (int i = 0; i < sc.storage.nodes; ++i)
    hosts.push_back({scenario::StorageHostName(i), sc.storage.host_speed_flops, 2});
  hosts.push_back({"driver", 1e9, 3});

  Platform p;
  p.tiers.resize(sc.collector_tiers.size());
  std::vector<sg4::Host*> created;
  switch (sc.platform.topology) {
    case scenario::Topology::kStar:
      created = BuildStar(sc, hosts);
      break;
    case scenario::Topology::kTwoTier:
      created = BuildTwoTier(sc, hosts);
      break;
    case scenario::Topology::kMultiRegion: {
      StatusOr<std::vector<int>> region = AssignRegions(sc, hosts);
      if (!region.ok()) return region.status();
      for (const auto& r : sc.platform.regions) p.regions.push_back(r.name);
      for (size_t i = 0; i < hosts.size(); ++i) p.region_of_host[hosts[i].name] = (*region)[i];
      created = BuildMultiRegion(sc, hosts, *region);
      break;
    }
    case scenario::Topology::kFatTree: {
      StatusOr<std::vector<sg4::Host*>> tree = BuildFatTree(sc, hosts);
      if (!tree.ok()) return tree.status();
      created = std::move(*tree);
      break;
    }
  }
  size_t k = 0;
  for (const auto& h : hosts) {
    sg4::Host* host = created[k++];
    switch (h.rack) {
      case 0:
        p.services.push_back(host);
        break;
      case 1:
        p.tiers[h.tier].push_back(host);
        break;
      case 2:
        p.storage.push_back(host);
        break;
      default:
        p.driver = host;
        break;
    }
  }
  return p;
}

}  // namespace tracesim::sim
