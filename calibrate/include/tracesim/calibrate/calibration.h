// `tracesim calibrate`: measures every code path a CostProfile prices
// (sdk_paths.h, collector_paths.h) with the thread CPU clock (cpu_timer.h)
// and turns the figures into a cost profile for this machine.
//
// The profile is in CPU nanoseconds per operation on this machine, with
// reference_flops = 1e9: the machine counts as a host of speed 1 Gf, so one
// nanosecond here is one flop of simulated work, and a simulated host of
// speed S runs an operation of c ns in c * 1e9 / S ns (scenario.h
// CostProfile; sim/ charges ns * 1e-9 * reference_flops flops).
//
// The parts of a span's SDK cost are measured apart because the simulation
// charges them apart (sim/src/simulation.cc: a sampled span costs
// span_start + sampler_decision + span_end + attributes * attribute_set +
// bsp_enqueue). span_start_ns is therefore StartSpan minus the AlwaysOn
// decision that StartSpan makes (its own path, "always_on_decision_ns"),
// span_end_ns is EndSpan with no processor behind the tracer, and the whole
// start + end through a Tracer with a BSP behind it is measured as a
// cross-check ("span_lifecycle_ns", compare with the sum of the parts). The
// cross-check runs each handler's spans back to back, so their data never
// leaves L1: it is the hot-cache lower bound, 25-30% below the sum of the parts,
// whose runs of 4096 spans let the data of a span leave L1 between its start
// and its end, as a handler that does its work in between does.
//
// Run it in a process that called KeepFreedMemory() (warm_heap.h), else the
// figures of the batch-sized paths include page faults.
//
// Thread-safety: Calibrate runs on the calling thread; it is thread-safe
// (no shared state) but its figures are only meaningful on a quiet core.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "tracesim/calibrate/cpu_timer.h"
#include "tracesim/pipeline/head_sampler_config.h"
#include "tracesim/scenario/scenario.h"
#include "tracesim/status.h"

namespace tracesim::calibrate {

struct CalibrationOptions {
  std::string profile_name = "calibrated";  // non-empty
  MeasureOptions measure;                   // ops per run, warm-up, repetitions K
  // The sampler whose decision sampler_decision_ns prices: the scenario
  // default (parentbased_always_on).
  pipeline::HeadSamplerConfig sampler;
};

// `--quick`: 5 repetitions after 1 warm-up run, 4096 operations per run
// (rounded up per path: the store path runs a whole 65536-span block);
// about half a second on the CI machine.
CalibrationOptions QuickCalibrationOptions();

// One measured path.
struct PathFigure {
  // The CostProfile field it feeds, or "always_on_decision_ns" (subtracted
  // from span_start_ns) or "span_lifecycle_ns" (the cross-check).
  std::string key;
  std::string code_path;  // what ran, e.g. "Tracer::StartSpan (AlwaysOn, BSP behind)"
  Measurement measurement;
};

struct Calibration {
  scenario::CostProfile profile;  // every field in ns on this machine, reference_flops 1e9
  std::vector<PathFigure> paths;  // in measurement order
  MeasureOptions measure;         // as used
};

// The figure of path `key` in `c`, or nullptr.
const PathFigure* FindPath(const Calibration& c, std::string_view key);

// Measures every path and derives the profile. `progress`, when set, is
// called with each path's key before it runs. Errors: invalid options, a path
// that failed (status()), and a difference field that came out <= 0 (the
// machine was too noisy: FailedPrecondition naming the field).
StatusOr<Calibration> Calibrate(const CalibrationOptions& options,
                                const std::function<void(std::string_view key)>& progress = {});

}  // namespace tracesim::calibrate
