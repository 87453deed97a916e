// Runs one scenario under SimGrid, in this process.
//
// SimGrid's Engine is one per process and its clock never resets: RunScenario
// may be called at most once per process. Anything that needs several
// simulations (overhead baseline, sweeps, benchmarks) starts a process each.
#pragma once

#include "tracesim/reports/results.h"
#include "tracesim/scenario/scenario.h"
#include "tracesim/status.h"

namespace tracesim::sim {

struct RunOptions {
  // Runs with tracing disabled whatever the scenario says: the overhead
  // baseline (same scenario, same seed, no spans, no tracing CPU).
  bool force_tracing_disabled = false;
  // SimGrid log threshold ("critical", "error", "warning", "info", ...).
  std::string simgrid_log_threshold = "critical";
};

// REQUIRES: not called before in this process. Returns the run's results
// (overhead is left unmeasured: the caller compares with a baseline run).
StatusOr<reports::Results> RunScenario(const scenario::Scenario& scenario, const RunOptions& options = {});

}  // namespace tracesim::sim
