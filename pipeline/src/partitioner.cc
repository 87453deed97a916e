#include "tracesim/pipeline/partitioner.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_set>
#include <utility>

namespace tracesim::pipeline {
namespace {

Status ValidateNodes(const std::vector<std::string>& nodes) {
  if (nodes.empty()) return Status::InvalidArgument("partitioner.nodes: must not be empty");
  std::unordered_set<std::string_view> seen;
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].empty()) {
      return Status::InvalidArgument("partitioner.nodes[" + std::to_string(i) + "]: must not be empty");
    }
    if (!seen.insert(nodes[i]).second) {
      return Status::InvalidArgument("partitioner.nodes[" + std::to_string(i) + "]: duplicate node \"" +
                                     nodes[i] + "\"");
    }
  }
  if (nodes.size() > static_cast<size_t>(INT32_MAX)) {
    return Status::InvalidArgument("partitioner.nodes: too many nodes");
  }
  return Status::Ok();
}

// ring endpoint index (bytewise sorted) -> index in `nodes` (as given).
std::vector<uint32_t> MapRingToNodes(const HashRing& ring, const std::vector<std::string>& nodes) {
  std::unordered_map<std::string_view, uint32_t> index;
  for (size_t i = 0; i < nodes.size(); ++i) index.emplace(nodes[i], static_cast<uint32_t>(i));
  std::vector<uint32_t> map(ring.endpoints().size());
  for (size_t e = 0; e < ring.endpoints().size(); ++e) map[e] = index.at(ring.endpoints()[e]);
  return map;
}

// Index of the ring item owning `trace_id` (the first item at or after its position, wrapping).
size_t FirstItemFor(const HashRing& ring, const TraceId& trace_id) {
  const uint32_t pos = HashRing::PositionForTraceId(trace_id);
  const auto& items = ring.items();
  auto it = std::lower_bound(items.begin(), items.end(), pos,
                             [](const HashRing::Item& item, uint32_t p) { return item.position < p; });
  return it == items.end() ? 0 : static_cast<size_t>(it - items.begin());
}

// Walks the ring clockwise from `start`, appending distinct nodes to `out` until it holds `count`.
void RingWalk(const HashRing& ring, const std::vector<uint32_t>& to_node, size_t start, size_t count,
              size_t node_count, std::vector<size_t>& out) {
  const auto& items = ring.items();
  std::vector<bool> taken(node_count, false);
  for (size_t n : out) taken[n] = true;
  for (size_t k = 0; k < items.size() && out.size() < count; ++k) {
    const size_t node = to_node[items[(start + k) % items.size()].endpoint_index];
    if (!taken[node]) {
      taken[node] = true;
      out.push_back(node);
    }
  }
  // Nodes that own no ring item (possible with very many nodes) come last, in membership order.
  for (size_t node = 0; node < node_count && out.size() < count; ++node) {
    if (!taken[node]) {
      taken[node] = true;
      out.push_back(node);
    }
  }
}

}  // namespace

Status ValidatePartitionerConfig(const PartitionerConfig& config) {
  if (config.type != "otel_ring" && config.type != "jump" && config.type != "rendezvous" &&
      config.type != "bounded_load") {
    return Status::InvalidArgument("partitioner.type: unknown type \"" + config.type +
                                   "\" (expected otel_ring, jump, rendezvous or bounded_load)");
  }
  if (config.points_per_endpoint < 1 || config.points_per_endpoint > HashRing::kMaxPointsPerEndpoint) {
    return Status::InvalidArgument("partitioner.points_per_endpoint: must be in [1, 256], got " +
                                   std::to_string(config.points_per_endpoint));
  }
  if (!std::isfinite(config.bounded_load_epsilon) || config.bounded_load_epsilon <= 0) {
    return Status::InvalidArgument("partitioner.bounded_load_epsilon: must be a finite number > 0, got " +
                                   std::to_string(config.bounded_load_epsilon));
  }
  return Status::Ok();
}

uint64_t Mix64(uint64_t z) noexcept {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t Fnv1a64(std::string_view bytes) noexcept {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

int32_t JumpConsistentHash(uint64_t key, int32_t num_buckets) noexcept {
  int64_t b = -1;
  int64_t j = 0;
  while (j < num_buckets) {
    b = j;
    key = key * 2862933555777941757ULL + 1;
    j = static_cast<int64_t>(static_cast<double>(b + 1) *
                             (static_cast<double>(1LL << 31) / static_cast<double>((key >> 33) + 1)));
  }
  return static_cast<int32_t>(b);
}

// --- Partitioner -------------------------------------------------------------------------------

Partitioner::Partitioner(std::vector<std::string> nodes)
    : nodes_(std::move(nodes)), loads_(nodes_.size(), 0) {}

size_t Partitioner::Assign(const TraceId& trace_id) {
  const size_t node = NodeFor(trace_id);
  ++loads_[node];
  ++total_load_;
  return node;
}

bool Partitioner::Release(const TraceId& trace_id) {
  const size_t node = NodeFor(trace_id);
  if (loads_[node] == 0) return false;
  --loads_[node];
  --total_load_;
  return true;
}

StatusOr<std::unique_ptr<Partitioner>> CreatePartitioner(const PartitionerConfig& config,
                                                         std::vector<std::string> nodes) {
  if (Status s = ValidatePartitionerConfig(config); !s.ok()) return s;
  auto up = [](auto&& r) -> StatusOr<std::unique_ptr<Partitioner>> {
    if (!r.ok()) return r.status();
    return std::unique_ptr<Partitioner>(std::move(*r));
  };
  if (config.type == "otel_ring")
    return up(OtelRingPartitioner::Create(std::move(nodes), config.points_per_endpoint));
  if (config.type == "jump") return up(JumpPartitioner::Create(std::move(nodes)));
  if (config.type == "rendezvous") return up(RendezvousPartitioner::Create(std::move(nodes)));
  return up(BoundedLoadPartitioner::Create(std::move(nodes), config.points_per_endpoint,
                                           config.bounded_load_epsilon));
}

// --- otel_ring ---------------------------------------------------------------------------------

OtelRingPartitioner::OtelRingPartitioner(std::vector<std::string> nodes, HashRing ring)
    : Partitioner(std::move(nodes)), ring_(std::move(ring)), to_node_(MapRingToNodes(ring_, nodes_)) {}

StatusOr<std::unique_ptr<OtelRingPartitioner>> OtelRingPartitioner::Create(std::vector<std::string> nodes,
                                                                           int points_per_endpoint) {
  if (Status s = ValidateNodes(nodes); !s.ok()) return s;
  StatusOr<HashRing> ring = HashRing::Create(nodes, points_per_endpoint);
  if (!ring.ok()) return Status::InvalidArgument("partitioner: " + ring.status().message());
  return std::unique_ptr<OtelRingPartitioner>(new OtelRingPartitioner(std::move(nodes), std::move(*ring)));
}

void OtelRingPartitioner::PreferenceList(const TraceId& trace_id, size_t count,
                                         std::vector<size_t>& out) const {
  out.clear();
  count = std::min(count, nodes_.size());
  RingWalk(ring_, to_node_, FirstItemFor(ring_, trace_id), count, nodes_.size(), out);
}

// --- jump --------------------------------------------------------------------------------------

StatusOr<std::unique_ptr<JumpPartitioner>> JumpPartitioner::Create(std::vector<std::string> nodes) {
  if (Status s = ValidateNodes(nodes); !s.ok()) return s;
  return std::unique_ptr<JumpPartitioner>(new JumpPartitioner(std::move(nodes)));
}

void JumpPartitioner::PreferenceList(const TraceId& trace_id, size_t count, std::vector<size_t>& out) const {
  out.clear();
  const size_t n = nodes_.size();
  count = std::min(count, n);
  const size_t b = NodeFor(trace_id);
  for (size_t k = 0; k < count; ++k) out.push_back((b + k) % n);
}

// --- rendezvous --------------------------------------------------------------------------------

RendezvousPartitioner::RendezvousPartitioner(std::vector<std::string> nodes) : Partitioner(std::move(nodes)) {
  seeds_.reserve(nodes_.size());
  for (const auto& n : nodes_) seeds_.push_back(Fnv1a64(n));
}

StatusOr<std::unique_ptr<RendezvousPartitioner>> RendezvousPartitioner::Create(
    std::vector<std::string> nodes) {
  if (Status s = ValidateNodes(nodes); !s.ok()) return s;
  return std::unique_ptr<RendezvousPartitioner>(new RendezvousPartitioner(std::move(nodes)));
}

uint64_t RendezvousPartitioner::TraceKey(const TraceId& trace_id) noexcept {
  return Mix64(trace_id.hi ^ Mix64(trace_id.lo));
}

uint64_t RendezvousPartitioner::Weight(uint64_t node_seed, const TraceId& trace_id) noexcept {
  return Mix64(node_seed ^ TraceKey(trace_id));
}

size_t RendezvousPartitioner::NodeFor(const TraceId& trace_id) const noexcept {
  const uint64_t key = TraceKey(trace_id);
  size_t best = 0;
  uint64_t best_w = Mix64(seeds_[0] ^ key);
  for (size_t i = 1; i < seeds_.size(); ++i) {
    const uint64_t w = Mix64(seeds_[i] ^ key);
    if (w > best_w || (w == best_w && nodes_[i] < nodes_[best])) {
      best = i;
      best_w = w;
    }
  }
  return best;
}

void RendezvousPartitioner::PreferenceList(const TraceId& trace_id, size_t count,
                                           std::vector<size_t>& out) const {
  out.clear();
  count = std::min(count, nodes_.size());
  const uint64_t key = TraceKey(trace_id);
  std::vector<std::pair<uint64_t, size_t>> ranked;
  ranked.reserve(nodes_.size());
  for (size_t i = 0; i < seeds_.size(); ++i) ranked.emplace_back(Mix64(seeds_[i] ^ key), i);
  auto higher = [this](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first > b.first;
    return nodes_[a.second] < nodes_[b.second];
  };
  std::partial_sort(ranked.begin(), ranked.begin() + static_cast<ptrdiff_t>(count), ranked.end(), higher);
  for (size_t k = 0; k < count; ++k) out.push_back(ranked[k].second);
}

// --- bounded_load ------------------------------------------------------------------------------

BoundedLoadPartitioner::BoundedLoadPartitioner(std::vector<std::string> nodes, HashRing ring, double epsilon)
    : Partitioner(std::move(nodes)),
      ring_(std::move(ring)),
      to_node_(MapRingToNodes(ring_, nodes_)),
      epsilon_(epsilon) {}

StatusOr<std::unique_ptr<BoundedLoadPartitioner>> BoundedLoadPartitioner::Create(
    std::vector<std::string> nodes, int points_per_endpoint, double epsilon) {
  if (Status s = ValidateNodes(nodes); !s.ok()) return s;
  if (!std::isfinite(epsilon) || epsilon <= 0) {
    return Status::InvalidArgument("partitioner.bounded_load_epsilon: must be a finite number > 0");
  }
  StatusOr<HashRing> ring = HashRing::Create(nodes, points_per_endpoint);
  if (!ring.ok()) return Status::InvalidArgument("partitioner: " + ring.status().message());
  return std::unique_ptr<BoundedLoadPartitioner>(
      new BoundedLoadPartitioner(std::move(nodes), std::move(*ring), epsilon));
}

uint64_t BoundedLoadPartitioner::Capacity() const noexcept {
  const double c =
      std::ceil((1.0 + epsilon_) * static_cast<double>(total_load_ + 1) / static_cast<double>(nodes_.size()));
  return static_cast<uint64_t>(c);
}

size_t BoundedLoadPartitioner::Place(const TraceId& trace_id) const noexcept {
  const uint64_t cap = Capacity();
  const auto& items = ring_.items();
  const size_t start = FirstItemFor(ring_, trace_id);
  for (size_t k = 0; k < items.size(); ++k) {
    const size_t node = to_node_[items[(start + k) % items.size()].endpoint_index];
    if (loads_[node] < cap) return node;
  }
  // Every node on the ring is full: only possible when some node owns no ring item. Since the
  // capacity exceeds the mean, such a node is below it; take the least loaded (first on ties).
  return static_cast<size_t>(std::min_element(loads_.begin(), loads_.end()) - loads_.begin());
}

size_t BoundedLoadPartitioner::NodeFor(const TraceId& trace_id) const noexcept {
  auto it = assigned_.find(trace_id);
  if (it != assigned_.end()) return it->second;
  return Place(trace_id);
}

void BoundedLoadPartitioner::PreferenceList(const TraceId& trace_id, size_t count,
                                            std::vector<size_t>& out) const {
  out.clear();
  count = std::min(count, nodes_.size());
  if (count == 0) return;
  out.push_back(NodeFor(trace_id));
  RingWalk(ring_, to_node_, FirstItemFor(ring_, trace_id), count, nodes_.size(), out);
}

size_t BoundedLoadPartitioner::Assign(const TraceId& trace_id) {
  auto it = assigned_.find(trace_id);
  if (it != assigned_.end()) return it->second;
  const size_t node = Place(trace_id);
  assigned_.emplace(trace_id, static_cast<uint32_t>(node));
  ++loads_[node];
  ++total_load_;
  return node;
}

bool BoundedLoadPartitioner::Release(const TraceId& trace_id) {
  auto it = assigned_.find(trace_id);
  if (it == assigned_.end()) return false;
  --loads_[it->second];
  --total_load_;
  assigned_.erase(it);
  return true;
}

}  // namespace tracesim::pipeline
