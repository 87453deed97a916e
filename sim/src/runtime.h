// Per-host runtime state of a Simulation (private to sim/src).
#pragma once

#include <time.h>

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "pending_ends.h"
#include "simulation.h"
#include "tracesim/pipeline/jaeger_span_queue.h"
#include "tracesim/pipeline/wal.h"

namespace tracesim::sim {

// Receives the next message of `mailbox`; nullptr when the transfer failed
// (a link went down mid-transfer, or the sender's timeout expired while the
// bytes were on the way): the sender keeps its message and sees the failure
// too. A kill of the receiver still unwinds (it is not a simgrid::Exception).
template <typename T>
std::unique_ptr<T> Receive(simgrid::s4u::Mailbox* mailbox) {
  try {
    return std::unique_ptr<T>(mailbox->get<T>());
  } catch (const simgrid::Exception&) {
    return nullptr;
  }
}

// Thread-CPU nanoseconds of the simulator's thread (all actors run on it).
inline double ThreadCpuNs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

// What reading the thread-CPU clock twice costs (it is a system call, not a
// vDSO read): the median of 1001 empty measurements, taken once.
double ThreadCpuClockOverheadNs();

// tracing.costs.mode: measured — adds the thread-CPU time of a block of real
// code to `*sink_ns`, less the clock's own cost (no-op when off). The block
// must not block in SimGrid.
class CpuStopwatch {
 public:
  CpuStopwatch(bool on, double* sink_ns) : sink_(on ? sink_ns : nullptr), start_(on ? ThreadCpuNs() : 0) {}
  ~CpuStopwatch() {
    if (sink_ != nullptr) *sink_ += std::max(0.0, ThreadCpuNs() - start_ - ThreadCpuClockOverheadNs());
  }
  CpuStopwatch(const CpuStopwatch&) = delete;
  CpuStopwatch& operator=(const CpuStopwatch&) = delete;

 private:
  double* sink_;
  double start_;
};

inline TimePoint Now() { return FromNanos(std::llround(simgrid::s4u::Engine::get_clock() * 1e9)); }

// Bytes of an OTLP export request around its spans (headers, resource,
// scope): a fixed envelope per message.
inline constexpr uint64_t kEnvelopeBytes = 256;

// One request's CPU work queued for a service's worker threads.
struct WorkJob {
  double flops = 0;
  simgrid::s4u::SemaphorePtr done = simgrid::s4u::Semaphore::create(0);
  bool failed = false;  // the service's host crashed before the work was done
};

// One replica of a service: its host and process (SDK, sampler, workers).
struct Simulation::ServiceRuntime {
  int index = 0;     // the service: index into Scenario::services (== its ServiceId)
  int instance = 0;  // this replica: index into services_
  const scenario::ServiceSpec* spec = nullptr;
  const scenario::SamplerSpec* sampler_spec = nullptr;
  simgrid::s4u::Host* host = nullptr;
  uint64_t epoch = 0;  // incremented by every crash: spans of an older epoch died with the process
  pipeline::ServiceId id = 0;
  pipeline::OperationId server_op = 0;
  std::vector<pipeline::OperationId> client_ops;  // by callee service index
  std::unique_ptr<pipeline::Sampler> sampler;
  pipeline::JaegerPerOperationSampler* adaptive = nullptr;  // == sampler for jaeger_adaptive
  // Adjusted count of a sampled span when its tracestate carries none: 1/p
  // for ratio samplers, 1 otherwise (unknown).
  double weight = 1.0;
  std::unique_ptr<pipeline::IdGenerator> ids;
  std::unique_ptr<pipeline::BatchSpanProcessor> bsp;
  std::unique_ptr<pipeline::Tracer> tracer;
  simgrid::s4u::SemaphorePtr wake;  // released when the BatchSpanProcessor asks for an export
  // spec->concurrency > 0: the worker threads' FIFO queue of jobs and the
  // jobs being executed.
  std::deque<std::shared_ptr<WorkJob>> jobs;
  std::vector<std::shared_ptr<WorkJob>> running;
  simgrid::s4u::SemaphorePtr jobs_queued;
  double measured_ns = 0;  // tracing.costs.mode: measured — tracing CPU not charged yet
  // fidelity: fast — sampled spans computed but not yet ended, and when the
  // idle SDK exporter looks at its queue next (nullopt: it is exporting).
  struct PendingSpan {
    pipeline::Span span;
    SpanEndInfo info{};
  };
  PendingEnds<PendingSpan> pending;
  std::optional<TimePoint> exporter_wake;
};

// One exporter destination of a collector: a peer collector or a storage
// node, with its own sending_queue (as the loadbalancing exporter keeps one
// sub-exporter per backend).
struct Simulation::Destination {
  int key = 0;  // >= 0: a collector id; < 0: storage node -1 - key
  std::unique_ptr<pipeline::ExportQueue> queue;
  simgrid::s4u::SemaphorePtr queued;  // counts queued requests
  simgrid::s4u::SemaphorePtr space;   // block_on_overflow: released when a request is taken
  int blocked = 0;                    // callers waiting for room
};

struct Simulation::CollectorRuntime {
  int id = 0;    // index into collectors_
  int tier = 0;  // index into tiers_
  int index_in_tier = 0;
  simgrid::s4u::Host* host = nullptr;
  simgrid::s4u::Mailbox* mailbox = nullptr;
  pipeline::Rng rng{0};  // retry jitter
  std::unique_ptr<pipeline::CollectorPipeline> pipeline;
  std::map<int, Destination> destinations;
  uint64_t queued_bytes = 0;  // wire bytes in the destinations' queues
  simgrid::s4u::SemaphorePtr timer_wake;
  // loadbalancing: this balancer's view of the next tier (collector ids, in
  // ring endpoint order) and its ring.
  std::vector<int> view;
  std::unique_ptr<pipeline::HashRing> ring;
  // profile: jaeger — the span queue its workers take from (one span each).
  std::unique_ptr<pipeline::JaegerSpanQueue> jaeger;
  simgrid::s4u::SemaphorePtr jaeger_items;  // counts queued spans
  double measured_ns = 0;                   // tracing.costs.mode: measured — processor CPU not charged yet
};

struct Simulation::TierRuntime {
  int index = 0;
  const scenario::CollectorTierSpec* spec = nullptr;
  std::vector<int> members;  // collector ids in the tier now (sorted)
  std::vector<int> spares;   // collector ids of hosts for scale_out, not yet used
  int next = -1;             // tier index the exporter sends to; -1: storage
  bool tail = false;         // has a tail_sampling processor
  bool has_batch = false;
  double cpu_s = 0;
  uint64_t peak_spans = 0;
  uint64_t peak_bytes = 0;
  uint64_t refused = 0;
};

struct Simulation::StorageRuntime {
  int index = 0;
  simgrid::s4u::Host* host = nullptr;
  simgrid::s4u::Mailbox* mailbox = nullptr;
  std::unique_ptr<pipeline::SpanStore> store;
  // storage.wal: the log on the node's durable medium; it survives crashes.
  std::unique_ptr<pipeline::WriteAheadLog> wal;
  struct Copy {
    SpanKey key;
    bool error = false;
  };
  std::vector<Copy> spans;                         // every span copy this node holds (for a crash)
  simgrid::s4u::Disk* disk = nullptr;              // storage.disk
  simgrid::s4u::Mailbox* query_mailbox = nullptr;  // storage.queries, served by QueryServer
  bool unavailable = false;  // failures: storage_outage — refuses writes and queries, keeps its data
  // Cut blocks waiting to be written to the disk by the block flusher.
  uint64_t flush_pending_bytes = 0;
  simgrid::s4u::SemaphorePtr flush_wake;
  double measured_ns = 0;  // tracing.costs.mode: measured — insert CPU not charged yet
};

// The answer of a storage node to one query.
struct QueryReply {
  simgrid::s4u::SemaphorePtr done = simgrid::s4u::Semaphore::create(0);
  size_t spans = 0;   // lookup: spans of the trace found
  size_t traces = 0;  // search: trace ids found
};

// A query to one storage node: a trace-id lookup or a search.
struct QueryRequest {
  bool search = false;
  pipeline::TraceId trace;           // lookup
  pipeline::TraceSearchQuery query;  // search
  std::shared_ptr<QueryReply> reply = std::make_shared<QueryReply>();
};

// The acknowledgements of one replicated write: each storage writer acks a
// copy once it is inserted. Shared with the copies in flight.
struct WriteAcks {
  int acked = 0;
  simgrid::s4u::SemaphorePtr signal = simgrid::s4u::Semaphore::create(0);
};

// The answer of a collector's receiver to one export request (the gRPC
// response): accepted, or refused with a retryable error (memory_limiter),
// the refused spans handed back to the sender to retry or drop.
struct ExportReply {
  simgrid::s4u::SemaphorePtr done = simgrid::s4u::Semaphore::create(0);
  bool refused = false;
  bool abandoned = false;  // the sender stopped waiting (its export timed out)
  std::unique_ptr<HeldSpans> returned;
};

// One export request on the wire to a collector.
struct ExportMessage {
  std::unique_ptr<HeldSpans> spans;
  std::shared_ptr<ExportReply> reply = std::make_shared<ExportReply>();
};

enum class SendResult { kDelivered, kFailed, kRefused };

// One replica's copy of a write. Not counted by the ledger: the sender keeps
// the original (HeldSpans) until a quorum of copies is inserted.
struct ReplicaCopy {
  std::vector<pipeline::SpanData> spans;
  std::shared_ptr<WriteAcks> acks;
};

}  // namespace tracesim::sim
