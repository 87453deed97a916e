// Builds the SimGrid platform a scenario describes.
#pragma once

#include <map>
#include <simgrid/s4u.hpp>
#include <string>
#include <vector>

#include "tracesim/scenario/scenario.h"
#include "tracesim/status.h"

namespace tracesim::sim {

struct Platform {
  // One host per service replica: the services in Scenario::services order,
  // each one's replicas in order (ServiceHostName).
  std::vector<simgrid::s4u::Host*> services;
  // Per collector tier: <tier>-<i>, the tier's count plus one spare host per
  // scale_out event of the tier (spares are off until scaled out).
  std::vector<std::vector<simgrid::s4u::Host*>> tiers;
  std::vector<simgrid::s4u::Host*> storage;  // storage-<i>
  simgrid::s4u::Host* driver = nullptr;  // runs the workload generator and the fault injector; never fails

  // topology: multi_region — the regions in scenario order, and each host's
  // region (an index into `regions`; the driver is in region 0). Empty for
  // the other topologies.
  std::vector<std::string> regions;
  std::map<std::string, int> region_of_host;

  // The host a failure target names, or nullptr.
  simgrid::s4u::Host* Find(const std::string& name) const;
  // The region index of host `name`, or -1 (topology is not multi_region, or no such host).
  int RegionOf(const std::string& name) const;
};

// Sets the network model: call before the platform is built.
Status ConfigureNetworkModel(const std::string& model);

// Topologies (docs/topologies.md): star, two_tier, multi_region (links
// <host>-link and wan-<a>-<b>), fat_tree (SimGrid's fat-tree cluster; hosts
// on its leaves in the order services, collector hosts, storage nodes,
// driver). REQUIRES: an Engine exists and no platform was built yet; the
// scenario was validated by the loader (regions place every host once, the
// fat tree has a leaf per host).
StatusOr<Platform> BuildPlatform(const scenario::Scenario& scenario);

}  // namespace tracesim::sim
