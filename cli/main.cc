// The `tracesim` command line.
//
//   tracesim run SCENARIO [--out DIR] [--seed N] [--set key.path=value ...] [--no-baseline]
//   tracesim validate SCENARIO [--set key.path=value ...]
//   tracesim calibrate [--out profile.yaml] [--repetitions K] [--quick]
//   tracesim workload derive <traces> [--format F] [--out scenario.yaml]
//
// One simulation per process: `run` starts the overhead baseline (the same
// scenario and seed with tracing disabled) as a child process of this same
// executable, concurrently with its own simulation, and compares the two.
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "calibrate.h"
#include "workload.h"
#include "tracesim/reports/comparison.h"
#include "tracesim/reports/writers.h"
#include "tracesim/scenario/loader.h"
#include "tracesim/sim/run.h"

namespace {

using tracesim::Status;
using tracesim::StatusOr;

constexpr const char* kVersion = "0.1.0";

// Exit codes.
constexpr int kExitOk = 0;
constexpr int kExitError = 1;         // bad input, I/O error
constexpr int kExitLedgerBroken = 3;  // the span ledger did not balance: a bug in tracesim

StatusOr<tracesim::scenario::Scenario> Load(const std::string& path, const std::vector<std::string>& sets,
                                            std::optional<uint64_t> seed) {
  std::vector<tracesim::scenario::Override> overrides;
  for (const auto& s : sets) {
    auto o = tracesim::scenario::ParseOverride(s);
    if (!o.ok()) return o.status();
    overrides.push_back(*o);
  }
  auto sc = tracesim::scenario::LoadScenarioFile(path, overrides);
  if (sc.ok() && seed) sc->seed = *seed;
  return sc;
}

std::string SelfExe() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("tracesim") : p.string();
}

// Starts `tracesim run SCENARIO --out DIR --seed N --set ... <extra>` as a child process.
pid_t StartChild(const std::string& scenario, const std::vector<std::string>& sets, uint64_t seed,
                 const std::string& dir, const std::vector<std::string>& extra) {
  std::vector<std::string> args = {SelfExe(), "run", scenario, "--out", dir, "--seed", std::to_string(seed)};
  for (const auto& s : sets) {
    args.push_back("--set");
    args.push_back(s);
  }
  args.insert(args.end(), extra.begin(), extra.end());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::fflush(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    execv(argv[0], argv.data());
    std::perror("tracesim: cannot start a child run");
    _exit(127);
  }
  return pid;
}

StatusOr<tracesim::reports::Results> FinishChild(pid_t pid, const std::string& dir, const std::string& what) {
  int status = 0;
  if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Status::Internal(what + " failed; see its messages above");
  }
  return tracesim::reports::ReadResultsFile(dir + "/results.json");
}

// Runs every variant of the scenario in its own process (one after the
// other; each starts its own baseline) and writes the comparison.
int RunVariants(const tracesim::scenario::Scenario& sc, const std::string& path,
                const std::vector<std::string>& sets, const std::string& out, bool no_baseline, bool quiet) {
  std::vector<std::pair<std::string, tracesim::reports::Results>> runs;
  for (const auto& v : sc.variants) {
    std::vector<std::string> variant_sets = sets;
    for (const auto& [key, value] : v.set) variant_sets.push_back(key + "=" + value);
    std::vector<std::string> extra = {"--internal-variant", "--quiet"};
    if (no_baseline) extra.push_back("--no-baseline");
    const std::string dir = out + "/" + v.name;
    if (!quiet) std::cout << "variant " << v.name << " ..." << std::flush;
    auto r =
        FinishChild(StartChild(path, variant_sets, sc.seed, dir, extra), dir, "variant '" + v.name + "'");
    if (!r.ok()) {
      std::cerr << "\ntracesim: " << r.status().message() << "\n";
      return kExitError;
    }
    if (!quiet) std::cout << " done (" << r->run.wall_seconds << " s)\n";
    runs.emplace_back(v.name, std::move(r).value());
  }
  std::error_code ec;
  std::filesystem::create_directories(out, ec);
  for (const auto& [file, text] :
       {std::pair<std::string, std::string>{"variants.json", tracesim::reports::ToVariantsJson(runs)},
        {"variants.html", tracesim::reports::ToVariantsHtml(runs)}}) {
    std::ofstream f(out + "/" + file);
    f << text;
    if (!f) {
      std::cerr << "tracesim: cannot write " << out << "/" << file << "\n";
      return kExitError;
    }
  }
  if (!quiet) {
    std::cout << tracesim::reports::FormatVariantComparison(runs);
    std::cout << "outputs   " << out << "/variants.json, " << out << "/variants.html, " << out
              << "/<variant>/\n";
  }
  for (const auto& [name, r] : runs) {
    if (!r.spans.balanced()) return kExitLedgerBroken;
  }
  return kExitOk;
}

double Pct(double traced, double baseline) {
  return baseline > 0 ? (traced - baseline) / baseline * 100.0 : 0.0;
}

int Run(const std::string& path, const std::vector<std::string>& sets, std::optional<uint64_t> seed_opt,
        std::string out, bool no_baseline, bool internal_baseline, bool internal_variant, bool quiet) {
  auto sc = Load(path, sets, seed_opt);
  if (!sc.ok()) {
    std::cerr << "tracesim: " << sc.status().message() << "\n";
    return kExitError;
  }
  if (out.empty()) out = "out/" + sc->name;
  if (!sc->variants.empty() && !internal_variant && !internal_baseline) {
    return RunVariants(*sc, path, sets, out, no_baseline, quiet);
  }

  const bool want_baseline =
      !internal_baseline && !no_baseline && sc->tracing.enabled && sc->measurement.overhead_baseline;
  std::string baseline_dir;
  pid_t baseline_pid = -1;
  if (want_baseline) {
    baseline_dir = out + "/baseline";
    baseline_pid = StartChild(path, sets, sc->seed, baseline_dir, {"--internal-baseline", "--quiet"});
  }

  tracesim::sim::RunOptions options;
  options.force_tracing_disabled = internal_baseline;
  const auto wall_start = std::chrono::steady_clock::now();
  auto results = tracesim::sim::RunScenario(*sc, options);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  if (!results.ok()) {
    std::cerr << "tracesim: " << results.status().message() << "\n";
    if (baseline_pid > 0) waitpid(baseline_pid, nullptr, 0);
    return kExitError;
  }
  auto& r = *results;
  r.run.wall_seconds = wall;
  r.run.simulated_spans_per_wall_second = wall > 0 ? static_cast<double>(r.spans.generated) / wall : 0;
  r.run.tracesim_version = kVersion;

  if (baseline_pid > 0) {
    auto base = FinishChild(baseline_pid, baseline_dir, "the overhead baseline run (tracing disabled)");
    if (!base.ok()) {
      std::cerr << "tracesim: " << base.status().message() << "\n";
      return kExitError;
    }
    auto& o = r.overhead;
    o.measured = true;
    o.baseline_request_p50_ms = base->request_latency.p50_ms;
    o.baseline_request_p99_ms = base->request_latency.p99_ms;
    o.baseline_service_cpu_s = base->cpu.service_cpu_s;
    o.request_latency_p50_pct = Pct(r.request_latency.p50_ms, base->request_latency.p50_ms);
    o.request_latency_p99_pct = Pct(r.request_latency.p99_ms, base->request_latency.p99_ms);
    o.cpu_pct = Pct(r.cpu.service_cpu_s, base->cpu.service_cpu_s);
  }

  if (Status s = tracesim::reports::WriteRunOutputs(r, out); !s.ok()) {
    std::cerr << "tracesim: " << s.message() << "\n";
    return kExitError;
  }
  if (!quiet) {
    std::cout << tracesim::reports::FormatSummary(r);
    std::cout << "outputs   " << out << "/results.json, " << out << "/timeseries.csv, " << out
              << "/report.html\n";
  }
  if (!r.spans.balanced()) {
    std::cerr << "tracesim: internal error: the span ledger does not balance (imbalance " << r.spans.imbalance
              << "); please report this with the scenario\n";
    return kExitLedgerBroken;
  }
  return kExitOk;
}

int Validate(const std::string& path, const std::vector<std::string>& sets) {
  auto sc = Load(path, sets, std::nullopt);
  if (!sc.ok()) {
    std::cerr << "tracesim: " << sc.status().message() << "\n";
    return kExitError;
  }
  std::cout << path << ": ok (scenario '" << sc->name << "': " << sc->services.size() << " services, "
            << sc->collector_tiers.size() << " collector tier(s), " << sc->storage.nodes << " storage nodes, "
            << sc->failures.size() << " failures, " << sc->variants.size() << " variants, " << sc->duration_s
            << " s)\n";
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"tracesim: simulate and benchmark distributed-tracing pipelines"};
  app.require_subcommand(1);
  app.set_version_flag("--version", kVersion);

  std::string scenario_path, out;
  std::vector<std::string> sets;
  std::optional<uint64_t> seed;
  bool no_baseline = false, internal_baseline = false, internal_variant = false, quiet = false;

  auto* run =
      app.add_subcommand("run", "Run a scenario and write results.json, timeseries.csv and report.html");
  run->add_option("scenario", scenario_path, "Scenario YAML file")->required();
  run->add_option("--out", out, "Output folder (default: out/<scenario name>)");
  run->add_option("--seed", seed, "Override the scenario's seed");
  run->add_option("--set", sets, "Override a scenario key: --set key.path=value (repeatable)");
  run->add_flag("--no-baseline", no_baseline,
                "Skip the tracing-disabled baseline run (overhead not measured)");
  run->add_flag("--quiet", quiet, "Print nothing on success");
  run->add_flag("--internal-baseline", internal_baseline, "Run as the overhead baseline (tracing disabled)")
      ->group("");  // hidden: used by `run` itself
  run->add_flag("--internal-variant", internal_variant, "Run one variant (ignore the scenario's variants)")
      ->group("");

  auto* validate = app.add_subcommand("validate", "Check a scenario file and print a one-line summary");
  validate->add_option("scenario", scenario_path, "Scenario YAML file")->required();
  validate->add_option("--set", sets, "Override a scenario key: --set key.path=value (repeatable)");

  RegisterCalibrateCommand(app);  // cli/calibrate.cc: runs and exits from its own callback
  RegisterWorkloadCommand(app);   // cli/workload.cc: likewise

  CLI11_PARSE(app, argc, argv);
  if (*run)
    return Run(scenario_path, sets, seed, out, no_baseline, internal_baseline, internal_variant, quiet);
  if (*validate) return Validate(scenario_path, sets);
  return kExitError;
}
