#include "simulation.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <optional>
#include <utility>

#include "arrival_process.h"
#include "runtime.h"
#include "tracesim/pipeline/head_sampler_config.h"
#include "tracesim/pipeline/replication.h"
#include "tracesim/pipeline/w3c_trace_context.h"

namespace tracesim::sim {
namespace sg4 = simgrid::s4u;
using pipeline::DropCause;
using pipeline::SpanData;

// Per-request state. If the request actor is killed (its host crashed), the
// request counts as failed.
class Simulation::RequestScope {
 public:
  RequestScope(Simulation* sim, uint64_t index, pipeline::Rng rng) : sim_(sim), index_(index), rng_(rng) {}
  // The callee of an async call, running on its own: it does not complete
  // the request (the caller's scope does).
  static RequestScope AsyncBranch(Simulation* sim, uint64_t index, pipeline::Rng rng) {
    RequestScope scope(sim, index, rng);
    scope.done_ = true;
    return scope;
  }
  ~RequestScope() {
    if (!done_) Finish(false, /*record_latency=*/false);
  }
  void Finish(bool ok, bool record_latency) {
    done_ = true;
    sim_->FinishRequest(index_, ok, record_latency ? (sg4::Engine::get_clock() - start_s_) * 1e3 : -1);
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
  OpenSpan(Simulation* sim, ServiceRuntime* service, uint64_t request, pipeline::OperationId operation,
           pipeline::SpanKind kind, pipeline::Span span)
      : sim_(sim),
        service_(service),
        request_(request),
        epoch_(service->epoch),
        operation_(operation),
        kind_(kind),
        start_(Now()),
        span_(std::move(span)) {}
  OpenSpan(const OpenSpan&) = delete;
  OpenSpan& operator=(const OpenSpan&) = delete;
  ~OpenSpan() {
    if (ended_ || sim_->ledger_.frozen()) return;
    const bool sampled = span_.IsSampled();
    sim_->ledger_.Generated(sampled);
    if (sampled) {
      auto& t = sim_->traces_[request_];
      ++t.sampled_generated;
      t.drop_causes |= 1u << static_cast<unsigned>(DropCause::kCrashLost);
      sim_->ledger_.Drop(DropCause::kCrashLost, 1);
    }
  }
  pipeline::Span& span() { return span_; }
  // False when the service's process crashed since the span started.
  bool alive() const { return service_->epoch == epoch_ && service_->host->is_on(); }
  void MarkEnded() { ended_ = true; }
  uint64_t request() const { return request_; }
  pipeline::ServiceId service_id() const { return service_->id; }
  pipeline::OperationId operation() const { return operation_; }
  pipeline::SpanKind kind() const { return kind_; }
  TimePoint start() const { return start_; }

 private:
  Simulation* sim_;
  ServiceRuntime* service_;
  uint64_t request_;
  uint64_t epoch_;
  pipeline::OperationId operation_;
  pipeline::SpanKind kind_;
  TimePoint start_;
  pipeline::Span span_;
  bool ended_ = false;
};

static ArrivalOptions ToArrivalOptions(const scenario::WorkloadSpec& w, double end_s) {
  ArrivalOptions o;
  o.end_s = end_s;
  o.rate_per_s = w.rate_per_s;
  for (const auto& step : w.rate_steps) o.rate_steps.push_back({step.at_s, step.rate_per_s});
  switch (w.arrival) {
    case scenario::ArrivalProcess::kPoisson:
      o.kind = ArrivalKind::kPoisson;
      break;
    case scenario::ArrivalProcess::kConstant:
      o.kind = ArrivalKind::kConstant;
      break;
    case scenario::ArrivalProcess::kOnOff:
      o.kind = ArrivalKind::kOnOff;
      o.on_off = {
          w.on_off.rate_on_per_s, w.on_off.rate_off_per_s, w.on_off.mean_on_s, w.on_off.mean_off_s,
          w.on_off.exponential_periods ? PeriodDistribution::kExponential : PeriodDistribution::kConstant};
      break;
    case scenario::ArrivalProcess::kDiurnal:
      o.kind = ArrivalKind::kDiurnal;
      o.diurnal = {w.diurnal.mean_rate_per_s, w.diurnal.amplitude, w.diurnal.period_s, w.diurnal.phase_s};
      break;
    case scenario::ArrivalProcess::kRateFile:
      o.kind = ArrivalKind::kRateFile;
      o.rate_file.points = w.rate_points;
      o.rate_file.interpolation = w.rate_file_linear ? RateInterpolation::kLinear : RateInterpolation::kStep;
      break;
  }
  return o;
}

Simulation::Simulation(const scenario::Scenario& scenario, bool tracing, Platform platform,
                       ServiceCallGraph graph)
    : scenario_(scenario),
      tracing_(tracing),
      fast_(scenario.fidelity == scenario::Fidelity::kFast),
      platform_(std::move(platform)),
      graph_(std::move(graph)),
      root_rng_(scenario.seed) {}

Simulation::~Simulation() = default;

Status Simulation::Start() {
  const auto& sc = scenario_;
  pipeline::ReplicationConfig replication;
  replication.replication_factor = static_cast<uint32_t>(sc.storage.replication_factor);
  replication.write_quorum = static_cast<uint32_t>(sc.storage.write_quorum);
  if (Status s = pipeline::ValidateReplicationConfig(replication, sc.storage.nodes); !s.ok()) return s;
  write_quorum_ = static_cast<int>(pipeline::EffectiveWriteQuorum(replication));
  // Storage routing: one partitioner shared by every collector that writes to storage.
  std::vector<std::string> nodes;
  for (int i = 0; i < sc.storage.nodes; ++i) nodes.push_back(scenario::StorageHostName(i) + ":4317");
  auto partitioner = pipeline::CreatePartitioner(sc.storage.partitioner, nodes);
  if (!partitioner.ok()) return partitioner.status();
  partitioner_ = std::move(partitioner).value();

  // Service names are interned first: a span's ServiceId is its service's index.
  for (const auto& svc : sc.services) interner_.Intern(svc.name);
  attr_.method = interner_.Intern("http.request.method");
  attr_.route = interner_.Intern("http.route");
  attr_.status_code = interner_.Intern("http.response.status_code");
  attr_.peer = interner_.Intern("server.address");
  attr_.sampler_type = interner_.Intern("sampler.type");
  attr_.sampler_param = interner_.Intern("sampler.param");
  for (int i = 0; i < 128; ++i) attr_.extra.push_back(interner_.Intern("app.attr." + std::to_string(i)));
  attr_.get = pipeline::InternedString{interner_.Intern("GET")};

  truth_.resize(sc.services.size());
  instances_.resize(sc.services.size());
  next_replica_.resize(sc.services.size(), 0);
  size_t k = 0;  // instance id: the services in order, each one's replicas in order
  for (size_t i = 0; i < sc.services.size(); ++i) {
    const scenario::ServiceSpec& spec = sc.services[i];
    attr_.routes.push_back(pipeline::InternedString{interner_.Intern("/" + spec.name)});
    attr_.peers.push_back(pipeline::InternedString{interner_.Intern(spec.name + ".svc")});
    graph_calls_.emplace_back();
    for (const auto& [callee, count, async] : graph_.CallsOf(static_cast<int>(i))) {
      graph_calls_.back().push_back({callee, count, nullptr, async});
    }
    for (int r = 0; r < spec.replicas; ++r, ++k) {
      auto s = std::make_unique<ServiceRuntime>();
      s->index = static_cast<int>(i);
      s->instance = static_cast<int>(k);
      s->spec = &spec;
      s->sampler_spec = spec.sampler ? &*spec.sampler : &sc.tracing.sampler;
      s->host = platform_.services[k];
      s->id = interner_.Intern(spec.name);
      s->server_op = interner_.Intern("GET /" + spec.name);
      s->client_ops.resize(sc.services.size());
      for (const auto& [callee, count, async] : graph_.CallsOf(s->index)) {
        s->client_ops[callee] = interner_.Intern("call " + sc.services[callee].name);
      }
      if (tracing_) {
        // Every replica is its own process: its own sampler (rate limits
        // are per process), ids and SDK.
        auto sampler = pipeline::MakeSampler(*s->sampler_spec, Now());
        if (!sampler.ok()) {
          return Status::InvalidArgument("services[" + std::to_string(i) + "] (" + spec.name +
                                         "): " + sampler.status().message());
        }
        s->sampler = std::move(sampler).value();
        s->adaptive = dynamic_cast<pipeline::JaegerPerOperationSampler*>(s->sampler.get());
        const std::string& type = s->sampler_spec->type;
        if (type.find("traceidratio") != std::string::npos && s->sampler_spec->ratio > 0) {
          s->weight = 1.0 / s->sampler_spec->ratio;
        }
        if (s->adaptive != nullptr && !adaptive_) {
          adaptive_ =
              std::make_unique<pipeline::AdaptiveSamplingCalculator>(s->sampler_spec->adaptive, Now());
        }
        s->ids = std::make_unique<pipeline::IdGenerator>(root_rng_.Fork(1000 + k));
      }
      instances_[i].push_back(static_cast<int>(k));
      services_.push_back(std::move(s));
    }
  }

  if (!sc.workload.replay.file.empty()) {
    auto load = LoadReplay(sc, interner_);
    if (!load.ok()) return load.status();
    replay_ = std::move(load->traces);
    // Client span names for the recorded calls the call graph does not have.
    std::function<void(const ReplayNode&)> name_calls = [&](const ReplayNode& n) {
      for (const ReplayNode& c : n.children) {
        for (int replica : instances_[n.service]) {
          auto& op = services_[replica]->client_ops[c.service];
          if (op == 0) op = interner_.Intern("call " + sc.services[c.service].name);
        }
        name_calls(c);
      }
    };
    for (const auto& t : replay_) name_calls(t.root);
  }

  // Collector tiers.
  for (size_t t = 0; t < sc.collector_tiers.size(); ++t) {
    auto tier = std::make_unique<TierRuntime>();
    tier->index = static_cast<int>(t);
    tier->spec = &sc.collector_tiers[t];
    for (const auto& p : tier->spec->processors) {
      const auto type = pipeline::ProcessorConfigType(p.config);
      if (type == "tail_sampling") tier->tail = true;
      if (type == "batch") tier->has_batch = true;
    }
    const std::string& to = tier->spec->exporter.to;
    if (to != "storage") {
      for (size_t n = t + 1; n < sc.collector_tiers.size(); ++n) {
        if (sc.collector_tiers[n].name == to) tier->next = static_cast<int>(n);
      }
      if (tier->next < 0) {
        return Status::InvalidArgument("collectors[" + std::to_string(t) +
                                       "].exporter.to: no later tier named '" + to + "'");
      }
    }
    for (size_t h = 0; h < platform_.tiers[t].size(); ++h) {
      auto c = std::make_unique<CollectorRuntime>();
      c->id = static_cast<int>(collectors_.size());
      c->tier = static_cast<int>(t);
      c->index_in_tier = static_cast<int>(h);
      c->host = platform_.tiers[t][h];
      c->mailbox = sg4::Mailbox::by_name(c->host->get_name());
      c->rng = root_rng_.Fork(2000 + c->id);
      if (static_cast<int>(h) < tier->spec->count) {
        tier->members.push_back(c->id);
      } else {
        tier->spares.push_back(c->id);
        c->host->turn_off();  // a spare, until a scale_out
      }
      collectors_.push_back(std::move(c));
    }
    tiers_.push_back(std::move(tier));
  }
  for (int i = 0; i < sc.storage.nodes; ++i) {
    auto st = std::make_unique<StorageRuntime>();
    st->index = i;
    st->host = platform_.storage[i];
    st->mailbox = sg4::Mailbox::by_name(st->host->get_name());
    st->disk = st->host->get_disks().front();  // the platform gives every storage node one
    st->query_mailbox = sg4::Mailbox::by_name(st->host->get_name() + "-query");
    storage_.push_back(std::move(st));
  }

  for (size_t i = 0; i < services_.size(); ++i) StartServiceWorkers(static_cast<int>(i));
  if (tracing_) {
    for (size_t i = 0; i < services_.size(); ++i) StartServiceActors(static_cast<int>(i));
    for (const auto& tier : tiers_) {
      for (int id : tier->members) {
        if (Status s = StartCollectorActors(id); !s.ok()) return s;
      }
    }
    for (size_t i = 0; i < storage_.size(); ++i) StartStorageActors(static_cast<int>(i));
    if (adaptive_)
      sg4::Actor::create("adaptive-sampling", platform_.driver, [this] { AdaptiveSampling(); })->daemonize();
    if (sc.storage.queries.trace_lookups_per_s > 0)
      sg4::Actor::create("query-lookups", platform_.driver, [this] { QueryLoad(false); })->daemonize();
    if (sc.storage.queries.searches_per_s > 0)
      sg4::Actor::create("query-searches", platform_.driver, [this] { QueryLoad(true); })->daemonize();
  }
  if (Status st = ValidateArrivalOptions(ToArrivalOptions(sc.workload, sc.duration_s)); !st.ok()) {
    return Status::InvalidArgument("workload: " + st.message());
  }
  if (NetworkPaths::Needed(sc)) net_ = std::make_unique<NetworkPaths>(sc, root_rng_.Fork(9));
  if (fast_) fast_network_ = std::make_unique<TransferTimeCache>();
  end_time_s_ = sc.duration_s + sc.drain_s;
  sg4::Actor::create("workload", platform_.driver, [this] { Workload(); });
  sg4::Actor::create("faults", platform_.driver, [this] { FaultInjector(); })->daemonize();
  sg4::Actor::create("timeseries", platform_.driver, [this] { TimeSeriesSampler(); })->daemonize();
  sg4::Actor::create("timekeeper", platform_.driver, [this] { Timekeeper(); });
  return Status::Ok();
}

void Simulation::StartServiceWorkers(int i) {
  ServiceRuntime& s = *services_[i];
  if (s.spec->concurrency <= 0) return;
  s.jobs_queued = sg4::Semaphore::create(0);
  for (int w = 0; w < s.spec->concurrency; ++w)
    sg4::Actor::create("service-worker", s.host, [this, i] { ServiceWorker(i); })->daemonize();
}

void Simulation::StartServiceActors(int i) {
  ServiceRuntime& s = *services_[i];
  const auto& b = scenario_.tracing.batch_span_processor;
  pipeline::BatchSpanProcessorOptions o;
  o.max_queue_size = static_cast<size_t>(b.max_queue_size);
  o.schedule_delay = b.schedule_delay;
  o.max_export_batch_size = static_cast<size_t>(b.max_export_batch_size);
  o.export_timeout = b.export_timeout;
  // Processes do not start in lock-step: each SDK's export timer runs at its
  // own phase (seeded), so the spans of one trace leave different services at
  // different times, as in a real deployment.
  pipeline::Rng phase_rng = root_rng_.Fork(3000 + static_cast<uint64_t>(i) * 7919 + s.epoch);
  const auto phase =
      Duration(static_cast<int64_t>(phase_rng.NextDouble() * static_cast<double>(o.schedule_delay.count())));
  s.bsp = std::make_unique<pipeline::BatchSpanProcessor>(o, &ledger_, Now() - phase);
  s.tracer = std::make_unique<pipeline::Tracer>(s.id, s.sampler.get(), s.ids.get(), s.bsp.get());
  s.wake = sg4::Semaphore::create(0);
  sg4::Actor::create("sdk-exporter", s.host, [this, i] { SdkExporter(i); })->daemonize();
  if (s.adaptive != nullptr) {
    // The Jaeger SDK polls the collector for its strategy every refresh
    // interval, each service at its own phase.
    sg4::Actor::create("sdk-strategy-poller", s.host, [this, i] {
      ServiceRuntime& svc = *services_[i];
      const double interval = ToSeconds(svc.sampler_spec->adaptive.strategy_delivery_delay);
      sg4::this_actor::sleep_for(std::fmod(0.37 * (i + 1) * interval, interval));
      while (true) {
        svc.adaptive->UpdateStrategy(adaptive_->StrategyFor(svc.id), Now());
        sg4::this_actor::sleep_for(interval);
      }
    })->daemonize();
  }
}

void Simulation::StartStorageActors(int i) {
  StorageRuntime& st = *storage_[i];
  st.store = std::make_unique<pipeline::SpanStore>();
  if (scenario_.storage.wal) {
    if (!st.wal) {
      st.wal = std::make_unique<pipeline::WriteAheadLog>();
    } else {
      // Restart: replay the log into a fresh store. Its copies were never
      // counted lost, so the copy accounting stays as it is.
      pipeline::WalReplayResult replay = st.wal->Recover();
      st.store->AppendBatch(std::move(replay.spans), Now());
    }
  } else {
    st.spans.clear();
  }
  sg4::Actor::create("storage-writer", st.host, [this, i] { StorageWriter(i); })->daemonize();
  st.flush_pending_bytes = 0;  // blocks cut but not yet flushed died with the process (the WAL has them)
  st.flush_wake = sg4::Semaphore::create(0);
  sg4::Actor::create("block-flusher", st.host, [this, i] { BlockFlusher(i); })->daemonize();
  const auto& q = scenario_.storage.queries;
  if (q.trace_lookups_per_s > 0 || q.searches_per_s > 0)
    sg4::Actor::create("query-server", st.host, [this, i] { QueryServer(i); })->daemonize();
}

void Simulation::Crash(sg4::Host* host) {
  if (!host->is_on()) return;
  timeline_.push_back({"host_crash", host->get_name(), sg4::Engine::get_clock(), -1});
  for (auto& s : services_) {
    if (s->host != host) continue;
    ++s->epoch;
    // Requests waiting for or inside a worker thread fail (their callers are
    // told; the workers die with the host and restart with it).
    auto fail_all = [](auto& jobs) {
      for (auto& job : jobs) {
        job->failed = true;
        job->done->release();
      }
      jobs.clear();
    };
    fail_all(s->running);
    fail_all(s->jobs);
    if (s->bsp) ledger_.DropSpans(DropCause::kCrashLost, s->bsp->DrainAll());
    DropPending(*s);  // fidelity: fast — spans of its requests that had not ended yet
  }
  for (auto& c : collectors_) {
    if (c->host != host) continue;
    if (c->pipeline) ledger_.DropSpans(DropCause::kCrashLost, c->pipeline->DrainAll());
    if (c->jaeger) ledger_.DropSpans(DropCause::kCrashLost, c->jaeger->DrainAll());
    for (auto& [key, d] : c->destinations) {
      if (d.queue->persistent()) continue;  // on disk: delivered after the restart
      for (const auto& req : d.queue->DrainAll()) ledger_.DropSpans(DropCause::kCrashLost, req.spans);
    }
    c->queued_bytes = 0;
  }
  for (auto& st : storage_) {
    if (st->host != host || !st->store) continue;
    if (st->wal) {
      // Every copy the node acknowledged is in its log: the store is rebuilt
      // from it at restart, nothing acknowledged is lost.
      st->wal->Crash();
      st->store->Clear();
      continue;
    }
    // An in-memory store without a WAL loses every copy it held; a span is
    // lost when that was its last copy.
    uint64_t lost = 0;
    for (const auto& copy : st->spans) {
      if (copies_.copies(copy.key) == 0 || copies_.Remove(copy.key) > 0) continue;
      --stored_unique_;
      ++lost;
      if (TraceTrack* t = FindTrace(copy.key.trace)) {
        --t->stored;
        if (copy.error) --t->stored_errors;
        t->drop_causes |= 1u << static_cast<unsigned>(DropCause::kCrashLost);
      }
    }
    ledger_.Drop(DropCause::kCrashLost, lost);
    st->spans.clear();
    st->store->Clear();
  }
  host->turn_off();  // kills the host's actors; what they held is counted by HeldSpans/OpenSpan
}

void Simulation::Restart(sg4::Host* host) {
  if (host->is_on()) return;
  host->turn_on();
  StartCpuHog(host);  // a cpu_slowdown still in force: the neighbour is still there
  for (auto it = timeline_.rbegin(); it != timeline_.rend(); ++it) {
    if (it->target == host->get_name() && it->end_s < 0) {
      it->end_s = sg4::Engine::get_clock();
      break;
    }
  }
  for (size_t i = 0; i < services_.size(); ++i) {
    if (services_[i]->host == host) StartServiceWorkers(static_cast<int>(i));
  }
  if (!tracing_) return;
  for (size_t i = 0; i < services_.size(); ++i) {
    if (services_[i]->host == host) StartServiceActors(static_cast<int>(i));
  }
  for (auto& c : collectors_) {
    if (c->host == host) StartCollectorActors(c->id);
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
  if (!replay_.empty()) {
    // Each recorded trace is one request, at its recorded (scaled) arrival.
    for (const ReplayTrace& trace : replay_) {
      if (trace.arrival_s >= scenario_.duration_s) break;
      sg4::this_actor::sleep_until(trace.arrival_s);
      StartRequest(trace.root.service, &trace.root);
    }
    return;
  }
  auto process = MakeArrivalProcess(ToArrivalOptions(w, scenario_.duration_s));
  if (!process.ok()) return;  // Start() validated the options
  double t = 0;
  while (std::optional<double> next = (*process)->Next(t, rng)) {
    t = *next;
    sg4::this_actor::sleep_until(t);
    StartRequest(entry, nullptr);
  }
}

void Simulation::StartRequest(int service, const ReplayNode* root) {
  if (fast_) FlushCompletions();
  const uint64_t index = traces_.size();
  traces_.emplace_back();
  ++requests_.started;
  const int instance = PickReplica(service);  // the load balancer in front of the entry service
  sg4::Host* host = services_[instance]->host;
  if (!host->is_on()) {  // connection refused
    FinishRequest(index, /*ok=*/false, /*latency_ms=*/-1);
    return;
  }
  if (fast_) {
    FastRequest(index, instance, root);
    return;
  }
  sg4::Actor::create("request", host, [this, index, root, instance] {
    RequestScope rq(this, index, root_rng_.Fork(1'000'000 + index));
    const bool ok = HandleCall(rq, instance, nullptr, root);
    rq.Finish(ok, /*record_latency=*/true);
  });
}

int Simulation::PickReplica(int service) {
  const std::vector<int>& replicas = instances_[service];
  if (replicas.size() == 1) return replicas.front();
  // Round-robin over the replicas that are up (a Service's endpoints); when
  // none is, the next one (the call is refused).
  size_t& next = next_replica_[service];
  for (size_t tried = 0; tried < replicas.size(); ++tried) {
    const int r = replicas[next++ % replicas.size()];
    if (services_[r]->host->is_on()) return r;
  }
  return replicas[next++ % replicas.size()];
}

void Simulation::FinishRequest(uint64_t index, bool ok, double latency_ms) {
  traces_[index].finished = true;
  ++requests_.completed;
  if (!ok) ++requests_.failed;
  if (latency_ms >= 0) {
    request_latency_ms_.Record(latency_ms);
    traces_[index].latency_ms = latency_ms;
  }
}

void Simulation::Execute(sg4::Host* host, double flops) {
  if (flops <= 0) return;
  sg4::this_actor::exec_init(flops)->set_host(host)->wait();
}

bool Simulation::ExecuteOnService(ServiceRuntime& s, double flops) {
  if (s.spec->concurrency <= 0) {
    try {
      Execute(s.host, flops);
      return true;
    } catch (const simgrid::Exception&) {
      return false;
    }
  }
  if (!s.host->is_on()) return false;  // connection refused
  auto job = std::make_shared<WorkJob>();
  job->flops = flops;
  s.jobs.push_back(job);
  s.jobs_queued->release();
  job->done->acquire();  // a worker ran it, or a crash failed it (Crash releases every job)
  return !job->failed;
}

void Simulation::ServiceWorker(int i) {
  ServiceRuntime& s = *services_[i];
  while (true) {
    s.jobs_queued->acquire();
    if (s.jobs.empty()) continue;
    std::shared_ptr<WorkJob> job = s.jobs.front();  // FIFO
    s.jobs.pop_front();
    s.running.push_back(job);
    Execute(s.host, job->flops);
    s.running.erase(std::find(s.running.begin(), s.running.end(), job));
    job->done->release();
  }
}

double Simulation::BeforeTcpSend(sg4::Host* from, sg4::Host* to) {
  if (!net_) return std::numeric_limits<double>::infinity();
  if (const double delay = net_->JitterDelay(from, to); delay > 0) sg4::this_actor::sleep_for(delay);
  return net_->TcpRate(from, to);
}

bool Simulation::Transfer(sg4::Host* from, sg4::Host* to, uint64_t bytes) {
  if (!from->is_on() || !to->is_on()) return false;  // connection refused
  if (Partitioned(from, to)) return false;           // unreachable: the call fails
  try {
    const double rate = BeforeTcpSend(from, to);
    const double start = sg4::Engine::get_clock();
    sg4::Comm::sendto(from, to, bytes);
    if (std::isfinite(rate)) {
      // Host-to-host comms cannot take a rate cap in SimGrid 3.32 (set_rate
      // needs a mailbox comm): a slower TCP flow finishes when B / rate says.
      const double at_rate = start + static_cast<double>(bytes) / rate;
      if (at_rate > sg4::Engine::get_clock()) sg4::this_actor::sleep_until(at_rate);
    }
    return true;
  } catch (const simgrid::Exception&) {
    return false;
  }
}

const std::vector<Simulation::Call>& Simulation::CallsFor(int service, const ReplayNode* replay,
                                                          std::vector<Call>* scratch) const {
  if (replay == nullptr) return graph_calls_[service];
  scratch->clear();
  for (const ReplayNode& child : replay->children)
    scratch->push_back({child.service, 1, &child, child.async});
  return *scratch;
}

pipeline::Span Simulation::StartServerSpan(ServiceRuntime& s, uint64_t request, pipeline::OperationId op,
                                           const pipeline::SpanContext* parent, TimePoint at,
                                           pipeline::SpanKind kind) {
  pipeline::StartSpanOptions opts;
  opts.parent = parent;
  opts.kind = kind;
  const bool measured = scenario_.tracing.costs.measured;
  std::optional<pipeline::Span> started;
  {
    CpuStopwatch watch(measured, &s.measured_ns);
    started.emplace(s.tracer->StartSpan(op, at, opts));
  }
  pipeline::Span& span = *started;
  if (parent == nullptr) {
    TraceTrack& t = traces_[request];
    trace_index_[span.context().trace_id] = request;
    t.traced = true;
    t.id = span.context().trace_id;
    if (span.IsSampled()) ++traces_sampled_;
  }
  CpuStopwatch watch(measured, &s.measured_ns);
  SetRequestAttributes(span, s.index, s.spec->attributes_per_span);
  if (parent == nullptr && s.adaptive != nullptr && span.IsRecording()) {
    // Jaeger SDKs tag root spans with the sampler that decided; the
    // collector's adaptive sampling counts them.
    const auto& d = s.adaptive->last_decision();
    span.SetAttribute(attr_.sampler_type,
                      pipeline::InternedString{interner_.Intern(pipeline::JaegerSamplerTypeName(d.type))});
    span.SetAttribute(attr_.sampler_param, d.param);
  }
  return std::move(*started);
}

double Simulation::HandlerTracingFlops(ServiceRuntime& s, const pipeline::Span& server,
                                       const std::vector<Call>& calls) {
  const auto& costs = scenario_.tracing.costs;
  if (costs.measured) {
    // The real calls' CPU: this span's start and attributes, and what the
    // service's earlier handlers measured after their work (client spans,
    // span ends).
    return CostFlops(std::exchange(s.measured_ns, 0.0));
  }
  // Tracing CPU of this handler (its server span and the client spans of
  // its calls), charged once with the handler's work.
  double per_span = costs.span_start_ns + costs.sampler_decision_ns;
  if (server.IsRecording())
    per_span += costs.span_end_ns + s.spec->attributes_per_span * costs.attribute_set_ns;
  if (server.IsSampled()) per_span += costs.bsp_enqueue_ns;
  uint64_t spans = 1;
  for (const Call& call : calls) spans += call.count;
  return CostFlops(per_span * static_cast<double>(spans));
}

double Simulation::DrawWork(pipeline::Rng& rng, const scenario::ServiceSpec& spec, const ReplayNode* replay) {
  if (replay != nullptr) return replay->self_s;  // the recorded self time (time-scaled)
  switch (spec.work_distribution) {
    case scenario::Distribution::kConstant:
      break;
    case scenario::Distribution::kExponential:
      return rng.Exponential(spec.work_mean_s);
    case scenario::Distribution::kLogNormal: {
      const double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
      const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2 * M_PI * u2);
      const double mu = std::log(spec.work_mean_s) - spec.work_sigma * spec.work_sigma / 2;
      return std::exp(mu + spec.work_sigma * z);
    }
  }
  return spec.work_mean_s;
}

std::optional<pipeline::SpanContext> Simulation::StartClientSpan(ServiceRuntime& s, int callee,
                                                                 const pipeline::Span& server, TimePoint at,
                                                                 pipeline::SpanKind kind,
                                                                 std::optional<pipeline::Span>* client) {
  pipeline::StartSpanOptions opts;
  opts.parent = &server.context();
  opts.kind = kind;
  CpuStopwatch watch(scenario_.tracing.costs.measured, &s.measured_ns);
  client->emplace(s.tracer->StartSpan(s.client_ops[callee], at, opts));
  // W3C Trace Context over the wire, through the real codec.
  pipeline::InjectContext((*client)->context(), &traceparent_, &tracestate_);
  return pipeline::ExtractContext(traceparent_, tracestate_);
}

pipeline::Rng Simulation::AsyncBranch(pipeline::Rng& rng) { return rng.Fork(rng.NextU64()); }

bool Simulation::HandleCall(RequestScope& rq, int instance, const pipeline::SpanContext* parent,
                            const ReplayNode* replay, pipeline::SpanKind kind) {
  ServiceRuntime& s = *services_[instance];
  const auto& spec = *s.spec;
  std::vector<Call> scratch;
  const std::vector<Call>& calls = CallsFor(s.index, replay, &scratch);
  const pipeline::OperationId server_op = replay != nullptr ? replay->operation : s.server_op;

  std::optional<OpenSpan> server;
  double tracing_flops = 0;
  if (tracing_) {
    server.emplace(this, &s, rq.index(), server_op, kind,
                   StartServerSpan(s, rq.index(), server_op, parent, Now(), kind));
    tracing_flops = HandlerTracingFlops(s, server->span(), calls);
  }

  // Application work for this request, drawn from the request's own stream so
  // that traced and baseline runs do the same work.
  const double work_s = DrawWork(rq.rng(), spec, replay);
  const bool app_error = replay != nullptr ? replay->error : rq.rng().NextDouble() < spec.error_rate;
  const double speed = s.host->get_speed();
  const double work_flops = work_s * speed;
  if (!ExecuteOnService(s, work_flops + tracing_flops)) {
    return false;  // the service's host crashed mid-request: its open span is lost with it
  }
  cpu_.service_cpu_s += (work_flops + tracing_flops) / speed;
  cpu_.tracing_cpu_s += tracing_flops / speed;

  bool ok = true;
  for (const auto& [callee, count, node, async] : calls) {
    const pipeline::SpanKind client_kind =
        async ? pipeline::SpanKind::kProducer : pipeline::SpanKind::kClient;
    for (int k = 0; k < count; ++k) {
      const int target = PickReplica(callee);  // the callee's replica for this call
      ServiceRuntime& c = *services_[target];
      std::optional<OpenSpan> client;
      std::optional<pipeline::SpanContext> propagated;
      if (server && server->alive()) {
        std::optional<pipeline::Span> started;
        propagated = StartClientSpan(s, callee, server->span(), Now(), client_kind, &started);
        client.emplace(this, &s, rq.index(), s.client_ops[callee], client_kind, std::move(*started));
      }
      std::optional<pipeline::Rng> branch;
      if (async) branch = AsyncBranch(rq.rng());
      bool call_ok = false;
      if (Transfer(s.host, c.host, spec.request_bytes)) {
        if (branch) {
          // Fire and forget: once the request is sent the callee runs on its
          // own (its errors are its own) and the caller goes on.
          call_ok = true;
          sg4::Actor::create("async-call", c.host,
                             [this, index = rq.index(), b = *branch, target, node, propagated] {
                               RequestScope scope = RequestScope::AsyncBranch(this, index, b);
                               HandleCall(scope, target, propagated ? &*propagated : nullptr, node,
                                          pipeline::SpanKind::kConsumer);
                             });
        } else {
          call_ok = HandleCall(rq, target, propagated ? &*propagated : nullptr, node);
          if (!Transfer(c.host, s.host, c.spec->response_bytes)) call_ok = false;
        }
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
  open.MarkEnded();
  RecordSpanEnd(s, open.span(), {open.request(), open.operation(), open.kind(), open.start(), status}, Now());
}

void Simulation::RecordSpanEnd(ServiceRuntime& s, pipeline::Span& span, const SpanEndInfo& info,
                               TimePoint end) {
  span.SetStatus(info.status);
  if (span.IsRecording()) {
    span.SetAttribute(attr_.status_code, int64_t{info.status == pipeline::SpanStatus::kError ? 500 : 200});
  }
  const bool sampled = span.IsSampled();
  auto& t = traces_[info.request];
  ledger_.Generated(sampled);
  if (sampled) ++t.sampled_generated;
  if (info.status == pipeline::SpanStatus::kError) t.has_error = true;
  operations_seen_.insert({s.id, info.operation});
  if (info.kind == pipeline::SpanKind::kServer || info.kind == pipeline::SpanKind::kConsumer) {
    auto& truth = truth_[s.index];
    truth.duration_ms.Record(ToSeconds(end - info.start) * 1e3);
    ++truth.spans;
    if (info.status == pipeline::SpanStatus::kError) ++truth.errors;
  }
  CpuStopwatch watch(scenario_.tracing.costs.measured, &s.measured_ns);
  s.tracer->EndSpan(span, end);  // recording spans go to the BatchSpanProcessor (or are dropped, counted)
  if (s.bsp->export_requested() && s.wake->get_capacity() == 0) s.wake->release();
}

void Simulation::SetRequestAttributes(pipeline::Span& span, int service, int count) {
  // Semantic-convention attributes first, then generic ones up to `count`.
  const std::pair<pipeline::AttributeKeyId, pipeline::AttributeValue> base[] = {
      {attr_.method, attr_.get}, {attr_.route, attr_.routes[service]}, {attr_.peer, attr_.peers[service]}};
  int n = 0;
  for (const auto& [key, value] : base) {
    if (n++ >= count) return;
    span.SetAttribute(key, value);
  }
  for (size_t i = 0; n < count && i < attr_.extra.size(); ++i, ++n) {
    span.SetAttribute(attr_.extra[i], int64_t{n});
  }
}

// ---------------------------------------------------------------- SDK export

void Simulation::SdkExporter(int i) {
  ServiceRuntime& s = *services_[i];
  while (true) {
    if (fast_) FlushPending(s, Now());  // the spans that have ended by now, in time order
    const TimePoint now = Now();
    if (s.bsp->ExportDue(now)) {
      auto batch = std::make_unique<HeldSpans>(&ledger_, s.bsp->TakeBatch(now));
      ExportFromSdk(s, std::move(batch));
      // Spans that ended during the export were queued during it.
      if (fast_) FlushPending(s, Now());
      s.bsp->OnExportDone(Now());
      continue;
    }
    // ExportDue() applied any idle ticks of the SDK worker: the deadline is
    // in the future. Sleep until then, or until a full batch wakes us.
    TimePoint deadline = s.bsp->NextDeadline();
    if (fast_) {
      // The ends still pending fill a batch at a known instant.
      deadline = std::min(deadline, NextFullBatch(s));
      s.exporter_wake = deadline;
    }
    s.wake->acquire_timeout(ToSeconds(deadline) - sg4::Engine::get_clock());
    s.exporter_wake.reset();
  }
}

int Simulation::FirstTierPeerFor(int instance) const {
  const auto& members = tiers_[0]->members;
  if (members.empty()) return -1;
  // multi_region: an SDK exports to a collector of its own region when there is one.
  const int region = platform_.RegionOf(services_[instance]->host->get_name());
  if (region >= 0) {
    std::vector<int> local;
    for (int id : members) {
      if (platform_.RegionOf(collectors_[id]->host->get_name()) == region) local.push_back(id);
    }
    if (!local.empty()) return local[static_cast<size_t>(instance) % local.size()];
  }
  return members[static_cast<size_t>(instance) % members.size()];
}

void Simulation::ExportFromSdk(ServiceRuntime& s, std::unique_ptr<HeldSpans> batch) {
  const double flops = CostFlops(scenario_.tracing.costs.export_serialize_per_span_ns * batch->size());
  Execute(s.host, flops);
  cpu_.service_cpu_s += flops / s.host->get_speed();
  cpu_.tracing_cpu_s += flops / s.host->get_speed();
  const double timeout = ToSeconds(scenario_.tracing.batch_span_processor.export_timeout);
  const int peer = FirstTierPeerFor(s.instance);
  if (scenario_.tracing.exporter.protocol == scenario::SdkExporterSpec::Protocol::kJaegerUdp) {
    ExportOverUdp(s, std::move(batch), peer);
    return;
  }
  // The SDK does not retry a failed export (BatchSpanProcessor semantics).
  const SendResult sent = peer < 0 ? SendResult::kFailed : TrySend(s.host, peer, batch, timeout);
  if (sent == SendResult::kFailed) batch->Drop(DropCause::kExportFailed);
  if (sent == SendResult::kRefused) batch->Drop(DropCause::kMemoryLimiterRefused);
}

void Simulation::ExportOverUdp(ServiceRuntime& s, std::unique_ptr<HeldSpans> batch, int peer) {
  // Jaeger clients fill UDP packets span by span (emitBatch framing plus the
  // process); a span larger than a packet cannot be sent.
  std::vector<uint64_t> sizes;
  for (const SpanData& span : batch->spans()) sizes.push_back(pipeline::EstimateWireBytes(span));
  std::vector<size_t> oversized;
  const std::vector<size_t> datagrams =
      SplitIntoDatagrams(sizes, scenario_.tracing.exporter.max_packet_bytes, kEnvelopeBytes, &oversized);
  // Split into held datagrams first: a crash while sending counts what is left.
  std::vector<SpanData> spans = batch->Release();
  std::vector<std::unique_ptr<HeldSpans>> parts;
  std::vector<uint64_t> datagram_bytes;  // wire bytes per datagram, from the sizes computed once
  size_t next = 0;
  for (size_t count : datagrams) {
    datagram_bytes.push_back(0);
    for (size_t k = next; k < next + count; ++k) datagram_bytes.back() += sizes[k];
    std::vector<SpanData> part(std::make_move_iterator(spans.begin() + static_cast<ptrdiff_t>(next)),
                               std::make_move_iterator(spans.begin() + static_cast<ptrdiff_t>(next + count)));
    next += count;
    parts.push_back(std::make_unique<HeldSpans>(&ledger_, std::move(part)));
  }
  for (size_t d = 0; d < parts.size(); ++d) {
    std::unique_ptr<HeldSpans>& datagram = parts[d];
    if (std::find(oversized.begin(), oversized.end(), d) != oversized.end() || peer < 0) {
      datagram->Drop(DropCause::kExportFailed);
      continue;
    }
    sg4::Host* to = collectors_[peer]->host;
    if (!to->is_on() || Partitioned(s.host, to) || (net_ && net_->DatagramLost(s.host, to))) {
      datagram->Drop(DropCause::kNetworkLost);  // UDP: sent into the void, nobody retries
      continue;
    }
    // Fire and forget: the datagram travels on its own; the SDK goes on.
    const uint64_t bytes = kEnvelopeBytes + datagram_bytes[d];
    auto* message = new ExportMessage{std::move(datagram)};
    message->reply->abandoned = true;  // nobody waits for an answer: a refusal is lost at the collector
    collectors_[peer]->mailbox->put_init(message, bytes)->detach([](void* data) {
      delete static_cast<ExportMessage*>(
          data);  // never received (the collector died): its HeldSpans count it
    });
  }
}

}  // namespace tracesim::sim
