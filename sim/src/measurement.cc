// Faults, measurement and the final results of a Simulation.
#include <algorithm>
#include <cmath>

#include "runtime.h"
#include "simulation.h"
#include "tracesim/pipeline/trace_analysis.h"
#include "tracesim/reports/latency_summary.h"

namespace tracesim::sim {
namespace sg4 = simgrid::s4u;
using pipeline::DropCause;

Simulation::TraceTrack* Simulation::FindTrace(const pipeline::TraceId& id) {
  auto it = trace_index_.find(id);
  return it == trace_index_.end() ? nullptr : &traces_[it->second];
}

bool Simulation::IsStored(const pipeline::SpanData& span) const {
  return copies_.count(SpanKey{span.trace_id, span.span_id.value}) > 0;
}

void Simulation::OnSpanDropped(DropCause cause, const pipeline::SpanData& span) {
  TraceTrack* t = FindTrace(span.trace_id);
  if (t == nullptr) return;
  t->drop_causes |= 1u << static_cast<unsigned>(cause);
  if (cause == DropCause::kTailSampledOut) ++t->tail_sampled_out;
}

// ---------------------------------------------------------------- faults

void Simulation::FaultInjector() {
  struct Event {
    double t;
    int kind;  // 0 crash, 1 restart, 2 scale out, 3 scale in
    sg4::Host* host;
    int tier;
  };
  std::vector<Event> events;
  for (const auto& f : scenario_.failures) {
    switch (f.type) {
      case scenario::FailureType::kHostCrash: {
        sg4::Host* host = platform_.Find(f.target);
        if (host == nullptr) break;  // the loader rejects unknown targets
        events.push_back({f.at_s, 0, host, -1});
        if (f.restart_after_s > 0) events.push_back({f.at_s + f.restart_after_s, 1, host, -1});
        break;
      }
      case scenario::FailureType::kScaleOut:
        for (const auto& tier : tiers_) {
          if (tier->spec->name == f.target) events.push_back({f.at_s, 2, nullptr, tier->index});
        }
        break;
      case scenario::FailureType::kScaleIn:
        if (sg4::Host* host = platform_.Find(f.target)) events.push_back({f.at_s, 3, host, -1});
        break;
    }
  }
  std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) { return a.t < b.t; });
  for (const auto& e : events) {
    sg4::this_actor::sleep_until(e.t);
    switch (e.kind) {
      case 0:
        Crash(e.host);
        break;
      case 1:
        Restart(e.host);
        break;
      case 2:
        ScaleOut(e.tier);
        break;
      case 3:
        for (const auto& c : collectors_) {
          if (c->host == e.host) ScaleIn(c->id);
        }
        break;
    }
  }
}

// ---------------------------------------------------------------- measurement

uint64_t Simulation::MeasureInFlight() const {
  int64_t n = ledger_.held();
  for (const auto& s : services_) {
    if (s->bsp) n += static_cast<int64_t>(s->bsp->queue_size());
  }
  for (const auto& c : collectors_) {
    if (c->pipeline) n += static_cast<int64_t>(c->pipeline->held_spans());
    if (c->jaeger) n += static_cast<int64_t>(c->jaeger->size());
    for (const auto& [key, d] : c->destinations) n += static_cast<int64_t>(d.queue->span_count());
  }
  return static_cast<uint64_t>(std::max<int64_t>(n, 0));
}

reports::TimeSample Simulation::Sample() {
  reports::TimeSample t;
  t.t_s = sg4::Engine::get_clock();
  t.spans_generated = ledger_.generated();
  t.spans_stored = ledger_.stored_arrivals();
  t.spans_dropped = ledger_.dropped_total();
  t.in_flight = MeasureInFlight();
  for (const auto& s : services_) {
    if (s->bsp) t.sdk_queue_spans += s->bsp->queue_size();
  }
  for (auto& tier : tiers_) {
    uint64_t spans = 0, bytes = 0;
    for (int id : tier->members) {
      const auto& c = *collectors_[id];
      if (!c.pipeline) continue;
      spans += c.pipeline->held_spans();
      bytes += c.pipeline->held_bytes() + c.queued_bytes;
      if (c.jaeger) {
        spans += c.jaeger->size();
        bytes += c.jaeger->held_bytes();
      }
      for (const auto& [key, d] : c.destinations) spans += d.queue->span_count();
    }
    tier->peak_spans = std::max(tier->peak_spans, spans);
    tier->peak_bytes = std::max(tier->peak_bytes, bytes);
    t.collector_buffered_spans += spans;
  }
  t.requests_completed = requests_.completed;
  t.traces_sampled = traces_sampled_;
  return t;
}

void Simulation::TimeSeriesSampler() {
  const double period = scenario_.measurement.sample_period_s;
  for (double t = period; t <= end_time_s_ + 1e-9; t += period) {
    sg4::this_actor::sleep_until(t);
    timeseries_.push_back(Sample());
    DetectSaturation(timeseries_.back());
  }
}

// Records, once each, the first sample period in which a collector tier or
// the storage tier ran its CPUs at >= 95 %, and in which each drop cause
// first appeared.
void Simulation::DetectSaturation(const reports::TimeSample& sample) {
  const double period = sample.t_s - last_sample_s_;
  last_sample_s_ = sample.t_s;
  if (period <= 0) return;
  auto report = [&](const std::string& component, const std::string& what) {
    if (saturated_.insert(component + "|" + what).second)
      saturation_.push_back({component, what, sample.t_s});
  };
  last_tier_cpu_s_.resize(tiers_.size(), 0.0);
  for (size_t i = 0; i < tiers_.size(); ++i) {
    const TierRuntime& tier = *tiers_[i];
    const double busy =
        (tier.cpu_s - last_tier_cpu_s_[i]) / (period * std::max<size_t>(1, tier.members.size()));
    last_tier_cpu_s_[i] = tier.cpu_s;
    if (busy >= 0.95) report("collector tier " + tier.spec->name, "cpu >= 95 %");
  }
  const double storage_busy =
      (cpu_.storage_cpu_s - last_storage_cpu_s_) / (period * std::max<size_t>(1, storage_.size()));
  last_storage_cpu_s_ = cpu_.storage_cpu_s;
  if (storage_busy >= 0.95) report("storage", "cpu >= 95 %");
  for (size_t c = 0; c < Ledger::kCauses; ++c) {
    const auto cause = static_cast<DropCause>(c);
    if (ledger_.dropped(cause) > 0) report("loss", std::string(pipeline::DropCauseName(cause)));
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
  sp.stored = stored_unique_;  // distinct spans with at least one copy
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
    const bool kept = t.stored > 0;
    if (kept) ++r.traces.kept;
    const bool all_stored = kept && t.finished && t.stored == t.sampled_generated;
    // Structural check of a kept trace, as a trace UI would see it: one root,
    // every parent present, and every successful client span with its server
    // child.
    bool whole = true;
    if (all_stored) {
      std::vector<pipeline::SpanData> spans;
      for (const auto& st : storage_) {
        if (!st->store) continue;
        auto part = st->store->FindTrace(t.id);
        spans.insert(spans.end(), std::make_move_iterator(part.begin()), std::make_move_iterator(part.end()));
      }
      auto assembled = pipeline::AssembleTrace(spans);
      whole = assembled.ok() && pipeline::CheckCompleteness(*assembled).complete;
      for (size_t i = 0; whole && i < assembled->spans.size(); ++i) {
        const auto& span = assembled->spans[i];
        if (span.kind == pipeline::SpanKind::kClient && span.status != pipeline::SpanStatus::kError &&
            assembled->children[i].empty()) {
          whole = false;
        }
      }
    }
    if (all_stored && whole) {
      ++r.traces.complete;
      continue;
    }
    // Dropped entirely, on purpose, by a collector-side sampler.
    const bool sampled_out = !kept && t.tail_sampled_out == t.sampled_generated;
    if (!sampled_out) ++r.traces.incomplete;
    if (!kept) continue;
    ++r.traces.broken;
    auto& causes = r.traces.broken_by_cause;
    for (size_t c = 0; c < Ledger::kCauses; ++c) {
      if (t.drop_causes & (1u << c))
        ++causes[std::string(pipeline::DropCauseName(static_cast<DropCause>(c)))];
    }
    if (t.split) ++causes[reports::kBrokenReroutedSplitTrace];
    if (all_stored && !whole) {
      ++causes[reports::kBrokenUnsampledSpan];
    } else if (t.drop_causes == 0 && !t.split && t.tail_sampled_out == 0) {
      ++causes[reports::kBrokenInFlight];
    }
  }
  r.requests = requests_;
  r.request_latency = reports::SummarizeLatency(request_latency_ms_);
  r.span_delivery_latency = reports::SummarizeLatency(delivery_latency_ms_);
  r.cpu = cpu_;
  for (const auto& tier : tiers_) {
    reports::CollectorTierStats s;
    s.name = tier->spec->name;
    s.hosts = static_cast<int>(tier->members.size());
    s.cpu_s = tier->cpu_s;
    s.peak_held_spans = tier->peak_spans;
    s.peak_held_bytes = tier->peak_bytes;
    s.refused_spans = tier->refused;
    r.collectors.push_back(s);
  }
  r.storage = storage_stats_;
  r.storage.nodes = static_cast<int>(storage_.size());
  r.storage.lookup_latency = reports::SummarizeLatency(lookup_latency_ms_);
  r.storage.search_latency = reports::SummarizeLatency(search_latency_ms_);
  if (tracing_) FinalizeQuality(r);
  r.timeline = timeline_;
  r.timeseries = timeseries_;
  r.saturation = saturation_;
}

namespace {
double RelError(double est, double truth) {
  if (truth == 0) return est == 0 ? 0 : 1;
  return std::abs(est - truth) / truth;
}
}  // namespace

void Simulation::FinalizeQuality(reports::Results& r) {
  auto& q = r.sampling;
  const double slow_ms = scenario_.measurement.slow_threshold.count() > 0
                             ? ToSeconds(scenario_.measurement.slow_threshold) * 1e3
                             : request_latency_ms_.Quantile(0.99);
  q.slow_threshold_ms = slow_ms;
  for (const auto& t : traces_) {
    if (!t.traced) continue;
    if (t.has_error) {
      ++q.error_traces;
      if (t.stored_errors > 0) ++q.error_traces_kept;
    }
    if (t.latency_ms > slow_ms) {
      ++q.slow_traces;
      if (t.stored > 0) ++q.slow_traces_kept;
    }
  }
  q.error_traces_kept_fraction =
      q.error_traces ? static_cast<double>(q.error_traces_kept) / q.error_traces : 0;
  q.slow_traces_kept_fraction = q.slow_traces ? static_cast<double>(q.slow_traces_kept) / q.slow_traces : 0;
  q.operations = operations_seen_.size();
  q.operations_covered = operations_stored_.size();
  std::set<uint32_t> services_seen, services_stored;
  for (const auto& [svc, op] : operations_seen_) services_seen.insert(svc);
  for (const auto& [svc, op] : operations_stored_) services_stored.insert(svc);
  q.services = services_seen.size();
  q.services_covered = services_stored.size();
  for (const auto& st : storage_) {
    if (st->store) q.bytes_stored += st->store->encoded_bytes();
  }
  q.bytes_per_kept_trace = r.traces.kept ? static_cast<double>(q.bytes_stored) / r.traces.kept : 0;

  const double seconds = scenario_.duration_s;
  for (size_t i = 0; i < services_.size(); ++i) {
    const auto& truth = truth_[i];
    reports::ServiceRed red;
    red.service = services_[i]->spec->name;
    red.true_rate_per_s = truth.spans / seconds;
    red.est_rate_per_s = truth.stored_weight / seconds;
    red.true_error_rate = truth.spans ? static_cast<double>(truth.errors) / truth.spans : 0;
    red.est_error_rate = truth.stored_weight > 0 ? truth.stored_error_weight / truth.stored_weight : 0;
    red.true_p50_ms = truth.duration_ms.Quantile(0.5);
    red.true_p99_ms = truth.duration_ms.Quantile(0.99);
    red.est_p50_ms = truth.stored_duration_ms.Quantile(0.5);
    red.est_p99_ms = truth.stored_duration_ms.Quantile(0.99);
    red.rate_rel_error = RelError(red.est_rate_per_s, red.true_rate_per_s);
    red.error_rate_abs_error = std::abs(red.est_error_rate - red.true_error_rate);
    red.p50_rel_error = truth.stored_weight > 0 ? RelError(red.est_p50_ms, red.true_p50_ms) : 1;
    red.p99_rel_error = truth.stored_weight > 0 ? RelError(red.est_p99_ms, red.true_p99_ms) : 1;
    q.red.push_back(red);
  }
}

}  // namespace tracesim::sim
