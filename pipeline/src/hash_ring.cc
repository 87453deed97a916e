#include "tracesim/pipeline/hash_ring.h"

#include <algorithm>
#include <array>
#include <utility>

#include "tracesim/pipeline/crc32.h"

namespace tracesim::pipeline {
namespace {

std::array<uint8_t, 16> TraceIdBytes(const TraceId& trace_id) {
  std::array<uint8_t, 16> bytes;
  for (int i = 0; i < 16; ++i) bytes[i] = trace_id.Byte(i);
  return bytes;
}

}  // namespace

uint32_t HashRing::PositionForKey(std::span<const uint8_t> key) noexcept {
  return Crc32Ieee(key) % kMaxPositions;
}

uint32_t HashRing::PositionForTraceId(const TraceId& trace_id) noexcept {
  const std::array<uint8_t, 16> bytes = TraceIdBytes(trace_id);
  return PositionForKey(bytes);
}

std::vector<uint32_t> HashRing::CandidatePositions(std::string_view endpoint, int points) {
  std::vector<uint32_t> positions;
  positions.reserve(static_cast<size_t>(std::max(points, 0)));
  const uint32_t prefix_crc = Crc32Ieee(endpoint);
  for (int i = 0; i < points; ++i) {
    const uint8_t point_byte = static_cast<uint8_t>(i);  // Go: []byte{byte(i)}
    const uint32_t hash = Crc32Ieee(std::span<const uint8_t>(&point_byte, 1), prefix_crc);
    positions.push_back(hash % kMaxPositions);
  }
  return positions;
}

StatusOr<HashRing> HashRing::Create(std::vector<std::string> endpoints, int points_per_endpoint) {
  if (endpoints.empty()) return Status::InvalidArgument("hash ring: at least one endpoint is required");
  if (points_per_endpoint < 1 || points_per_endpoint > kMaxPointsPerEndpoint) {
    return Status::InvalidArgument("hash ring: points_per_endpoint must be in [1, 256] (got " +
                                   std::to_string(points_per_endpoint) +
                                   "): the Collector encodes the point index as one byte");
  }
  std::sort(endpoints.begin(), endpoints.end());
  for (size_t i = 0; i < endpoints.size(); ++i) {
    if (endpoints[i].empty()) return Status::InvalidArgument("hash ring: empty endpoint name");
    if (i > 0 && endpoints[i] == endpoints[i - 1]) {
      return Status::InvalidArgument("hash ring: duplicate endpoint \"" + endpoints[i] + "\"");
    }
  }

  HashRing ring;
  ring.points_per_endpoint_ = points_per_endpoint;
  std::vector<bool> taken(kMaxPositions, false);
  for (size_t e = 0; e < endpoints.size(); ++e) {
    for (uint32_t pos : CandidatePositions(endpoints[e], points_per_endpoint)) {
      if (taken[pos]) continue;  // first endpoint (in sorted order) to claim a position keeps it
      taken[pos] = true;
      ring.items_.push_back(Item{pos, static_cast<uint32_t>(e)});
    }
  }
  // Positions are unique, so this order is total (no tie-break needed).
  std::sort(ring.items_.begin(), ring.items_.end(),
            [](const Item& a, const Item& b) { return a.position < b.position; });

  // owner_[p] = endpoint of the first item with position >= p, wrapping to items_[0].
  ring.owner_.resize(kMaxPositions);
  size_t next = 0;
  for (uint32_t p = 0; p < kMaxPositions; ++p) {
    while (next < ring.items_.size() && ring.items_[next].position < p) ++next;
    ring.owner_[p] =
        next < ring.items_.size() ? ring.items_[next].endpoint_index : ring.items_[0].endpoint_index;
  }
  ring.endpoints_ = std::move(endpoints);
  return ring;
}

size_t HashRing::EndpointIndexFor(const TraceId& trace_id) const noexcept {
  return owner_[PositionForTraceId(trace_id)];
}

size_t HashRing::EndpointIndexForKey(std::span<const uint8_t> key) const noexcept {
  return owner_[PositionForKey(key)];
}

size_t HashRing::EndpointIndexForKey(std::string_view key) const noexcept {
  return owner_[Crc32Ieee(key) % kMaxPositions];
}

std::vector<uint32_t> HashRing::PositionsOwnedPerEndpoint() const {
  std::vector<uint32_t> counts(endpoints_.size(), 0);
  for (uint32_t owner : owner_) ++counts[owner];
  return counts;
}

bool operator==(const HashRing& a, const HashRing& b) noexcept {
  if (a.items_.size() != b.items_.size()) return false;
  for (size_t i = 0; i < a.items_.size(); ++i) {
    if (a.items_[i].position != b.items_[i].position) return false;
    if (a.endpoints_[a.items_[i].endpoint_index] != b.endpoints_[b.items_[i].endpoint_index]) return false;
  }
  return true;
}

}  // namespace tracesim::pipeline
