#include "tracesim/pipeline/hash_ring.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <string>
#include <vector>

#include "tracesim/pipeline/random.h"

namespace tracesim::pipeline {
namespace {

std::vector<std::string> Collectors(int n) {
  std::vector<std::string> names;
  for (int i = 0; i < n; ++i) names.push_back("collector-" + std::to_string(i) + ":4317");
  return names;
}

HashRing MustCreate(std::vector<std::string> endpoints, int points = HashRing::kDefaultPointsPerEndpoint) {
  auto ring = HashRing::Create(std::move(endpoints), points);
  EXPECT_TRUE(ring.ok()) << ring.status().ToString();
  return std::move(ring).value();
}

TraceId RandomTraceId(Rng& rng) { return TraceId{rng.NextU64(), rng.NextU64()}; }

// A literal transcription of the Collector's recursive `bsearch`
// (consistent_hashing.go), used as an independent reference for the lookup.
using ItemSpan = std::span<const HashRing::Item>;
HashRing::Item GoBsearch(uint32_t pos, ItemSpan left, ItemSpan right) {
  if (left.back().position == pos) return left.back();
  if (right.front().position == pos) return right.front();
  if (pos > right.back().position) return left.front();
  if (pos > left.back().position) {
    const size_t size = right.size();
    if (size == 1) return right.front();
    return GoBsearch(pos, right.subspan(0, size / 2), right.subspan(size / 2));
  }
  const size_t size = left.size();
  if (size == 1) return left.front();
  return GoBsearch(pos, left.subspan(0, size / 2), left.subspan(size / 2));
}

TEST(HashRingTest, CreateRejectsBadInput) {
  EXPECT_EQ(HashRing::Create({}).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(HashRing::Create({"a:4317", ""}).status().code(), StatusCode::kInvalidArgument);
  auto dup = HashRing::Create({"b:4317", "a:4317", "b:4317"});
  ASSERT_FALSE(dup.ok());
  EXPECT_NE(dup.status().message().find("duplicate endpoint \"b:4317\""), std::string::npos);
  EXPECT_EQ(HashRing::Create({"a:4317"}, 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(HashRing::Create({"a:4317"}, -1).status().code(), StatusCode::kInvalidArgument);
  auto too_many = HashRing::Create({"a:4317"}, 257);
  ASSERT_FALSE(too_many.ok());
  EXPECT_NE(too_many.status().message().find("one byte"), std::string::npos);
  EXPECT_TRUE(HashRing::Create({"a:4317"}, 256).ok());
  EXPECT_TRUE(HashRing::Create({"a:4317"}, 1).ok());
}

// Expected values computed independently with python3's zlib.crc32 and a
// transcription of consistent_hashing.go (sort endpoints; pos =
// zlib.crc32(endpoint.encode() + bytes([i & 0xff])) % 36000; skip taken positions;
// owner of key position p = first item with position >= p, else the first item).
TEST(HashRingTest, KnownAnswersFromPythonZlib) {
  EXPECT_EQ(HashRing::CandidatePositions("collector-0:4317", 5),
            (std::vector<uint32_t>{4583, 11249, 1163, 10141, 158}));

  const HashRing ring = MustCreate(Collectors(10));
  EXPECT_EQ(ring.ring_size(), 988u);  // 1000 candidates, 12 collisions skipped
  std::vector<int> items_per_endpoint(10, 0);
  for (const auto& item : ring.items()) ++items_per_endpoint[item.endpoint_index];
  EXPECT_EQ(items_per_endpoint, (std::vector<int>{100, 100, 99, 98, 99, 100, 100, 98, 97, 97}));
  ASSERT_GE(ring.items().size(), 3u);
  EXPECT_EQ(ring.items()[0], (HashRing::Item{106, 9}));
  EXPECT_EQ(ring.items()[1], (HashRing::Item{130, 8}));
  EXPECT_EQ(ring.items()[2], (HashRing::Item{131, 8}));
  EXPECT_EQ(ring.items().back(), (HashRing::Item{35978, 9}));
  EXPECT_EQ(ring.PositionsOwnedPerEndpoint(),
            (std::vector<uint32_t>{3469, 3269, 3791, 3395, 3468, 4635, 3388, 3785, 3038, 3762}));

  // Trace id 000102...0f: crc 0xcecee288, position 20904.
  const TraceId seq{0x0001020304050607ULL, 0x08090a0b0c0d0e0fULL};
  EXPECT_EQ(HashRing::PositionForTraceId(seq), 20904u);
  EXPECT_EQ(ring.EndpointFor(seq), "collector-2:4317");
  // The W3C example trace id: crc 0x164b78c5, position 4869.
  const TraceId w3c = *TraceId::FromHex("4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(HashRing::PositionForTraceId(w3c), 4869u);
  EXPECT_EQ(ring.EndpointFor(w3c), "collector-4:4317");
  // Service routing: key "frontend" -> position 2012.
  EXPECT_EQ(ring.endpoints()[ring.EndpointIndexForKey("frontend")], "collector-0:4317");

  const HashRing eleven = MustCreate(Collectors(11));
  EXPECT_EQ(eleven.ring_size(), 1086u);
}

TEST(HashRingTest, LookupIsTheCollectorsBsearchForEveryPosition) {
  for (int n : {1, 2, 3, 10, 37}) {
    const HashRing ring = MustCreate(Collectors(n));
    ASSERT_GE(ring.ring_size(), 2u);
    const auto& items = ring.items();
    for (size_t i = 1; i < items.size(); ++i) ASSERT_LT(items[i - 1].position, items[i].position);
    const ItemSpan all(items);
    for (uint32_t p = 0; p < HashRing::kMaxPositions; ++p) {
      const HashRing::Item go = GoBsearch(p, all.subspan(0, all.size() / 2), all.subspan(all.size() / 2));
      ASSERT_EQ(ring.EndpointIndexAtPosition(p), go.endpoint_index) << "n=" << n << " position " << p;
    }
    // Exact hit, just past an item, and wrap-around past the highest position.
    EXPECT_EQ(ring.EndpointIndexAtPosition(items[1].position), items[1].endpoint_index);
    EXPECT_EQ(ring.EndpointIndexAtPosition(items[0].position + 1), items[1].endpoint_index);
    if (items.back().position + 1 < HashRing::kMaxPositions) {
      EXPECT_EQ(ring.EndpointIndexAtPosition(items.back().position + 1), items[0].endpoint_index);
    }
  }
}

TEST(HashRingTest, SingleEndpointSinglePointOwnsEverything) {
  const HashRing ring = MustCreate({"only:4317"}, 1);
  EXPECT_EQ(ring.ring_size(), 1u);
  Rng rng(3);
  for (int i = 0; i < 1000; ++i) EXPECT_EQ(ring.EndpointIndexFor(RandomTraceId(rng)), 0u);
}

TEST(HashRingTest, PointIndexWrapsAtOneByteLikeGo) {
  // Point 256 would hash like point 0, so 256 points is the most one endpoint can have.
  const auto c = HashRing::CandidatePositions("collector-3:4317", 300);
  for (int i = 256; i < 300; ++i) EXPECT_EQ(c[i], c[i - 256]);
}

TEST(HashRingTest, DeterministicAndEverySpanOfATraceRoutesTogether) {
  const HashRing a = MustCreate(Collectors(7));
  const HashRing b = MustCreate(Collectors(7));
  EXPECT_TRUE(a == b);
  Rng rng(11);
  for (int i = 0; i < 100000; ++i) {
    const TraceId id = RandomTraceId(rng);
    const size_t idx = a.EndpointIndexFor(id);
    ASSERT_LT(idx, a.endpoints().size());
    ASSERT_EQ(idx, b.EndpointIndexFor(id));
    ASSERT_EQ(idx, a.EndpointIndexFor(id));
    std::array<uint8_t, 16> bytes;
    for (int k = 0; k < 16; ++k) bytes[k] = id.Byte(k);
    ASSERT_EQ(idx, a.EndpointIndexForKey(bytes));
  }
}

TEST(HashRingTest, RoutingIsIndependentOfInputEndpointOrder) {
  const HashRing sorted = MustCreate(Collectors(10));
  std::vector<std::string> shuffled = Collectors(10);
  Rng rng(5);
  for (size_t i = shuffled.size() - 1; i > 0; --i) std::swap(shuffled[i], shuffled[rng.Uniform(i + 1)]);
  ASSERT_NE(shuffled, Collectors(10));
  const HashRing other = MustCreate(shuffled);
  EXPECT_TRUE(sorted == other);
  EXPECT_EQ(other.endpoints(), Collectors(10));  // sorted bytewise
  for (int i = 0; i < 20000; ++i) {
    const TraceId id = RandomTraceId(rng);
    ASSERT_EQ(sorted.EndpointFor(id), other.EndpointFor(id));
  }
  EXPECT_FALSE(sorted == MustCreate(Collectors(9)));
  EXPECT_FALSE(sorted == MustCreate(Collectors(10), 99));
}

double MaxOverMeanLoad(const HashRing& ring, uint64_t seed, int n) {
  std::vector<int64_t> load(ring.endpoints().size(), 0);
  Rng rng(seed);
  for (int i = 0; i < n; ++i) ++load[ring.EndpointIndexFor(RandomTraceId(rng))];
  const double mean = static_cast<double>(n) / static_cast<double>(load.size());
  return static_cast<double>(*std::max_element(load.begin(), load.end())) / mean;
}

// The target for the Collector ring is max/mean <= 1.10 over 10 endpoints. The
// exact port does not meet it with the default 100 points: the owned arc shares
// (PositionsOwnedPerEndpoint, exact) give max/mean = 4635/3600 = 1.2875 for
// collector-5:4317, and 10^6 random trace ids measure the same within sampling
// noise (sd of one count ~ 0.3 %). This is a regression bound, not the target.
TEST(HashRingBalanceTest, ExactPortWithDefaultPointsMeasuredMaxOverMean) {
  const HashRing ring = MustCreate(Collectors(10));
  const auto owned = ring.PositionsOwnedPerEndpoint();
  const double arc_ratio = *std::max_element(owned.begin(), owned.end()) / 3600.0;
  EXPECT_DOUBLE_EQ(arc_ratio, 4635.0 / 3600.0);
  const double measured = MaxOverMeanLoad(ring, 0x5eed, 1000000);
  RecordProperty("max_over_mean_100_points", std::to_string(measured));
  EXPECT_NEAR(measured, arc_ratio, 0.012);
  EXPECT_LE(measured, 1.30);
}

// No points_per_endpoint the Collector's one-byte point index allows (1..256)
// reaches max/mean <= 1.10 for these ten names. The best is 172 points with an
// exact arc ratio of 3969/3600 = 1.1025 (150 points: 1.1078; 256 points: 1.1367).
TEST(HashRingBalanceTest, NoAllowedPointCountMeetsTheTargetBest172) {
  int best_points = 0;
  uint32_t best_max = UINT32_MAX;
  for (int points = 1; points <= HashRing::kMaxPointsPerEndpoint; ++points) {
    const auto owned = MustCreate(Collectors(10), points).PositionsOwnedPerEndpoint();
    const uint32_t max_owned = *std::max_element(owned.begin(), owned.end());
    if (max_owned < best_max) best_max = max_owned, best_points = points;
  }
  EXPECT_EQ(best_points, 172);
  EXPECT_EQ(best_max, 3969u);
  EXPECT_GT(best_max / 3600.0, 1.10);
  const double measured = MaxOverMeanLoad(MustCreate(Collectors(10), 172), 0x5eed, 1000000);
  RecordProperty("max_over_mean_172_points", std::to_string(measured));
  EXPECT_NEAR(measured, 3969.0 / 3600.0, 0.012);
}

// Adding an 11th endpoint: exactly the keys whose position the newcomer now owns
// move, all of them to the newcomer; no key moves between old endpoints. The
// exact moved share is 3004/36000 = 0.0834 (python transcription), close to 1/11.
TEST(HashRingStabilityTest, AddingAnEndpointMovesAboutOneEleventhOnlyToIt) {
  const HashRing ten = MustCreate(Collectors(10));
  const HashRing eleven = MustCreate(Collectors(11));
  const std::string added = "collector-10:4317";
  const int n = 1000000;
  int moved = 0;
  Rng rng(77);
  for (int i = 0; i < n; ++i) {
    const TraceId id = RandomTraceId(rng);
    const std::string& before = ten.EndpointFor(id);
    const std::string& after = eleven.EndpointFor(id);
    if (before != after) {
      ++moved;
      ASSERT_EQ(after, added) << "trace " << id.ToHex() << " moved from " << before << " to " << after;
    }
  }
  const double share = static_cast<double>(moved) / n;
  RecordProperty("moved_share", std::to_string(share));
  EXPECT_GE(share, 0.6 / 11);
  EXPECT_LE(share, 1.6 / 11);
  EXPECT_NEAR(share, 3004.0 / 36000.0, 0.003);
}

TEST(HashRingStabilityTest, RemovingAnEndpointMovesOnlyItsKeys) {
  const HashRing ten = MustCreate(Collectors(10));
  std::vector<std::string> nine = Collectors(10);
  nine.erase(nine.begin() + 3);  // collector-3:4317 goes away
  const HashRing without = MustCreate(nine);
  for (uint32_t p = 0; p < HashRing::kMaxPositions; ++p) {
    const std::string& before = ten.endpoints()[ten.EndpointIndexAtPosition(p)];
    const std::string& after = without.endpoints()[without.EndpointIndexAtPosition(p)];
    if (before != "collector-3:4317") {
      ASSERT_EQ(before, after) << "position " << p;
    }
  }
}

}  // namespace
}  // namespace tracesim::pipeline
