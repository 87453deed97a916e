// Faults, measurement and the final results of a Simulation.
#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>

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
  return copies_.copies(SpanKey{span.trace_id, span.span_id.value}) > 0;
}

void Simulation::OnSpanDropped(DropCause cause, const pipeline::SpanData& span) {
  TraceTrack* t = FindTrace(span.trace_id);
  if (t == nullptr) return;
  t->drop_causes |= 1u << static_cast<unsigned>(cause);
  if (cause == DropCause::kTailSampledOut) ++t->tail_sampled_out;
}

// ---------------------------------------------------------------- faults

void Simulation::FaultInjector() {
  // Every fault becomes timed actions; the timeline shows each fault with its
  // start and end.
  struct Action {
    double t;
    std::function<void()> run;
  };
  std::vector<Action> actions;
  const double end = end_time_s_;
  auto timeline_entry = [this](const std::string& type, const std::string& target, double start,
                               double stop) {
    timeline_.push_back({type, target, start, stop < 0 || stop > end_time_s_ ? -1 : stop});
  };
  for (size_t index = 0; index < scenario_.failures.size(); ++index) {
    const auto& f = scenario_.failures[index];
    const double until = f.duration_s > 0 ? f.at_s + f.duration_s : -1;
    switch (f.type) {
      case scenario::FailureType::kHostCrash: {
        sg4::Host* host = platform_.Find(f.target);
        if (host == nullptr) break;  // the loader rejects unknown targets
        if (f.mtbf_s > 0) {
          // Stochastic: up for Exp(mtbf), down for Exp(mttr), from `at` to the end; reproducible by seed.
          pipeline::Rng rng = root_rng_.Fork(7000 + index);
          for (double t = f.at_s + rng.Exponential(f.mtbf_s); t < end;) {
            const double up = t + rng.Exponential(f.mttr_s);
            actions.push_back({t, [this, host] { Crash(host); }});
            if (up < end) actions.push_back({up, [this, host] { Restart(host); }});
            t = up + rng.Exponential(f.mtbf_s);
          }
          break;
        }
        actions.push_back({f.at_s, [this, host] { Crash(host); }});
        if (f.restart_after_s > 0)
          actions.push_back({f.at_s + f.restart_after_s, [this, host] { Restart(host); }});
        break;
      }
      case scenario::FailureType::kScaleOut:
        for (const auto& tier : tiers_) {
          const int t = tier->index;
          if (tier->spec->name == f.target) actions.push_back({f.at_s, [this, t] { ScaleOut(t); }});
        }
        break;
      case scenario::FailureType::kScaleIn:
        if (sg4::Host* host = platform_.Find(f.target)) {
          actions.push_back({f.at_s, [this, host] {
                               for (const auto& c : collectors_) {
                                 if (c->host == host) ScaleIn(c->id);
                               }
                             }});
        }
        break;
      case scenario::FailureType::kLinkDown: {
        sg4::Link* link = sg4::Link::by_name_or_null(f.target);
        if (link == nullptr) break;
        for (int k = 0; k < f.repeat; ++k) {
          const double down = f.at_s + k * f.period_s;
          const double up = f.duration_s > 0 ? down + f.duration_s : -1;
          if (down >= end) break;
          timeline_entry("link_down", f.target, down, up);
          actions.push_back({down, [link] { link->turn_off(); }});
          if (up > 0 && up < end) actions.push_back({up, [link] { link->turn_on(); }});
        }
        break;
      }
      case scenario::FailureType::kBandwidthDrop: {
        sg4::Link* link = sg4::Link::by_name_or_null(f.target);
        if (link == nullptr) break;
        const double normal = link->get_bandwidth(), factor = f.factor;
        timeline_entry("bandwidth_drop", f.target, f.at_s, until);
        actions.push_back({f.at_s, [link, normal, factor] { link->set_bandwidth(normal * factor); }});
        if (until > 0) actions.push_back({until, [link, normal] { link->set_bandwidth(normal); }});
        break;
      }
      case scenario::FailureType::kLatencySpike: {
        sg4::Link* link = sg4::Link::by_name_or_null(f.target);
        if (link == nullptr) break;
        const double normal = link->get_latency(), extra = f.extra_latency_s;
        timeline_entry("latency_spike", f.target, f.at_s, until);
        actions.push_back({f.at_s, [link, normal, extra] { link->set_latency(normal + extra); }});
        if (until > 0) actions.push_back({until, [link, normal] { link->set_latency(normal); }});
        break;
      }
      case scenario::FailureType::kCpuSlowdown: {
        sg4::Host* host = platform_.Find(f.target);
        if (host == nullptr) break;
        timeline_entry("cpu_slowdown", f.target, f.at_s, until);
        const double factor = f.factor;
        actions.push_back({f.at_s, [this, host, factor] {
                             cpu_share_[host] = factor;  // fidelity: fast reads it
                             StartCpuHog(host);
                           }});
        if (until > 0) actions.push_back({until, [this, host] { StopCpuHog(host); }});
        break;
      }
      case scenario::FailureType::kStorageOutage: {
        for (auto& st : storage_) {
          if (st->host->get_name() != f.target) continue;
          StorageRuntime* node = st.get();
          timeline_entry("storage_outage", f.target, f.at_s, until);
          actions.push_back({f.at_s, [node] { node->unavailable = true; }});
          if (until > 0) actions.push_back({until, [node] { node->unavailable = false; }});
        }
        break;
      }
      case scenario::FailureType::kRollingRestart: {
        std::vector<sg4::Host*> hosts;
        if (f.target == "storage") {
          for (auto& st : storage_) hosts.push_back(st->host);
        } else {
          for (const auto& tier : tiers_) {
            if (tier->spec->name != f.target) continue;
            for (int id : tier->members) hosts.push_back(collectors_[id]->host);
          }
        }
        for (size_t k = 0; k < hosts.size(); ++k) {
          const double t = f.at_s + static_cast<double>(k) * f.interval_s;
          sg4::Host* host = hosts[k];
          actions.push_back({t, [this, host] { Crash(host); }});
          if (f.restart_after_s > 0)
            actions.push_back({t + f.restart_after_s, [this, host] { Restart(host); }});
        }
        break;
      }
      case scenario::FailureType::kLossBurst: {
        if (!net_ || sg4::Link::by_name_or_null(f.target) == nullptr) break;
        timeline_entry("loss_burst", f.target, f.at_s, until);
        const std::string link = f.target;
        const scenario::LossSpec loss = f.loss;
        actions.push_back({f.at_s, [this, link, loss] { net_->SetBurst(link, loss); }});
        if (until > 0) actions.push_back({until, [this, link] { net_->ClearBurst(link); }});
        break;
      }
      case scenario::FailureType::kPartition: {
        auto groups = std::make_shared<std::vector<std::vector<sg4::Host*>>>();
        std::string target;
        for (const auto& side : f.groups) {
          groups->emplace_back();
          target += target.empty() ? "" : " | ";
          for (size_t h = 0; h < side.size(); ++h) {
            target += (h > 0 ? "," : "") + side[h];
            sg4::Host* host = side[h] == "driver" ? platform_.driver : platform_.Find(side[h]);
            if (host != nullptr) groups->back().push_back(host);
          }
        }
        timeline_entry("partition", target, f.at_s, until);
        actions.push_back({f.at_s, [this, groups] { partitions_.push_back(groups); }});
        if (until > 0) {
          actions.push_back({until, [this, groups] {
                               partitions_.erase(std::remove(partitions_.begin(), partitions_.end(), groups),
                                                 partitions_.end());
                             }});
        }
        break;
      }
    }
  }
  std::stable_sort(actions.begin(), actions.end(),
                   [](const Action& a, const Action& b) { return a.t < b.t; });
  for (const auto& a : actions) {
    if (a.t >= end) break;
    sg4::this_actor::sleep_until(a.t);
    a.run();
  }
}

void Simulation::StartCpuHog(sg4::Host* host) {
  auto share = cpu_share_.find(host);
  if (share == cpu_share_.end() || !host->is_on()) return;
  // A noisy neighbour: an execution bounded to (1 - factor) of the CPU with
  // an overwhelming sharing priority leaves `factor` of the CPU to the
  // host's own work. It is not our process: it survives a crash of the host
  // (Restart starts it again while the slowdown lasts).
  cpu_hogs_[host] = sg4::Exec::init()
                        ->set_flops_amount(1e30)
                        ->set_host(host)
                        ->set_bound((1 - share->second) * host->get_speed())
                        ->set_priority(1e9);
  cpu_hogs_[host]->start();
}

void Simulation::StopCpuHog(sg4::Host* host) {
  cpu_share_.erase(host);
  auto hog = cpu_hogs_.find(host);
  if (hog == cpu_hogs_.end()) return;
  try {
    if (host->is_on() && !hog->second->test()) hog->second->cancel();
  } catch (const simgrid::Exception&) {
    // it died with an earlier crash of the host
  }
  cpu_hogs_.erase(hog);
}

bool Simulation::Partitioned(const sg4::Host* a, const sg4::Host* b) const {
  for (const auto& groups : partitions_) {
    int side_a = -1, side_b = -1;
    for (size_t g = 0; g < groups->size(); ++g) {
      for (const sg4::Host* h : (*groups)[g]) {
        if (h == a) side_a = static_cast<int>(g);
        if (h == b) side_b = static_cast<int>(g);
      }
    }
    if (side_a >= 0 && side_b >= 0 && side_a != side_b) return true;
  }
  return false;
}

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
    if (fast_) FlushAllPending();  // what has ended by now
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
  if (fast_) FlushAllPending();
  Finalize();
  ledger_.Freeze();
  sg4::Actor::kill_all();
}

void Simulation::Finalize() {
  reports::Results& r = results_;
  r.scenario_name = scenario_.name;
  r.scenario_source = scenario_.source;
  r.seed = scenario_.seed;
  r.fidelity = fast_ ? "fast" : "full";
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
  std::stable_sort(
      r.timeline.begin(), r.timeline.end(),
      [](const reports::TimelineEvent& a, const reports::TimelineEvent& b) { return a.start_s < b.start_s; });
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
  for (size_t i = 0; i < truth_.size(); ++i) {
    const auto& truth = truth_[i];
    reports::ServiceRed red;
    red.service = scenario_.services[i].name;
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
