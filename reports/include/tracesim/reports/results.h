// The results model of one run: what results.json (schema
// tracesim.results/v1, docs/results-schema.md) holds.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace tracesim::reports {

inline constexpr const char* kResultsSchema = "tracesim.results/v1";

struct LatencySummary {
  uint64_t count = 0;
  double mean_ms = 0;
  double p50_ms = 0;
  double p90_ms = 0;
  double p99_ms = 0;
  double max_ms = 0;
};

struct SpanLedger {
  uint64_t generated = 0;                   // spans created by instrumentation (recording or not)
  uint64_t sampled_out = 0;                 // not sampled by the head sampler (never exported)
  uint64_t stored = 0;                      // in the span store at the end of the run (queryable)
  uint64_t in_flight = 0;                   // in a buffer, queue or message at the end of the run
  std::map<std::string, uint64_t> dropped;  // cause -> spans (DropCauseName keys)
  // generated - (sampled_out + stored + in_flight + sum(dropped)); must be 0.
  int64_t imbalance = 0;
  bool balanced() const { return imbalance == 0; }
  uint64_t dropped_total() const;
};

// Causes of a broken trace that are not drop causes (see TraceCounts).
inline constexpr const char* kBrokenReroutedSplitTrace = "rerouted_split_trace";
inline constexpr const char* kBrokenInFlight = "in_flight";
inline constexpr const char* kBrokenUnsampledSpan = "unsampled_span";

struct TraceCounts {
  uint64_t generated = 0;  // traces started (a root span was created)
  uint64_t sampled = 0;    // traces with at least one head-sampled span
  uint64_t kept = 0;       // sampled traces with at least one span stored
  uint64_t complete = 0;   // kept traces with every sampled span stored (request finished)
  // Sampled traces that are not complete, except those a collector-side
  // sampler dropped entirely on purpose (nothing stored, every missing span
  // tail_sampled_out).
  uint64_t incomplete = 0;
  uint64_t broken = 0;  // kept traces that miss spans (a broken trace in the UI)
  // Why broken traces miss spans: a drop cause (DropCauseName), or
  // "rerouted_split_trace" (its spans reached more than one tail-sampling
  // collector, e.g. after a ring membership change), "in_flight" (still on
  // the way when the run ended) or "unsampled_span" (every sampled span
  // was stored but the trace has a hole: a span whose parent, or a
  // successful client span whose server child, was never sampled —
  // inconsistent sampling decisions within the trace, e.g. SDKs hashing
  // trace ids differently). A trace counts once per cause it has.
  std::map<std::string, uint64_t> broken_by_cause;
};

struct RequestCounts {
  uint64_t started = 0;
  uint64_t completed = 0;  // finished (ok or error) before the run ended
  uint64_t failed = 0;     // of completed: ended in error (app error or a crashed host)
};

struct Overhead {
  bool measured = false;  // false when no baseline ran (tracing off, or --no-baseline)
  double request_latency_p50_pct = 0;
  double request_latency_p99_pct = 0;
  double cpu_pct = 0;  // extra CPU seconds on service hosts vs the baseline, in %
  double baseline_request_p50_ms = 0;
  double baseline_request_p99_ms = 0;
  double baseline_service_cpu_s = 0;
};

struct CpuUsage {
  double service_cpu_s = 0;  // CPU seconds executed on service hosts (app + tracing)
  double tracing_cpu_s = 0;  // of which tracing (span ops, sampling, batching, export)
  double collector_cpu_s = 0;
  double storage_cpu_s = 0;
};

// RED metrics of one service: the truth (every server span generated) against
// the estimate from stored server spans weighted by their adjusted count.
struct ServiceRed {
  std::string service;
  double true_rate_per_s = 0;
  double est_rate_per_s = 0;
  double true_error_rate = 0;  // fraction of server spans with status error
  double est_error_rate = 0;
  double true_p50_ms = 0;
  double est_p50_ms = 0;
  double true_p99_ms = 0;
  double est_p99_ms = 0;
  // |est - true| / true (0 when true is 0 and est is 0; 1 when nothing was kept).
  double rate_rel_error = 0;
  double error_rate_abs_error = 0;
  double p50_rel_error = 0;
  double p99_rel_error = 0;
};

// What a sampling strategy keeps, against the ground truth of every
// generated trace.
struct SamplingQuality {
  uint64_t error_traces = 0;       // traces with at least one error span
  uint64_t error_traces_kept = 0;  // ... whose stored spans include an error span
  double error_traces_kept_fraction = 0;
  double slow_threshold_ms = 0;  // the run's true p99 request latency, or measurement.slow_threshold
  uint64_t slow_traces = 0;      // requests slower than slow_threshold_ms
  uint64_t slow_traces_kept = 0;
  double slow_traces_kept_fraction = 0;
  uint64_t operations = 0;          // (service, operation) pairs seen in generated spans
  uint64_t operations_covered = 0;  // ... with at least one stored span
  uint64_t services = 0;
  uint64_t services_covered = 0;
  uint64_t bytes_stored = 0;  // estimated encoded bytes in the stores
  double bytes_per_kept_trace = 0;
  std::vector<ServiceRed> red;  // by service, in scenario order
};

// One collector tier's resource use.
struct CollectorTierStats {
  std::string name;
  int hosts = 0;  // at the end of the run
  double cpu_s = 0;
  uint64_t peak_held_spans = 0;  // max over samples of the tier's buffered spans
  uint64_t peak_held_bytes = 0;
  uint64_t refused_spans = 0;  // memory_limiter refusals (memory_limiter_refused)
};

// The storage tier's disks and the query load on it (storage.queries).
struct StorageStats {
  int nodes = 0;
  uint64_t disk_wal_bytes = 0;    // WAL records written (and synced) before acknowledging
  uint64_t disk_block_bytes = 0;  // cut blocks flushed
  uint64_t disk_read_bytes = 0;   // read by trace-id lookups
  uint64_t lookups = 0;           // trace-id lookups issued
  uint64_t lookups_failed = 0;    // no replica answered within the query timeout
  uint64_t lookups_complete = 0;  // returned every sampled span of the trace that was stored
  LatencySummary lookup_latency;  // issue -> answer at the query client
  uint64_t searches = 0;
  uint64_t searches_failed = 0;  // some node did not answer within the timeout
  LatencySummary search_latency;
};

// When a component first reached its limit, or a loss cause first appeared:
// where a load ramp breaks first (capacity planning).
struct SaturationEvent {
  std::string component;  // "collector tier <name>", "storage", or "loss"
  std::string what;       // "cpu >= 95 %" or a drop cause name
  double at_s = 0;        // end of the first sample period in which it was seen
};

struct TimelineEvent {
  std::string type;    // e.g. "host_crash"
  std::string target;  // host name
  double start_s = 0;
  double end_s = -1;  // < 0: did not end within the run
};

// One row of the fixed-period time series (timeseries.csv).
struct TimeSample {
  double t_s = 0;
  uint64_t spans_generated = 0;           // cumulative
  uint64_t spans_stored = 0;              // cumulative arrivals into storage
  uint64_t spans_dropped = 0;             // cumulative
  uint64_t in_flight = 0;                 // at the sample time
  uint64_t sdk_queue_spans = 0;           // sum over SDK BatchSpanProcessor queues
  uint64_t collector_buffered_spans = 0;  // batch processor + sending queue, all collectors
  uint64_t requests_completed = 0;        // cumulative
  uint64_t traces_sampled = 0;            // cumulative root spans the head sampler sampled
};

struct RunInfo {  // wall-clock fields: excluded from determinism checks
  double wall_seconds = 0;
  double simulated_spans_per_wall_second = 0;
  std::string tracesim_version;
};

struct Results {
  std::string schema = kResultsSchema;
  std::string scenario_name;
  std::string scenario_source;
  uint64_t seed = 0;
  // The scenario's fidelity: "full" (every RPC and handler simulated) or
  // "fast" (application timings computed, telemetry simulated).
  std::string fidelity = "full";
  bool tracing_enabled = true;
  std::string sampler;  // description of the head sampler
  double simulated_seconds = 0;
  SpanLedger spans;
  TraceCounts traces;
  RequestCounts requests;
  LatencySummary request_latency;
  LatencySummary span_delivery_latency;  // span end -> stored (queryable)
  Overhead overhead;
  CpuUsage cpu;
  SamplingQuality sampling;
  std::vector<CollectorTierStats> collectors;
  StorageStats storage;
  std::vector<SaturationEvent> saturation;  // in order of at_s
  std::vector<TimelineEvent> timeline;
  std::vector<TimeSample> timeseries;
  RunInfo run;
};

}  // namespace tracesim::reports
