// Builds the SimGrid platform a scenario describes.
#pragma once

#include <simgrid/s4u.hpp>
#include <string>
#include <vector>

#include "tracesim/scenario/scenario.h"
#include "tracesim/status.h"

namespace tracesim::sim {

struct Platform {
  std::vector<simgrid::s4u::Host*> services;  // one host per service, same order as Scenario::services
  // Per collector tier: <tier>-<i>, the tier's count plus one spare host per
  // scale_out event of the tier (spares are off until scaled out).
  std::vector<std::vector<simgrid::s4u::Host*>> tiers;
  std::vector<simgrid::s4u::Host*> storage;  // storage-<i>
  simgrid::s4u::Host* driver = nullptr;  // runs the workload generator and the fault injector; never fails

  // The host a failure target names, or nullptr.
  simgrid::s4u::Host* Find(const std::string& name) const;
};

// Sets the network model: call before the platform is built.
Status ConfigureNetworkModel(const std::string& model);

// REQUIRES: an Engine exists and no platform was built yet.
StatusOr<Platform> BuildPlatform(const scenario::Scenario& scenario);

}  // namespace tracesim::sim
