// Replication of trace writes over a partitioner's nodes, with Tempo's ingester write quorum.
//
// A trace is written to replication_factor (RF) distinct nodes: the partitioner's preference list
// (Partitioner::PreferenceList: ring walk for otel_ring / bounded_load, the next buckets for jump,
// decreasing weight for rendezvous). The write succeeds once write_quorum replicas acknowledged
// it; Tempo's distributor (dskit ring ReplicationStrategy / DoBatch) uses
// quorum = ⌊RF/2⌋ + 1 and fails the write as soon as more than RF - quorum replicas failed
// (quorum can no longer be reached). RF 1 -> 1, 2 -> 2, 3 -> 2, 4 -> 3, 5 -> 3.
//
// Thread-safety: not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "tracesim/pipeline/ids.h"
#include "tracesim/pipeline/partitioner.h"
#include "tracesim/status.h"

namespace tracesim::pipeline {

// Storage replication options.
struct ReplicationConfig {
  uint32_t replication_factor = 1;
  uint32_t write_quorum = 0;  // 0 = ⌊replication_factor/2⌋ + 1 (Tempo)
};

// ⌊rf/2⌋ + 1. REQUIRES: rf >= 1.
constexpr uint32_t DefaultWriteQuorum(uint32_t rf) { return rf / 2 + 1; }

// The quorum in effect: write_quorum, or DefaultWriteQuorum(replication_factor) when it is 0.
uint32_t EffectiveWriteQuorum(const ReplicationConfig& config) noexcept;

// Errors are InvalidArgument naming the key:
//   "storage.replication_factor: must be at least 1"
//   "storage.replication_factor: 4 exceeds the number of storage nodes (3)"
//   "storage.write_quorum: cannot be met: 4 acknowledgements required from 3 replicas"
Status ValidateReplicationConfig(const ReplicationConfig& config, size_t node_count);

// dskit's check before a write: with only `live_replicas` of the set reachable, the quorum cannot
// be met -> Unavailable("at least Q live replicas required, could only find L").
Status CheckQuorumReachable(size_t live_replicas, uint32_t quorum);

// The replicas of one trace, in preference order (nodes[0] is the partitioner's owner).
struct ReplicaSet {
  std::vector<size_t> nodes;  // indices into Partitioner::nodes(), distinct
  uint32_t quorum = 1;

  size_t size() const noexcept { return nodes.size(); }
  size_t primary() const noexcept { return nodes.front(); }  // REQUIRES: !nodes.empty()
  bool Contains(size_t node) const noexcept;
  // RF - quorum: how many replicas may fail before the write fails.
  size_t max_failures() const noexcept { return nodes.size() - quorum; }
};

// rf distinct nodes for `trace_id` and the quorum ⌊rf/2⌋+1.
// REQUIRES: 1 <= rf <= partitioner.node_count() (see ValidateReplicationConfig).
ReplicaSet ReplicasFor(const Partitioner& partitioner, const TraceId& trace_id, uint32_t rf);
// Same with the config's RF and quorum. REQUIRES: ValidateReplicationConfig(config, node_count).ok().
ReplicaSet ReplicasFor(const Partitioner& partitioner, const TraceId& trace_id,
                       const ReplicationConfig& config);

enum class WriteOutcome : uint8_t {
  kPending,    // neither quorum acks nor too many failures yet
  kSucceeded,  // at least quorum replicas acknowledged
  kFailed,     // more than RF - quorum replicas failed: quorum unreachable
};

const char* WriteOutcomeName(WriteOutcome outcome);

// Tracks replica answers per write. The first decisive answer fixes the outcome (a write that
// reached quorum stays succeeded when a later replica fails, and vice versa). A write is
// forgotten once every replica answered, or by Forget().
class WriteTracker {
 public:
  // Starts tracking a write to `replicas`; returns its id (dense, from 1).
  // REQUIRES: !replicas.nodes.empty(), 1 <= replicas.quorum <= replicas.size().
  uint64_t Begin(const ReplicaSet& replicas);

  // Records the answer of `node` for write `id`. Repeated answers from a node, nodes outside the
  // replica set and unknown ids change nothing. Returns the write's outcome after the answer
  // (kPending for an unknown id).
  WriteOutcome Ack(uint64_t id, size_t node);
  WriteOutcome Fail(uint64_t id, size_t node);

  // nullopt when `id` is not (or no longer) tracked.
  std::optional<WriteOutcome> outcome(uint64_t id) const;
  size_t acks(uint64_t id) const;
  size_t failures(uint64_t id) const;
  void Forget(uint64_t id);
  size_t in_flight() const noexcept { return writes_.size(); }

 private:
  struct Write {
    std::vector<size_t> nodes;
    std::vector<uint8_t> answered;  // 0 = no answer, 1 = ack, 2 = failure; per nodes[i]
    uint32_t quorum = 1;
    size_t acks = 0;
    size_t failures = 0;
    WriteOutcome outcome = WriteOutcome::kPending;
  };
  WriteOutcome Record(uint64_t id, size_t node, bool ok);

  uint64_t next_id_ = 1;
  std::unordered_map<uint64_t, Write> writes_;
};

}  // namespace tracesim::pipeline
