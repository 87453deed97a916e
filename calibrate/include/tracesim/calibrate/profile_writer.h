// The cost profile file `tracesim calibrate` writes, read back by the
// scenario loader (`tracing.costs.profile: <path>`, docs/scenario-reference.md):
//
//   name: calibrated
//   reference_flops: 1e9
//   span_start_ns: 29.12      # the ten CostProfile fields, ns per operation
//   ...
//   machine: {cpu_model, cores, compiler, compiler_flags, build_type, date, load_average}
//   method: {clock, repetitions, warmup_runs, ops_per_run, warm_heap}
//
// with comments giving, per field, the spread over the runs and the code path
// that ran.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "tracesim/calibrate/calibration.h"
#include "tracesim/calibrate/machine_info.h"

namespace tracesim::calibrate {

// The profile file's text. `warm_heap`: whether KeepFreedMemory() was in effect.
std::string FormatProfileYaml(const Calibration& calibration, const MachineInfo& machine, bool warm_heap);

// `s` as a YAML double-quoted scalar (", \ and control characters escaped).
std::string YamlQuote(std::string_view s);

}  // namespace tracesim::calibrate
