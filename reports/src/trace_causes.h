// Internal to tracesim_reports: the causes of a broken trace that are not drop
// causes (TraceCounts::broken_by_cause in results.h). The other keys are
// pipeline::DropCauseName values.
#pragma once

#include "tracesim/reports/results.h"

namespace tracesim::reports::internal {

// The trace's spans reached more than one tail-sampling collector.
using ::tracesim::reports::kBrokenReroutedSplitTrace;
// Some of the trace's spans were still on the way when the run ended.
using ::tracesim::reports::kBrokenInFlight;
// A parent or child span was never sampled (inconsistent decisions within the trace).
using ::tracesim::reports::kBrokenUnsampledSpan;

}  // namespace tracesim::reports::internal
