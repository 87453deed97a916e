#include "calibrate.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "tracesim/calibrate/calibration.h"
#include "tracesim/calibrate/machine_info.h"
#include "tracesim/calibrate/profile_writer.h"
#include "tracesim/calibrate/warm_heap.h"

namespace {

struct CalibrateArgs {
  std::string out = "profile.yaml";
  std::optional<int> repetitions;
  bool quick = false;
  std::string name = "calibrated";
};

int RunCalibrate(const CalibrateArgs& args) {
  // The output first, so that an unwritable path fails before the measurement.
  std::error_code ec;
  const std::filesystem::path out(args.out);
  if (out.has_parent_path()) std::filesystem::create_directories(out.parent_path(), ec);
  std::ofstream f(out);
  if (!f) {
    std::cerr << "tracesim: calibrate: cannot write " << args.out << "\n";
    return 1;
  }

  const bool warm_heap = tracesim::calibrate::KeepFreedMemory();
  tracesim::calibrate::CalibrationOptions options =
      args.quick ? tracesim::calibrate::QuickCalibrationOptions() : tracesim::calibrate::CalibrationOptions{};
  if (args.repetitions) options.measure.repetitions = *args.repetitions;
  options.profile_name = args.name;

  std::cout << "calibrating on this machine: " << options.measure.repetitions << " timed runs per code path"
            << (args.quick ? " (quick)" : "")
            << (warm_heap ? "" : "; warning: the heap could not be kept warm (figures include page faults)")
            << "\n"
            << std::flush;
  auto calibration = tracesim::calibrate::Calibrate(options);
  if (!calibration.ok()) {
    std::cerr << "tracesim: calibrate: " << calibration.status().message() << "\n";
    f.close();
    std::filesystem::remove(out, ec);
    return 1;
  }
  const tracesim::calibrate::MachineInfo machine = tracesim::calibrate::DescribeMachine();

  std::printf("%-31s %9s %21s  %s\n", "figure", "ns/op", "min-max over runs", "code path");
  for (const auto& p : calibration->paths) {
    const auto& m = p.measurement;
    std::printf("%-31s %9.2f %10.2f-%-10.2f  %s\n", p.key.c_str(), m.median_ns_per_op, m.min_ns_per_op,
                m.max_ns_per_op, p.code_path.c_str());
  }
  const auto& prof = calibration->profile;
  std::printf("profile: span_start_ns = %.2f (StartSpan minus the AlwaysOn decision), the others as above\n",
              prof.span_start_ns);
  const auto* always_on = tracesim::calibrate::FindPath(*calibration, "always_on_decision_ns");
  if (const auto* life = tracesim::calibrate::FindPath(*calibration, "span_lifecycle_ns");
      life && always_on) {
    std::printf(
        "cross-check: span_lifecycle_ns %.2f (hot cache) vs span_start + AlwaysOn + span_end + "
        "bsp_enqueue %.2f\n",
        life->measurement.median_ns_per_op,
        prof.span_start_ns + always_on->measurement.median_ns_per_op + prof.span_end_ns +
            prof.bsp_enqueue_ns);
  }
  std::fflush(stdout);

  f << tracesim::calibrate::FormatProfileYaml(*calibration, machine, warm_heap);
  f.close();
  if (!f) {
    std::cerr << "tracesim: calibrate: cannot write " << args.out << "\n";
    return 1;
  }
  std::cout << "wrote " << args.out << " (machine: " << machine.cpu_model << ", " << machine.cores
            << " cores, load average " << machine.load_average << ")\n";
  return 0;
}

}  // namespace

void RegisterCalibrateCommand(CLI::App& app) {
  auto args = std::make_shared<CalibrateArgs>();
  auto* cmd = app.add_subcommand(
      "calibrate",
      "Measure the CPU cost of the tracing code paths on this machine and write a cost profile "
      "(tracing.costs.profile)");
  cmd->add_option("--out", args->out, "Profile YAML file to write")->capture_default_str();
  cmd->add_option("--repetitions", args->repetitions,
                  "Timed runs per code path, the median is kept (default " +
                      std::to_string(tracesim::calibrate::CalibrationOptions{}.measure.repetitions) + "; " +
                      std::to_string(tracesim::calibrate::QuickCalibrationOptions().measure.repetitions) +
                      " with --quick)")
      ->check(CLI::Range(1, 10000));
  cmd->add_flag("--quick", args->quick, "Fewer runs (about half a second; noisier figures)");
  cmd->add_option("--name", args->name, "The profile's name")
      ->capture_default_str()
      ->check([](const std::string& s) {
        return s.empty() ? std::string("the profile name must not be empty") : std::string();
      });
  cmd->callback([args] { throw CLI::RuntimeError(RunCalibrate(*args)); });
}
