// Collector tiers, their exporters and the storage writers.
#include <algorithm>
#include <cmath>
#include <utility>

#include "runtime.h"
#include "simulation.h"
#include "tracesim/pipeline/consistent_probability_sampler.h"

namespace tracesim::sim {
namespace sg4 = simgrid::s4u;
using pipeline::DropCause;
using pipeline::SpanData;

namespace {

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

Status Simulation::StartCollectorActors(int id) {
  CollectorRuntime& c = *collectors_[id];
  const TierRuntime& tier = *tiers_[c.tier];
  pipeline::CollectorPipelineEnv env;
  env.observer = &ledger_;
  env.interner = &interner_;
  env.total_memory_bytes = tier.spec->memory_mib << 20;
  env.memory_usage = [this, id] {
    const CollectorRuntime& col = *collectors_[id];
    return static_cast<uint64_t>(col.pipeline ? col.pipeline->held_bytes() : 0) + col.queued_bytes;
  };
  auto pipe = pipeline::CollectorPipeline::Create(tier.spec->processors, env, Now());
  if (!pipe.ok()) {
    return Status::InvalidArgument("collectors." + tier.spec->name +
                                   ".processors: " + pipe.status().message());
  }
  c.pipeline = std::make_unique<pipeline::CollectorPipeline>(std::move(pipe).value());
  // The actors of a previous life are dead. In-memory queues died with them
  // (Crash counted their contents); a persistent queue survived on disk and
  // its consumers start again, delivering what it holds.
  for (auto it = c.destinations.begin(); it != c.destinations.end();) {
    it = it->second.queue->persistent() ? std::next(it) : c.destinations.erase(it);
  }
  c.queued_bytes = 0;
  for (auto& [key, d] : c.destinations) StartConsumers(c, d);
  c.timer_wake = sg4::Semaphore::create(0);
  c.jaeger.reset();
  if (tier.spec->profile == scenario::CollectorProfile::kJaeger) {
    // A fresh process: an empty queue at its configured size.
    c.jaeger = std::make_unique<pipeline::JaegerSpanQueue>(tier.spec->jaeger, &ledger_, Now());
    c.jaeger_items = sg4::Semaphore::create(0);
    for (int w = 0; w < tier.spec->jaeger.num_workers; ++w)
      sg4::Actor::create("jaeger-worker", c.host, [this, id] { JaegerWorker(id); })->daemonize();
    if (c.jaeger->NextDeadline() != kTimeInfinite)
      sg4::Actor::create("jaeger-resizer", c.host, [this, id] { JaegerResizer(id); })->daemonize();
  }
  sg4::Actor::create("collector-receiver", c.host, [this, id] { CollectorReceiver(id); })->daemonize();
  sg4::Actor::create("collector-timer", c.host, [this, id] { CollectorTimer(id); })->daemonize();
  if (tier.next >= 0 && tier.spec->exporter.type == scenario::ExporterType::kLoadBalancing) {
    RebuildBalancerView(c);
    sg4::Actor::create("lb-resolver", c.host, [this, id] { Resolver(id); })->daemonize();
  }
  return Status::Ok();
}

// ---------------------------------------------------------------- receive and process

void Simulation::CollectorReceiver(int id) {
  CollectorRuntime& c = *collectors_[id];
  TierRuntime& tier = *tiers_[c.tier];
  const auto& costs = scenario_.tracing.costs;
  const double per_span =
      costs.collector_receive_per_span_ns + (tier.has_batch ? costs.collector_batch_per_span_ns : 0);
  while (true) {
    std::unique_ptr<ExportMessage> message = Receive<ExportMessage>(c.mailbox);
    if (!message) continue;
    const HeldSpans& held = *message->spans;
    // CPU is counted when the work is handed to the CPU (saturation shows at once).
    // Measured mode: the receive (decode) figure, plus the processor chain's
    // measured CPU since the last request.
    const double flops =
        costs.measured
            ? CostFlops(costs.collector_receive_per_span_ns * held.size() + std::exchange(c.measured_ns, 0.0))
            : CostFlops(per_span * held.size());
    cpu_.collector_cpu_s += flops / c.host->get_speed();
    tier.cpu_s += flops / c.host->get_speed();
    Execute(c.host, flops);
    for (const SpanData& span : held.spans()) {
      if (adaptive_ && tier.index == 0 && span.IsRoot()) {
        // Jaeger's adaptive sampling counts the root spans the collectors receive, by their
        // sampler.type / sampler.param tags.
        const pipeline::Attribute* type = nullptr;
        const pipeline::Attribute* param = nullptr;
        for (const auto& a : span.attributes) {
          if (a.key == attr_.sampler_type) type = &a;
          if (a.key == attr_.sampler_param) param = &a;
        }
        if (type != nullptr && param != nullptr) {
          const auto& name = interner_.Name(std::get<pipeline::InternedString>(type->value).id);
          adaptive_->RecordRootSpan(span.service, span.operation,
                                    name == "lowerbound" ? pipeline::JaegerSamplerType::kLowerBound
                                                         : pipeline::JaegerSamplerType::kProbabilistic,
                                    std::get<double>(param->value));
        }
      }
      if (tier.tail) {
        if (TraceTrack* t = FindTrace(span.trace_id)) {
          if (t->tail_collector < 0) {
            t->tail_collector = c.id;
          } else if (t->tail_collector != c.id) {
            t->split = true;
          }
        }
      }
    }
    if (c.jaeger) {
      // The Jaeger collector queues span by span; a full queue drops (enqueue_failed).
      for (SpanData& span : message->spans->Release()) {
        if (c.jaeger->Offer(std::move(span), Now())) c.jaeger_items->release();
      }
      message->reply->done->release();
      continue;
    }
    std::vector<SpanData> refused = CollectorIngest(c, message->spans->Release());
    ExportReply& reply = *message->reply;
    if (!refused.empty()) {
      // memory_limiter refused: the receiver answers with a retryable error
      // and the sender keeps the data (to retry it, or to drop it). A sender
      // that stopped waiting has already moved on: the data is lost here.
      tier.refused += refused.size();
      if (reply.abandoned) {
        ledger_.DropSpans(DropCause::kMemoryLimiterRefused, refused);
      } else {
        reply.refused = true;
        reply.returned = std::make_unique<HeldSpans>(&ledger_, std::move(refused));
      }
    }
    reply.done->release();
  }
}

std::vector<SpanData> Simulation::CollectorIngest(CollectorRuntime& c, std::vector<SpanData> spans) {
  pipeline::SpanBatch batch = std::move(spans);
  std::vector<pipeline::SpanBatch> out;
  const TimePoint before = c.pipeline->NextDeadline();
  std::vector<SpanData> refused;
  {
    CpuStopwatch watch(scenario_.tracing.costs.measured, &c.measured_ns);
    if (!c.pipeline->Consume(batch, Now(), out).ok()) refused = std::move(batch);
  }
  if (c.pipeline->NextDeadline() < before && c.timer_wake->get_capacity() == 0) c.timer_wake->release();
  Route(c, std::move(out));
  return refused;
}

void Simulation::CollectorTimer(int id) {
  CollectorRuntime& c = *collectors_[id];
  while (true) {
    const TimePoint deadline = c.pipeline->NextDeadline();
    if (deadline == kTimeInfinite) {
      c.timer_wake->acquire();
    } else {
      const double wait = ToSeconds(deadline) - sg4::Engine::get_clock();
      if (wait > 0) c.timer_wake->acquire_timeout(wait);
    }
    const TimePoint now = Now();
    if (now < c.pipeline->NextDeadline()) continue;  // woken early: a new, earlier deadline
    std::vector<pipeline::SpanBatch> out;
    {
      CpuStopwatch watch(scenario_.tracing.costs.measured, &c.measured_ns);
      c.pipeline->OnTimer(now, out);
    }
    Route(c, std::move(out));
    if (c.pipeline->NextDeadline() <= now) sg4::this_actor::sleep_for(1e-6);  // never spin at one instant
  }
}

// ---------------------------------------------------------------- export

void Simulation::Route(CollectorRuntime& c, std::vector<pipeline::SpanBatch> batches) {
  const TierRuntime& tier = *tiers_[c.tier];
  const auto& exporter = tier.spec->exporter;
  // First split every batch by destination, holding the parts (a blocking
  // queue below may park this actor, and a crash then counts what it holds).
  std::vector<std::pair<int, std::unique_ptr<HeldSpans>>> parts;
  for (auto& batch : batches) {
    if (batch.empty()) continue;
    // std::map: deterministic destination order.
    std::map<int, std::vector<SpanData>> per_destination;
    if (tier.next < 0) {
      for (auto& span : batch) {
        per_destination[-1 - static_cast<int>(partitioner_->Assign(span.trace_id))].push_back(
            std::move(span));
      }
    } else if (exporter.type == scenario::ExporterType::kOtlp) {
      const auto& peers = tiers_[tier.next]->members;
      if (peers.empty()) {
        ledger_.DropSpans(DropCause::kExportFailed, batch);
        continue;
      }
      per_destination[peers[static_cast<size_t>(c.index_in_tier) % peers.size()]] = std::move(batch);
    } else {
      if (!c.ring) {  // the balancer resolved no backend
        ledger_.DropSpans(DropCause::kExportFailed, batch);
        continue;
      }
      for (auto& span : batch) {
        size_t idx;
        if (exporter.routing_key == scenario::RoutingKey::kService) {
          const std::string& name = interner_.Name(span.service);
          idx = c.ring->EndpointIndexForKey(
              std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(name.data()), name.size()));
        } else {
          idx = c.ring->EndpointIndexFor(span.trace_id);
        }
        per_destination[c.view[idx]].push_back(std::move(span));
      }
    }
    for (auto& [key, spans] : per_destination) {
      parts.emplace_back(key, std::make_unique<HeldSpans>(&ledger_, std::move(spans)));
    }
  }
  for (auto& [key, held] : parts) {
    if (!exporter.sending_queue.enabled) {
      // No queue: the export happens in the caller, which blocks (back-pressure).
      SendWithRetry(c, key, std::move(held));
      continue;
    }
    Destination& d = DestinationFor(c, key);
    const uint64_t bytes = WireBytes(held->spans());
    pipeline::ExportRequest req;
    req.spans = held->Release();
    while (true) {
      req.enqueued_at = Now();
      const Status offered = d.queue->Offer(std::move(req), Now());
      if (offered.ok()) {
        if (!d.queue->persistent()) c.queued_bytes += bytes;  // a persistent queue is on disk
        d.queued->release();
        break;
      }
      if (offered.code() != StatusCode::kUnavailable) break;  // refused: counted enqueue_failed
      // block_on_overflow: wait until a consumer takes a request, holding
      // the request meanwhile.
      held = std::make_unique<HeldSpans>(&ledger_, std::move(req.spans));
      ++d.blocked;
      d.space->acquire();
      --d.blocked;
      req = pipeline::ExportRequest{};
      req.spans = held->Release();
    }
  }
}

Simulation::Destination& Simulation::DestinationFor(CollectorRuntime& c, int key) {
  auto it = c.destinations.find(key);
  if (it != c.destinations.end()) return it->second;
  const auto& spec = tiers_[c.tier]->spec->exporter.sending_queue;
  Destination& d = c.destinations[key];
  d.key = key;
  pipeline::SendingQueueOptions q;
  q.enabled = spec.enabled;
  q.num_consumers = spec.num_consumers;
  q.queue_size = spec.queue_size;
  q.sizer = spec.sizer;
  q.block_on_overflow = spec.block_on_overflow;
  q.storage = spec.storage;
  d.queue = std::make_unique<pipeline::ExportQueue>(q, &ledger_);
  StartConsumers(c, d);
  return d;
}

void Simulation::StartConsumers(CollectorRuntime& c, Destination& d) {
  d.queued = sg4::Semaphore::create(static_cast<unsigned>(d.queue->size()));
  d.space = sg4::Semaphore::create(0);
  d.blocked = 0;
  const int id = c.id, key = d.key;
  for (int k = 0; k < d.queue->options().num_consumers; ++k) {
    sg4::Actor::create("collector-consumer", c.host, [this, id, key] {
      CollectorConsumer(id, key);
    })->daemonize();
  }
}

void Simulation::CollectorConsumer(int id, int key) {
  CollectorRuntime& c = *collectors_[id];
  Destination& d = c.destinations.at(key);
  sg4::SemaphorePtr queued = d.queued;
  pipeline::ExportQueue* queue = d.queue.get();
  while (true) {
    queued->acquire();
    auto req = queue->Take();
    if (!req) continue;                     // drained by a crash
    if (d.blocked > 0) d.space->release();  // block_on_overflow: a caller waits for room
    if (!queue->persistent()) c.queued_bytes -= std::min<uint64_t>(c.queued_bytes, WireBytes(req->spans));
    auto held = std::make_unique<HeldSpans>(&ledger_, std::move(req->spans));
    if (queue->persistent()) {
      // The persistent queue keeps a dispatched request until it is
      // exported: if this collector dies first, it is exported again after
      // the restart (possibly a second time, as the Collector does).
      held->set_rescue([queue](std::vector<SpanData>&& spans) {
        pipeline::ExportRequest back;
        back.spans = std::move(spans);
        queue->Requeue(std::move(back));
      });
    }
    SendWithRetry(c, key, std::move(held));
  }
}

void Simulation::SendWithRetry(CollectorRuntime& c, int key, std::unique_ptr<HeldSpans> request) {
  TierRuntime& tier = *tiers_[c.tier];
  const double flops = CostFlops(scenario_.tracing.costs.collector_export_per_span_ns * request->size());
  cpu_.collector_cpu_s += flops / c.host->get_speed();
  tier.cpu_s += flops / c.host->get_speed();
  Execute(c.host, flops);
  const auto retry = ToRetryOptions(tier.spec->exporter.retry_on_failure);
  pipeline::ExponentialBackOff backoff(retry, &c.rng);
  backoff.Reset(Now());
  const double timeout = ToSeconds(tier.spec->exporter.timeout);
  while (true) {
    if (key < 0) {
      // Storage: a replicated write; what reached its quorum is stored.
      std::vector<SpanData> failed = ReplicatedWrite(c, request->spans(), timeout);
      if (failed.empty()) {
        request->Release();
        return;
      }
      if (failed.size() < request->size()) {
        HeldSpans::Rescue rescue = request->rescue();
        request->Release();
        request = std::make_unique<HeldSpans>(&ledger_, std::move(failed));
        request->set_rescue(std::move(rescue));
      }
    } else if (TrySend(c.host, key, request, timeout) == SendResult::kDelivered) {
      return;
    }
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

std::vector<SpanData> Simulation::ReplicatedWrite(CollectorRuntime& c, const std::vector<SpanData>& spans,
                                                  double timeout_s) {
  const size_t rf = static_cast<size_t>(scenario_.storage.replication_factor);
  // Spans with the same replica set are written together (std::map: deterministic order).
  std::map<std::vector<size_t>, std::vector<SpanData>> groups;
  std::vector<size_t> replicas;
  for (const auto& span : spans) {
    partitioner_->PreferenceList(span.trace_id, rf, replicas);
    groups[replicas].push_back(span);
  }
  struct Write {
    const std::vector<SpanData>* spans;
    std::shared_ptr<WriteAcks> acks = std::make_shared<WriteAcks>();
    int delivered = 0;
  };
  std::vector<Write> writes;
  std::vector<std::tuple<sg4::CommPtr, ReplicaCopy*, size_t>> comms;
  const double deadline = sg4::Engine::get_clock() + timeout_s;
  for (const auto& [nodes, group] : groups) {
    writes.push_back(Write{&group});
    const uint64_t bytes = kEnvelopeBytes + WireBytes(group);
    for (size_t node : nodes) {
      StorageRuntime& st = *storage_[node];
      // Connection refused (host down or storage outage) or unreachable (partition).
      if (!c.host->is_on() || !st.host->is_on() || st.unavailable || Partitioned(c.host, st.host)) continue;
      auto* copy = new ReplicaCopy{group, writes.back().acks};
      sg4::CommPtr comm = st.mailbox->put_init(copy, bytes);
      if (net_) {
        // Loss on the path costs a TCP flow throughput (jitter is not applied to storage writes).
        if (const double rate = net_->TcpRate(c.host, st.host); std::isfinite(rate)) comm->set_rate(rate);
      }
      comms.emplace_back(comm->start(), copy, writes.size() - 1);
    }
  }
  for (auto& [comm, copy, w] : comms) {
    const double remaining = deadline - sg4::Engine::get_clock();
    try {
      if (remaining <= 0) throw simgrid::TimeoutException(XBT_THROW_POINT, "write deadline passed");
      comm->wait_for(remaining);
      ++writes[w].delivered;  // the writer owns the copy now
    } catch (const simgrid::TimeoutException&) {
      comm->cancel();
      delete copy;
    } catch (const simgrid::Exception&) {
      delete copy;  // the transfer failed: never delivered
    }
  }
  // Wait for the inserts (acknowledged by the storage writers) up to the deadline.
  std::vector<SpanData> failed;
  for (auto& w : writes) {
    while (w.acks->acked < write_quorum_ && w.acks->acked < w.delivered) {
      const double remaining = deadline - sg4::Engine::get_clock();
      if (remaining <= 0 || w.acks->signal->acquire_timeout(remaining)) break;
    }
    if (w.acks->acked < write_quorum_) failed.insert(failed.end(), w.spans->begin(), w.spans->end());
  }
  return failed;
}

SendResult Simulation::TrySend(sg4::Host* from, int key, std::unique_ptr<HeldSpans>& payload,
                               double timeout_s) {
  sg4::Host* to = collectors_[key]->host;
  sg4::Mailbox* mailbox = collectors_[key]->mailbox;
  if (!from->is_on() || !to->is_on()) return SendResult::kFailed;  // connection refused
  if (Partitioned(from, to)) {
    // Unreachable: the connection attempt hangs until the export times out.
    sg4::this_actor::sleep_for(timeout_s);
    return SendResult::kFailed;
  }
  const double deadline = sg4::Engine::get_clock() + timeout_s;
  const uint64_t bytes = kEnvelopeBytes + payload->bytes();
  // Once delivered, the spans are the receiver's to lose.
  HeldSpans::Rescue rescue = payload->rescue();
  payload->set_rescue(nullptr);
  auto* message = new ExportMessage{std::move(payload)};
  std::shared_ptr<ExportReply> reply = message->reply;
  try {
    const double rate = BeforeTcpSend(from, to);
    sg4::CommPtr comm = mailbox->put_init(message, bytes);
    if (std::isfinite(rate)) comm->set_rate(rate);
    comm->start()->wait_for(timeout_s);  // the receiver owns the message now
  } catch (const simgrid::Exception&) {
    payload = std::move(message->spans);  // never delivered
    payload->set_rescue(std::move(rescue));
    delete message;
    return SendResult::kFailed;
  }
  // Wait for the answer. If it does not come in time (the receiver is slow,
  // or died holding the request), the request is the receiver's: it counts
  // what becomes of the spans.
  const double remaining = deadline - sg4::Engine::get_clock();
  if (remaining <= 0 || reply->done->acquire_timeout(remaining)) {
    reply->abandoned = true;
    return SendResult::kDelivered;
  }
  if (!reply->refused) return SendResult::kDelivered;
  payload = std::move(reply->returned);
  payload->set_rescue(std::move(rescue));
  return SendResult::kRefused;
}

// ---------------------------------------------------------------- Jaeger collector

void Simulation::JaegerWorker(int id) {
  CollectorRuntime& c = *collectors_[id];
  TierRuntime& tier = *tiers_[c.tier];
  pipeline::JaegerSpanQueue* queue = c.jaeger.get();
  sg4::SemaphorePtr items = c.jaeger_items;
  const double timeout = ToSeconds(tier.spec->exporter.timeout);
  while (true) {
    items->acquire();
    std::optional<SpanData> span = queue->Take();
    if (!span) continue;  // drained by a crash
    std::vector<SpanData> one;
    one.push_back(std::move(*span));
    HeldSpans held(&ledger_, std::move(one));
    const double flops = CostFlops(scenario_.tracing.costs.collector_export_per_span_ns);
    cpu_.collector_cpu_s += flops / c.host->get_speed();
    tier.cpu_s += flops / c.host->get_speed();
    Execute(c.host, flops);
    // Jaeger's span writer does not retry: a failed write drops the span.
    if (ReplicatedWrite(c, held.spans(), timeout).empty()) {
      held.Release();
    } else {
      held.Drop(DropCause::kExportFailed);
    }
  }
}

void Simulation::JaegerResizer(int id) {
  CollectorRuntime& c = *collectors_[id];
  pipeline::JaegerSpanQueue* queue = c.jaeger.get();
  while (true) {
    sg4::this_actor::sleep_until(std::max(ToSeconds(queue->NextDeadline()), sg4::Engine::get_clock()));
    queue->OnTimer(Now());
    if (queue->NextDeadline() <= Now()) sg4::this_actor::sleep_for(1.0);
  }
}

// ---------------------------------------------------------------- loadbalancing

void Simulation::RebuildBalancerView(CollectorRuntime& c) {
  const auto& members = tiers_[tiers_[c.tier]->next]->members;
  std::vector<int> sorted = members;
  std::sort(sorted.begin(), sorted.end());
  std::vector<int> current = c.view;
  std::sort(current.begin(), current.end());
  if (c.ring && sorted == current) return;
  if (members.empty()) {
    c.ring.reset();
    c.view.clear();
    return;
  }
  std::vector<std::string> endpoints;
  for (int id : members) endpoints.push_back(collectors_[id]->host->get_name() + ":4317");
  auto ring = pipeline::HashRing::Create(endpoints);
  if (!ring.ok()) return;  // names are unique by construction
  c.ring = std::make_unique<pipeline::HashRing>(std::move(ring).value());
  c.view.clear();
  for (const auto& endpoint : c.ring->endpoints()) {
    for (int id : members) {
      if (collectors_[id]->host->get_name() + ":4317" == endpoint) c.view.push_back(id);
    }
  }
}

void Simulation::Resolver(int id) {
  CollectorRuntime& c = *collectors_[id];
  const double interval = ToSeconds(tiers_[c.tier]->spec->exporter.resolver_interval);
  // Each balancer resolves at its own phase, so their views change at different times.
  sg4::this_actor::sleep_for(std::fmod(0.37 * (id + 1), 1.0) * interval);
  while (true) {
    RebuildBalancerView(c);
    sg4::this_actor::sleep_for(interval);
  }
}

void Simulation::ScaleOut(int t) {
  TierRuntime& tier = *tiers_[t];
  if (tier.spares.empty()) return;  // the loader sized the spares from the scale_out events
  const int id = tier.spares.front();
  tier.spares.erase(tier.spares.begin());
  CollectorRuntime& c = *collectors_[id];
  c.host->turn_on();
  timeline_.push_back({"scale_out", c.host->get_name(), sg4::Engine::get_clock(), sg4::Engine::get_clock()});
  if (tracing_) StartCollectorActors(id);
  tier.members.push_back(id);
  std::sort(tier.members.begin(), tier.members.end());
}

void Simulation::ScaleIn(int id) {
  CollectorRuntime& c = *collectors_[id];
  TierRuntime& tier = *tiers_[c.tier];
  auto it = std::find(tier.members.begin(), tier.members.end(), id);
  if (it == tier.members.end()) return;
  tier.members.erase(it);
  const double start = sg4::Engine::get_clock();
  timeline_.push_back({"scale_in", c.host->get_name(), start, -1});
  // Upstream balancers stop routing to it after their next resolver refresh;
  // the host is stopped after two refresh intervals of grace. What it still
  // holds then is lost (crash_lost).
  double grace = 5.0;
  for (const auto& up : tiers_) {
    if (up->next == c.tier) grace = std::max(grace, 2 * ToSeconds(up->spec->exporter.resolver_interval));
  }
  sg4::Actor::create("scale-in", platform_.driver, [this, id, grace] {
    sg4::this_actor::sleep_for(grace);
    sg4::Host* host = collectors_[id]->host;
    const size_t events = timeline_.size();
    Crash(host);
    if (timeline_.size() > events) timeline_.pop_back();  // not a crash: the scale_in entry ends here
    for (auto& e : timeline_) {
      if (e.type == "scale_in" && e.target == host->get_name() && e.end_s < 0)
        e.end_s = sg4::Engine::get_clock();
    }
  })->daemonize();
}

// ---------------------------------------------------------------- storage

void Simulation::StorageWriter(int i) {
  StorageRuntime& st = *storage_[i];
  const double per_span = scenario_.tracing.costs.store_insert_per_span_ns;
  while (true) {
    std::unique_ptr<ReplicaCopy> copy = Receive<ReplicaCopy>(st.mailbox);
    if (!copy) continue;
    const double flops = scenario_.tracing.costs.measured ? CostFlops(std::exchange(st.measured_ns, 0.0))
                                                          : CostFlops(per_span * copy->spans.size());
    Execute(st.host, flops);
    cpu_.storage_cpu_s += flops / st.host->get_speed();
    if (st.wal) {
      // Logged, written and synced to the disk before anything else: a write
      // the log refuses is not acknowledged (the sender retries).
      auto logged = st.wal->Append(copy->spans);
      if (!logged.ok()) continue;
      const uint64_t bytes = st.wal->PendingBytes().size();
      st.disk->write(bytes);
      storage_stats_.disk_wal_bytes += bytes;
      if (!st.wal->Acknowledge(logged->end_offset).ok()) continue;
    }
    const TimePoint now = Now();
    uint64_t first_copies = 0;
    for (const auto& span : copy->spans) {
      const bool error = span.status == pipeline::SpanStatus::kError;
      const SpanKey key{span.trace_id, span.span_id.value};
      st.spans.push_back({key, error});
      if (copies_.Add(key) > 1) continue;  // another replica already holds it
      ++first_copies;
      ++stored_unique_;
      delivery_latency_ms_.Record(static_cast<double>((now - span.end).count()) * 1e-6);
      if (TraceTrack* t = FindTrace(span.trace_id)) {
        ++t->stored;
        if (error) ++t->stored_errors;
      }
      operations_stored_.insert({span.service, span.operation});
      if (span.kind == pipeline::SpanKind::kServer && span.service < instances_.size()) {
        // RED estimate: weight each stored server span by its adjusted count.
        const auto adjusted = pipeline::AdjustedCount(span);
        const double w = adjusted ? *adjusted : services_[instances_[span.service].front()]->weight;
        auto& truth = truth_[span.service];
        truth.stored_weight += w;
        if (error) truth.stored_error_weight += w;
        truth.stored_duration_ms.Record(ToSeconds(span.duration()) * 1e3,
                                        static_cast<uint64_t>(std::max<long long>(1, std::llround(w))));
      }
    }
    ledger_.StoredArrival(first_copies);
    {
      CpuStopwatch watch(scenario_.tracing.costs.measured, &st.measured_ns);
      st.store->AppendBatch(std::move(copy->spans), now);
      st.store->MaybeCutBlock(now);
    }
    if (const uint64_t cut = st.store->TakeFlushBytes(); cut > 0) {
      st.flush_pending_bytes += cut;  // written in the background, sharing the disk with the WAL
      if (st.flush_wake->get_capacity() == 0) st.flush_wake->release();
    }
    ++copy->acks->acked;
    copy->acks->signal->release();
  }
}

void Simulation::BlockFlusher(int i) {
  StorageRuntime& st = *storage_[i];
  while (true) {
    st.flush_wake->acquire();
    const uint64_t bytes = std::exchange(st.flush_pending_bytes, 0);
    if (bytes == 0) continue;
    st.disk->write(bytes);
    storage_stats_.disk_block_bytes += bytes;
  }
}

// ---------------------------------------------------------------- adaptive sampling

void Simulation::AdaptiveSampling() {
  while (true) {
    sg4::this_actor::sleep_until(
        std::max(ToSeconds(adaptive_->next_calculation()), sg4::Engine::get_clock()));
    adaptive_->Recalculate(Now());
    if (adaptive_->next_calculation() <= Now()) sg4::this_actor::sleep_for(1.0);
  }
}

}  // namespace tracesim::sim
