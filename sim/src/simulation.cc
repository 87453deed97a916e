#include "simulation.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include "tracesim/pipeline/samplers.h"
#include "tracesim/pipeline/w3c_trace_context.h"
#include "tracesim/reports/latency_summary.h"

namespace tracesim::sim {
namespace sg4 = simgrid::s4u;
using pipeline::DropCause;
using pipeline::SpanData;

namespace {

TimePoint Now() { return FromNanos(std::llround(sg4::Engine::get_clock() * 1e9)); }

// Bytes of an OTLP export request around its spans (headers, resource,
// scope): a fixed envelope per message.
constexpr uint64_t kEnvelopeBytes = 256;

pipeline::RetryOptions ToRetryOptions(const scenario::RetrySpec& r) {
  pipeline::RetryOptions o;
  o.enabled = r.enabled;
  o.initial_interval = r.initial_interval;
  o.randomization_factor = r.randomization_factor;
  o.multiplier = r.multiplier;
  o.max_interval = r.max_interval;
  o.max_elapsed_time = r.max_elapsed_time;
  return o;
}

}  // namespace

struct Simulation::ServiceRuntime {
  int index = 0;
  const scenario::ServiceSpec* spec = nullptr;
  sg4::Host* host = nullptr;
  int collector = 0;
  uint64_t epoch = 0;  // incremented by every crash: spans of an older epoch died with the process
  pipeline::ServiceId id = 0;
  pipeline::OperationId server_op = 0;
  std::vector<pipeline::OperationId> client_ops;  // by callee service index
  std::unique_ptr<pipeline::Sampler> sampler;
  std::unique_ptr<pipeline::IdGenerator> ids;
  std::unique_ptr<pipeline::BatchSpanProcessor> bsp;
  std::unique_ptr<pipeline::Tracer> tracer;
  sg4::SemaphorePtr wake;  // released when the BatchSpanProcessor asks for an export
};

struct Simulation::CollectorRuntime {
  int index = 0;
  sg4::Host* host = nullptr;
  sg4::Mailbox* mailbox = nullptr;
  pipeline::Rng rng{0};                                        // retry jitter
  std::unique_ptr<pipeline::BatchProcessor> batch;             // null when the batch processor is disabled
  std::vector<std::unique_ptr<pipeline::ExportQueue>> queues;  // one per storage node
  std::vector<sg4::SemaphorePtr> queued;                       // counts queued requests per node
  uint64_t next_request_id = 0;
};

struct Simulation::StorageRuntime {
  int index = 0;
  sg4::Host* host = nullptr;
  sg4::Mailbox* mailbox = nullptr;
  std::unique_ptr<pipeline::SpanStore> store;
  std::unordered_map<pipeline::TraceId, uint32_t, pipeline::TraceIdHash> spans_per_trace;
};

// Per-request state. If the request actor is killed (its host crashed), the
// request counts as failed.
class Simulation::RequestScope {
 public:
  RequestScope(Simulation* sim, uint64_t index, pipeline::Rng rng) : sim_(sim), index_(index), rng_(rng) {}
  ~RequestScope() {
    if (!done_) Finish(false, /*record_latency=*/false);
  }
  void Finish(bool ok, bool record_latency) {
    done_ = true;
    sim_->traces_[index_].finished = true;
    ++sim_->requests_.completed;
    if (!ok) ++sim_->requests_.failed;
    if (record_latency) sim_->request_latency_ms_.Record((sg4::Engine::get_clock() - start_s_) * 1e3);
  }
  uint64_t index() const { return index_; }
  pipeline::Rng& rng() { return rng_; }

 private:
  Simulation* sim_;
  uint64_t index_;
  pipeline::Rng rng_;
  double start_s_ = sg4::Engine::get_clock();
  bool done_ = false;
};

// A span in progress. If it is never ended (its process crashed, or the actor
// running it was killed), it is still accounted: generated, and crash_lost
// when it was sampled.
class Simulation::OpenSpan {
 public:
  OpenSpan(Simulation* sim, ServiceRuntime* service, uint64_t request, pipeline::Span span)
      : sim_(sim), service_(service), request_(request), epoch_(service->epoch), span_(std::move(span)) {}
  OpenSpan(const OpenSpan&) = delete;
  OpenSpan& operator=(const OpenSpan&) = delete;
  ~OpenSpan() {
    if (ended_ || sim_->ledger_.frozen()) return;
    const bool sampled = span_.IsSampled();
    sim_->ledger_.Generated(sampled);
    if (sampled) {
      ++sim_->traces_[request_].sampled_generated;
      sim_->ledger_.Drop(DropCause::kCrashLost, 1);
    }
  }
  pipeline::Span& span() { return span_; }
  // False when the service's process crashed since the span started.
  bool alive() const { return service_->epoch == epoch_ && service_->host->is_on(); }
  void MarkEnded() { ended_ = true; }
  uint64_t request() const { return request_; }

 private:
  Simulation* sim_;
  ServiceRuntime* service_;
  uint64_t request_;
  uint64_t epoch_;
  pipeline::Span span_;
  bool ended_ = false;
};

Simulation::Simulation(const scenario::Scenario& scenario, bool tracing, Platform platform,
                       ServiceCallGraph graph)
    : scenario_(scenario),
      tracing_(tracing),
      platform_(std::move(platform)),
      graph_(std::move(graph)),
      root_rng_(scenario.seed) {}

Simulation::~Simulation() = default;

Status Simulation::Start() {
  const auto& sc = scenario_;
  std::vector<std::string> endpoints;
  for (int i = 0; i < sc.storage.nodes; ++i) endpoints.push_back(scenario::StorageHostName(i) + ":4317");
  auto ring = pipeline::HashRing::Create(endpoints);
  if (!ring.ok()) return ring.status();
  ring_ = std::make_unique<pipeline::HashRing>(std::move(ring).value());

  for (size_t i = 0; i < sc.services.size(); ++i) {
    auto s = std::make_unique<ServiceRuntime>();
    s->index = static_cast<int>(i);
    s->spec = &sc.services[i];
    s->host = platform_.services[i];
    s->collector = static_cast<int>(i % sc.collector.count);
    s->id = interner_.Intern(s->spec->name);
    s->server_op = interner_.Intern("GET /" + s->spec->name);
    s->client_ops.resize(sc.services.size());
    for (const auto& [callee, count] : graph_.CallsOf(s->index)) {
      s->client_ops[callee] = interner_.Intern("call " + sc.services[callee].name);
    }
    if (tracing_) {
      auto sampler = pipeline::MakeSamplerByName(sc.tracing.sampler.type, sc.tracing.sampler.ratio);
      if (!sampler.ok()) return sampler.status();
      s->sampler = std::move(sampler).value();
      s->ids = std::make_unique<pipeline::IdGenerator>(root_rng_.Fork(1000 + i));
    }
    services_.push_back(std::move(s));
  }
  for (int i = 0; i < sc.collector.count; ++i) {
    auto c = std::make_unique<CollectorRuntime>();
    c->index = i;
    c->host = platform_.collectors[i];
    c->mailbox = sg4::Mailbox::by_name(c->host->get_name());
    c->rng = root_rng_.Fork(2000 + i);
    collectors_.push_back(std::move(c));
  }
  for (int i = 0; i < sc.storage.nodes; ++i) {
    auto st = std::make_unique<StorageRuntime>();
    st->index = i;
    st->host = platform_.storage[i];
    st->mailbox = sg4::Mailbox::by_name(st->host->get_name());
    storage_.push_back(std::move(st));
  }

  if (tracing_) {
    for (size_t i = 0; i < services_.size(); ++i) StartServiceActors(static_cast<int>(i));
    for (size_t i = 0; i < collectors_.size(); ++i) StartCollectorActors(static_cast<int>(i));
    for (size_t i = 0; i < storage_.size(); ++i) StartStorageActors(static_cast<int>(i));
  }
  end_time_s_ = sc.duration_s + sc.drain_s;
  sg4::Actor::create("workload", platform_.driver, [this] { Workload(); });
  sg4::Actor::create("faults", platform_.driver, [this] { FaultInjector(); })->daemonize();
  sg4::Actor::create("timeseries", platform_.driver, [this] { TimeSeriesSampler(); })->daemonize();
  sg4::Actor::create("timekeeper", platform_.driver, [this] { Timekeeper(); });
  return Status::Ok();
}

// ---------------------------------------------------------------- lifecycle

void Simulation::StartServiceActors(int i) {
  ServiceRuntime& s = *services_[i];
  const auto& b = scenario_.tracing.batch_span_processor;
  pipeline::BatchSpanProcessorOptions o;
  o.max_queue_size = static_cast<size_t>(b.max_queue_size);
  o.schedule_delay = b.schedule_delay;
  o.max_export_batch_size = static_cast<size_t>(b.max_export_batch_size);
  o.export_timeout = b.export_timeout;
  s.bsp = std::make_unique<pipeline::BatchSpanProcessor>(o, &ledger_, Now());
  s.tracer = std::make_unique<pipeline::Tracer>(s.id, s.sampler.get(), s.ids.get(), s.bsp.get());
  s.wake = sg4::Semaphore::create(0);
  sg4::Actor::create("sdk-exporter", s.host, [this, i] { SdkExporter(i); })->daemonize();
}

void Simulation::StartCollectorActors(int i) {
  CollectorRuntime& c = *collectors_[i];
  const auto& spec = scenario_.collector;
  if (spec.batch.enabled) {
    pipeline::BatchProcessorOptions o;
    o.send_batch_size = spec.batch.send_batch_size;
    o.timeout = spec.batch.timeout;
    o.send_batch_max_size = spec.batch.send_batch_max_size;
    c.batch = std::make_unique<pipeline::BatchProcessor>(o, Now());
  } else {
    c.batch.reset();
  }
  c.queues.clear();
  c.queued.clear();
  pipeline::SendingQueueOptions q;
  q.enabled = spec.sending_queue.enabled;
  q.num_consumers = spec.sending_queue.num_consumers;
  q.queue_size = spec.sending_queue.queue_size;
  for (size_t n = 0; n < storage_.size(); ++n) {
    c.queues.push_back(std::make_unique<pipeline::ExportQueue>(q, &ledger_));
    c.queued.push_back(sg4::Semaphore::create(0));
  }
  sg4::Actor::create("collector-receiver", c.host, [this, i] { CollectorReceiver(i); })->daemonize();
  if (c.batch && spec.batch.timeout.count() > 0) {
    sg4::Actor::create("collector-batch-timer", c.host, [this, i] { CollectorTimer(i); })->daemonize();
  }
  if (spec.sending_queue.enabled) {
    for (size_t n = 0; n < storage_.size(); ++n) {
      for (int k = 0; k < spec.sending_queue.num_consumers; ++k) {
        const int node = static_cast<int>(n);
        sg4::Actor::create("collector-consumer", c.host, [this, i, node] {
          CollectorConsumer(i, node);
        })->daemonize();
      }
    }
  }
}

void Simulation::StartStorageActors(int i) {
  StorageRuntime& st = *storage_[i];
  st.store = std::make_unique<pipeline::SpanStore>();
  st.spans_per_trace.clear();
  sg4::Actor::create("storage-writer", st.host, [this, i] { StorageWriter(i); })->daemonize();
}

void Simulation::Crash(sg4::Host* host) {
  if (!host->is_on()) return;
  timeline_.push_back({"host_crash", host->get_name(), sg4::Engine::get_clock(), -1});
  for (auto& s : services_) {
    if (s->host != host) continue;
    ++s->epoch;
    if (s->bsp) ledger_.Drop(DropCause::kCrashLost, s->bsp->DrainAll().size());
  }
  for (auto& c : collectors_) {
    if (c->host != host) continue;
    if (c->batch) ledger_.Drop(DropCause::kCrashLost, c->batch->DrainAll().size());
    for (auto& q : c->queues) {
      for (const auto& req : q->DrainAll()) ledger_.Drop(DropCause::kCrashLost, req.spans.size());
    }
  }
  for (auto& st : storage_) {
    if (st->host != host || !st->store) continue;
    // An in-memory store without a WAL loses everything it held.
    ledger_.Drop(DropCause::kCrashLost, st->store->span_count());
    for (const auto& [trace, n] : st->spans_per_trace) {
      auto it = trace_index_.find(trace);
      if (it != trace_index_.end()) traces_[it->second].stored -= n;
    }
    st->spans_per_trace.clear();
    st->store->Clear();
  }
  host->turn_off();  // kills the host's actors; what they held is counted by HeldSpans/OpenSpan
}

void Simulation::Restart(sg4::Host* host) {
  if (host->is_on()) return;
  host->turn_on();
  for (auto it = timeline_.rbegin(); it != timeline_.rend(); ++it) {
    if (it->target == host->get_name() && it->end_s < 0) {
      it->end_s = sg4::Engine::get_clock();
      break;
    }
  }
  if (!tracing_) return;
  for (size_t i = 0; i < services_.size(); ++i) {
    if (services_[i]->host == host) StartServiceActors(static_cast<int>(i));
  }
  for (size_t i = 0; i < collectors_.size(); ++i) {
    if (collectors_[i]->host == host) StartCollectorActors(static_cast<int>(i));
  }
  for (size_t i = 0; i < storage_.size(); ++i) {
    if (storage_[i]->host == host) StartStorageActors(static_cast<int>(i));
  }
}

// ---------------------------------------------------------------- workload

void Simulation::Workload() {
  pipeline::Rng rng = root_rng_.Fork(1);
  const auto& w = scenario_.workload;
  const int entry = [&] {
    for (size_t i = 0; i < scenario_.services.size(); ++i) {
      if (scenario_.services[i].name == w.entry_service) return static_cast<int>(i);
    }
    return 0;
  }();
  double t = 0;
  while (true) {
    t += w.arrival == scenario::ArrivalProcess::kPoisson ? rng.Exponential(1.0 / w.rate_per_s)
                                                         : 1.0 / w.rate_per_s;
    if (t >= scenario_.duration_s) break;
    sg4::this_actor::sleep_until(t);
    const uint64_t index = traces_.size();
    traces_.emplace_back();
    ++requests_.started;
    sg4::Host* host = services_[entry]->host;
    if (!host->is_on()) {  // connection refused
      traces_[index].finished = true;
      ++requests_.completed;
      ++requests_.failed;
      continue;
    }
    sg4::Actor::create("request", host, [this, index, entry] {
      RequestScope rq(this, index, root_rng_.Fork(1'000'000 + index));
      const bool ok = HandleCall(rq, entry, nullptr);
      rq.Finish(ok, /*record_latency=*/true);
    });
  }
}

void Simulation::Execute(sg4::Host* host, double flops) {
  if (flops <= 0) return;
  sg4::this_actor::exec_init(flops)->set_host(host)->wait();
}

bool Simulation::Transfer(sg4::Host* from, sg4::Host* to, uint64_t bytes) {
  if (!from->is_on() || !to->is_on()) return false;  // connection refused
  try {
    sg4::Comm::sendto(from, to, bytes);
    return true;
  } catch (const simgrid::Exception&) {
    return false;
  }
}

bool Simulation::HandleCall(RequestScope& rq, int service, const pipeline::SpanContext* parent) {
  ServiceRuntime& s = *services_[service];
  const auto& spec = *s.spec;
  const auto& costs = scenario_.tracing.costs;
  const auto& calls = graph_.CallsOf(service);

  std::optional<OpenSpan> server;
  double tracing_flops = 0;
  if (tracing_) {
    pipeline::StartSpanOptions opts;
    opts.parent = parent;
    opts.kind = pipeline::SpanKind::kServer;
    server.emplace(this, &s, rq.index(), s.tracer->StartSpan(s.server_op, Now(), opts));
    pipeline::Span& span = server->span();
    if (parent == nullptr) {
      trace_index_[span.context().trace_id] = rq.index();
      traces_[rq.index()].traced = true;
    }
    for (int a = 0; a < spec.attributes_per_span; ++a) {
      span.SetAttribute(static_cast<pipeline::AttributeKeyId>(a), pipeline::AttributeValue(int64_t{a}));
    }
    // Tracing CPU of this handler (its server span and the client spans of
    // its calls), charged once with the handler's work.
    double per_span = costs.span_start_ns + costs.sampler_decision_ns;
    if (span.IsRecording()) per_span += costs.span_end_ns + spec.attributes_per_span * costs.attribute_set_ns;
    if (span.IsSampled()) per_span += costs.bsp_enqueue_ns;
    uint64_t spans = 1;
    for (const auto& [callee, count] : calls) spans += count;
    tracing_flops = CostFlops(per_span * static_cast<double>(spans));
  }

  // Application work for this request, drawn from the request's own stream so
  // that traced and baseline runs do the same work.
  double work_s = spec.work_mean_s;
  switch (spec.work_distribution) {
    case scenario::Distribution::kConstant:
      break;
    case scenario::Distribution::kExponential:
      work_s = rq.rng().Exponential(spec.work_mean_s);
      break;
    case scenario::Distribution::kLogNormal: {
      const double u1 = 1.0 - rq.rng().NextDouble(), u2 = rq.rng().NextDouble();
      const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2 * M_PI * u2);
      const double mu = std::log(spec.work_mean_s) - spec.work_sigma * spec.work_sigma / 2;
      work_s = std::exp(mu + spec.work_sigma * z);
      break;
    }
  }
  const bool app_error = rq.rng().NextDouble() < spec.error_rate;
  const double speed = s.host->get_speed();
  const double work_flops = work_s * speed;
  try {
    Execute(s.host, work_flops + tracing_flops);
  } catch (const simgrid::Exception&) {
    return false;  // the service's host crashed mid-request: its open span is lost with it
  }
  cpu_.service_cpu_s += (work_flops + tracing_flops) / speed;
  cpu_.tracing_cpu_s += tracing_flops / speed;

  bool ok = true;
  for (const auto& [callee, count] : calls) {
    ServiceRuntime& c = *services_[callee];
    for (int k = 0; k < count; ++k) {
      std::optional<OpenSpan> client;
      std::optional<pipeline::SpanContext> propagated;
      if (server && server->alive()) {
        pipeline::StartSpanOptions opts;
        opts.parent = &server->span().context();
        opts.kind = pipeline::SpanKind::kClient;
        client.emplace(this, &s, rq.index(), s.tracer->StartSpan(s.client_ops[callee], Now(), opts));
        // W3C Trace Context over the wire, through the real codec.
        std::string traceparent, tracestate;
        pipeline::InjectContext(client->span().context(), &traceparent, &tracestate);
        propagated = pipeline::ExtractContext(traceparent, tracestate);
      }
      bool call_ok = false;
      if (Transfer(s.host, c.host, spec.request_bytes)) {
        call_ok = HandleCall(rq, callee, propagated ? &*propagated : nullptr);
        if (!Transfer(c.host, s.host, c.spec->response_bytes)) call_ok = false;
      }
      if (client && client->alive())
        EndSpan(s, *client, call_ok ? pipeline::SpanStatus::kUnset : pipeline::SpanStatus::kError);
      ok = ok && call_ok;
    }
  }
  if (app_error) ok = false;
  if (server && server->alive())
    EndSpan(s, *server, ok ? pipeline::SpanStatus::kUnset : pipeline::SpanStatus::kError);
  return ok;
}

void Simulation::EndSpan(ServiceRuntime& s, OpenSpan& open, pipeline::SpanStatus status) {
  pipeline::Span& span = open.span();
  span.SetStatus(status);
  const bool sampled = span.IsSampled();
  ledger_.Generated(sampled);
  if (sampled) ++traces_[open.request()].sampled_generated;
  open.MarkEnded();
  s.tracer->EndSpan(span, Now());  // recording spans go to the BatchSpanProcessor (or are dropped, counted)
  if (s.bsp->export_requested() && s.wake->get_capacity() == 0) s.wake->release();
}

// ---------------------------------------------------------------- SDK export

void Simulation::SdkExporter(int i) {
  ServiceRuntime& s = *services_[i];
  while (true) {
    const TimePoint now = Now();
    if (s.bsp->ExportDue(now)) {
      auto batch = std::make_unique<HeldSpans>(&ledger_, s.bsp->TakeBatch(now));
      ExportFromSdk(s, std::move(batch));
      s.bsp->OnExportDone(Now());
      continue;
    }
    // ExportDue() applied any idle ticks of the SDK worker: the deadline is
    // in the future. Sleep until then, or until a full batch wakes us.
    const TimePoint deadline = s.bsp->NextDeadline();
    s.wake->acquire_timeout(ToSeconds(deadline) - sg4::Engine::get_clock());
  }
}

void Simulation::ExportFromSdk(ServiceRuntime& s, std::unique_ptr<HeldSpans> batch) {
  const double flops = CostFlops(scenario_.tracing.costs.export_serialize_per_span_ns * batch->size());
  Execute(s.host, flops);
  cpu_.service_cpu_s += flops / s.host->get_speed();
  cpu_.tracing_cpu_s += flops / s.host->get_speed();
  CollectorRuntime& c = *collectors_[s.collector];
  const double timeout = ToSeconds(scenario_.tracing.batch_span_processor.export_timeout);
  // The SDK does not retry a failed export (BatchSpanProcessor semantics).
  if (!TrySend(s.host, c.host, c.mailbox, batch, timeout)) batch->Drop(DropCause::kExportFailed);
}

bool Simulation::TrySend(sg4::Host* from, sg4::Host* to, sg4::Mailbox* mailbox,
                         std::unique_ptr<HeldSpans>& payload, double timeout_s) {
  if (!from->is_on() || !to->is_on()) return false;  // connection refused
  try {
    mailbox->put(payload.get(), kEnvelopeBytes + payload->bytes(), timeout_s);
    payload.release();  // the receiver owns it now
    return true;
  } catch (const simgrid::Exception&) {
    return false;
  }
}

// ---------------------------------------------------------------- collector

void Simulation::CollectorReceiver(int i) {
  CollectorRuntime& c = *collectors_[i];
  const auto& costs = scenario_.tracing.costs;
  while (true) {
    std::unique_ptr<HeldSpans> message(c.mailbox->get<HeldSpans>());
    const double per_span =
        costs.collector_receive_per_span_ns + (c.batch ? costs.collector_batch_per_span_ns : 0);
    const double flops = CostFlops(per_span * message->size());
    Execute(c.host, flops);
    cpu_.collector_cpu_s += flops / c.host->get_speed();
    CollectorIngest(c, message->Release());
  }
}

void Simulation::CollectorIngest(CollectorRuntime& c, std::vector<SpanData> spans) {
  if (c.batch) {
    EnqueueBatches(c, c.batch->Add(std::move(spans), Now()));
  } else {
    std::vector<std::vector<SpanData>> one;
    one.push_back(std::move(spans));
    EnqueueBatches(c, std::move(one));
  }
}

void Simulation::EnqueueBatches(CollectorRuntime& c, std::vector<std::vector<SpanData>> batches) {
  for (auto& batch : batches) {
    // Route by trace id, one request per storage node (the loadbalancing
    // exporter's per-backend split). std::map keeps the order deterministic.
    std::map<size_t, std::vector<SpanData>> per_node;
    for (auto& span : batch) per_node[ring_->EndpointIndexFor(span.trace_id)].push_back(std::move(span));
    for (auto& [node, spans] : per_node) {
      if (!scenario_.collector.sending_queue.enabled) {
        // No queue: the export happens in the caller, which blocks (back-pressure).
        SendWithRetry(c, static_cast<int>(node), std::make_unique<HeldSpans>(&ledger_, std::move(spans)));
        continue;
      }
      pipeline::ExportRequest req;
      req.spans = std::move(spans);
      req.enqueued_at = Now();
      req.id = c.next_request_id++;
      if (c.queues[node]->Offer(std::move(req), Now()).ok()) c.queued[node]->release();
    }
  }
}

void Simulation::CollectorTimer(int i) {
  CollectorRuntime& c = *collectors_[i];
  const double timeout_s = ToSeconds(scenario_.collector.batch.timeout);
  while (true) {
    const double deadline = ToSeconds(c.batch->NextDeadline());
    sg4::this_actor::sleep_until(std::max(deadline, sg4::Engine::get_clock() + timeout_s * 1e-3));
    EnqueueBatches(c, c.batch->OnTimer(Now()));
  }
}

void Simulation::CollectorConsumer(int i, int node) {
  CollectorRuntime& c = *collectors_[i];
  sg4::SemaphorePtr queued = c.queued[node];
  pipeline::ExportQueue* queue = c.queues[node].get();
  while (true) {
    queued->acquire();
    auto req = queue->Take();
    if (!req) continue;  // drained by a crash
    SendWithRetry(c, node, std::make_unique<HeldSpans>(&ledger_, std::move(req->spans)));
  }
}

void Simulation::SendWithRetry(CollectorRuntime& c, int node, std::unique_ptr<HeldSpans> request) {
  const double flops = CostFlops(scenario_.tracing.costs.collector_export_per_span_ns * request->size());
  Execute(c.host, flops);
  cpu_.collector_cpu_s += flops / c.host->get_speed();
  const auto retry = ToRetryOptions(scenario_.collector.retry_on_failure);
  pipeline::ExponentialBackOff backoff(retry, &c.rng);
  backoff.Reset(Now());
  StorageRuntime& st = *storage_[node];
  const double timeout = ToSeconds(scenario_.collector.exporter_timeout);
  while (true) {
    if (TrySend(c.host, st.host, st.mailbox, request, timeout)) return;
    if (!retry.enabled) {
      request->Drop(DropCause::kExportFailed);
      return;
    }
    const auto delay = backoff.NextBackOff(Now());
    if (!delay) {
      request->Drop(DropCause::kRetryExhausted);
      return;
    }
    sg4::this_actor::sleep_for(ToSeconds(*delay));
  }
}

// ---------------------------------------------------------------- storage

void Simulation::StorageWriter(int i) {
  StorageRuntime& st = *storage_[i];
  const double per_span = scenario_.tracing.costs.store_insert_per_span_ns;
  while (true) {
    std::unique_ptr<HeldSpans> message(st.mailbox->get<HeldSpans>());
    const double flops = CostFlops(per_span * message->size());
    Execute(st.host, flops);
    cpu_.storage_cpu_s += flops / st.host->get_speed();
    const TimePoint now = Now();
    std::vector<SpanData> spans = message->Release();
    for (const auto& span : spans) {
      delivery_latency_ms_.Record(static_cast<double>((now - span.end).count()) * 1e-6);
      ++st.spans_per_trace[span.trace_id];
      auto it = trace_index_.find(span.trace_id);
      if (it != trace_index_.end()) ++traces_[it->second].stored;
    }
    ledger_.StoredArrival(spans.size());
    st.store->AppendBatch(std::move(spans), now);
    st.store->MaybeCutBlock(now);
  }
}

// ---------------------------------------------------------------- faults, measurement

void Simulation::FaultInjector() {
  struct Event {
    double t;
    bool crash;
    sg4::Host* host;
  };
  std::vector<Event> events;
  for (const auto& f : scenario_.failures) {
    sg4::Host* host = platform_.Find(f.target);
    if (host == nullptr) continue;  // the loader rejects unknown targets
    events.push_back({f.at_s, true, host});
    if (f.restart_after_s > 0) events.push_back({f.at_s + f.restart_after_s, false, host});
  }
  std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) { return a.t < b.t; });
  for (const auto& e : events) {
    sg4::this_actor::sleep_until(e.t);
    if (e.crash) {
      Crash(e.host);
    } else {
      Restart(e.host);
    }
  }
}

uint64_t Simulation::MeasureInFlight() const {
  int64_t n = ledger_.held();
  for (const auto& s : services_) {
    if (s->bsp) n += static_cast<int64_t>(s->bsp->queue_size());
  }
  for (const auto& c : collectors_) {
    if (c->batch) n += static_cast<int64_t>(c->batch->pending_spans());
    for (const auto& q : c->queues) n += static_cast<int64_t>(q->span_count());
  }
  return static_cast<uint64_t>(std::max<int64_t>(n, 0));
}

reports::TimeSample Simulation::Sample() const {
  reports::TimeSample t;
  t.t_s = sg4::Engine::get_clock();
  t.spans_generated = ledger_.generated();
  t.spans_stored = ledger_.stored_arrivals();
  t.spans_dropped = ledger_.dropped_total();
  t.in_flight = MeasureInFlight();
  for (const auto& s : services_) {
    if (s->bsp) t.sdk_queue_spans += s->bsp->queue_size();
  }
  for (const auto& c : collectors_) {
    if (c->batch) t.collector_buffered_spans += c->batch->pending_spans();
    for (const auto& q : c->queues) t.collector_buffered_spans += q->span_count();
  }
  t.requests_completed = requests_.completed;
  return t;
}

void Simulation::TimeSeriesSampler() {
  const double period = scenario_.measurement.sample_period_s;
  for (double t = period; t <= end_time_s_ + 1e-9; t += period) {
    sg4::this_actor::sleep_until(t);
    timeseries_.push_back(Sample());
  }
}

void Simulation::Timekeeper() {
  sg4::this_actor::sleep_until(end_time_s_);
  Finalize();
  ledger_.Freeze();
  sg4::Actor::kill_all();
}

void Simulation::Finalize() {
  reports::Results& r = results_;
  r.scenario_name = scenario_.name;
  r.scenario_source = scenario_.source;
  r.seed = scenario_.seed;
  r.tracing_enabled = tracing_;
  r.sampler =
      tracing_ && !services_.empty() ? services_[0]->sampler->Description() : "none (tracing disabled)";
  r.simulated_seconds = sg4::Engine::get_clock();

  auto& sp = r.spans;
  sp.generated = ledger_.generated();
  sp.sampled_out = ledger_.sampled_out();
  for (const auto& st : storage_) {
    if (st->store) sp.stored += st->store->span_count();
  }
  sp.in_flight = MeasureInFlight();
  for (size_t c = 0; c < Ledger::kCauses; ++c) {
    const auto cause = static_cast<DropCause>(c);
    sp.dropped[std::string(pipeline::DropCauseName(cause))] = ledger_.dropped(cause);
  }
  sp.imbalance = static_cast<int64_t>(sp.generated) -
                 static_cast<int64_t>(sp.sampled_out + sp.stored + sp.in_flight + ledger_.dropped_total());

  for (const auto& t : traces_) {
    if (!t.traced) continue;
    ++r.traces.generated;
    if (t.sampled_generated == 0) continue;
    ++r.traces.sampled;
    if (t.finished && t.stored == t.sampled_generated) {
      ++r.traces.complete;
    } else {
      ++r.traces.incomplete;
    }
  }
  r.requests = requests_;
  r.request_latency = reports::SummarizeLatency(request_latency_ms_);
  r.span_delivery_latency = reports::SummarizeLatency(delivery_latency_ms_);
  r.cpu = cpu_;
  r.timeline = timeline_;
  r.timeseries = timeseries_;
}

}  // namespace tracesim::sim
