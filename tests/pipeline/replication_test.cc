#include "tracesim/pipeline/replication.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace tracesim::pipeline {
namespace {

std::unique_ptr<Partitioner> Make(const std::string& type, size_t n) {
  std::vector<std::string> nodes;
  for (size_t i = 0; i < n; ++i) nodes.push_back("ingester-" + std::to_string(i));
  PartitionerConfig c;
  c.type = type;
  auto p = CreatePartitioner(c, std::move(nodes));
  EXPECT_TRUE(p.ok());
  return std::move(*p);
}

TEST(ReplicationTest, QuorumMathForRf1To5) {
  const uint32_t want[] = {0, 1, 2, 2, 3, 3};
  for (uint32_t rf = 1; rf <= 5; ++rf) {
    EXPECT_EQ(DefaultWriteQuorum(rf), want[rf]) << rf;
    EXPECT_EQ(EffectiveWriteQuorum({.replication_factor = rf}), want[rf]);
    ReplicaSet set;
    for (size_t i = 0; i < rf; ++i) set.nodes.push_back(i);
    set.quorum = DefaultWriteQuorum(rf);
    EXPECT_EQ(set.max_failures(), rf - want[rf]) << rf;
  }
  EXPECT_EQ(EffectiveWriteQuorum({.replication_factor = 3, .write_quorum = 3}), 3u);
}

TEST(ReplicationTest, ConfigValidation) {
  EXPECT_TRUE(ValidateReplicationConfig({.replication_factor = 3}, 3).ok());
  Status s = ValidateReplicationConfig({.replication_factor = 4}, 3);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "storage.replication_factor: 4 exceeds the number of storage nodes (3)");
  EXPECT_EQ(ValidateReplicationConfig({.replication_factor = 0}, 3).message(),
            "storage.replication_factor: must be at least 1");
  EXPECT_EQ(ValidateReplicationConfig({.replication_factor = 3, .write_quorum = 4}, 5).message(),
            "storage.write_quorum: cannot be met: 4 acknowledgements required from 3 replicas");
  EXPECT_TRUE(ValidateReplicationConfig({.replication_factor = 3, .write_quorum = 1}, 5).ok());

  EXPECT_TRUE(CheckQuorumReachable(2, 2).ok());
  Status u = CheckQuorumReachable(1, 2);
  EXPECT_EQ(u.code(), StatusCode::kUnavailable);
  EXPECT_EQ(u.message(), "at least 2 live replicas required, could only find 1");
}

TEST(ReplicationTest, ReplicasAreDistinctAndStartAtTheOwner) {
  for (const char* t : {"otel_ring", "jump", "rendezvous", "bounded_load"}) {
    auto p = Make(t, 7);
    for (uint32_t rf = 1; rf <= 7; ++rf) {
      for (uint64_t k = 1; k <= 50; ++k) {
        const TraceId id{k * 0x9e3779b97f4a7c15ULL, k * 0xbf58476d1ce4e5b9ULL};
        ReplicaSet set = ReplicasFor(*p, id, rf);
        ASSERT_EQ(set.size(), rf) << t;
        EXPECT_EQ(set.primary(), p->NodeFor(id)) << t;
        EXPECT_EQ(std::set<size_t>(set.nodes.begin(), set.nodes.end()).size(), rf) << t;
        EXPECT_EQ(set.quorum, DefaultWriteQuorum(rf));
        for (size_t n : set.nodes) EXPECT_LT(n, 7u);
        // Same trace, same replicas.
        EXPECT_EQ(ReplicasFor(*p, id, rf).nodes, set.nodes);
      }
    }
  }
  auto p = Make("jump", 5);
  ReplicaSet s =
      ReplicasFor(*p, TraceId{1, 2}, ReplicationConfig{.replication_factor = 3, .write_quorum = 3});
  EXPECT_EQ(s.quorum, 3u);
  EXPECT_TRUE(s.Contains(s.nodes[2]));
}

TEST(WriteTrackerTest, SucceedsAtQuorum) {
  WriteTracker t;
  ReplicaSet set{.nodes = {4, 1, 2}, .quorum = 2};
  const uint64_t id = t.Begin(set);
  EXPECT_EQ(t.outcome(id), WriteOutcome::kPending);
  EXPECT_EQ(t.Ack(id, 4), WriteOutcome::kPending);
  EXPECT_EQ(t.Ack(id, 4), WriteOutcome::kPending);  // duplicate: ignored
  EXPECT_EQ(t.acks(id), 1u);
  EXPECT_EQ(t.Ack(id, 9), WriteOutcome::kPending);  // not a replica: ignored
  EXPECT_EQ(t.Ack(id, 2), WriteOutcome::kSucceeded);
  // A late failure does not undo a reached quorum.
  EXPECT_EQ(t.Fail(id, 1), WriteOutcome::kSucceeded);
  // Every replica answered: forgotten.
  EXPECT_EQ(t.outcome(id), std::nullopt);
  EXPECT_EQ(t.in_flight(), 0u);
}

TEST(WriteTrackerTest, FailsWhenQuorumBecomesUnreachable) {
  for (uint32_t rf = 1; rf <= 5; ++rf) {
    WriteTracker t;
    ReplicaSet set;
    for (size_t i = 0; i < rf; ++i) set.nodes.push_back(i);
    set.quorum = DefaultWriteQuorum(rf);
    const uint64_t id = t.Begin(set);
    const size_t tolerated = rf - set.quorum;
    for (size_t i = 0; i < tolerated; ++i) EXPECT_EQ(t.Fail(id, i), WriteOutcome::kPending) << rf;
    EXPECT_EQ(t.Fail(id, tolerated), WriteOutcome::kFailed) << rf;
    // Later acks do not revive it.
    if (tolerated + 1 < rf) {
      EXPECT_EQ(t.Ack(id, rf - 1), WriteOutcome::kFailed) << rf;
    }
  }
  // Acks exactly at quorum with the tolerated failures mixed in.
  WriteTracker t;
  const uint64_t a = t.Begin({.nodes = {0, 1, 2, 3, 4}, .quorum = 3});
  const uint64_t b = t.Begin({.nodes = {0, 1, 2}, .quorum = 2});
  EXPECT_NE(a, b);
  EXPECT_EQ(t.Fail(a, 0), WriteOutcome::kPending);
  EXPECT_EQ(t.Ack(a, 1), WriteOutcome::kPending);
  EXPECT_EQ(t.Fail(a, 2), WriteOutcome::kPending);
  EXPECT_EQ(t.Ack(a, 3), WriteOutcome::kPending);
  EXPECT_EQ(t.failures(a), 2u);
  EXPECT_EQ(t.Ack(a, 4), WriteOutcome::kSucceeded);
  EXPECT_EQ(t.in_flight(), 1u);
  t.Forget(b);
  EXPECT_EQ(t.in_flight(), 0u);
  EXPECT_EQ(t.Ack(b, 0), WriteOutcome::kPending);  // unknown id
  EXPECT_STREQ(WriteOutcomeName(WriteOutcome::kFailed), "failed");
}

}  // namespace
}  // namespace tracesim::pipeline
