// `tracesim workload derive <traces> [--format F] [--out scenario.yaml] ...`:
// builds a scenario (service call graph with fitted work distributions,
// arrival rate) from recorded traces (sim/workload_derive.h,
// docs/workload-derive.md).
#pragma once

#include <CLI/CLI.hpp>

// Adds the `workload` subcommand group to `app`. Its callbacks do the work
// and end the parse with CLI::RuntimeError(exit code), like `calibrate`.
void RegisterWorkloadCommand(CLI::App& app);
