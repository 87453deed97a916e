// One simulation: the SimGrid actors that drive the real pipeline code.
//
// Actors (member functions run as SimGrid actors):
//   - Workload (driver host): spawns one request actor per arrival.
//   - Request (entry service's host): walks the call graph, executing each
//     handler on its service's host (remote Exec) and moving request and
//     response bytes over the network (Comm::sendto). Creates the real spans
//     through each service's Tracer, ending them into its BatchSpanProcessor.
//   - SdkExporter (one per service): the BatchSpanProcessor worker; exports
//     to a collector of the first tier.
//   - CollectorReceiver / CollectorTimer (per collector): the receiver and the
//     timer of the collector's processor chain (CollectorPipeline: batch,
//     memory_limiter, tail_sampling, probabilistic_sampler).
//   - CollectorConsumer (per collector and destination): the exporter's
//     sending_queue consumers with retry_on_failure. The destinations are the
//     peers of the next tier (otlp: a fixed peer; loadbalancing: routed by
//     trace id or service over the balancer's view of the next tier's ring)
//     or the storage nodes (routed by the partitioner).
//   - Resolver (per loadbalancing collector): refreshes the balancer's view of
//     the next tier's membership every resolver interval, at its own phase.
//   - StorageWriter (per storage node): inserts into the real SpanStore.
//   - AdaptiveSampling (driver): Jaeger's adaptive sampling calculator, fed
//     by the root spans the first tier receives; delivers strategies to the
//     SDKs after their refresh delay.
//   - FaultInjector, TimeSeriesSampler and Timekeeper (ends the run).
#pragma once

#include <map>
#include <memory>
#include <set>
#include <simgrid/s4u.hpp>
#include <unordered_map>
#include <vector>

#include "call_graph.h"
#include "ledger.h"
#include "network_paths.h"
#include "platform.h"
#include "replay.h"
#include "span_copies.h"
#include "tracesim/pipeline/adaptive_sampling.h"
#include "tracesim/pipeline/backoff.h"
#include "tracesim/pipeline/batch_span_processor.h"
#include "tracesim/pipeline/collector_pipeline.h"
#include "tracesim/pipeline/export_queue.h"
#include "tracesim/pipeline/hash_ring.h"
#include "tracesim/pipeline/id_generator.h"
#include "tracesim/pipeline/interner.h"
#include "tracesim/pipeline/partitioner.h"
#include "tracesim/pipeline/random.h"
#include "tracesim/pipeline/sampler.h"
#include "tracesim/pipeline/span_store.h"
#include "tracesim/pipeline/tracer.h"
#include "tracesim/reports/histogram.h"
#include "tracesim/reports/results.h"
#include "tracesim/scenario/scenario.h"
#include "transfer_time.h"

namespace tracesim::sim {

enum class SendResult;

class Simulation : public SpanDropSink {
 public:
  Simulation(const scenario::Scenario& scenario, bool tracing, Platform platform, ServiceCallGraph graph);
  ~Simulation() override;
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  // Builds the runtime and creates the actors. Run the engine afterwards;
  // results() is filled when the timekeeper ends the run.
  Status Start();
  const reports::Results& results() const { return results_; }

  void OnSpanDropped(pipeline::DropCause cause, const pipeline::SpanData& span) override;
  bool IsStored(const pipeline::SpanData& span) const override;

 private:
  struct ServiceRuntime;
  struct CollectorRuntime;
  struct TierRuntime;
  struct StorageRuntime;
  struct Destination;
  class RequestScope;
  class OpenSpan;

  // Ground truth and outcome of one trace (one request).
  struct TraceTrack {
    uint32_t sampled_generated = 0;  // head-sampled spans ended (or lost while open)
    uint32_t stored = 0;             // of those, in a store now
    uint32_t stored_errors = 0;      // stored spans with status error
    uint32_t tail_sampled_out = 0;   // spans a collector-side sampler dropped
    uint32_t drop_causes = 0;        // bit per DropCause of its dropped spans
    int32_t tail_collector = -1;     // first tail-sampling collector that saw it
    bool split = false;              // its spans reached more than one tail-sampling collector
    bool finished = false;           // the request completed
    bool traced = false;             // a root span was started
    bool has_error = false;          // a generated span has status error
    double latency_ms = -1;          // request latency when it completed normally
    pipeline::TraceId id;            // set with the root span
  };

  // Actors.
  void Workload();
  void SdkExporter(int instance);
  void ServiceWorker(int instance);  // services[].concurrency > 0: one worker thread
  void CollectorReceiver(int collector);
  void CollectorTimer(int collector);
  void CollectorConsumer(int collector, int destination);
  void JaegerWorker(int collector);   // profile: jaeger — takes one span, writes it to storage
  void JaegerResizer(int collector);  // profile: jaeger — the queue-size-memory check
  void Resolver(int collector);
  void StorageWriter(int node);
  void BlockFlusher(int node);  // writes cut blocks to the node's disk
  void AdaptiveSampling();
  void QueryLoad(bool searches);  // storage.queries: trace-id lookups or searches
  void TraceLookup(pipeline::Rng rng);
  void TraceSearch(pipeline::Rng rng);
  void QueryServer(int node);  // per storage node: answers lookups and searches
  void FaultInjector();
  // A partition in force separates the two hosts (failures: partition).
  bool Partitioned(const simgrid::s4u::Host* a, const simgrid::s4u::Host* b) const;
  void TimeSeriesSampler();
  void Timekeeper();

  // Request handling.
  // A request arriving now at `service` (replay: its recorded root).
  void StartRequest(int service, const ReplayNode* root);
  struct Call {
    int callee;
    int count;
    const ReplayNode* node;  // workload.replay: the recorded child; null: the call graph's
    bool async;              // fire and forget: a producer span; the callee runs on its own
  };
  // What a span's end records besides the span itself.
  struct SpanEndInfo {
    uint64_t request;
    pipeline::OperationId operation;
    pipeline::SpanKind kind;
    TimePoint start;
    pipeline::SpanStatus status;
  };
  // The calls one handler of `service` makes: those of the call graph, or
  // those of a recorded span (workload.replay) when `replay` is set.
  // `scratch` holds a replayed span's calls.
  const std::vector<Call>& CallsFor(int service, const ReplayNode* replay, std::vector<Call>* scratch) const;
  // Starts a handler's server span at `at` (a root span when parent is
  // null: then also the trace's bookkeeping) and sets its attributes.
  pipeline::Span StartServerSpan(ServiceRuntime& s, uint64_t request, pipeline::OperationId op,
                                 const pipeline::SpanContext* parent, TimePoint at, pipeline::SpanKind kind);
  // Starts the client span of a call at `at` into *client and returns the
  // context the callee extracts (W3C Trace Context through the real codec).
  std::optional<pipeline::SpanContext> StartClientSpan(ServiceRuntime& s, int callee,
                                                       const pipeline::Span& server, TimePoint at,
                                                       pipeline::SpanKind kind,
                                                       std::optional<pipeline::Span>* client);
  // The random stream of an async call's callee: forked from the request's
  // stream at the call, so both fidelity modes draw the same.
  static pipeline::Rng AsyncBranch(pipeline::Rng& rng);
  // The tracing CPU a handler charges with its work (its server span and
  // the client spans of its calls).
  double HandlerTracingFlops(ServiceRuntime& s, const pipeline::Span& server, const std::vector<Call>& calls);
  // A handler's application work in seconds at its host's speed.
  static double DrawWork(pipeline::Rng& rng, const scenario::ServiceSpec& spec, const ReplayNode* replay);
  // Ends `span` at `end`: ground truth, ledger, and the tracer (the span
  // goes to the service's BatchSpanProcessor when sampled).
  void RecordSpanEnd(ServiceRuntime& s, pipeline::Span& span, const SpanEndInfo& info, TimePoint end);
  // A request completed (latency_ms < 0: not recorded, e.g. its actor was killed).
  void FinishRequest(uint64_t index, bool ok, double latency_ms);
  // One handler of `service` and, recursively, its calls: those of the call
  // graph, or those of a recorded span (workload.replay) when `replay` is set.
  // `kind`: kServer, or kConsumer for the callee of an async call.
  // One handler on service instance `instance` (an index into services_).
  bool HandleCall(RequestScope& rq, int instance, const pipeline::SpanContext* parent,
                  const ReplayNode* replay = nullptr, pipeline::SpanKind kind = pipeline::SpanKind::kServer);
  bool Transfer(simgrid::s4u::Host* from, simgrid::s4u::Host* to, uint64_t bytes);
  void EndSpan(ServiceRuntime& s, OpenSpan& span, pipeline::SpanStatus status);
  void SetRequestAttributes(pipeline::Span& span, int service, int count);

  // fidelity: fast (fast_mode.cc). A request's whole call tree is computed
  // at its arrival: timings from the distributions and the uncontended
  // network, spans through the real tracer with their computed timestamps.
  // Unsampled spans end at once; sampled ones wait in their service's
  // PendingSpanEnds until the simulated clock reaches their end, because the
  // BatchSpanProcessor must see them in time order: the SDK exporter moves
  // them into it before every look, and sleeps no later than the instant
  // its queue would reach a full batch.
  void FastRequest(uint64_t index, int instance,
                   const ReplayNode* root);  // on the entry's replica `instance`
  // One handler starting at t_s and its calls; returns when it ends, *ok
  // false when it or a call failed.
  double FastCall(pipeline::Rng& rng, uint64_t request, int instance, const pipeline::SpanContext* parent,
                  const ReplayNode* replay, double t_s, bool* ok,
                  pipeline::SpanKind kind = pipeline::SpanKind::kServer);
  // Seconds a message takes from `from` to `to` on the uncontended network
  // as it is now (faults included); false when it cannot be delivered.
  bool FastTransfer(simgrid::s4u::Host* from, simgrid::s4u::Host* to, uint64_t bytes, double* seconds);
  // Ends a span of a fast-mode request at `end`: now if unsampled, else later.
  void FastEndSpan(ServiceRuntime& s, pipeline::Span& span, const SpanEndInfo& info, TimePoint end);
  // Moves the pending ends <= now into the service's BatchSpanProcessor.
  void FlushPending(ServiceRuntime& s, TimePoint now);
  // Every service's pending ends and the requests completed up to now.
  void FlushAllPending();
  void FlushCompletions();  // the requests completed up to now
  // When the service's BatchSpanProcessor queue reaches a full batch with
  // the pending ends alone (TimePoint::max(): not before more arrive).
  TimePoint NextFullBatch(const ServiceRuntime& s) const;
  // A crash: the pending spans of the service died open (crash_lost).
  void DropPending(ServiceRuntime& s);

  // Telemetry path.
  void ExportFromSdk(ServiceRuntime& s, std::unique_ptr<HeldSpans> batch);
  // tracing.exporter.protocol: jaeger_udp — the batch as datagrams, each lost or delivered on its own.
  void ExportOverUdp(ServiceRuntime& s, std::unique_ptr<HeldSpans> batch, int peer);
  // The rate cap of a TCP flow between two hosts (+inf: none) after its jitter delay.
  double BeforeTcpSend(simgrid::s4u::Host* from, simgrid::s4u::Host* to);
  // Hands `spans` to the collector's processor chain; returns the spans the
  // memory_limiter refused (empty when accepted).
  std::vector<pipeline::SpanData> CollectorIngest(CollectorRuntime& c, std::vector<pipeline::SpanData> spans);
  void Route(CollectorRuntime& c, std::vector<pipeline::SpanBatch> batches);
  Destination& DestinationFor(CollectorRuntime& c, int key);
  void StartConsumers(CollectorRuntime& c, Destination& d);
  void SendWithRetry(CollectorRuntime& c, int destination_key, std::unique_ptr<HeldSpans> request);
  // One export request to a collector, waiting for its answer up to
  // timeout_s. kRefused hands the refused spans back in `payload`; kFailed
  // leaves them there (not delivered); kDelivered empties it.
  SendResult TrySend(simgrid::s4u::Host* from, int destination_key, std::unique_ptr<HeldSpans>& payload,
                     double timeout_s);
  // Writes `request` to its replicas (storage.replication_factor) and waits
  // for write_quorum inserts per replica set. Returns the spans whose write
  // did not reach the quorum (to retry); the others are stored.
  std::vector<pipeline::SpanData> ReplicatedWrite(CollectorRuntime& c,
                                                  const std::vector<pipeline::SpanData>& spans,
                                                  double timeout_s);
  void RebuildBalancerView(CollectorRuntime& c);
  int FirstTierPeerFor(int instance) const;  // the first-tier collector a service replica's SDK exports to
  // The replica of `service` the next call goes to (round-robin over those up).
  int PickReplica(int service);

  // Faults and lifecycle.
  void StartServiceActors(int instance);
  void StartServiceWorkers(int instance);  // services[].concurrency > 0
  Status StartCollectorActors(int collector);
  void StartStorageActors(int node);
  // failures: cpu_slowdown — the noisy neighbour of cpu_share_[host], started
  // at the slowdown and again when the host restarts within it.
  void StartCpuHog(simgrid::s4u::Host* host);
  void StopCpuHog(simgrid::s4u::Host* host);
  void Crash(simgrid::s4u::Host* host);
  void Restart(simgrid::s4u::Host* host);
  void ScaleOut(int tier);
  void ScaleIn(int collector);

  // Measurement.
  uint64_t MeasureInFlight() const;
  reports::TimeSample Sample();
  void DetectSaturation(const reports::TimeSample& sample);
  void Finalize();
  void FinalizeQuality(reports::Results& r);
  void Execute(simgrid::s4u::Host* host, double flops);
  // A request's CPU work on a service: through its worker threads when it
  // has a concurrency limit. False when the service's host failed.
  bool ExecuteOnService(ServiceRuntime& s, double flops);
  double CostFlops(double ns) const { return ns * 1e-9 * scenario_.tracing.costs.reference_flops; }
  TraceTrack* FindTrace(const pipeline::TraceId& id);

  const scenario::Scenario& scenario_;
  const bool tracing_;
  const bool fast_;  // fidelity: fast
  Platform platform_;
  ServiceCallGraph graph_;
  pipeline::Interner interner_;
  Ledger ledger_{this};
  pipeline::Rng root_rng_;

  std::vector<std::unique_ptr<ServiceRuntime>> services_;
  std::vector<std::unique_ptr<TierRuntime>> tiers_;
  std::vector<std::unique_ptr<CollectorRuntime>> collectors_;  // all tiers, by host order
  std::vector<std::unique_ptr<StorageRuntime>> storage_;
  std::unique_ptr<pipeline::Partitioner> partitioner_;  // storage routing, shared by all collectors
  int write_quorum_ = 1;
  // Copies of each stored span across the storage nodes; a span is stored
  // while it has at least one copy.
  SpanCopies copies_;
  uint64_t stored_unique_ = 0;
  std::unique_ptr<pipeline::AdaptiveSamplingCalculator> adaptive_;
  // Jitter, datagram loss and TCP-under-loss rates (null when the scenario
  // configures none of them).
  std::unique_ptr<NetworkPaths> net_;
  std::vector<ReplayTrace> replay_;             // workload.replay: the recorded requests, by arrival
  std::vector<std::vector<Call>> graph_calls_;  // by service: the call graph's calls
  // services_ holds one runtime per replica (an instance); by service: its
  // instances, and the round-robin position of the calls to it.
  std::vector<std::vector<int>> instances_;
  std::vector<size_t> next_replica_;
  std::string traceparent_, tracestate_;  // the propagation headers of the call being made

  // fidelity: fast — requests computed but not yet completed (min-heap by
  // time), the network's lone-transfer times, and the CPU share
  // cpu_slowdown leaves per host.
  struct FastCompletion {
    double t_s;
    uint64_t request;
    bool ok;
    double latency_ms;
    bool operator>(const FastCompletion& o) const { return t_s > o.t_s; }
  };
  std::vector<FastCompletion> fast_completions_;
  std::unique_ptr<TransferTimeCache> fast_network_;  // lone-transfer times on the links as they are
  std::unordered_map<const simgrid::s4u::Host*, double> cpu_share_;                // cpu_slowdown in force
  std::unordered_map<const simgrid::s4u::Host*, simgrid::s4u::ExecPtr> cpu_hogs_;  // their noisy neighbours

  // Interned attribute keys and values the instrumentation sets.
  struct Attributes {
    pipeline::AttributeKeyId method, route, status_code, peer, sampler_type, sampler_param;
    std::vector<pipeline::AttributeKeyId> extra;
    pipeline::InternedString get;
    std::vector<pipeline::InternedString> routes;  // by service
    std::vector<pipeline::InternedString> peers;   // by service
  } attr_{};

  std::vector<TraceTrack> traces_;  // by request index
  std::unordered_map<pipeline::TraceId, uint64_t, pipeline::TraceIdHash> trace_index_;

  // Ground truth for sampling quality: every generated server span's
  // duration and status per service, and the (service, operation) pairs seen
  // and stored.
  struct ServiceTruth {
    reports::LogLinearHistogram duration_ms;
    uint64_t spans = 0, errors = 0;
    reports::LogLinearHistogram stored_duration_ms;  // weighted by adjusted count
    double stored_weight = 0, stored_error_weight = 0;
  };
  std::vector<ServiceTruth> truth_;
  std::set<std::pair<uint32_t, uint32_t>> operations_seen_;
  std::set<std::pair<uint32_t, uint32_t>> operations_stored_;

  reports::StorageStats storage_stats_;  // disk and query counters (latencies below)
  reports::LogLinearHistogram lookup_latency_ms_;
  reports::LogLinearHistogram search_latency_ms_;
  reports::LogLinearHistogram request_latency_ms_;
  reports::LogLinearHistogram delivery_latency_ms_;
  reports::RequestCounts requests_;
  uint64_t traces_sampled_ = 0;  // root spans sampled by the head sampler
  reports::CpuUsage cpu_;
  std::vector<reports::TimelineEvent> timeline_;
  // Partitions in force: each a list of host groups that cannot reach each other.
  std::vector<std::shared_ptr<std::vector<std::vector<simgrid::s4u::Host*>>>> partitions_;
  std::vector<reports::TimeSample> timeseries_;
  std::vector<reports::SaturationEvent> saturation_;
  std::set<std::string> saturated_;  // component|what already reported
  double last_sample_s_ = 0;
  std::vector<double> last_tier_cpu_s_;
  double last_storage_cpu_s_ = 0;
  reports::Results results_;
  double end_time_s_ = 0;
};

}  // namespace tracesim::sim
