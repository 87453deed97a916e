// workload.replay: recorded traces turned into call trees the simulator
// re-executes (one request per recorded trace).
#pragma once

#include <string>
#include <vector>

#include "tracesim/pipeline/interner.h"
#include "tracesim/scenario/scenario.h"
#include "tracesim/status.h"

namespace tracesim::sim {

// One recorded span as a handler: its own work (the span's duration minus
// the union of its children's intervals within it), its status, and the
// calls it made, in start order.
struct ReplayNode {
  int service = 0;  // index into Scenario::services
  pipeline::OperationId operation = 0;
  double self_s = 0;
  bool error = false;
  // A recorded CONSUMER span (messaging): its caller sent it a message and
  // did not wait, so it is replayed as an asynchronous call.
  bool async = false;
  std::vector<ReplayNode> children;
};

struct ReplayTrace {
  double arrival_s = 0;  // root start relative to the first trace's, divided by rate_scale
  ReplayNode root;
};

struct ReplayLoad {
  std::vector<ReplayTrace> traces;  // by arrival
  uint64_t spans = 0;
  uint64_t extra_roots = 0;  // parentless spans besides each trace's first root (not replayed)
};

// Reads workload.replay.file. Recorded service names are matched to the
// scenario's services by name, or by the name `tracesim workload derive`
// gives them (SanitizeServiceName). Errors: the import's ("<file>: record
// N: ..."), or a recorded service that is not a scenario service.
StatusOr<ReplayLoad> LoadReplay(const scenario::Scenario& scenario, pipeline::Interner& interner);

}  // namespace tracesim::sim
