#include "workload.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "tracesim/sim/trace_import.h"
#include "tracesim/sim/workload_derive.h"

namespace {

struct DeriveArgs {
  std::string input;
  std::string format;  // empty: detect
  std::string out;     // empty: stdout
  std::string distribution = "auto";
  std::string name = "derived";
  double min_edge_fraction = 0.05;
  double rate_scale = 1.0;
  double time_scale = 1.0;
  double default_rate = 100.0;
  double duration_s = 60.0;
  bool allow_missing_parents = false;
  bool alibaba_downstream_view = false;
};

int RunDerive(const DeriveArgs& args) {
  using namespace tracesim::sim;
  auto fail = [](const std::string& message) {
    std::cerr << "tracesim: workload derive: " << message << "\n";
    return 1;
  };
  tracesim::StatusOr<TraceFormat> format =
      args.format.empty() ? DetectTraceFormat(args.input) : ParseTraceFormat(args.format);
  if (!format.ok()) return fail(format.status().message());
  auto distribution = ParseWorkDistributionChoice(args.distribution);
  if (!distribution.ok()) return fail("--distribution: " + distribution.status().message());

  TraceImportOptions import;
  import.allow_missing_parents = args.allow_missing_parents;
  if (args.alibaba_downstream_view) import.alibaba_negative_rt = AlibabaNegativeRt::kDownstreamView;
  DeriveOptions options;
  options.distribution = *distribution;
  options.min_edge_fraction = args.min_edge_fraction;
  options.rate_scale = args.rate_scale;
  options.time_scale = args.time_scale;
  options.default_rate_per_s = args.default_rate;
  options.duration_s = args.duration_s;
  options.scenario_name = args.name;
  options.source = args.input;
  auto derived = DeriveWorkloadFromFile(args.input, *format, import, SelfTimeOptions{}, options);
  if (!derived.ok()) return fail(derived.status().message());
  for (const auto& w : derived->warnings) std::cerr << "tracesim: workload derive: warning: " << w << "\n";

  const std::string yaml = DerivedScenarioYaml(*derived, options);
  if (args.out.empty()) {
    std::cout << yaml;
    return 0;
  }
  std::error_code ec;
  const std::filesystem::path out(args.out);
  if (out.has_parent_path()) std::filesystem::create_directories(out.parent_path(), ec);
  std::ofstream f(out);
  f << yaml;
  f.close();
  if (!f) return fail("cannot write " + args.out);
  std::cerr << "wrote " << args.out << ": " << derived->services.size() << " services from "
            << derived->traces << " traces (" << derived->spans << " spans, " << TraceFormatName(*format)
            << ")\n";
  return 0;
}

}  // namespace

void RegisterWorkloadCommand(CLI::App& app) {
  auto* workload = app.add_subcommand("workload", "Work with recorded traces as workloads");
  workload->require_subcommand(1);
  auto args = std::make_shared<DeriveArgs>();
  auto* derive = workload->add_subcommand(
      "derive",
      "Derive a scenario (call graph, fitted per-service work, arrival rate) from recorded traces "
      "(OTLP JSON, Jaeger JSON, Zipkin v2 JSON, Alibaba CSV)");
  derive->add_option("traces", args->input, "The recorded traces")->required()->check(CLI::ExistingFile);
  derive->add_option("--format", args->format,
                     "otlp_json, jaeger_json, zipkin_json or alibaba_csv (default: detected from the file)");
  derive->add_option("--out", args->out, "Scenario YAML to write (default: standard output)");
  derive->add_option("--distribution", args->distribution, "auto, lognormal, exponential or constant")
      ->capture_default_str();
  derive->add_option("--name", args->name, "The scenario's name")->capture_default_str();
  derive
      ->add_option("--min-edge-fraction", args->min_edge_fraction,
                   "Keep a call only if it appears in at least this fraction of the caller's invocations")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  derive->add_option("--rate-scale", args->rate_scale, "Multiply the observed arrival rate")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  derive->add_option("--time-scale", args->time_scale, "Multiply every fitted work time")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  derive
      ->add_option("--default-rate", args->default_rate,
                   "Arrival rate when the traces cannot give one (fewer than 2 root spans)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  derive->add_option("--duration", args->duration_s, "The scenario's duration in seconds")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  derive->add_flag("--allow-missing-parents", args->allow_missing_parents,
                   "Keep spans whose parent is not in the file (orphans) instead of failing");
  derive->add_flag("--alibaba-downstream-view", args->alibaba_downstream_view,
                   "Alibaba CSV: read a negative rt as the downstream's record of the call");
  derive->callback([args] { throw CLI::RuntimeError(RunDerive(*args)); });
}
