// End-to-end: the exporter's sending_queue (persistent queue, block_on_overflow),
// memory_limiter refusals answered to the sender, storage disks and the query
// load (issue 4).
#include <gtest/gtest.h>

#include "cli_support.h"

namespace tracesim::e2e {
namespace {

// One collector in front of one storage node that is down from 5 s to 20 s
// (its WAL keeps what it acknowledged, so storage itself loses nothing).
constexpr const char* kOutageScenario = R"(name: exporter-queue
seed: 3
duration: 30s
drain: 40s
services:
  - name: web
    work: {mean: 1ms, distribution: exponential}
    calls: [{service: api}]
  - name: api
    work: {mean: 1ms, distribution: exponential}
workload: {entry: web, rate: 100}
tracing: {sampler: {type: always_on}}
collectors:
  count: 1
  exporter:
    sending_queue: {queue_size: 5000, num_consumers: 2}
    retry_on_failure: {initial_interval: 1s, max_interval: 2s, max_elapsed_time: 0s}
storage: {nodes: 1, wal: true}
failures:
  - {type: host_crash, target: storage-0, at: 5s, restart_after: 15s}
measurement: {overhead_baseline: false}
)";

TEST(PersistentQueueTest, QueuedSpansSurviveACollectorCrashAndAreDeliveredAfterRestart) {
  // The collector crashes at 10 s (restarting at 12 s) while its queue holds
  // everything exported since storage went down at 5 s.
  const std::string crash =
      " --set 'failures=[{type: host_crash, target: storage-0, at: 5s, restart_after: 15s}, "
      "{type: host_crash, target: collector-0, at: 10s, restart_after: 2s}]'";
  const auto memory = RunYaml("queue-in-memory", kOutageScenario, crash);
  const auto persistent = RunYaml("queue-persistent", kOutageScenario,
                                  crash + " --set collectors.exporter.sending_queue.storage=file_storage");
  ASSERT_FALSE(memory.empty());
  ASSERT_FALSE(persistent.empty());
  ExpectConserved(memory);
  ExpectConserved(persistent);
  // In memory: the queue (about 5 s of spans) dies with the collector.
  EXPECT_GT(Dropped(memory, "crash_lost"), 500u);
  // Persistent: only the batch processor's buffer (200 ms at most) and the
  // requests in flight to the collector are lost; the queue is exported
  // after the restart, once storage is back.
  EXPECT_LT(Dropped(persistent, "crash_lost") * 10, Dropped(memory, "crash_lost"));
  EXPECT_GT(persistent.at("spans").at("stored").get<uint64_t>(),
            memory.at("spans").at("stored").get<uint64_t>() + 400);
  EXPECT_EQ(persistent.at("spans").at("in_flight").get<uint64_t>(), 0u);
}

TEST(BlockOnOverflowTest, AFullQueueBlocksInsteadOfRejecting) {
  // A queue of 2 requests cannot hold the outage's backlog.
  const std::string small = " --set collectors.exporter.sending_queue.queue_size=2";
  const auto rejecting = RunYaml("queue-rejecting", kOutageScenario, small);
  const auto blocking = RunYaml("queue-blocking", kOutageScenario,
                                small + " --set collectors.exporter.sending_queue.block_on_overflow=true");
  ASSERT_FALSE(rejecting.empty());
  ASSERT_FALSE(blocking.empty());
  ExpectConserved(rejecting);
  ExpectConserved(blocking);
  EXPECT_GT(Dropped(rejecting, "enqueue_failed"), 100u);
  // Blocking: nothing is rejected by the queue. The receiver stops taking
  // requests, the SDKs' exports wait, and their queues absorb the outage:
  // nothing is lost at all.
  EXPECT_EQ(Dropped(blocking, "enqueue_failed"), 0u);
  EXPECT_EQ(blocking.at("spans").at("stored").get<uint64_t>(),
            blocking.at("spans").at("generated").get<uint64_t>());
}

TEST(MemoryLimiterBackPressureTest, RefusalsAreRetriedByAnUpstreamCollectorAndLostFromAnSdk) {
  // Two tiers: a gateway exporting (with retries) to a back tier whose
  // memory_limiter refuses while storage is down and its queue grows.
  const std::string tiers =
      " --set workload.rate=300 --set 'collectors=[{name: gateway, count: 1, exporter: {to: back, "
      "retry_on_failure: "
      "{initial_interval: 1s, max_interval: 2s, max_elapsed_time: 0s}}}, {name: back, count: 1, processors: "
      "{memory_limiter: {check_interval: 100ms, limit_mib: 2, spike_limit_mib: 1}, batch: {}}, exporter: "
      "{sending_queue: {queue_size: 5000}, retry_on_failure: {initial_interval: 1s, max_interval: 2s, "
      "max_elapsed_time: 0s}}}]'";
  const auto two_tiers = RunYaml("refusal-retried", kOutageScenario, tiers);
  ASSERT_FALSE(two_tiers.empty());
  ExpectConserved(two_tiers);
  // The back tier refused, the gateway kept the refused data and retried it:
  // nothing was lost to the memory_limiter.
  EXPECT_GT(two_tiers.at("collectors").at(1).at("refused_spans").get<uint64_t>(), 0u);
  EXPECT_EQ(Dropped(two_tiers, "memory_limiter_refused"), 0u);
  EXPECT_EQ(two_tiers.at("spans").at("stored").get<uint64_t>() +
                two_tiers.at("spans").at("sampled_out").get<uint64_t>(),
            two_tiers.at("spans").at("generated").get<uint64_t>());

  // SDKs do not retry: the same limiter in a single tier loses what it refuses.
  const auto direct = RunYaml("refusal-direct", kOutageScenario,
                              " --set workload.rate=300 --set 'collectors.processors={memory_limiter: "
                              "{check_interval: 100ms, limit_mib: 2, "
                              "spike_limit_mib: 1}, batch: {}}'");
  ASSERT_FALSE(direct.empty());
  ExpectConserved(direct);
  EXPECT_GT(Dropped(direct, "memory_limiter_refused"), 0u);
  EXPECT_EQ(Dropped(direct, "memory_limiter_refused"), direct.at("collectors").at(0).at("refused_spans"));
}

// Queries and disks, on a replicated store with a node crash.
constexpr const char* kQueryScenario = R"(name: store-queries
seed: 5
duration: 40s
drain: 10s
services:
  - name: web
    work: {mean: 1ms, distribution: exponential}
    calls: [{service: api}]
  - name: api
    work: {mean: 2ms, distribution: exponential}
workload: {entry: web, rate: 100}
tracing: {sampler: {type: always_on}}
collectors: {count: 1}
storage:
  nodes: 3
  replication_factor: 1
  wal: true
  queries: {trace_lookups_per_s: 5, searches_per_s: 1}
measurement: {overhead_baseline: false}
)";

TEST(StorageQueriesTest, LookupsAndSearchesAreAnsweredByTheStoresAndUseDisksAndCpu) {
  const auto r = RunYaml("store-queries", kQueryScenario, "");
  ASSERT_FALSE(r.empty());
  ExpectConserved(r);
  const auto& q = r.at("storage").at("queries");
  EXPECT_EQ(r.at("storage").at("nodes").get<int>(), 3);
  // About 5/s over 50 s of lookups, most of them complete: a trace that
  // finished in the last seconds may still wait in an SDK's batch (5 s).
  EXPECT_GT(q.at("lookups").get<uint64_t>(), 150u);
  EXPECT_EQ(q.at("lookups_failed").get<uint64_t>(), 0u);
  EXPECT_GT(q.at("lookups_complete").get<double>(), 0.6 * q.at("lookups").get<double>());
  EXPECT_GT(q.at("lookup_latency").at("mean_ms").get<double>(), 0.0);
  EXPECT_GT(q.at("searches").get<uint64_t>(), 25u);
  EXPECT_EQ(q.at("search_latency").at("count").get<uint64_t>(), q.at("searches").get<uint64_t>());
  // The WAL is written before every acknowledgement; lookups read their traces.
  const auto& disk = r.at("storage").at("disk");
  EXPECT_GT(disk.at("wal_bytes").get<uint64_t>(), 100000u);
  EXPECT_GT(disk.at("read_bytes").get<uint64_t>(), 0u);
  // Heads are cut into blocks at 30 s of age and flushed to the disk.
  EXPECT_GT(disk.at("block_bytes").get<uint64_t>(), 10000u);

  // A node that is down makes the lookups of its traces (RF 1) and the
  // searches (every node answers) fail while it is down.
  const auto crashed =
      RunYaml("store-queries-crash", kQueryScenario,
              " --set 'failures=[{type: host_crash, target: storage-2, at: 10s, restart_after: 20s}]'");
  ASSERT_FALSE(crashed.empty());
  ExpectConserved(crashed);
  EXPECT_GT(crashed.at("storage").at("queries").at("lookups_failed").get<uint64_t>(), 0u);
  EXPECT_GT(crashed.at("storage").at("queries").at("searches_failed").get<uint64_t>(), 0u);
}

TEST(StorageDiskTest, ASlowDiskDelaysAcknowledgementsAndDelivery) {
  const auto fast = RunYaml("disk-fast", kQueryScenario, "");
  const auto slow = RunYaml("disk-slow", kQueryScenario, " --set storage.disk.write_bandwidth=200kBps");
  ASSERT_FALSE(fast.empty());
  ASSERT_FALSE(slow.empty());
  ExpectConserved(slow);
  EXPECT_GT(slow.at("latency").at("span_delivery").at("p50_ms").get<double>(),
            fast.at("latency").at("span_delivery").at("p50_ms").get<double>() + 5.0);
}

}  // namespace
}  // namespace tracesim::e2e

namespace tracesim::e2e {
namespace {

// The Jaeger v1 collector profile: a bounded span queue drained by workers
// that write span by span to storage.
constexpr const char* kJaegerScenario = R"(name: jaeger-collector
seed: 9
duration: 30s
drain: 10s
services:
  - name: web
    work: {mean: 1ms, distribution: exponential}
    calls: [{service: api}]
  - name: api
    work: {mean: 1ms, distribution: exponential}
workload: {entry: web, rate: 200}
tracing: {sampler: {type: always_on}}
collectors:
  profile: jaeger
  count: 1
storage: {nodes: 2}
measurement: {overhead_baseline: false}
)";

TEST(JaegerCollectorProfileTest, DefaultQueueKeepsUpASmallOneDropsWhenWorkersFallBehind) {
  const auto standard = RunYaml("jaeger-default", kJaegerScenario, "");
  ASSERT_FALSE(standard.empty());
  ExpectConserved(standard);
  EXPECT_EQ(standard.at("spans").at("dropped_total").get<uint64_t>(), 0u);
  EXPECT_EQ(standard.at("spans").at("stored").get<uint64_t>(),
            standard.at("spans").at("generated").get<uint64_t>());

  // One worker and a 20-span queue behind a slow storage node: the queue
  // overflows and Jaeger drops spans (enqueue_failed).
  const auto small = RunYaml("jaeger-small", kJaegerScenario,
                             " --set collectors.jaeger.queue_size=20 --set collectors.jaeger.num_workers=1"
                             " --set storage.host_speed=20Mf");
  ASSERT_FALSE(small.empty());
  ExpectConserved(small);
  EXPECT_GT(small.at("spans").at("dropped").at("enqueue_failed").get<uint64_t>(), 100u);
  EXPECT_GT(small.at("spans").at("stored").get<uint64_t>(), 0u);
}

TEST(JaegerCollectorProfileTest, OtelOnlySettingsAreRejected) {
  const std::string path = WriteTempFile("jaeger-bad.yaml", std::string(kJaegerScenario));
  auto r = RunTracesim("validate " + Quote(path) + " --set 'collectors.processors={batch: {}}'");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("collectors.processors: the jaeger profile has no OTel processors"),
            std::string::npos)
      << r.output;
  r = RunTracesim("validate " + Quote(path) + " --set collectors.exporter.sending_queue.queue_size=5");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("collectors.exporter.sending_queue: the jaeger profile writes to storage"),
            std::string::npos)
      << r.output;
}

}  // namespace
}  // namespace tracesim::e2e
