#include "tracesim/sim/run.h"

#include <simgrid/s4u.hpp>

#include "call_graph.h"
#include "platform.h"
#include "simulation.h"

namespace tracesim::sim {
namespace sg4 = simgrid::s4u;

StatusOr<reports::Results> RunScenario(const scenario::Scenario& scenario, const RunOptions& options) {
  static bool ran = false;
  if (ran) {
    return Status::FailedPrecondition(
        "RunScenario: one simulation per process (SimGrid's engine clock never resets); start a new process");
  }
  ran = true;

  std::vector<std::string> args = {"tracesim", "--log=root.thresh:" + options.simgrid_log_threshold,
                                   "--log=xbt_cfg.thresh:" + options.simgrid_log_threshold};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  int argc = static_cast<int>(argv.size());
  sg4::Engine engine(&argc, argv.data());
  // Many short request actors: keep their stacks small.
  sg4::Engine::set_config("contexts/stack-size:128");

  if (Status s = ConfigureNetworkModel(scenario.platform.network_model); !s.ok()) return s;
  auto graph = ServiceCallGraph::Build(scenario);
  if (!graph.ok()) return graph.status();
  auto platform = BuildPlatform(scenario);
  if (!platform.ok()) return platform.status();

  const bool tracing = scenario.tracing.enabled && !options.force_tracing_disabled;
  Simulation simulation(scenario, tracing, std::move(platform).value(), std::move(graph).value());
  if (Status s = simulation.Start(); !s.ok()) return s;
  engine.run();
  return simulation.results();
}

}  // namespace tracesim::sim
