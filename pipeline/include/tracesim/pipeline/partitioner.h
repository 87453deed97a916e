// Trace-id partitioners: which node (collector, storage shard) owns a trace, over a membership list
// of node names. Every span of a trace routes to the same node while membership is stable.
//
// Implementations (PartitionerConfig.type):
//   "otel_ring"     the Collector loadbalancing exporter's ring (HashRing, CRC32-IEEE of the 16
//                   trace-id bytes mod 36000, points_per_endpoint points per node).
//   "jump"          Lamping & Veach, "A Fast, Minimal Memory, Consistent Hash Algorithm" (2014),
//                   exact reference loop; key = the LOW 64 bits of the trace id (bytes 8..15 read
//                   big-endian, TraceId::lo: the bits W3C Trace Context level 2 requires to be
//                   random). Buckets are the membership list in the order given: a node joins at
//                   the end, and only removing the last node is a minimal move.
//   "rendezvous"    highest random weight (Thaler & Ravishankar 1998): the node with the largest
//                   w(node, trace) = Mix64(seed(node) XOR k(trace)), where
//                   seed(node) = FNV-1a-64(node name bytes),
//                   k(trace)   = Mix64(hi XOR Mix64(lo)) over the two trace-id halves, and Mix64 is
//                   the splitmix64 finalizer (Stafford's Mix13). Ties (probability ~2^-64) go to
//                   the bytewise smaller name.
//   "bounded_load"  consistent hashing with bounded loads (Mirrokni, Thorup, Zadimoghaddam 2018)
//                   over the same ring as "otel_ring": a new trace goes to the first node,
//                   clockwise from its ring position, whose load is below the capacity
//                   ⌈(1+ε)·(m+1)/n⌉, with m the traces currently assigned (so the capacity counts
//                   the trace being placed) and n the node count. Assign() makes the choice sticky
//                   until Release(): a trace never moves while it is assigned.
// Partitioners are immutable with respect to membership: a membership change is a new object
// (drivers compare old and new owners to measure what moves).
//
// Node indices are positions in nodes(), which is the membership list exactly as given to
// CreatePartitioner (the ring's internal bytewise order is mapped back).
//
// Thread-safety: not thread-safe (Assign/Release mutate load state; const methods are safe to call
// concurrently only when nobody calls Assign/Release).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tracesim/pipeline/hash_ring.h"
#include "tracesim/pipeline/ids.h"
#include "tracesim/status.h"

namespace tracesim::pipeline {

// Partitioner selection; defaults route like the Collector's loadbalancing exporter.
struct PartitionerConfig {
  std::string type = "otel_ring";      // otel_ring | jump | rendezvous | bounded_load
  int points_per_endpoint = 100;       // otel_ring and bounded_load: [1, 256]
  double bounded_load_epsilon = 0.25;  // bounded_load: finite, > 0
};

// Errors are InvalidArgument naming the key ("partitioner.type: unknown type \"x\" (expected
// otel_ring, jump, rendezvous or bounded_load)", "partitioner.points_per_endpoint: ...",
// "partitioner.bounded_load_epsilon: ...").
Status ValidatePartitionerConfig(const PartitionerConfig& config);

// splitmix64 finalizer (Stafford Mix13).
uint64_t Mix64(uint64_t z) noexcept;
// FNV-1a 64 of `bytes`.
uint64_t Fnv1a64(std::string_view bytes) noexcept;
// Lamping & Veach's JumpConsistentHash, exactly: REQUIRES num_buckets >= 1. Returns [0, num_buckets).
int32_t JumpConsistentHash(uint64_t key, int32_t num_buckets) noexcept;

class Partitioner {
 public:
  virtual ~Partitioner() = default;

  // "otel_ring", "jump", "rendezvous" or "bounded_load".
  virtual std::string_view type() const noexcept = 0;

  // The owner of `trace_id` (index into nodes()). For bounded_load: the node it is assigned to, or
  // the node Assign() would choose now when it is not assigned.
  virtual size_t NodeFor(const TraceId& trace_id) const noexcept = 0;

  // Up to `count` distinct nodes in preference order, the first being NodeFor(trace_id); appended
  // to `out` after clearing it. Ring-based: the ring walked clockwise from the key's position,
  // skipping nodes already chosen. jump: the next buckets, (b + 1) mod n, (b + 2) mod n, ...
  // rendezvous: nodes by decreasing weight. count is capped at node_count().
  virtual void PreferenceList(const TraceId& trace_id, size_t count, std::vector<size_t>& out) const = 0;

  // Records that `trace_id` is placed (one unit of load) and returns its node. Assigning an
  // assigned trace again returns the same node and adds no load. Stateless partitioners only
  // count the load per node (NodeFor decides).
  virtual size_t Assign(const TraceId& trace_id);
  // Removes the trace's unit of load. Returns false (and changes nothing) when the trace is not
  // assigned (bounded_load), or when its node has no load (the others, which do not remember
  // individual traces: REQUIRES for them that the trace was Assign()ed to this object).
  virtual bool Release(const TraceId& trace_id);

  const std::vector<std::string>& nodes() const noexcept { return nodes_; }
  size_t node_count() const noexcept { return nodes_.size(); }
  // Current load (assigned traces) per node, and their sum.
  std::span<const uint64_t> loads() const noexcept { return loads_; }
  uint64_t total_load() const noexcept { return total_load_; }

 protected:
  explicit Partitioner(std::vector<std::string> nodes);

  std::vector<std::string> nodes_;
  std::vector<uint64_t> loads_;
  uint64_t total_load_ = 0;
};

// Checks `nodes` (non-empty list, non-empty distinct names: "partitioner.nodes: ...") and
// `config`, then builds the partitioner.
StatusOr<std::unique_ptr<Partitioner>> CreatePartitioner(const PartitionerConfig& config,
                                                         std::vector<std::string> nodes);

// "otel_ring": wraps HashRing (unchanged).
class OtelRingPartitioner final : public Partitioner {
 public:
  static StatusOr<std::unique_ptr<OtelRingPartitioner>> Create(std::vector<std::string> nodes,
                                                               int points_per_endpoint);
  std::string_view type() const noexcept override { return "otel_ring"; }
  size_t NodeFor(const TraceId& trace_id) const noexcept override {
    return to_node_[ring_.EndpointIndexFor(trace_id)];
  }
  void PreferenceList(const TraceId& trace_id, size_t count, std::vector<size_t>& out) const override;
  const HashRing& ring() const noexcept { return ring_; }

 private:
  OtelRingPartitioner(std::vector<std::string> nodes, HashRing ring);
  HashRing ring_;
  std::vector<uint32_t> to_node_;  // ring endpoint index -> nodes() index
};

// "jump".
class JumpPartitioner final : public Partitioner {
 public:
  static StatusOr<std::unique_ptr<JumpPartitioner>> Create(std::vector<std::string> nodes);
  std::string_view type() const noexcept override { return "jump"; }
  size_t NodeFor(const TraceId& trace_id) const noexcept override {
    return static_cast<size_t>(JumpConsistentHash(trace_id.lo, static_cast<int32_t>(nodes_.size())));
  }
  void PreferenceList(const TraceId& trace_id, size_t count, std::vector<size_t>& out) const override;

 private:
  using Partitioner::Partitioner;
};

// "rendezvous".
class RendezvousPartitioner final : public Partitioner {
 public:
  static StatusOr<std::unique_ptr<RendezvousPartitioner>> Create(std::vector<std::string> nodes);
  std::string_view type() const noexcept override { return "rendezvous"; }
  size_t NodeFor(const TraceId& trace_id) const noexcept override;
  void PreferenceList(const TraceId& trace_id, size_t count, std::vector<size_t>& out) const override;
  // The documented weight.
  static uint64_t Weight(uint64_t node_seed, const TraceId& trace_id) noexcept;
  static uint64_t TraceKey(const TraceId& trace_id) noexcept;

 private:
  explicit RendezvousPartitioner(std::vector<std::string> nodes);
  std::vector<uint64_t> seeds_;  // Fnv1a64(name) per node
};

// "bounded_load".
class BoundedLoadPartitioner final : public Partitioner {
 public:
  static StatusOr<std::unique_ptr<BoundedLoadPartitioner>> Create(std::vector<std::string> nodes,
                                                                  int points_per_endpoint, double epsilon);
  std::string_view type() const noexcept override { return "bounded_load"; }
  size_t NodeFor(const TraceId& trace_id) const noexcept override;
  // First entry is NodeFor; then the ring walk from the trace's position, skipping chosen nodes.
  void PreferenceList(const TraceId& trace_id, size_t count, std::vector<size_t>& out) const override;
  size_t Assign(const TraceId& trace_id) override;
  bool Release(const TraceId& trace_id) override;

  // ⌈(1+ε)·(total_load()+1)/n⌉: the most load a node may have after the next new assignment.
  uint64_t Capacity() const noexcept;
  double epsilon() const noexcept { return epsilon_; }
  bool IsAssigned(const TraceId& trace_id) const { return assigned_.count(trace_id) != 0; }
  const HashRing& ring() const noexcept { return ring_; }

 private:
  BoundedLoadPartitioner(std::vector<std::string> nodes, HashRing ring, double epsilon);
  size_t Place(const TraceId& trace_id) const noexcept;

  HashRing ring_;
  std::vector<uint32_t> to_node_;
  double epsilon_;
  std::unordered_map<TraceId, uint32_t, TraceIdHash> assigned_;
};

}  // namespace tracesim::pipeline
