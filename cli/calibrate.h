// `tracesim calibrate [--out profile.yaml] [--repetitions K] [--quick] [--name NAME]`:
// measures the code paths a cost profile prices on this machine
// (calibrate/calibration.h) and writes the profile YAML
// (calibrate/profile_writer.h) that a scenario names with
// `tracing.costs.profile: <path>`.
#pragma once

#include <CLI/CLI.hpp>

// Adds the `calibrate` subcommand to `app`. Its callback does the work and
// ends the parse with CLI::RuntimeError(exit code), which CLI11_PARSE turns
// into main's return value (0 on success, 1 on an error, printed to stderr).
void RegisterCalibrateCommand(CLI::App& app);
