#include "tracesim/pipeline/replication.h"

#include <algorithm>
#include <cassert>
#include <string>

namespace tracesim::pipeline {

uint32_t EffectiveWriteQuorum(const ReplicationConfig& config) noexcept {
  return config.write_quorum != 0 ? config.write_quorum : DefaultWriteQuorum(config.replication_factor);
}

Status ValidateReplicationConfig(const ReplicationConfig& config, size_t node_count) {
  const uint32_t rf = config.replication_factor;
  if (rf < 1) return Status::InvalidArgument("storage.replication_factor: must be at least 1");
  if (rf > node_count) {
    return Status::InvalidArgument("storage.replication_factor: " + std::to_string(rf) +
                                   " exceeds the number of storage nodes (" + std::to_string(node_count) +
                                   ")");
  }
  const uint32_t q = EffectiveWriteQuorum(config);
  if (q > rf) {
    return Status::InvalidArgument("storage.write_quorum: cannot be met: " + std::to_string(q) +
                                   " acknowledgements required from " + std::to_string(rf) + " replicas");
  }
  return Status::Ok();
}

Status CheckQuorumReachable(size_t live_replicas, uint32_t quorum) {
  if (live_replicas < quorum) {
    return Status::Unavailable("at least " + std::to_string(quorum) +
                               " live replicas required, could only find " + std::to_string(live_replicas));
  }
  return Status::Ok();
}

bool ReplicaSet::Contains(size_t node) const noexcept {
  return std::find(nodes.begin(), nodes.end(), node) != nodes.end();
}

ReplicaSet ReplicasFor(const Partitioner& partitioner, const TraceId& trace_id, uint32_t rf) {
  assert(rf >= 1 && rf <= partitioner.node_count());
  ReplicaSet set;
  partitioner.PreferenceList(trace_id, rf, set.nodes);
  set.quorum = DefaultWriteQuorum(static_cast<uint32_t>(set.nodes.size()));
  return set;
}

ReplicaSet ReplicasFor(const Partitioner& partitioner, const TraceId& trace_id,
                       const ReplicationConfig& config) {
  assert(ValidateReplicationConfig(config, partitioner.node_count()).ok());
  ReplicaSet set;
  partitioner.PreferenceList(trace_id, config.replication_factor, set.nodes);
  set.quorum = EffectiveWriteQuorum(config);
  return set;
}

const char* WriteOutcomeName(WriteOutcome outcome) {
  switch (outcome) {
    case WriteOutcome::kPending:
      return "pending";
    case WriteOutcome::kSucceeded:
      return "succeeded";
    case WriteOutcome::kFailed:
      return "failed";
  }
  return "unknown";
}

uint64_t WriteTracker::Begin(const ReplicaSet& replicas) {
  assert(!replicas.nodes.empty());
  assert(replicas.quorum >= 1 && replicas.quorum <= replicas.nodes.size());
  Write w;
  w.nodes = replicas.nodes;
  w.answered.assign(w.nodes.size(), 0);
  w.quorum = replicas.quorum;
  const uint64_t id = next_id_++;
  writes_.emplace(id, std::move(w));
  return id;
}

WriteOutcome WriteTracker::Record(uint64_t id, size_t node, bool ok) {
  auto it = writes_.find(id);
  if (it == writes_.end()) return WriteOutcome::kPending;
  Write& w = it->second;
  auto pos = std::find(w.nodes.begin(), w.nodes.end(), node);
  if (pos == w.nodes.end()) return w.outcome;
  uint8_t& answer = w.answered[static_cast<size_t>(pos - w.nodes.begin())];
  if (answer != 0) return w.outcome;
  answer = ok ? 1 : 2;
  if (ok) {
    ++w.acks;
  } else {
    ++w.failures;
  }
  if (w.outcome == WriteOutcome::kPending) {
    if (w.acks >= w.quorum) {
      w.outcome = WriteOutcome::kSucceeded;
    } else if (w.failures > w.nodes.size() - w.quorum) {
      w.outcome = WriteOutcome::kFailed;
    }
  }
  const WriteOutcome result = w.outcome;
  if (w.acks + w.failures == w.nodes.size()) writes_.erase(it);
  return result;
}

WriteOutcome WriteTracker::Ack(uint64_t id, size_t node) { return Record(id, node, true); }
WriteOutcome WriteTracker::Fail(uint64_t id, size_t node) { return Record(id, node, false); }

std::optional<WriteOutcome> WriteTracker::outcome(uint64_t id) const {
  auto it = writes_.find(id);
  if (it == writes_.end()) return std::nullopt;
  return it->second.outcome;
}

size_t WriteTracker::acks(uint64_t id) const {
  auto it = writes_.find(id);
  return it == writes_.end() ? 0 : it->second.acks;
}

size_t WriteTracker::failures(uint64_t id) const {
  auto it = writes_.find(id);
  return it == writes_.end() ? 0 : it->second.failures;
}

void WriteTracker::Forget(uint64_t id) { writes_.erase(id); }

}  // namespace tracesim::pipeline
