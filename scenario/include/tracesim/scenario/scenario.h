// The scenario model: what a YAML scenario file describes, after validation.
// Every field has an in-code default; the loader (loader.h) fills and checks.
// The YAML format is documented in docs/scenario-reference.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tracesim/pipeline/collector_pipeline.h"
#include "tracesim/pipeline/export_queue.h"
#include "tracesim/pipeline/head_sampler_config.h"
#include "tracesim/pipeline/jaeger_span_queue.h"
#include "tracesim/pipeline/partitioner.h"
#include "tracesim/scenario/rate_file.h"
#include "tracesim/time.h"

namespace tracesim::scenario {

// The SDK head sampler: OTEL_TRACES_SAMPLER names plus Jaeger and consistent
// probability samplers (see pipeline/head_sampler_config.h, docs/samplers.md).
using SamplerSpec = pipeline::HeadSamplerConfig;

// Latency jitter of a link: each message's delay on the link is drawn from a
// distribution whose base is the link's latency (docs/network-model.md).
struct JitterSpec {
  enum class Kind { kNone, kUniform, kNormal, kLogNormal, kPareto } kind = Kind::kNone;
  double max_s = 0;     // kUniform: latency drawn in [latency, max]
  double stddev_s = 0;  // kNormal: mean = latency
  double sigma = 0;     // kLogNormal: median = latency
  double alpha = 0;     // kPareto: minimum = latency, shape > 1
};

// Datagram loss of a link (docs/network-model.md): UDP-like transports lose
// datagrams (network_lost); TCP-like ones lose throughput (Mathis).
struct LossSpec {
  enum class Model { kNone, kBernoulli, kGilbertElliott } model = Model::kNone;
  double p = 0;          // bernoulli: loss probability; gilbert_elliott: P(good -> bad)
  double r = 0;          // gilbert_elliott: P(bad -> good), > 0
  double loss_good = 0;  // gilbert_elliott: loss probability in the good state
  double loss_bad = 1;   // gilbert_elliott: loss probability in the bad state
};

struct LinkSpec {
  double bandwidth_bytes_per_s = 125e6;  // YAML: bandwidth: "1Gbps" | "125MBps" | number (bytes/s)
  double latency_s = 50e-6;              // YAML: latency: "50us" | "1ms" | number (seconds)
  enum class Sharing { kShared, kFatpipe, kSplitDuplex } sharing = Sharing::kShared;
  JitterSpec jitter;
  LossSpec loss;
};

enum class Topology {
  kStar,         // every host on its own link to one switch
  kTwoTier,      // services / collectors / storage each in a rack (star), racks joined by backbone links
  kMultiRegion,  // regions (each a star of its hosts) joined pairwise by WAN links
  kFatTree,      // a k-ary fat tree (SimGrid's fat-tree cluster), hosts on its leaves
};

// topology: multi_region — which hosts sit in a region. Entries name a
// service, a collector tier (all its hosts, spares included), a collector
// host (<tier>-<i>), "storage" (every storage node) or a storage node.
struct RegionSpec {
  std::string name;
  std::vector<std::string> hosts;
};

// topology: fat_tree — SimGrid's FatTreeParams: `levels` levels, per level
// the down / up port counts and parallel links (down[0] * ... hosts).
struct FatTreeSpec {
  int levels = 2;
  std::vector<unsigned> down{8, 8};
  std::vector<unsigned> up{1, 4};
  std::vector<unsigned> link_count{1, 1};
};

struct PlatformSpec {
  Topology topology = Topology::kStar;
  std::vector<RegionSpec>
      regions;  // kMultiRegion: every host in exactly one region (the driver in the first)
  LinkSpec wan{12.5e6, 40e-3,
               LinkSpec::Sharing::kShared};  // kMultiRegion: each pair of regions (100 Mbps, 40 ms)
  FatTreeSpec fat_tree;                      // kFatTree
  // SimGrid network model: "LV08" (SimGrid default; scales latency x13.01 and
  // bandwidth x0.97), "CM02" (plain max-min), "constant" (fixed latency only).
  std::string network_model = "LV08";
  LinkSpec host_link;                                             // each host's link to its switch
  LinkSpec backbone{1.25e9, 200e-6, LinkSpec::Sharing::kShared};  // kTwoTier only: rack uplinks
};

enum class Distribution { kConstant, kExponential, kLogNormal };

struct CallSpec {
  std::string service;  // must name a service in `services`
  int count = 1;        // how many sequential calls per request
  // Fire and forget (a message to a queue, an async RPC): the caller waits
  // only for the request to be sent, not for the callee; its span is a
  // PRODUCER span and the callee's a CONSUMER span, and the callee's errors
  // do not fail the caller.
  bool async = false;
};

struct ServiceSpec {
  std::string name;
  double host_speed_flops = 1e9;  // YAML: host_speed: "1Gf"
  // CPU work per handled request, in seconds at host_speed (i.e. work_mean_s * host_speed flops).
  double work_mean_s = 0.002;
  Distribution work_distribution = Distribution::kExponential;
  double work_sigma = 0.5;  // kLogNormal only: sigma of the underlying normal
  double error_rate = 0.0;  // probability a handled request ends in error [0, 1]
  std::vector<CallSpec> calls;
  uint64_t request_bytes = 512;
  uint64_t response_bytes = 2048;
  int attributes_per_span = 4;  // attributes the instrumentation sets per span
  // Worker threads of the service: at most this many requests do their CPU
  // work at once, the others wait in FIFO order (a thread pool). 0: no limit
  // (every request runs at once and they share the CPU).
  int concurrency = 0;
  // Instances of the service, each on its own host with its own SDK (as
  // pods behind a Service): hosts <name>-0 .. <name>-<n-1> when n > 1, the
  // host <name> when 1. Callers spread their calls round-robin over the
  // replicas that are up. concurrency is per replica.
  int replicas = 1;
  // This service's SDK sampler when it differs from tracing.sampler (e.g. a
  // tier written in another language, whose ratio hash differs).
  std::optional<SamplerSpec> sampler;
};

// docs/workload.md describes each process and what is exact.
enum class ArrivalProcess { kPoisson, kConstant, kOnOff, kDiurnal, kRateFile };

struct WorkloadSpec {
  std::string entry_service;  // must name a service
  ArrivalProcess arrival = ArrivalProcess::kPoisson;
  double rate_per_s = 100.0;  // > 0
  // Piecewise-constant rate changes: from `at_s` on, requests arrive at
  // `rate_per_s` (a traffic spike, a ramp in steps). Sorted by at_s.
  struct RateStep {
    double at_s = 0;
    double rate_per_s = 0;  // >= 0 (0: no requests until the next step)
  };
  std::vector<RateStep> rate_steps;  // poisson and constant only
  // arrival: on_off — alternating ON and OFF periods of Poisson arrivals.
  struct OnOff {
    double rate_on_per_s = 100;
    double rate_off_per_s = 0;
    double mean_on_s = 10;
    double mean_off_s = 20;
    bool exponential_periods = true;  // YAML periods: exponential | constant
  } on_off;
  // arrival: diurnal — rate(t) = mean_rate * (1 + amplitude * sin(2 pi (t - phase) / period)).
  struct Diurnal {
    double mean_rate_per_s = 100;
    double amplitude = 0.5;  // [0, 1]
    double period_s = 86400;
    double phase_s = 0;
  } diurnal;
  // arrival: rate_file — the rate through the points of a CSV file
  // (time_s,rate_per_s; path relative to the scenario file).
  std::string rate_file;
  std::vector<RatePoint> rate_points;  // the file's points, read by the loader
  bool rate_file_linear = true;        // YAML rate_file_interpolation: linear | step
  // workload.replay: re-execute recorded traces instead of the call graph.
  // Each recorded trace is one request, arriving at its recorded root start
  // (relative to the first trace, divided by rate_scale); each span's
  // handler does its recorded self time (times time_scale) on its service's
  // host and calls its children in start order (synchronously).
  struct Replay {
    std::string file;    // resolved against the scenario's folder; empty: no replay
    std::string format;  // otlp_json | jaeger_json | zipkin_json | alibaba_csv; empty: detected
    double time_scale = 1;
    double rate_scale = 1;
  } replay;
};

// OpenTelemetry SDK BatchSpanProcessor (OTEL_BSP_*), with the SDK defaults.
struct BatchSpanProcessorSpec {
  int max_queue_size = 2048;
  Duration schedule_delay = std::chrono::milliseconds(5000);
  int max_export_batch_size = 512;  // <= max_queue_size
  Duration export_timeout = std::chrono::milliseconds(30000);
};

// CPU cost of the real tracing code, ns per operation on the reference
// machine (reference_flops); scaled by host speed. The default profile comes
// from tracesim's micro benchmarks (bench/micro, RelWithDebInfo, on the
// 2-core 2.6 GHz CI machine; see docs/performance.md), also written out as
// scenarios/profiles/default.yaml. `tracesim calibrate` measures a profile on
// the machine at hand. Figures marked "estimate" price OTLP protobuf
// encode/decode, which tracesim does not implement.
struct CostProfile {
  std::string name = "default";
  // tracing.costs.mode: measured — instead of the figures below, charge the
  // thread-CPU time of the real calls as the run makes them (span start,
  // attributes, end and BSP hand-off on the services; the processor chain on
  // collectors; store inserts), each charged at the component's next natural
  // boundary. Not deterministic: the figures depend on the machine and its
  // load. Export encoding and receive decoding keep the profile's figures
  // (the simulator does not encode OTLP).
  bool measured = false;
  double reference_flops = 1e9;
  double span_start_ns = 35;  // BM_SpanStartEnd: ~55 ns per span start+end
  double span_end_ns = 20;
  double sampler_decision_ns = 5;              // BM_ShouldSample_*: 3-6 ns
  double attribute_set_ns = 20;                // estimate
  double bsp_enqueue_ns = 50;                  // BM_BspOnEndTakeBatch: ~50 ns per span
  double export_serialize_per_span_ns = 250;   // estimate: OTLP protobuf encode
  double collector_receive_per_span_ns = 300;  // estimate: OTLP protobuf decode
  double collector_batch_per_span_ns = 30;     // BM_CollectorBatchAdd: ~30 ns per span
  double collector_export_per_span_ns = 250;   // estimate: OTLP protobuf encode
  double store_insert_per_span_ns = 300;       // BM_StoreAppend: ~300 ns per span
  // Queries (optional in profile files; these defaults otherwise).
  double store_lookup_ns = 1700;  // BM_Calibration_StoreLookup: one trace-id lookup, spans assembled
  // A search's time divided by the spans in the node's store: limited
  // searches stop early, so this is small (BM_StoreSearch at 1e7 spans:
  // 3.4 ms for a service + min-duration search with limit 20).
  double store_search_per_span_ns = 0.35;
};

// How the SDKs send their batches to the first collector tier.
struct SdkExporterSpec {
  enum class Protocol {
    kOtlpGrpc,   // TCP-like: no data lost to packet loss, throughput by the Mathis formula
    kJaegerUdp,  // UDP-like (Jaeger agent protocol): datagrams of at most max_packet_bytes, lost ones are
                 // network_lost
  } protocol = Protocol::kOtlpGrpc;
  uint64_t max_packet_bytes = 65000;  // jaeger_udp: the Jaeger client's UDP packet limit
};

struct TracingSpec {
  bool enabled = true;  // false: no spans are created at all (the overhead baseline)
  SamplerSpec sampler;
  BatchSpanProcessorSpec batch_span_processor;
  SdkExporterSpec exporter;
  CostProfile costs;
};

// exporterhelper `sending_queue`.
struct SendingQueueSpec {
  bool enabled = true;
  int num_consumers = 10;
  int queue_size = 1000;                                         // in units of `sizer`; > 0
  pipeline::QueueSizer sizer = pipeline::QueueSizer::kRequests;  // requests | items
  // A full queue blocks the caller (the receiver, then upstream senders)
  // instead of rejecting with enqueue_failed.
  bool block_on_overflow = false;
  // A storage extension id (e.g. "file_storage"): the persistent queue, which
  // survives a crash of its collector and is delivered after the restart.
  std::string storage;
};

// exporterhelper `retry_on_failure`.
struct RetrySpec {
  bool enabled = true;
  Duration initial_interval = std::chrono::seconds(5);
  Duration max_interval = std::chrono::seconds(30);
  Duration max_elapsed_time = std::chrono::seconds(300);  // 0 = retry forever
  double multiplier = 1.5;
  double randomization_factor = 0.5;
};

enum class ExporterType {
  kOtlp,  // sends every batch to one peer of the next tier (host index mod peers), or to storage by the
          // partitioner
  kLoadBalancing  // OTel `loadbalancing` exporter: routes by trace id (or service) over the ring of the next
                  // tier
};
enum class RoutingKey { kTraceId, kService };

struct ExporterSpec {
  ExporterType type = ExporterType::kOtlp;
  std::string to = "storage";                  // the name of a later tier, or "storage"
  Duration timeout = std::chrono::seconds(5);  // per export request
  SendingQueueSpec sending_queue;
  RetrySpec retry_on_failure;
  RoutingKey routing_key = RoutingKey::kTraceId;         // loadbalancing only
  Duration resolver_interval = std::chrono::seconds(5);  // loadbalancing: DNS resolver refresh
};

// Which collector a tier runs.
enum class CollectorProfile {
  kOtel,    // the OpenTelemetry Collector: `processors`, then the exporter with its sending_queue
  kJaeger,  // the Jaeger v1 collector: a bounded span queue and workers writing span by span to storage
};

// A tier of identical collectors (OTel Collectors unless profile: jaeger).
struct CollectorTierSpec {
  std::string name = "collector";  // hosts are <name>-<i>
  CollectorProfile profile = CollectorProfile::kOtel;
  // profile: jaeger — queue-size, num-workers, queue-size-memory (docs/jaeger-collector.md).
  pipeline::JaegerCollectorQueueOptions jaeger;
  int count = 1;
  double host_speed_flops = 2e9;
  uint64_t memory_mib = 2048;  // host memory (memory_limiter limit_percentage)
  // The traces pipeline's processors, in pipeline order. Default: one
  // `batch` with the Collector's defaults.
  std::vector<pipeline::ProcessorEntry> processors{{"batch", pipeline::BatchProcessorOptions{}}};
  ExporterSpec exporter;
};

struct StorageSpec {
  int nodes = 1;
  double host_speed_flops = 2e9;
  pipeline::PartitionerConfig partitioner;  // YAML: a type name, or a mapping
  int replication_factor = 1;               // copies of every span, <= nodes
  int write_quorum = 0;                     // 0: floor(RF/2)+1 (Tempo's ingesters)
  // Each node logs every write to a write-ahead log before acknowledging it;
  // a crash then loses only unacknowledged data and the node's store is
  // rebuilt from the log at restart.
  bool wal = false;
  // Each node's disk (a SimGrid disk): WAL records are written (and synced)
  // before a write is acknowledged; cut blocks are flushed in the background;
  // queries that hit cut blocks read them.
  struct Disk {
    double read_bytes_per_s = 500e6;   // YAML: read_bandwidth: "500MBps"
    double write_bytes_per_s = 250e6;  // YAML: write_bandwidth: "250MBps"
  } disk;
  // A query load on the store (Jaeger UI / Tempo API users): trace-id lookups
  // of traces that completed, and searches over recent data, each a Poisson
  // stream from the driver host. Costs: tracing.costs.store_lookup_ns and
  // store_search_per_span_ns, charged on the storage nodes.
  struct Queries {
    double trace_lookups_per_s = 0;  // >= 0
    double searches_per_s = 0;       // >= 0; a search fans out to every node
    Duration timeout = std::chrono::seconds(10);
  } queries;
};

enum class FailureType {
  kHostCrash,       // target: a host; restart_after optional; or stochastic with mtbf/mttr
  kScaleOut,        // target: a collector tier name; adds one host to the tier at `at`
  kScaleIn,         // target: a collector host; removed from its tier (drained, then off) at `at`
  kLinkDown,        // target: a link; down for `duration` (a flap: `repeat` times every `period`)
  kBandwidthDrop,   // target: a link; bandwidth x `factor` for `duration`
  kLatencySpike,    // target: a link; latency + `latency` for `duration`
  kCpuSlowdown,     // target: a host; CPU speed x `factor` for `duration`
  kStorageOutage,   // target: a storage node; refuses writes and queries for `duration`, keeps its data
  kRollingRestart,  // target: a collector tier or "storage"; each host crashes and restarts in turn
  kPartition,       // groups: hosts in different groups cannot reach each other for `duration`
  kLossBurst,       // target: a link; its datagram loss is `loss` (a LossSpec) for `duration`
};

// Links a failure can name: "<host>-link" (every host's link), with
// topology two_tier "rack<0..3>-uplink", with multi_region "wan-<a>-<b>".
struct FailureSpec {
  FailureType type = FailureType::kHostCrash;
  std::string target;           // a host name (service name, <tier>-<i>, storage-<i>), a tier name or a link
  double at_s = 0;              // simulated time of the event (stochastic host_crash: from then on)
  double restart_after_s = -1;  // kHostCrash, kRollingRestart: < 0 never restarts
  double duration_s = -1;       // link, cpu, storage and partition faults: < 0 until the end of the run
  double factor = 0.1;          // kBandwidthDrop, kCpuSlowdown: in (0, 1]
  double extra_latency_s = 0;   // kLatencySpike: added to the link's latency
  int repeat = 1;               // kLinkDown: flaps (down `duration`, then up until the next period)
  double period_s = 0;          // kLinkDown with repeat > 1: from one down to the next (> duration)
  double interval_s = 0;        // kRollingRestart: from one host's crash to the next's
  // kHostCrash, stochastic: exponential times between failures (mean
  // mtbf_s) and to repair (mean mttr_s), drawn from the scenario seed.
  double mtbf_s = 0;
  double mttr_s = 0;
  std::vector<std::vector<std::string>> groups;  // kPartition: host names per side
  LossSpec loss;                                 // kLossBurst
};

struct MeasurementSpec {
  double sample_period_s = 1.0;  // time-series period
  // Run the same scenario and seed without tracing in its own process to
  // measure overhead (`tracesim run --no-baseline` turns it off).
  bool overhead_baseline = true;
  // Sampling quality: a trace is "slow" when its request took longer than the
  // run's true p99 request latency, or longer than this threshold when > 0.
  Duration slow_threshold{0};
};

// A named variant of the scenario: the same file with some keys changed
// (`set:` maps key paths to YAML values, like --set). `tracesim run` runs
// every variant in its own process and compares them (e.g. sampling
// strategies side by side).
struct VariantSpec {
  std::string name;
  std::vector<std::pair<std::string, std::string>> set;  // key path -> YAML text of the value
};

// How much of the system is simulated (docs/fidelity.md).
enum class Fidelity {
  // Every RPC is a simulated message and every handler a simulated execution:
  // tracing CPU contends with application work on the service hosts.
  kFull,
  // Application timings are computed from the call graph's distributions and
  // the uncontended network, per request at its arrival; only telemetry
  // traffic, collectors and storage are simulated. For large sweeps.
  kFast,
};

struct Scenario {
  std::string name;
  std::string source;  // file the scenario came from ("<string>" when parsed from memory)
  uint64_t seed = 1;
  double duration_s = 60;  // workload duration (> 0)
  double drain_s = 10;     // extra time after the workload stops for telemetry to drain (>= 0)
  Fidelity fidelity = Fidelity::kFull;
  PlatformSpec platform;
  std::vector<ServiceSpec> services;
  WorkloadSpec workload;
  TracingSpec tracing;
  // Collector tiers in data-flow order: SDKs export to the first tier; each
  // tier exports to exporter.to. YAML `collectors:` is a mapping (one tier
  // named "collector") or a list of tiers.
  std::vector<CollectorTierSpec> collector_tiers{CollectorTierSpec{}};
  StorageSpec storage;
  std::vector<FailureSpec> failures;
  MeasurementSpec measurement;
  std::vector<VariantSpec> variants;
};

// Host names the simulator gives, and failure targets may name.
std::string TierHostName(const std::string& tier, int index);  // "<tier>-<index>"
std::string CollectorHostName(int index);                      // "collector-<index>"
std::string StorageHostName(int index);                        // "storage-<index>"
// The host of replica `replica` of a service: "<name>" with one replica, else "<name>-<replica>".
std::string ServiceHostName(const ServiceSpec& service, int replica);

}  // namespace tracesim::scenario
