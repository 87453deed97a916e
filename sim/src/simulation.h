// One simulation: the SimGrid actors that drive the real pipeline code.
//
// Actors (all plain member functions run as SimGrid actors):
//   - Workload: on the driver host, spawns one request actor per arrival.
//   - Request: on the entry service's host; walks the call graph, executing
//     each handler on its service's host (remote Exec) and moving request and
//     response bytes over the network (Comm::sendto). Creates the real spans
//     through each service's Tracer and ends them into its BatchSpanProcessor.
//   - SdkExporter (one per service): polls the BatchSpanProcessor and exports
//     batches to its collector's mailbox with the SDK export timeout.
//   - CollectorReceiver / CollectorTimer / CollectorConsumer (per collector):
//     OTel Collector receiver, `batch` processor timer, and the exporter's
//     sending_queue consumers (one queue per storage node, as the
//     loadbalancing exporter keeps one sub-exporter per backend), with
//     retry_on_failure.
//   - StorageWriter (per storage node): inserts into the real SpanStore.
//   - FaultInjector, Sampler (time series) and Timekeeper (ends the run).
#pragma once

#include <memory>
#include <simgrid/s4u.hpp>
#include <unordered_map>
#include <vector>

#include "call_graph.h"
#include "ledger.h"
#include "platform.h"
#include "tracesim/pipeline/backoff.h"
#include "tracesim/pipeline/batch_processor.h"
#include "tracesim/pipeline/batch_span_processor.h"
#include "tracesim/pipeline/export_queue.h"
#include "tracesim/pipeline/hash_ring.h"
#include "tracesim/pipeline/id_generator.h"
#include "tracesim/pipeline/interner.h"
#include "tracesim/pipeline/random.h"
#include "tracesim/pipeline/sampler.h"
#include "tracesim/pipeline/span_store.h"
#include "tracesim/pipeline/tracer.h"
#include "tracesim/reports/histogram.h"
#include "tracesim/reports/results.h"
#include "tracesim/scenario/scenario.h"

namespace tracesim::sim {

class Simulation {
 public:
  Simulation(const scenario::Scenario& scenario, bool tracing, Platform platform, ServiceCallGraph graph);
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  // Creates the actors. Run the engine afterwards; results() is filled when
  // the timekeeper ends the run.
  Status Start();
  const reports::Results& results() const { return results_; }

 private:
  struct ServiceRuntime;
  struct CollectorRuntime;
  struct StorageRuntime;
  struct TraceTrack {
    uint32_t sampled_generated = 0;  // sampled spans ended (or lost while open)
    uint32_t stored = 0;             // of those, in a store now
    bool finished = false;           // the request completed
    bool traced = false;             // a root span was started
  };
  class RequestScope;
  class OpenSpan;

  // Actors.
  void Workload();
  void Request(uint64_t index);
  void SdkExporter(int service);
  void CollectorReceiver(int collector);
  void CollectorTimer(int collector);
  void CollectorConsumer(int collector, int node);
  void StorageWriter(int node);
  void FaultInjector();
  void TimeSeriesSampler();
  void Timekeeper();

  // Request handling.
  bool HandleCall(RequestScope& rq, int service, const pipeline::SpanContext* parent);
  bool Transfer(simgrid::s4u::Host* from, simgrid::s4u::Host* to, uint64_t bytes);
  void EndSpan(ServiceRuntime& s, OpenSpan& span, pipeline::SpanStatus status);

  // Telemetry path.
  void ExportFromSdk(ServiceRuntime& s, std::unique_ptr<HeldSpans> batch);
  void CollectorIngest(CollectorRuntime& c, std::vector<pipeline::SpanData> spans);
  void EnqueueBatches(CollectorRuntime& c, std::vector<std::vector<pipeline::SpanData>> batches);
  void SendWithRetry(CollectorRuntime& c, int node, std::unique_ptr<HeldSpans> request);
  bool TrySend(simgrid::s4u::Host* from, simgrid::s4u::Host* to, simgrid::s4u::Mailbox* mailbox,
               std::unique_ptr<HeldSpans>& payload, double timeout_s);

  // Faults and lifecycle.
  void StartServiceActors(int service);
  void StartCollectorActors(int collector);
  void StartStorageActors(int node);
  void Crash(simgrid::s4u::Host* host);
  void Restart(simgrid::s4u::Host* host);

  // Measurement.
  uint64_t MeasureInFlight() const;
  reports::TimeSample Sample() const;
  void Finalize();
  void Execute(simgrid::s4u::Host* host, double flops);
  double CostFlops(double ns) const { return ns * 1e-9 * scenario_.tracing.costs.reference_flops; }

  const scenario::Scenario& scenario_;
  const bool tracing_;
  Platform platform_;
  ServiceCallGraph graph_;
  pipeline::Interner interner_;
  Ledger ledger_;
  pipeline::Rng root_rng_;
  std::unique_ptr<pipeline::HashRing> ring_;

  std::vector<std::unique_ptr<ServiceRuntime>> services_;
  std::vector<std::unique_ptr<CollectorRuntime>> collectors_;
  std::vector<std::unique_ptr<StorageRuntime>> storage_;

  std::vector<TraceTrack> traces_;  // by request index
  std::unordered_map<pipeline::TraceId, uint64_t, pipeline::TraceIdHash> trace_index_;

  reports::LogLinearHistogram request_latency_ms_;
  reports::LogLinearHistogram delivery_latency_ms_;
  reports::RequestCounts requests_;
  reports::CpuUsage cpu_;
  std::vector<reports::TimelineEvent> timeline_;
  std::vector<reports::TimeSample> timeseries_;
  reports::Results results_;
  double end_time_s_ = 0;
};

}  // namespace tracesim::sim
