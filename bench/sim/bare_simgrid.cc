// A bare SimGrid program doing the simulation work of scenarios/quickstart.yaml
// without any tracing code: the reference for "full mode within 2x of a bare
// SimGrid program doing the same messages and executions".
//
// What it reproduces (see docs/performance-sim.md for the comparison with
// tracesim's own counts):
//   - the platform of sim/src/platform.cc for a star topology: one host per
//     service (1 Gf), 2 collector hosts (2 Gf), 2 storage nodes (2 Gf, one
//     disk each, 500/250 MBps), a driver host (1 Gf); every host has its own
//     1 Gbps / 50 us shared link to the star's switch; network model LV08;
//     contexts/stack-size:128 (as tracesim's run.cc);
//   - the workload: Poisson arrivals at 200/s for 30 s, one actor per request
//     on the entry service's host, walking the quickstart call graph as
//     Simulation::HandleCall does: per handler one Exec of the request's work
//     (same distributions) plus the tracing CPU tracesim charges with it, then
//     per call a Comm::sendto of the request bytes, the callee's handler, and a
//     Comm::sendto of the response bytes;
//   - the telemetry traffic with the same count and sizes as tracesim's:
//     sampled spans (parent-based ratio 0.25, decided once per request) queue
//     per service; each service's SDK exporter exports a batch (<= 512 spans)
//     when 512 are queued or every 5 s (at a seeded phase): one Exec of the
//     serialisation cost, a mailbox put of 256 + Σ span bytes to its
//     collector, a wait for the collector's answer; each collector receiver
//     Execs the receive+batch cost, answers, and batches (timer 200 ms); a
//     batch is split by storage node and queued to 10 consumers per node, which
//     Exec the export cost, put_async 256 + Σ bytes to the node's writer and
//     wait for its acknowledgement; a writer Execs the insert cost and cuts a
//     block every 30 s (written to its disk);
//   - the run ends at duration + drain = 40 s, as tracesim's timekeeper.
//
// Not reproduced (they are tracesim's measurement, not simulation work): the
// time-series sampler (a sleep every simulated second), the fault injector,
// the ledger. The bare program keeps span *counts* and sizes, never span data.
//
// Usage: tracesim_bare_simgrid_bench [--seed=N] [--rate=R] [--duration=S]
// Prints wall time, simulated time and the counts of simulated activities.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <random>
#include <simgrid/s4u.hpp>
#include <string>
#include <vector>

namespace sg4 = simgrid::s4u;

namespace {

// ---------------------------------------------------------------- the quickstart scenario

enum class Dist { kConstant, kExponential, kLogNormal };

struct Call {
  int callee;
  int count;
};

struct Service {
  const char* name;
  double work_mean_s;
  Dist dist;
  double sigma;
  std::vector<Call> calls;
  uint64_t request_bytes;
  uint64_t response_bytes;
  int attributes_per_span;
};

enum : int { kFrontend, kCatalog, kCart, kCheckout, kInventory, kPayment };

// scenarios/quickstart.yaml; defaults from scenario.h (request 512 B, response
// 2048 B, 4 attributes per span). Error rates only change span status, not work.
const std::vector<Service>& Services() {
  static const std::vector<Service> services = {
      {"frontend", 1e-3, Dist::kExponential, 0, {{kCatalog, 1}, {kCart, 1}, {kCheckout, 1}}, 800, 4096, 6},
      {"catalog", 2e-3, Dist::kLogNormal, 0.6, {}, 512, 8192, 4},
      {"cart", 500e-6, Dist::kExponential, 0, {{kInventory, 1}}, 512, 2048, 4},
      {"checkout", 1.5e-3, Dist::kExponential, 0, {{kInventory, 1}, {kPayment, 1}}, 512, 2048, 4},
      {"inventory", 300e-6, Dist::kConstant, 0, {}, 512, 2048, 4},
      {"payment", 4e-3, Dist::kLogNormal, 0.8, {}, 512, 2048, 4},
  };
  return services;
}

struct Options {
  uint64_t seed = 42;
  double rate_per_s = 200;
  double duration_s = 30;
  double drain_s = 10;
  double sampling_ratio = 0.25;
  int collectors = 2;
  int storage_nodes = 2;
  double service_speed = 1e9;
  double collector_speed = 2e9;
  double storage_speed = 2e9;
  double link_bandwidth = 125e6;  // 1 Gbps in bytes/s
  double link_latency = 50e-6;
  // BatchSpanProcessor (OTEL_BSP_* defaults).
  size_t bsp_max_queue = 2048;
  size_t bsp_max_batch = 512;
  double bsp_schedule_delay_s = 5;
  double bsp_export_timeout_s = 30;
  // Collector: batch processor timeout, exporter timeout and queue consumers.
  double collector_batch_timeout_s = 0.2;
  size_t collector_batch_size = 8192;
  double collector_export_timeout_s = 5;
  int consumers = 10;
  // Storage: block cut by age.
  double block_age_s = 30;
  double disk_read = 500e6;
  double disk_write = 250e6;
};

// Tracing CPU charged by tracesim, ns per operation (scenarios/profiles/default.yaml);
// 1 ns == 1 flop at the reference speed of 1 Gf.
struct Costs {
  double span_start = 35, span_end = 20, sampler = 5, attribute = 20, bsp_enqueue = 50;
  double serialize = 250, collector_receive = 300, collector_batch = 30, collector_export = 250;
  double store_insert = 300;
};

constexpr uint64_t kEnvelopeBytes = 256;  // sim/src/runtime.h

// pipeline::EstimateWireBytes for a span with `attributes` attributes.
uint64_t SpanBytes(bool has_parent, int attributes) {
  return 18 + 10 + (has_parent ? 10 : 0) + 20 + 2 + 18 + 4 + 5 + 16 * static_cast<uint64_t>(attributes);
}

// ---------------------------------------------------------------- counters

struct Counts {
  uint64_t requests = 0;
  uint64_t requests_sampled = 0;
  uint64_t spans = 0;          // server + client spans (tracesim's "generated")
  uint64_t spans_sampled = 0;  // reach a BatchSpanProcessor
  uint64_t spans_sdk_dropped = 0;
  uint64_t spans_stored = 0;
  uint64_t execs = 0;
  uint64_t app_execs = 0;  // one per handler
  uint64_t sendto = 0;     // request/response transfers
  uint64_t mailbox_messages = 0;
  uint64_t sdk_exports = 0;
  uint64_t storage_writes = 0;
  uint64_t disk_writes = 0;
  uint64_t bytes_app = 0;
  uint64_t bytes_telemetry = 0;
};

// A batch of spans, by count and bytes only: the storage node of each span and their total size.
struct SpanBatch {
  std::vector<uint8_t> node;  // storage node of each span
  uint64_t bytes = 0;
  size_t size() const { return node.size(); }
  void Append(SpanBatch&& o) {
    node.insert(node.end(), o.node.begin(), o.node.end());
    bytes += o.bytes;
  }
};

struct ExportMessage {
  SpanBatch spans;
  sg4::SemaphorePtr done = sg4::Semaphore::create(0);
};

struct WriteMessage {
  size_t spans;
  uint64_t bytes;
  sg4::SemaphorePtr acked;
};

struct ServiceState {
  sg4::Host* host = nullptr;
  std::deque<std::pair<uint8_t, uint32_t>> queue;  // (storage node, bytes) per queued span
  bool exporting = false;
  double deadline = 0;
  sg4::SemaphorePtr wake = sg4::Semaphore::create(0);
};

struct CollectorState {
  sg4::Host* host = nullptr;
  sg4::Mailbox* mailbox = nullptr;
  SpanBatch pending;
  std::vector<std::deque<SpanBatch>> queues;  // per storage node
  std::vector<sg4::SemaphorePtr> queued;
};

struct StorageState {
  sg4::Host* host = nullptr;
  sg4::Mailbox* mailbox = nullptr;
  sg4::Disk* disk = nullptr;
  double block_started = -1;
  uint64_t block_bytes = 0;
};

class BareSimulation {
 public:
  explicit BareSimulation(const Options& o) : o_(o), rng_(o.seed) {}

  void Build() {
    sg4::NetZone* zone = sg4::create_star_zone("platform");
    auto add = [&](const std::string& name, double speed, bool disk) {
      sg4::Host* h = zone->create_host(name, speed);
      if (disk) h->create_disk("disk", o_.disk_read, o_.disk_write)->seal();
      h->seal();
      sg4::Link* link = zone->create_link(name + "-link", o_.link_bandwidth)->set_latency(o_.link_latency);
      link->set_sharing_policy(sg4::Link::SharingPolicy::SHARED);
      zone->add_route(h->get_netpoint(), nullptr, nullptr, nullptr, {sg4::LinkInRoute(link->seal())}, true);
      return h;
    };
    for (const auto& s : Services()) {
      services_.emplace_back();
      services_.back().host = add(s.name, o_.service_speed, false);
    }
    for (int i = 0; i < o_.collectors; ++i) {
      collectors_.emplace_back();
      collectors_.back().host = add("otelcol-" + std::to_string(i), o_.collector_speed, false);
    }
    for (int i = 0; i < o_.storage_nodes; ++i) {
      storage_.emplace_back();
      storage_.back().host = add("storage-" + std::to_string(i), o_.storage_speed, true);
    }
    driver_ = add("driver", 1e9, false);
    zone->seal();
    for (auto& c : collectors_) {
      c.mailbox = sg4::Mailbox::by_name(c.host->get_name());
      c.queues.resize(storage_.size());
      for (size_t n = 0; n < storage_.size(); ++n) c.queued.push_back(sg4::Semaphore::create(0));
    }
    for (auto& st : storage_) {
      st.mailbox = sg4::Mailbox::by_name(st.host->get_name());
      st.disk = st.host->get_disks().front();
    }
  }

  void Start() {
    std::uniform_real_distribution<double> u(0, 1);
    for (size_t i = 0; i < services_.size(); ++i) {
      // Each SDK's timer at its own phase, as tracesim seeds it.
      services_[i].deadline = o_.bsp_schedule_delay_s * (1 - u(rng_));
      sg4::Actor::create("sdk-exporter", services_[i].host, [this, i] { SdkExporter(i); })->daemonize();
    }
    for (size_t c = 0; c < collectors_.size(); ++c) {
      sg4::Actor::create("collector-receiver", collectors_[c].host, [this, c] { Receiver(c); })->daemonize();
      sg4::Actor::create("collector-timer", collectors_[c].host, [this, c] { Timer(c); })->daemonize();
      for (size_t n = 0; n < storage_.size(); ++n) {
        for (int k = 0; k < o_.consumers; ++k)
          sg4::Actor::create("collector-consumer", collectors_[c].host, [this, c, n] {
            Consumer(c, n);
          })->daemonize();
      }
    }
    for (size_t n = 0; n < storage_.size(); ++n)
      sg4::Actor::create("storage-writer", storage_[n].host, [this, n] { StorageWriter(n); })->daemonize();
    sg4::Actor::create("workload", driver_, [this] { Workload(); });
    sg4::Actor::create("timekeeper", driver_,
                       [this] { sg4::this_actor::sleep_until(o_.duration_s + o_.drain_s); });
  }

  const Counts& counts() const { return n_; }

 private:
  void Exec(sg4::Host* host, double flops) {
    if (flops <= 0) return;
    ++n_.execs;
    sg4::this_actor::exec_init(flops)->set_host(host)->wait();
  }

  void Workload() {
    std::exponential_distribution<double> gap(o_.rate_per_s);
    std::uniform_real_distribution<double> u(0, 1);
    double t = 0;
    while (true) {
      t += gap(rng_);
      if (t >= o_.duration_s) break;
      sg4::this_actor::sleep_until(t);
      ++n_.requests;
      const bool sampled = u(rng_) < o_.sampling_ratio;
      const uint64_t seed = rng_();
      const auto node = static_cast<uint8_t>(rng_() % storage_.size());  // the trace's storage node
      sg4::Actor::create("request", services_[kFrontend].host, [this, sampled, seed, node] {
        std::mt19937_64 rq(seed);
        if (sampled) ++n_.requests_sampled;
        HandleCall(rq, kFrontend, sampled, node, /*has_parent=*/false);
      });
    }
  }

  void HandleCall(std::mt19937_64& rq, int service, bool sampled, uint8_t node, bool has_parent) {
    const Service& spec = Services()[static_cast<size_t>(service)];
    ServiceState& s = services_[static_cast<size_t>(service)];
    uint64_t spans = 1;
    for (const auto& c : spec.calls) spans += static_cast<uint64_t>(c.count);
    // The tracing CPU tracesim adds to the handler's Exec (same numbers, no tracing code).
    double per_span = costs_.span_start + costs_.sampler;
    if (sampled)
      per_span += costs_.span_end + spec.attributes_per_span * costs_.attribute + costs_.bsp_enqueue;
    const double tracing_flops = per_span * static_cast<double>(spans);

    double work_s = spec.work_mean_s;
    std::uniform_real_distribution<double> u(0, 1);
    switch (spec.dist) {
      case Dist::kConstant:
        break;
      case Dist::kExponential:
        work_s = std::exponential_distribution<double>(1 / spec.work_mean_s)(rq);
        break;
      case Dist::kLogNormal: {
        const double mu = std::log(spec.work_mean_s) - spec.sigma * spec.sigma / 2;
        work_s = std::lognormal_distribution<double>(mu, spec.sigma)(rq);
        break;
      }
    }
    ++n_.app_execs;
    Exec(s.host, work_s * s.host->get_speed() + tracing_flops);
    for (const auto& call : spec.calls) {
      const Service& callee = Services()[static_cast<size_t>(call.callee)];
      ServiceState& c = services_[static_cast<size_t>(call.callee)];
      for (int k = 0; k < call.count; ++k) {
        Transfer(s.host, c.host, spec.request_bytes);
        HandleCall(rq, call.callee, sampled, node, /*has_parent=*/true);
        Transfer(c.host, s.host, callee.response_bytes);
        EndSpan(s, sampled, node, SpanBytes(true, 1));  // the client span: status code only
      }
    }
    EndSpan(s, sampled, node, SpanBytes(has_parent, spec.attributes_per_span + 1));  // + status code
  }

  void Transfer(sg4::Host* from, sg4::Host* to, uint64_t bytes) {
    ++n_.sendto;
    n_.bytes_app += bytes;
    sg4::Comm::sendto(from, to, static_cast<double>(bytes));
  }

  // BatchSpanProcessor.OnEnd, by counts.
  void EndSpan(ServiceState& s, bool sampled, uint8_t node, uint64_t bytes) {
    ++n_.spans;
    if (!sampled) return;
    ++n_.spans_sampled;
    if (s.queue.size() >= o_.bsp_max_queue) {
      ++n_.spans_sdk_dropped;
      return;
    }
    AdvanceIdleTimer(s, sg4::Engine::get_clock(), false);
    s.queue.emplace_back(node, static_cast<uint32_t>(bytes));
    if (Due(s, sg4::Engine::get_clock()) && s.wake->get_capacity() == 0) s.wake->release();
  }

  // The SDK worker's timer ticks every schedule_delay while it is idle.
  void AdvanceIdleTimer(ServiceState& s, double now, bool strict) const {
    if (s.exporting || !s.queue.empty() || now < s.deadline) return;
    const double behind = now - s.deadline;
    double k = std::floor(behind / o_.bsp_schedule_delay_s);
    if (strict || std::fmod(behind, o_.bsp_schedule_delay_s) != 0) k += 1;
    s.deadline += k * o_.bsp_schedule_delay_s;
  }

  bool Due(const ServiceState& s, double now) const {
    if (s.exporting || s.queue.empty()) return false;
    return s.queue.size() >= o_.bsp_max_batch || now >= s.deadline;
  }

  void SdkExporter(size_t i) {
    ServiceState& s = services_[i];
    CollectorState& col = collectors_[i % collectors_.size()];
    while (true) {
      const double now = sg4::Engine::get_clock();
      AdvanceIdleTimer(s, now, true);
      if (Due(s, now)) {
        s.exporting = true;
        auto* message = new ExportMessage;
        const size_t n = std::min(s.queue.size(), o_.bsp_max_batch);
        for (size_t k = 0; k < n; ++k) {
          message->spans.node.push_back(s.queue.front().first);
          message->spans.bytes += s.queue.front().second;
          s.queue.pop_front();
        }
        Exec(s.host, costs_.serialize * static_cast<double>(n));
        sg4::SemaphorePtr done = message->done;
        const double bytes = static_cast<double>(kEnvelopeBytes + message->spans.bytes);
        ++n_.sdk_exports;
        ++n_.mailbox_messages;
        n_.bytes_telemetry += kEnvelopeBytes + message->spans.bytes;
        col.mailbox->put(message, bytes, o_.bsp_export_timeout_s);
        done->acquire_timeout(o_.bsp_export_timeout_s);
        s.exporting = false;
        s.deadline = sg4::Engine::get_clock() + o_.bsp_schedule_delay_s;
        continue;
      }
      s.wake->acquire_timeout(std::max(0.0, s.deadline - sg4::Engine::get_clock()));
    }
  }

  void Receiver(size_t id) {
    CollectorState& c = collectors_[id];
    while (true) {
      std::unique_ptr<ExportMessage> m(c.mailbox->get<ExportMessage>());
      Exec(c.host,
           (costs_.collector_receive + costs_.collector_batch) * static_cast<double>(m->spans.size()));
      c.pending.Append(std::move(m->spans));
      if (c.pending.size() >= o_.collector_batch_size) Route(c);
      m->done->release();
    }
  }

  void Timer(size_t id) {
    CollectorState& c = collectors_[id];
    while (true) {
      sg4::this_actor::sleep_for(o_.collector_batch_timeout_s);
      Route(c);
    }
  }

  // Split the pending batch by storage node and queue it to the consumers.
  void Route(CollectorState& c) {
    if (c.pending.size() == 0) return;
    const uint64_t per_span = c.pending.bytes / c.pending.size();
    std::vector<SpanBatch> parts(storage_.size());
    for (uint8_t node : c.pending.node) {
      parts[node].node.push_back(node);
      parts[node].bytes += per_span;
    }
    c.pending = SpanBatch{};
    for (size_t n = 0; n < parts.size(); ++n) {
      if (parts[n].size() == 0) continue;
      c.queues[n].push_back(std::move(parts[n]));
      c.queued[n]->release();
    }
  }

  void Consumer(size_t id, size_t node) {
    CollectorState& c = collectors_[id];
    while (true) {
      c.queued[node]->acquire();
      SpanBatch batch = std::move(c.queues[node].front());
      c.queues[node].pop_front();
      Exec(c.host, costs_.collector_export * static_cast<double>(batch.size()));
      auto* write = new WriteMessage{batch.size(), batch.bytes, sg4::Semaphore::create(0)};
      sg4::SemaphorePtr acked = write->acked;
      ++n_.storage_writes;
      ++n_.mailbox_messages;
      n_.bytes_telemetry += kEnvelopeBytes + batch.bytes;
      sg4::CommPtr comm =
          storage_[node].mailbox->put_async(write, static_cast<double>(kEnvelopeBytes + batch.bytes));
      comm->wait_for(o_.collector_export_timeout_s);
      acked->acquire_timeout(o_.collector_export_timeout_s);
    }
  }

  void StorageWriter(size_t node) {
    StorageState& st = storage_[node];
    while (true) {
      std::unique_ptr<WriteMessage> w(st.mailbox->get<WriteMessage>());
      Exec(st.host, costs_.store_insert * static_cast<double>(w->spans));
      const double now = sg4::Engine::get_clock();
      if (st.block_started < 0) st.block_started = now;
      st.block_bytes += w->bytes;
      n_.spans_stored += w->spans;
      if (now - st.block_started >= o_.block_age_s) {
        // A cut block goes to disk (tracesim's block flusher does it in the background).
        ++n_.disk_writes;
        st.disk->write(static_cast<sg_size_t>(st.block_bytes));
        st.block_bytes = 0;
        st.block_started = -1;
      }
      w->acked->release();
    }
  }

  Options o_;
  Costs costs_;
  std::mt19937_64 rng_;
  Counts n_;
  std::vector<ServiceState> services_;
  std::vector<CollectorState> collectors_;
  std::vector<StorageState> storage_;
  sg4::Host* driver_ = nullptr;
};

bool ParseFlag(const char* arg, const char* name, double* out) {
  const size_t len = std::strlen(name);
  if (std::strncmp(arg, name, len) != 0 || arg[len] != '=') return false;
  char* end = nullptr;
  *out = std::strtod(arg + len + 1, &end);
  if (end == arg + len + 1 || *end != '\0') {
    std::fprintf(stderr, "bad value for %s: '%s'\n", name, arg + len + 1);
    std::exit(2);
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  std::vector<char*> sg_args = {argv[0]};
  for (int i = 1; i < argc; ++i) {
    double v = 0;
    if (ParseFlag(argv[i], "--seed", &v)) {
      o.seed = static_cast<uint64_t>(v);
    } else if (ParseFlag(argv[i], "--rate", &v)) {
      o.rate_per_s = v;
    } else if (ParseFlag(argv[i], "--duration", &v)) {
      o.duration_s = v;
    } else {
      sg_args.push_back(argv[i]);  // SimGrid's own --cfg/--log options
    }
  }
  if (o.rate_per_s <= 0 || o.duration_s <= 0) {
    std::fprintf(stderr, "--rate and --duration must be positive\n");
    return 2;
  }
  std::string quiet = "--log=root.thresh:warning";
  sg_args.insert(sg_args.begin() + 1, quiet.data());
  int sg_argc = static_cast<int>(sg_args.size());
  const auto wall_start = std::chrono::steady_clock::now();
  sg4::Engine engine(&sg_argc, sg_args.data());
  sg4::Engine::set_config("contexts/stack-size:128");
  sg4::Engine::set_config("network/model:LV08");
  BareSimulation sim(o);
  sim.Build();
  sim.Start();
  engine.run();
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  const Counts& n = sim.counts();
  std::printf("bare_simgrid: quickstart-equivalent, seed %llu, rate %.1f/s for %.1f s (+%.1f s drain)\n",
              static_cast<unsigned long long>(o.seed), o.rate_per_s, o.duration_s, o.drain_s);
  std::printf("wall_seconds %.4f\n", wall_s);
  std::printf("simulated_seconds %.4f\n", sg4::Engine::get_clock());
  std::printf("requests %llu\nrequests_sampled %llu\n", static_cast<unsigned long long>(n.requests),
              static_cast<unsigned long long>(n.requests_sampled));
  std::printf("spans %llu\nspans_sampled %llu\nspans_sdk_dropped %llu\nspans_stored %llu\n",
              static_cast<unsigned long long>(n.spans), static_cast<unsigned long long>(n.spans_sampled),
              static_cast<unsigned long long>(n.spans_sdk_dropped),
              static_cast<unsigned long long>(n.spans_stored));
  std::printf("executions %llu\napp_executions %llu\n", static_cast<unsigned long long>(n.execs),
              static_cast<unsigned long long>(n.app_execs));
  std::printf("app_transfers %llu\nmailbox_messages %llu\nsdk_exports %llu\nstorage_writes %llu\n",
              static_cast<unsigned long long>(n.sendto), static_cast<unsigned long long>(n.mailbox_messages),
              static_cast<unsigned long long>(n.sdk_exports),
              static_cast<unsigned long long>(n.storage_writes));
  std::printf("disk_writes %llu\nmessages_total %llu\n", static_cast<unsigned long long>(n.disk_writes),
              static_cast<unsigned long long>(n.sendto + n.mailbox_messages));
  std::printf("app_bytes %llu\ntelemetry_bytes %llu\n", static_cast<unsigned long long>(n.bytes_app),
              static_cast<unsigned long long>(n.bytes_telemetry));
  std::printf("spans_per_wall_second %.0f\n", static_cast<double>(n.spans) / wall_s);
  return 0;
}
