#include "platform.h"

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
  int rack;       // 0 services, 1 collectors, 2 storage, 3 driver
  int tier = -1;  // collectors: the tier index
};

// Storage nodes get their disk (storage.disk) before the host is sealed.
sg4::Host* CreateHost(sg4::NetZone* zone, const HostSpec& h, const scenario::Scenario& sc) {
  sg4::Host* host = zone->create_host(h.name, h.speed);
  if (h.rack == 2) {
    host->create_disk("disk", sc.storage.disk.read_bytes_per_s, sc.storage.disk.write_bytes_per_s)->seal();
  }
  return host->seal();
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
  for (const auto& s : sc.services) hosts.push_back({s.name, s.host_speed_flops, 0});
  for (size_t t = 0; t < sc.collector_tiers.size(); ++t) {
    const auto& tier = sc.collector_tiers[t];
    int hosts_in_tier = tier.count;
    for (const auto& f : sc.failures) {
      if (f.type == scenario::FailureType::kScaleOut && f.target == tier.name) ++hosts_in_tier;
    }
    for (int i = 0; i < hosts_in_tier; ++i)
      hosts.push_back({scenario::TierHostName(tier.name, i), tier.host_speed_flops, 1, static_cast<int>(t)});
  }
  for (int i = 0; i < sc.storage.nodes; ++i)
    hosts.push_back({scenario::StorageHostName(i), sc.storage.host_speed_flops, 2});
  hosts.push_back({"driver", 1e9, 3});

  Platform p;
  p.tiers.resize(sc.collector_tiers.size());
  std::vector<sg4::Host*> created;
  if (sc.platform.topology == scenario::Topology::kStar) {
    // Every host has its own link to one switch; a transfer crosses the
    // sender's link and the receiver's link.
    sg4::NetZone* zone = sg4::create_star_zone("platform");
    for (const auto& h : hosts) {
      sg4::Host* host = CreateHost(zone, h, sc);
      // Star zone: the link is used UP leaving the host and DOWN entering it.
      zone->add_route(host->get_netpoint(), nullptr, nullptr, nullptr,
                      {MakeLink(zone, h.name + "-link", sc.platform.host_link)}, true);
      created.push_back(host);
    }
    zone->seal();
  } else {
    // Two tiers: services, collectors and storage each sit in a rack; a
    // transfer inside a rack crosses the two host links, a transfer between
    // racks also crosses both racks' uplinks to the backbone.
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
        auto down = [](sg4::LinkInRoute l) {
          return l.get_direction() == sg4::LinkInRoute::Direction::NONE
                     ? l
                     : sg4::LinkInRoute(l.get_link(), sg4::LinkInRoute::Direction::DOWN);
        };
        std::vector<sg4::LinkInRoute> route{host_links[a]};
        if (hosts[a].rack != hosts[b].rack) {
          route.push_back(uplinks[hosts[a].rack]);
          route.push_back(down(uplinks[hosts[b].rack]));
        }
        route.push_back(down(host_links[b]));
        zone->add_route(created[a]->get_netpoint(), created[b]->get_netpoint(), nullptr, nullptr, route,
                        true);
      }
    }
    zone->seal();
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
