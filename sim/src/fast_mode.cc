// fidelity: fast — the application side computed instead of simulated.
//
// A request's call tree is walked at its arrival, as HandleCall walks it in
// full mode and with the same random draws in the same order: each handler
// starts its server span, works for (work + tracing CPU) / its CPU share,
// and makes its calls one after the other, each taking the uncontended
// transfer time of the request and of the response. No actor, execution or
// communication is created for the application; only the telemetry (SDK
// exporters, collectors, storage, queries) runs in SimGrid. With no
// contention on the service hosts and links this gives full mode's timings,
// hence the same telemetry (tests/e2e/fidelity_test.cc).
//
// The state of the platform a request sees is the one at its arrival: a
// host that is down, a partition or a link that is down fails its calls; a
// bandwidth drop, latency spike or CPU slowdown slows them. A fault that
// starts while a request is in progress does not affect it, except that a
// crash of a service host loses the spans it had not ended (crash_lost).
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "runtime.h"
#include "simulation.h"

namespace tracesim::sim {
namespace sg4 = simgrid::s4u;

namespace {
TimePoint At(double t_s) { return FromNanos(std::llround(t_s * 1e9)); }
}  // namespace

void Simulation::FastRequest(uint64_t index, int instance, const ReplayNode* root) {
  pipeline::Rng rng = root_rng_.Fork(1'000'000 + index);  // the stream a full-mode request actor draws from
  const double start = sg4::Engine::get_clock();
  bool ok = true;
  const double end = FastCall(rng, index, instance, nullptr, root, start, &ok);
  fast_completions_.push_back({end, index, ok, (end - start) * 1e3});
  std::push_heap(fast_completions_.begin(), fast_completions_.end(), std::greater<>{});
}

double Simulation::FastCall(pipeline::Rng& rng, uint64_t request, int instance,
                            const pipeline::SpanContext* parent, const ReplayNode* replay, double t, bool* ok,
                            pipeline::SpanKind kind) {
  ServiceRuntime& s = *services_[instance];
  const auto& spec = *s.spec;
  std::vector<Call> scratch;
  const std::vector<Call>& calls = CallsFor(s.index, replay, &scratch);
  const pipeline::OperationId server_op = replay != nullptr ? replay->operation : s.server_op;

  std::optional<pipeline::Span> server;
  const TimePoint server_start = At(t);
  double tracing_flops = 0;
  if (tracing_) {
    server.emplace(StartServerSpan(s, request, server_op, parent, server_start, kind));
    tracing_flops = HandlerTracingFlops(s, *server, calls);
  }
  const double work_s = DrawWork(rng, spec, replay);
  const bool app_error = replay != nullptr ? replay->error : rng.NextDouble() < spec.error_rate;
  const double speed = s.host->get_speed();
  const double work_flops = work_s * speed;
  // A lone execution gets the whole core; a cpu_slowdown in force leaves its share.
  auto share = cpu_share_.find(s.host);
  const double effective = speed * (share == cpu_share_.end() ? 1.0 : share->second);
  t += (work_flops + tracing_flops) / effective;
  cpu_.service_cpu_s += (work_flops + tracing_flops) / speed;
  cpu_.tracing_cpu_s += tracing_flops / speed;

  bool handler_ok = true;
  for (const auto& [callee, count, node, async] : calls) {
    const pipeline::SpanKind client_kind =
        async ? pipeline::SpanKind::kProducer : pipeline::SpanKind::kClient;
    for (int k = 0; k < count; ++k) {
      const int target = PickReplica(callee);  // the callee's replica for this call
      ServiceRuntime& c = *services_[target];
      std::optional<pipeline::Span> client;
      std::optional<pipeline::SpanContext> propagated;
      const TimePoint client_start = At(t);
      if (server) propagated = StartClientSpan(s, callee, *server, client_start, client_kind, &client);
      std::optional<pipeline::Rng> branch;
      if (async) branch = AsyncBranch(rng);
      const pipeline::SpanContext* callee_parent = propagated ? &*propagated : nullptr;
      bool call_ok = false;
      double there = 0, back = 0;
      if (FastTransfer(s.host, c.host, spec.request_bytes, &there)) {
        t += there;
        call_ok = true;
        if (branch) {
          // Fire and forget: the callee's tree starts when the request
          // arrives, its errors are its own, and the caller goes on.
          bool branch_ok = true;
          FastCall(*branch, request, target, callee_parent, node, t, &branch_ok,
                   pipeline::SpanKind::kConsumer);
        } else {
          t = FastCall(rng, request, target, callee_parent, node, t, &call_ok);
          if (FastTransfer(c.host, s.host, c.spec->response_bytes, &back)) {
            t += back;
          } else {
            call_ok = false;
          }
        }
      }
      if (client) {
        FastEndSpan(s, *client,
                    {request, s.client_ops[callee], client_kind, client_start,
                     call_ok ? pipeline::SpanStatus::kUnset : pipeline::SpanStatus::kError},
                    At(t));
      }
      handler_ok = handler_ok && call_ok;
    }
  }
  if (app_error) handler_ok = false;
  if (server) {
    FastEndSpan(s, *server,
                {request, server_op, kind, server_start,
                 handler_ok ? pipeline::SpanStatus::kUnset : pipeline::SpanStatus::kError},
                At(t));
  }
  *ok = *ok && handler_ok;
  return t;
}

bool Simulation::FastTransfer(sg4::Host* from, sg4::Host* to, uint64_t bytes, double* seconds) {
  if (!from->is_on() || !to->is_on()) return false;  // connection refused
  if (Partitioned(from, to)) return false;           // unreachable: the call fails
  // The links as they are now: a fault's bandwidth or latency change is read
  // at each call.
  const std::optional<double> lone = fast_network_->GetIfUp(from, to, static_cast<double>(bytes));
  if (!lone) return false;  // a link of the route is down
  double took = *lone;
  if (net_) {
    // Jitter and the TCP rate under loss, as Transfer applies them.
    took += net_->JitterDelay(from, to);
    const double rate = net_->TcpRate(from, to);
    if (std::isfinite(rate)) took = std::max(took, static_cast<double>(bytes) / rate);
  }
  *seconds = took;
  return true;
}

void Simulation::FastEndSpan(ServiceRuntime& s, pipeline::Span& span, const SpanEndInfo& info,
                             TimePoint end) {
  // A span that would end after the run never ends (as in full mode, where
  // its request is still running when the timekeeper stops the engine).
  if (ToSeconds(end) > end_time_s_) return;
  if (!span.IsSampled()) {
    RecordSpanEnd(s, span, info, end);  // nothing downstream sees it: end it now
    return;
  }
  s.pending.Add(ToNanos(end), ServiceRuntime::PendingSpan{std::move(span), info});
  // An idle exporter sleeping past the instant its queue would now reach a
  // full batch must look again.
  if (s.exporter_wake && NextFullBatch(s) < *s.exporter_wake && s.wake->get_capacity() == 0)
    s.wake->release();
}

void Simulation::FlushPending(ServiceRuntime& s, TimePoint now) {
  s.pending.TakeUpTo(ToNanos(now), [&](int64_t due_ns, ServiceRuntime::PendingSpan& p) {
    RecordSpanEnd(s, p.span, p.info, FromNanos(due_ns));
  });
}

void Simulation::FlushAllPending() {
  const TimePoint now = Now();
  if (tracing_) {
    for (auto& s : services_) {
      if (s->bsp) FlushPending(*s, now);
    }
  }
  FlushCompletions();
}

void Simulation::FlushCompletions() {
  const double clock = sg4::Engine::get_clock();
  while (!fast_completions_.empty() && fast_completions_.front().t_s <= clock) {
    std::pop_heap(fast_completions_.begin(), fast_completions_.end(), std::greater<>{});
    const FastCompletion& c = fast_completions_.back();
    FinishRequest(c.request, c.ok, c.latency_ms);
    fast_completions_.pop_back();
  }
}

TimePoint Simulation::NextFullBatch(const ServiceRuntime& s) const {
  const size_t batch = s.bsp->options().max_export_batch_size;
  const size_t queued = s.bsp->queue_size();
  if (queued >= batch) return TimePoint::min();
  const int64_t due = s.pending.KthDue(batch - queued);
  return due == std::numeric_limits<int64_t>::max() ? TimePoint::max() : FromNanos(due);
}

void Simulation::DropPending(ServiceRuntime& s) {
  s.pending.TakeAll([&](int64_t, ServiceRuntime::PendingSpan& p) {
    // Died open with the process: generated, and lost (as OpenSpan counts it).
    ledger_.Generated(true);
    auto& t = traces_[p.info.request];
    ++t.sampled_generated;
    t.drop_causes |= 1u << static_cast<unsigned>(pipeline::DropCause::kCrashLost);
    ledger_.Drop(pipeline::DropCause::kCrashLost, 1);
  });
}

}  // namespace tracesim::sim
