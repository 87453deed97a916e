// Internal to tracesim_reports: the causes of a broken trace that are not drop
// causes (TraceCounts::broken_by_cause in results.h). The other keys are
// pipeline::DropCauseName values.
#pragma once

namespace tracesim::reports::internal {

// The trace's spans reached more than one tail-sampling collector.
inline constexpr const char* kBrokenReroutedSplitTrace = "rerouted_split_trace";
// Some of the trace's spans were still on the way when the run ended.
inline constexpr const char* kBrokenInFlight = "in_flight";

}  // namespace tracesim::reports::internal
