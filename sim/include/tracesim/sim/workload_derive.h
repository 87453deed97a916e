// Derives a scenario workload (services, call graph, per-service work distributions and error rates,
// entry service and request rate) from recorded traces: the logic of `tracesim workload derive`.
//
// The deriver streams: WorkloadDeriver::Add folds one trace at a time into aggregates (counters, a
// log-linear histogram and running moments per service, per (service, operation) and per call edge),
// so memory grows with the number of distinct services, operations and edges, never with the number
// of traces. Finish turns the aggregates into scenario::ServiceSpec / WorkloadSpec values plus the
// statistics behind them; DerivedScenarioYaml writes a scenario file that LoadScenarioFile accepts.
//
// The model and every choice (what "self time" is, how client/server pairs become one call, how
// same-service spans fold, which errors count, how cycles are broken) are documented in
// docs/workload-derive.md. In brief:
//   - An *invocation* of service S is a span of S whose parent is absent, not in the trace, or in
//     another service, together with all its descendants in S reached through spans of S (its
//     *local spans*). One invocation is one run of S's handler in the scenario.
//   - A span's self time is its duration minus the union of its children's intervals clipped to it
//     (overlapping children count once). An invocation's work is the sum of the self times of its
//     local spans, except *call spans* (CLIENT/PRODUCER spans with a child in another service),
//     whose self time is network and queueing, which the simulator models itself.
//   - A call edge S -> T counts the invocations of T whose parent span is a local span of an
//     invocation of S (so a CLIENT span and the SERVER span it calls are one call).
//
// Thread-safety: not thread-safe; a WorkloadDeriver is used by one thread at a time. The free
// functions are reentrant.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "tracesim/reports/histogram.h"
#include "tracesim/scenario/scenario.h"
#include "tracesim/sim/trace_import.h"
#include "tracesim/status.h"

namespace tracesim::sim {

// Which work distribution Finish writes for each service.
enum class WorkDistributionChoice {
  kAuto,         // lognormal (MLE fit); a YAML note marks services whose cv is within 5 % of 1
  kLogNormal,    // lognormal (MLE fit)
  kExponential,  // exponential with the sample mean
  kConstant,     // constant at the sample mean
};
// Every choice falls back to constant when it cannot be fitted: lognormal with fewer than 2 positive
// self times or a fitted sigma below kMinLogNormalSigma, exponential and lognormal with a zero mean.
inline constexpr double kMinLogNormalSigma = 1e-6;

// "auto", "lognormal", "exponential", "constant".
const char* WorkDistributionChoiceName(WorkDistributionChoice choice);
// Inverse of WorkDistributionChoiceName; an unknown name is kInvalidArgument listing the valid names.
StatusOr<WorkDistributionChoice> ParseWorkDistributionChoice(std::string_view name);

// How WorkloadDeriver::Add measures work; fixed for the deriver's lifetime.
struct SelfTimeOptions {
  // A CLIENT/PRODUCER span with no recorded child waits on an untraced dependency (a database, a
  // cache, an external API). The scenario has no service for it: true counts its time as the
  // handler's work (keeps request latency), false leaves it out (keeps handler CPU).
  bool untraced_calls_as_work = true;
};

struct DeriveOptions {
  WorkDistributionChoice distribution = WorkDistributionChoice::kAuto;
  // A call edge S -> T is kept when at least this fraction of S's invocations make the call; rarer
  // edges are dropped (listed in DerivedWorkload::dropped_edges). In [0, 1].
  double min_edge_fraction = 0.05;
  // The request rate when the traces do not give one (fewer than 2 traces rooted at the entry
  // service, or all of them starting at the same instant, as with times relative to each trace).
  // > 0; multiplied by rate_scale like a derived rate.
  double default_rate_per_s = 100.0;
  double time_scale = 1.0;  // multiplies every work mean (> 0): e.g. 0.5 for a host twice as fast
  double rate_scale = 1.0;  // multiplies the request rate (> 0)
  // Written into the scenario.
  std::string scenario_name = "derived";  // non-empty
  std::string source;                     // the traces' file, for the header comment
  double duration_s = 60;                 // > 0
  double host_speed_flops = 1e9;          // > 0; work means are seconds at this speed
};

// Maximum-likelihood lognormal fit over the positive samples: mu and sigma are the mean and the
// population (1/n) standard deviation of their logarithms.
struct LogNormalFit {
  uint64_t samples = 0;  // positive samples fitted
  double mu = 0;
  double sigma = 0;
  double Mean() const;  // exp(mu + sigma^2 / 2), the fitted distribution's mean; 0 without samples
};

// Self-time statistics of a set of invocations, in seconds (unscaled: as recorded).
struct SelfTimeStats {
  uint64_t count = 0;   // invocations
  uint64_t zeros = 0;   // invocations with zero self time (counted, not fitted)
  double mean_s = 0;    // sample mean, zeros included
  double stddev_s = 0;  // population standard deviation, zeros included
  double cv = 0;        // stddev_s / mean_s (0 when the mean is 0)
  double p50_s = 0;     // quantiles from a log-linear histogram (relative error < 0.8 %, 1 us floor)
  double p99_s = 0;
  LogNormalFit fit;
};

// Statistics of one operation of a service: the invocations whose first span has this name.
struct DerivedOperation {
  std::string operation;  // as recorded
  SelfTimeStats self_time;
  uint64_t errors = 0;  // invocations that ended in error
};

struct DerivedCall {
  std::string service;             // the callee's scenario name
  int count = 1;                   // round(mean_per_invocation), at least 1
  double mean_per_invocation = 0;  // calls per invocation of the caller, over all its invocations
  double fraction = 0;             // fraction of the caller's invocations that make this call
  uint64_t total = 0;              // calls observed
  double mean_offset_s = 0;        // mean start of the call after the caller's invocation start
};

struct DerivedService {
  std::string recorded_name;  // service.name as recorded
  // The scenario service: name (sanitised recorded_name), work_mean_s (mean self time x
  // time_scale), work_distribution, work_sigma, error_rate, calls (ordered by mean_offset_s).
  // Other fields keep the scenario defaults (the traces do not carry payload sizes) except
  // host_speed_flops, from DeriveOptions.
  scenario::ServiceSpec spec;
  std::vector<DerivedCall> calls;            // the same calls as spec.calls, with their statistics
  uint64_t spans = 0;                        // recorded spans of this service
  SelfTimeStats self_time;                   // all invocations of the service (operations merged)
  std::vector<DerivedOperation> operations;  // sorted by operation name
  // Errors. An invocation *ends in error* when its first span has status ERROR; the error
  // *originates here* when none of the invocations it called ended in error. In the simulator a
  // failed call fails the caller too, and a handler fails on its own with probability error_rate
  // independently, so error_rate = originated / (invocations without a failed call).
  uint64_t errors = 0;
  uint64_t errors_originated = 0;
  uint64_t invocations_without_failed_call = 0;
  // Time in CLIENT/PRODUCER spans without a recorded child, summed over all invocations (seconds,
  // unscaled); part of the work when SelfTimeOptions::untraced_calls_as_work.
  double untraced_call_s = 0;
  bool reachable = true;           // reachable from the entry service through the kept calls
  std::vector<std::string> notes;  // fit fallbacks and hints, written as YAML comments
};

struct DroppedEdge {
  enum class Reason { kRare, kCycle };
  std::string from;  // scenario names
  std::string to;
  Reason reason = Reason::kRare;
  uint64_t total = 0;   // calls observed
  double fraction = 0;  // fraction of the caller's invocations that made the call
};

struct DerivedWorkload {
  std::string source;                  // DeriveOptions::source
  bool untraced_calls_as_work = true;  // the deriver's SelfTimeOptions
  uint64_t traces = 0;
  uint64_t spans = 0;
  uint64_t invocations = 0;
  // Sorted for reading: the entry service first, then breadth-first along the kept calls, then the
  // unreachable services by name.
  std::vector<DerivedService> services;
  // entry_service: the most common root service (ties: the smallest scenario name). rate_per_s:
  // (n - 1) / observed_window_s over the n traces rooted there (the Poisson rate from n arrivals),
  // or DeriveOptions::default_rate_per_s (see rate_from_traces), times rate_scale. Arrival Poisson.
  scenario::WorkloadSpec workload;
  uint64_t entry_traces = 0;      // traces rooted at the entry service
  bool rate_from_traces = false;  // false: DeriveOptions::default_rate_per_s was used
  double observed_window_s = 0;   // last minus first root start of the entry's traces
  std::vector<DroppedEdge> dropped_edges;
  std::vector<std::string> warnings;  // renamed services, broken cycles, unused roots, fallbacks
};

// Streams traces into aggregates. Usage:
//   WorkloadDeriver d;
//   ImportTraces(path, format, [&](RecordedTrace&& t) { return d.Add(t); });
//   StatusOr<DerivedWorkload> w = d.Finish(options);
class WorkloadDeriver {
 public:
  explicit WorkloadDeriver(SelfTimeOptions options = {}) : options_(options) {}

  // Folds one trace in. Errors (kInvalidArgument, naming the trace and span; the deriver is left
  // unchanged): a trace without spans, a span whose trace id differs from the trace's, a duplicate
  // span id, a negative duration, parent links that form a loop. A span whose parent is not in the
  // trace is an orphan root, as with TraceImportOptions::allow_missing_parents.
  Status Add(const RecordedTrace& trace);

  // Builds the workload from everything added so far (Add may continue afterwards). Errors:
  // kFailedPrecondition when no trace was added; kInvalidArgument for options out of range.
  StatusOr<DerivedWorkload> Finish(const DeriveOptions& options) const;

  uint64_t traces() const { return traces_; }
  uint64_t spans() const { return spans_; }

 private:
  struct Moments {  // Welford's running mean and sum of squared deviations
    uint64_t n = 0;
    double mean = 0;
    double m2 = 0;
    void Add(double x);
  };
  struct SelfTimeAgg {
    SelfTimeAgg();
    Moments raw;  // seconds, zeros included
    Moments log;  // ln(seconds), positive samples only
    uint64_t zeros = 0;
    reports::LogLinearHistogram histogram;  // nanoseconds
    void Add(double seconds);
  };
  struct OperationAgg {
    SelfTimeAgg self_time;
    uint64_t errors = 0;
  };
  struct EdgeAgg {
    uint64_t total = 0;
    uint64_t callers = 0;  // caller invocations that made the call at least once
    double offset_sum_s = 0;
  };
  struct ServiceAgg {
    uint64_t spans = 0;
    SelfTimeAgg self_time;
    std::map<std::string, OperationAgg> operations;
    std::map<std::string, EdgeAgg> edges;  // by callee's recorded name
    uint64_t errors = 0;
    uint64_t errors_originated = 0;
    uint64_t invocations_without_failed_call = 0;
    double untraced_call_s = 0;
  };
  struct RootAgg {
    uint64_t traces = 0;
    int64_t first_start_ns = 0;
    int64_t last_start_ns = 0;
  };

  SelfTimeOptions options_;
  std::map<std::string, ServiceAgg> services_;  // by recorded name
  std::map<std::string, RootAgg> roots_;        // by recorded name of the trace's root service
  uint64_t traces_ = 0;
  uint64_t spans_ = 0;
  uint64_t invocations_ = 0;
};

// A scenario-valid service name for a recorded one: ASCII lowercased, every run of characters other
// than [a-z0-9_-] replaced by one '-', leading '_'/'-' and trailing '-' removed; "service" when
// nothing is left; prefixed with "svc-" when it is a host name the simulator reserves ("driver",
// "storage-<i>", "collector-<i>"). Finish also makes the names unique ("-2", "-3", ...).
std::string SanitizeServiceName(std::string_view recorded);

// The scenario as YAML: a header comment naming the source, the trace and span counts and the
// warnings; name, duration, services (with the statistics as comments: per service, per operation,
// per call) and workload. Everything else keeps the scenario defaults. The text loads with
// scenario::LoadScenarioString / LoadScenarioFile.
// REQUIRES: `workload` came from Finish, and `options` is what Finish accepted (it uses
// scenario_name, duration_s and, for the comments, distribution, scales and min_edge_fraction).
std::string DerivedScenarioYaml(const DerivedWorkload& workload, const DeriveOptions& options);

// Convenience for the CLI: imports `path` (ImportTraces) into a WorkloadDeriver and finishes it.
// options.source empty: `path` is used. Import and Add errors are returned unchanged.
StatusOr<DerivedWorkload> DeriveWorkloadFromFile(const std::string& path, TraceFormat format,
                                                 const TraceImportOptions& import_options,
                                                 const SelfTimeOptions& self_time_options,
                                                 const DeriveOptions& options);

}  // namespace tracesim::sim
