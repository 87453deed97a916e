// The scenario model: what a YAML scenario file describes, after validation.
// Every field has an in-code default; the loader (loader.h) fills and checks.
// The YAML format is documented in docs/scenario-reference.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tracesim/time.h"

namespace tracesim::scenario {

struct LinkSpec {
  double bandwidth_bytes_per_s = 125e6;  // YAML: bandwidth: "1Gbps" | "125MBps" | number (bytes/s)
  double latency_s = 50e-6;              // YAML: latency: "50us" | "1ms" | number (seconds)
  enum class Sharing { kShared, kFatpipe, kSplitDuplex } sharing = Sharing::kShared;
};

enum class Topology {
  kStar,     // every host on its own link to one switch
  kTwoTier,  // services / collectors / storage each in a rack (star), racks joined by backbone links
};

struct PlatformSpec {
  Topology topology = Topology::kStar;
  // SimGrid network model: "LV08" (SimGrid default; scales latency x13.01 and
  // bandwidth x0.97), "CM02" (plain max-min), "constant" (fixed latency only).
  std::string network_model = "LV08";
  LinkSpec host_link;  // each host's link to its switch
  LinkSpec backbone{1.25e9, 200e-6, LinkSpec::Sharing::kShared};  // kTwoTier only: rack uplinks
};

enum class Distribution { kConstant, kExponential, kLogNormal };

struct CallSpec {
  std::string service;  // must name a service in `services`
  int count = 1;        // how many sequential synchronous calls per request
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
};

enum class ArrivalProcess { kPoisson, kConstant };

struct WorkloadSpec {
  std::string entry_service;  // must name a service
  ArrivalProcess arrival = ArrivalProcess::kPoisson;
  double rate_per_s = 100.0;  // > 0
};

// Sampler names follow OTEL_TRACES_SAMPLER: always_on, always_off,
// traceidratio, parentbased_always_on, parentbased_always_off,
// parentbased_traceidratio.
struct SamplerSpec {
  std::string type = "parentbased_always_on";
  double ratio = 1.0;  // [0, 1], for *traceidratio
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
// 2-core 2.6 GHz CI machine; see docs/performance.md). Figures marked
// "estimate" have no real code path in tracesim yet (OTLP encode/decode).
struct CostProfile {
  std::string name = "default";
  double reference_flops = 1e9;
  double span_start_ns = 35;                    // BM_SpanStartEnd: ~55 ns per span start+end
  double span_end_ns = 20;
  double sampler_decision_ns = 5;               // BM_ShouldSample_*: 3-6 ns
  double attribute_set_ns = 20;                 // estimate
  double bsp_enqueue_ns = 50;                   // BM_BspOnEndTakeBatch: ~50 ns per span
  double export_serialize_per_span_ns = 250;    // estimate: OTLP protobuf encode
  double collector_receive_per_span_ns = 300;   // estimate: OTLP protobuf decode
  double collector_batch_per_span_ns = 30;      // BM_CollectorBatchAdd: ~30 ns per span
  double collector_export_per_span_ns = 250;    // estimate: OTLP protobuf encode
  double store_insert_per_span_ns = 300;        // BM_StoreAppend: ~300 ns per span
};

struct TracingSpec {
  bool enabled = true;  // false: no spans are created at all (the overhead baseline)
  SamplerSpec sampler;
  BatchSpanProcessorSpec batch_span_processor;
  CostProfile costs;
};

// OTel Collector `batch` processor.
struct BatchProcessorSpec {
  bool enabled = true;
  uint32_t send_batch_size = 8192;
  Duration timeout = std::chrono::milliseconds(200);
  uint32_t send_batch_max_size = 0;  // 0 = no limit; else >= send_batch_size
};

// exporterhelper `sending_queue`.
struct SendingQueueSpec {
  bool enabled = true;
  int num_consumers = 10;
  int queue_size = 1000;  // requests; > 0
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

struct CollectorSpec {
  int count = 1;
  double host_speed_flops = 2e9;
  BatchProcessorSpec batch;
  SendingQueueSpec sending_queue;
  RetrySpec retry_on_failure;
  Duration exporter_timeout = std::chrono::seconds(5);  // per export request to storage
};

enum class PartitionerType { kOtelRing };

struct StorageSpec {
  int nodes = 1;
  double host_speed_flops = 2e9;
  PartitionerType partitioner = PartitionerType::kOtelRing;
};

enum class FailureType { kHostCrash };

struct FailureSpec {
  FailureType type = FailureType::kHostCrash;
  std::string target;          // a host name: a service name, collector-<i> or storage-<i>
  double at_s = 0;             // simulated time of the crash
  double restart_after_s = -1; // < 0: never restarts
};

struct MeasurementSpec {
  double sample_period_s = 1.0;  // time-series period
  // Run the same scenario and seed without tracing in its own process to
  // measure overhead (`tracesim run --no-baseline` turns it off).
  bool overhead_baseline = true;
};

struct Scenario {
  std::string name;
  std::string source;  // file the scenario came from ("<string>" when parsed from memory)
  uint64_t seed = 1;
  double duration_s = 60;  // workload duration (> 0)
  double drain_s = 10;     // extra time after the workload stops for telemetry to drain (>= 0)
  PlatformSpec platform;
  std::vector<ServiceSpec> services;
  WorkloadSpec workload;
  TracingSpec tracing;
  CollectorSpec collector;
  StorageSpec storage;
  std::vector<FailureSpec> failures;
  MeasurementSpec measurement;
};

// Host names the simulator gives, and failure targets may name.
std::string CollectorHostName(int index);  // "collector-<index>"
std::string StorageHostName(int index);    // "storage-<index>"

}  // namespace tracesim::scenario
