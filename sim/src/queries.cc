// The query load on the storage tier (storage.queries): trace-id lookups and
// searches, issued from the driver host as Poisson streams, answered by the
// real SpanStore of each storage node, with CPU, disk and network costs.
#include <algorithm>

#include "runtime.h"
#include "simulation.h"

namespace tracesim::sim {
namespace sg4 = simgrid::s4u;
using pipeline::SpanData;

namespace {

// A query request on the wire (an HTTP GET with its headers).
constexpr uint64_t kQueryRequestBytes = 512;
// A search answer per trace found (trace id, root service/operation, times).
constexpr uint64_t kSearchResultBytes = 128;

}  // namespace

void Simulation::QueryLoad(bool searches) {
  const auto& q = scenario_.storage.queries;
  const double rate = searches ? q.searches_per_s : q.trace_lookups_per_s;
  pipeline::Rng rng = root_rng_.Fork(searches ? 6 : 5);
  double t = 0;
  for (uint64_t n = 0;; ++n) {
    t += rng.Exponential(1.0 / rate);
    if (t >= end_time_s_) return;
    sg4::this_actor::sleep_until(t);
    pipeline::Rng query_rng = rng.Fork(n);
    // Not a daemon: a daemon that ends at the instant it starts (a lookup
    // refused at once) can make SimGrid 3.32 kill every daemon. The
    // timekeeper ends the run whatever queries are still open.
    sg4::Actor::create(searches ? "query-search" : "query-lookup", platform_.driver,
                       [this, query_rng, searches] {
                         if (searches) {
                           TraceSearch(query_rng);
                         } else {
                           TraceLookup(query_rng);
                         }
                       });
  }
}

void Simulation::QueryServer(int i) {
  StorageRuntime& st = *storage_[i];
  const auto& costs = scenario_.tracing.costs;
  while (true) {
    std::unique_ptr<QueryRequest> q = Receive<QueryRequest>(st.query_mailbox);
    if (!q) continue;
    uint64_t bytes = kEnvelopeBytes;
    if (q->search) {
      const double flops =
          CostFlops(costs.store_search_per_span_ns * static_cast<double>(st.store->span_count()));
      Execute(st.host, flops);
      cpu_.storage_cpu_s += flops / st.host->get_speed();
      q->reply->traces = st.store->SearchTraces(q->query).size();
      bytes += q->reply->traces * kSearchResultBytes;
    } else {
      const double flops = CostFlops(costs.store_lookup_ns);
      Execute(st.host, flops);
      cpu_.storage_cpu_s += flops / st.host->get_speed();
      const std::vector<SpanData> spans = st.store->FindTrace(q->trace);
      q->reply->spans = spans.size();
      bytes += WireBytes(spans);
      // The trace's blocks are read from the node's disk (no page cache).
      st.disk->read(bytes);
      storage_stats_.disk_read_bytes += bytes;
    }
    try {
      sg4::Comm::sendto(st.host, platform_.driver, bytes);  // the answer
    } catch (const simgrid::Exception&) {
      continue;  // lost on the way: the client times out
    }
    q->reply->done->release();
  }
}

void Simulation::TraceLookup(pipeline::Rng rng) {
  // A user looks up a trace they know of (from a log line or an exemplar):
  // a request that finished and whose trace was sampled.
  std::optional<uint64_t> pick;
  for (int attempt = 0; attempt < 32 && !pick && !traces_.empty(); ++attempt) {
    const uint64_t i = rng.Uniform(traces_.size());
    const TraceTrack& t = traces_[i];
    if (t.finished && t.traced && t.sampled_generated > 0) pick = i;
  }
  if (!pick) return;
  ++storage_stats_.lookups;
  const double start = sg4::Engine::get_clock();
  const double deadline = start + ToSeconds(scenario_.storage.queries.timeout);
  std::vector<size_t> replicas;
  partitioner_->PreferenceList(traces_[*pick].id, static_cast<size_t>(scenario_.storage.replication_factor),
                               replicas);
  // Any replica can answer; the client tries them in preference order.
  for (size_t node : replicas) {
    StorageRuntime& st = *storage_[node];
    const double remaining = deadline - sg4::Engine::get_clock();
    if (remaining <= 0) break;
    // Connection refused (down, outage) or unreachable (partition): next replica.
    if (!st.host->is_on() || st.unavailable || Partitioned(platform_.driver, st.host)) continue;
    auto* q = new QueryRequest;
    q->trace = traces_[*pick].id;
    std::shared_ptr<QueryReply> reply = q->reply;
    try {
      st.query_mailbox->put(q, kQueryRequestBytes, remaining);
    } catch (const simgrid::Exception&) {
      delete q;  // not delivered
      continue;
    }
    if (reply->done->acquire_timeout(std::max(0.0, deadline - sg4::Engine::get_clock()))) continue;
    lookup_latency_ms_.Record((sg4::Engine::get_clock() - start) * 1e3);
    if (reply->spans >= traces_[*pick].sampled_generated) ++storage_stats_.lookups_complete;
    return;
  }
  ++storage_stats_.lookups_failed;
}

void Simulation::TraceSearch(pipeline::Rng rng) {
  // "Traces of service S in the last minute slower than its mean handler
  // time", fanned out to every node in parallel, each scanning its store.
  ++storage_stats_.searches;
  const double start = sg4::Engine::get_clock();
  const double deadline = start + ToSeconds(scenario_.storage.queries.timeout);
  pipeline::TraceSearchQuery query;
  const size_t service = rng.Uniform(instances_.size());
  const ServiceRuntime& svc = *services_[instances_[service].front()];
  query.service = svc.id;
  query.min_duration =
      std::chrono::duration_cast<Duration>(std::chrono::duration<double>(svc.spec->work_mean_s));
  query.start_min = Now() - std::chrono::seconds(60);
  query.limit = 20;

  bool complete = true;
  std::vector<std::pair<sg4::CommPtr, QueryRequest*>> sends;
  std::vector<std::shared_ptr<QueryReply>> replies;
  for (auto& st : storage_) {
    if (!st->host->is_on() || st->unavailable || Partitioned(platform_.driver, st->host)) {
      complete = false;  // refused or unreachable: the answer misses this node's traces
      continue;
    }
    auto* q = new QueryRequest;
    q->search = true;
    q->query = query;
    replies.push_back(q->reply);
    sends.emplace_back(st->query_mailbox->put_async(q, kQueryRequestBytes), q);
  }
  for (auto& [comm, q] : sends) {
    try {
      comm->wait_for(std::max(0.0, deadline - sg4::Engine::get_clock()));
    } catch (const simgrid::TimeoutException&) {
      comm->cancel();
      delete q;
      complete = false;
    } catch (const simgrid::Exception&) {
      delete q;  // the node died: never delivered
      complete = false;
    }
  }
  for (auto& reply : replies) {
    if (reply->done->acquire_timeout(std::max(0.0, deadline - sg4::Engine::get_clock()))) complete = false;
  }
  if (!complete) {
    ++storage_stats_.searches_failed;
    return;
  }
  search_latency_ms_.Record((sg4::Engine::get_clock() - start) * 1e3);
}

}  // namespace tracesim::sim
