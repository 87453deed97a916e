// The consistent-hash ring of the OpenTelemetry Collector `loadbalancing`
// exporter, ported exactly from
// opentelemetry-collector-contrib/exporter/loadbalancingexporter/consistent_hashing.go
// (and the endpoint ordering of its resolvers, resolver_static.go / resolver_dns.go).
//
// The algorithm, as the Collector runs it:
//  - Endpoints are sorted bytewise (Go's sort.Strings; the resolvers sort before
//    building the ring, so the order they were configured in does not matter).
//  - For each endpoint in that order and each point i in [0, points): the ring
//    position is CRC32-IEEE(endpoint bytes ++ one byte i) mod 36000. Go writes the
//    point index as `[]byte{byte(i)}`: a single byte.
//  - A position already taken (by an earlier endpoint in sorted order, or an
//    earlier point of the same endpoint) is skipped: positions are unique, so the
//    ring has at most points x endpoints items and usually slightly fewer.
//  - Items are sorted by position. Because positions are unique, Go's unstable
//    sort.Slice has no ties to break and the ring is fully deterministic: this
//    port has NO divergence from the Collector on ring contents or routing.
//  - A key (the 16 trace-id bytes for traceID routing, the service.name bytes for
//    service routing) is hashed to CRC32-IEEE(key) mod 36000 and owned by the
//    first item whose position is >= that position, wrapping around to the first
//    item past the highest position. (Go's recursive `bsearch` computes exactly
//    this lower bound; this port precomputes it for all 36000 positions.)
//
// Limits that follow from the Collector's encoding, enforced by Create():
//  - points_per_endpoint is in [1, 256]: with one byte per point index, point 256
//    hashes like point 0, so larger values would add nothing in the Collector.
//  - Endpoint names must be non-empty and distinct (the Collector would silently
//    give a duplicate no positions; here it is a configuration error).
// With more endpoints than free positions, late endpoints (in sorted order) can
// end up owning nothing; PositionsOwnedPerEndpoint() shows it.
//
// Immutable after Create(); all methods are const and safe to call from several
// threads. Copyable (about 150 KB: the per-position owner table).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "tracesim/pipeline/ids.h"
#include "tracesim/status.h"

namespace tracesim::pipeline {

class HashRing {
 public:
  static constexpr uint32_t kMaxPositions = 36000;  // 360 degrees with two decimals
  static constexpr int kDefaultPointsPerEndpoint = 100;
  static constexpr int kMaxPointsPerEndpoint = 256;  // the point index is one byte

  // One point on the ring.
  struct Item {
    uint32_t position = 0;        // in [0, kMaxPositions)
    uint32_t endpoint_index = 0;  // index into endpoints()
    friend bool operator==(const Item&, const Item&) = default;
  };

  // Builds the ring. `endpoints` may be in any order (they are sorted).
  // Errors (InvalidArgument): no endpoints, an empty endpoint name, a duplicate
  // name, points_per_endpoint outside [1, kMaxPointsPerEndpoint].
  static StatusOr<HashRing> Create(std::vector<std::string> endpoints,
                                   int points_per_endpoint = kDefaultPointsPerEndpoint);

  // Index into endpoints() of the endpoint owning this trace id; the key is the
  // 16 trace-id bytes in W3C order, as the Collector's traceID routing hashes them.
  size_t EndpointIndexFor(const TraceId& trace_id) const noexcept;
  // Same for an arbitrary routing key (e.g. the service name bytes for service routing).
  size_t EndpointIndexForKey(std::span<const uint8_t> key) const noexcept;
  size_t EndpointIndexForKey(std::string_view key) const noexcept;
  // Owner of a ring position. REQUIRES: position < kMaxPositions.
  size_t EndpointIndexAtPosition(uint32_t position) const noexcept { return owner_[position]; }
  const std::string& EndpointFor(const TraceId& trace_id) const noexcept {
    return endpoints_[EndpointIndexFor(trace_id)];
  }

  // CRC32-IEEE(key) mod kMaxPositions.
  static uint32_t PositionForKey(std::span<const uint8_t> key) noexcept;
  static uint32_t PositionForTraceId(const TraceId& trace_id) noexcept;
  // The `points` candidate positions of one endpoint, before duplicates are
  // skipped (the Collector's positionsFor). REQUIRES: points >= 0.
  static std::vector<uint32_t> CandidatePositions(std::string_view endpoint, int points);

  // Sorted bytewise ascending, as the Collector's resolvers order them.
  const std::vector<std::string>& endpoints() const noexcept { return endpoints_; }
  // The ring items, ascending by (unique) position.
  const std::vector<Item>& items() const noexcept { return items_; }
  size_t ring_size() const noexcept { return items_.size(); }
  int points_per_endpoint() const noexcept { return points_per_endpoint_; }

  // For each endpoint, how many of the kMaxPositions key positions it owns: its
  // expected share of uniformly hashed keys is count / kMaxPositions.
  std::vector<uint32_t> PositionsOwnedPerEndpoint() const;

  // The Collector's hashRing.equal: same items (position and endpoint name) in
  // the same order. A balancer rebuilds its exporters only when this changes.
  friend bool operator==(const HashRing& a, const HashRing& b) noexcept;

 private:
  HashRing() = default;

  std::vector<std::string> endpoints_;
  std::vector<Item> items_;
  std::vector<uint32_t> owner_;  // kMaxPositions entries: endpoint index owning each key position
  int points_per_endpoint_ = 0;
};

}  // namespace tracesim::pipeline
