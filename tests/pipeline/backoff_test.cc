#include "tracesim/pipeline/backoff.h"

#include <gtest/gtest.h>

#include <optional>
#include <vector>

#include "tracesim/pipeline/random.h"

namespace tracesim::pipeline {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

RetryOptions NoJitter() {
  RetryOptions o;
  o.randomization_factor = 0;
  return o;
}

// Simulates the retry sender with attempts that fail instantly: returns every delay until Stop.
std::vector<Duration> Schedule(ExponentialBackOff& b, TimePoint start) {
  std::vector<Duration> delays;
  b.Reset(start);
  TimePoint now = start;
  while (true) {
    std::optional<Duration> d = b.NextBackOff(now);
    if (!d) break;
    delays.push_back(*d);
    now += *d;
    if (delays.size() > 1000) break;
  }
  return delays;
}

TEST(ExponentialBackOffTest, DefaultsAreTheCollectorsRetryOnFailure) {
  RetryOptions o;
  EXPECT_TRUE(o.enabled);
  EXPECT_EQ(o.initial_interval, seconds(5));
  EXPECT_EQ(o.randomization_factor, 0.5);
  EXPECT_EQ(o.multiplier, 1.5);
  EXPECT_EQ(o.max_interval, seconds(30));
  EXPECT_EQ(o.max_elapsed_time, seconds(300));
  EXPECT_TRUE(ValidateRetryOptions(o).ok());
}

TEST(ExponentialBackOffTest, WithoutJitterScheduleIsExactAndStopsBeforeMaxElapsed) {
  ExponentialBackOff b(NoJitter(), nullptr);
  const std::vector<Duration> delays = Schedule(b, FromNanos(1'000'000'000));
  const std::vector<Duration> expected = {
      milliseconds(5000),
      milliseconds(7500),
      nanoseconds(11'250'000'000),
      nanoseconds(16'875'000'000),
      nanoseconds(25'312'500'000),
      seconds(30),
      seconds(30),
      seconds(30),
      seconds(30),
      seconds(30),
      seconds(30),
      seconds(30),
  };
  EXPECT_EQ(delays, expected);
  // 12 retries after the first attempt: 13 attempts. The waits end at 275.9375 s; the next wait
  // (30 s) would end at 305.9375 s > 300 s, so the sender gives up at 275.9375 s.
  Duration total{0};
  for (Duration d : delays) total += d;
  EXPECT_EQ(total, nanoseconds(275'937'500'000));
  EXPECT_EQ(delays.size() + 1, 13u);
}

TEST(ExponentialBackOffTest, AttemptDurationCountsTowardsMaxElapsedTime) {
  // Each attempt takes 10 s before failing: elapsed grows by delay + 10 s per retry.
  ExponentialBackOff b(NoJitter(), nullptr);
  TimePoint now = kTimeZero;
  b.Reset(now);
  int retries = 0;
  while (true) {
    now += seconds(10);  // the attempt
    auto d = b.NextBackOff(now);
    if (!d) break;
    ++retries;
    now += *d;
  }
  // Attempt ends: 10, 25, 42.5, 63.75, 90.625, 125.9375, 165.9375, 205.9375, 245.9375, 285.9375;
  // at 285.9375 s the next 30 s wait would end past 300 s.
  EXPECT_EQ(retries, 9);
  EXPECT_EQ(now, kTimeZero + nanoseconds(285'937'500'000));
}

TEST(ExponentialBackOffTest, StopIsStrictlyGreaterThanMaxElapsed) {
  RetryOptions o = NoJitter();
  o.initial_interval = seconds(10);
  o.max_interval = seconds(10);
  o.max_elapsed_time = seconds(10);
  ExponentialBackOff b(o, nullptr);
  b.Reset(kTimeZero);
  EXPECT_EQ(b.NextBackOff(kTimeZero), seconds(10));  // 0 + 10 == 10: allowed
  b.Reset(kTimeZero);
  EXPECT_EQ(b.NextBackOff(kTimeZero + nanoseconds(1)), std::nullopt);  // 1 ns + 10 s > 10 s
}

TEST(ExponentialBackOffTest, IntervalAdvancesEvenWhenStopping) {
  RetryOptions o = NoJitter();
  ExponentialBackOff b(o, nullptr);
  b.Reset(kTimeZero);
  EXPECT_EQ(b.current_interval(), seconds(5));
  EXPECT_EQ(b.NextBackOff(kTimeZero + seconds(299)), std::nullopt);
  EXPECT_EQ(b.current_interval(), milliseconds(7500));
}

TEST(ExponentialBackOffTest, ZeroMaxElapsedNeverStops) {
  RetryOptions o = NoJitter();
  o.max_elapsed_time = Duration::zero();
  ExponentialBackOff b(o, nullptr);
  b.Reset(kTimeZero);
  TimePoint now = kTimeZero;
  for (int i = 0; i < 100; ++i) {
    auto d = b.NextBackOff(now);
    ASSERT_TRUE(d.has_value());
    now += *d + std::chrono::hours(1);
  }
  EXPECT_EQ(b.current_interval(), seconds(30));
}

TEST(ExponentialBackOffTest, IncrementCapsAtMaxIntervalWhenReachingMaxOverMultiplier) {
  RetryOptions o = NoJitter();
  o.initial_interval = seconds(20);  // 20 >= 30 / 1.5: jumps straight to the max
  ExponentialBackOff b(o, nullptr);
  b.Reset(kTimeZero);
  EXPECT_EQ(b.NextBackOff(kTimeZero), seconds(20));
  EXPECT_EQ(b.current_interval(), seconds(30));
  EXPECT_EQ(b.NextBackOff(kTimeZero), seconds(30));
}

TEST(ExponentialBackOffTest, ResetRestartsIntervalAndElapsedTime) {
  ExponentialBackOff b(NoJitter(), nullptr);
  b.Reset(kTimeZero);
  for (int i = 0; i < 4; ++i) b.NextBackOff(kTimeZero);
  EXPECT_NE(b.current_interval(), seconds(5));
  EXPECT_EQ(b.NextBackOff(kTimeZero + seconds(400)), std::nullopt);
  b.Reset(kTimeZero + seconds(400));
  EXPECT_EQ(b.current_interval(), seconds(5));
  EXPECT_EQ(b.elapsed(kTimeZero + seconds(401)), seconds(1));
  EXPECT_EQ(b.NextBackOff(kTimeZero + seconds(401)), seconds(5));
}

TEST(ExponentialBackOffTest, RandomizedValueFollowsCenkaltiFormulaExactly) {
  RetryOptions o;  // factor 0.5
  Rng rng(99);
  Rng mirror(99);
  ExponentialBackOff b(o, &rng);
  b.Reset(kTimeZero);
  for (int i = 0; i < 8; ++i) {
    const double ci = static_cast<double>(b.current_interval().count());
    const double delta = 0.5 * ci;
    const double lo = ci - delta, hi = ci + delta;
    const double r = mirror.NextDouble();
    const Duration expected(static_cast<int64_t>(lo + r * (hi - lo + 1)));
    EXPECT_EQ(b.NextBackOff(kTimeZero), expected) << "retry " << i;
  }
}

TEST(ExponentialBackOffTest, JitteredDelaysStayWithinBoundsOfTheCurrentInterval) {
  RetryOptions o;
  o.max_elapsed_time = Duration::zero();
  Rng rng(12345);
  ExponentialBackOff b(o, &rng);
  for (int round = 0; round < 200; ++round) {
    b.Reset(kTimeZero);
    for (int i = 0; i < 10; ++i) {
      const Duration ci = b.current_interval();
      const Duration d = *b.NextBackOff(kTimeZero);
      EXPECT_GE(d, ci / 2);
      EXPECT_LE(d, ci + ci / 2 + nanoseconds(1));
    }
  }
}

TEST(ExponentialBackOffTest, SameSeedSameScheduleDifferentSeedDifferentSchedule) {
  RetryOptions o;
  Rng r1(7), r2(7), r3(8);
  ExponentialBackOff a(o, &r1), b(o, &r2), c(o, &r3);
  const auto sa = Schedule(a, kTimeZero);
  const auto sb = Schedule(b, kTimeZero);
  const auto sc = Schedule(c, kTimeZero);
  EXPECT_EQ(sa, sb);
  EXPECT_NE(sa, sc);
  ASSERT_FALSE(sa.empty());
  Duration total{0};
  for (Duration d : sa) total += d;
  EXPECT_LE(total, seconds(300));
}

TEST(ExponentialBackOffTest, ZeroRandomizationConsumesNoRandomness) {
  RetryOptions o = NoJitter();
  Rng rng(5), untouched(5);
  ExponentialBackOff b(o, &rng);
  b.Reset(kTimeZero);
  for (int i = 0; i < 5; ++i) b.NextBackOff(kTimeZero);
  EXPECT_EQ(rng.NextU64(), untouched.NextU64());
}

TEST(ExponentialBackOffTest, ThrottleDelayOnlyLengthens) {
  EXPECT_EQ(ThrottledDelay(seconds(5), seconds(8)), seconds(8));
  EXPECT_EQ(ThrottledDelay(seconds(5), seconds(2)), seconds(5));
  EXPECT_EQ(ThrottledDelay(seconds(5), Duration::zero()), seconds(5));
}

TEST(RetryOptionsTest, ValidationNamesTheKey) {
  auto expect_error = [](RetryOptions o, const std::string& key) {
    Status s = ValidateRetryOptions(o);
    ASSERT_FALSE(s.ok()) << key;
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(s.message().find(key), std::string::npos) << s.message();
  };
  RetryOptions o;
  o.initial_interval = -seconds(1);
  expect_error(o, "retry_on_failure.initial_interval");
  o = RetryOptions{};
  o.randomization_factor = 1.5;
  expect_error(o, "retry_on_failure.randomization_factor");
  o.randomization_factor = -0.1;
  expect_error(o, "retry_on_failure.randomization_factor");
  o = RetryOptions{};
  o.multiplier = -1;
  expect_error(o, "retry_on_failure.multiplier");
  o = RetryOptions{};
  o.max_interval = -seconds(1);
  expect_error(o, "retry_on_failure.max_interval");
  o = RetryOptions{};
  o.max_elapsed_time = -seconds(1);
  expect_error(o, "retry_on_failure.max_elapsed_time");
  o = RetryOptions{};
  o.max_elapsed_time = seconds(4);  // < initial_interval 5 s
  expect_error(o, "'initial_interval'");
  o = RetryOptions{};
  o.max_elapsed_time = seconds(20);  // < max_interval 30 s
  expect_error(o, "'max_interval'");

  // Boundaries that are valid.
  o = RetryOptions{};
  o.randomization_factor = 1.0;
  o.max_elapsed_time = seconds(30);
  EXPECT_TRUE(ValidateRetryOptions(o).ok());
  o.max_elapsed_time = Duration::zero();
  EXPECT_TRUE(ValidateRetryOptions(o).ok());
  // A disabled config is not validated (Collector behaviour).
  o = RetryOptions{};
  o.enabled = false;
  o.multiplier = -3;
  EXPECT_TRUE(ValidateRetryOptions(o).ok());
}

}  // namespace
}  // namespace tracesim::pipeline
