#include "tracesim/scenario/units.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace tracesim::scenario {
namespace {

using std::chrono::hours;
using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::nanoseconds;
using std::chrono::seconds;

Duration MustDuration(std::string_view text) {
  StatusOr<Duration> d = ParseDuration(text);
  EXPECT_TRUE(d.ok()) << text << ": " << d.status().message();
  return d.ok() ? *d : Duration(-1);
}

std::string DurationError(std::string_view text) {
  StatusOr<Duration> d = ParseDuration(text);
  EXPECT_FALSE(d.ok()) << text << " parsed as " << (d.ok() ? d->count() : 0) << " ns";
  if (!d.ok()) {
    EXPECT_EQ(d.status().code(), StatusCode::kInvalidArgument);
  }
  return d.ok() ? std::string() : d.status().message();
}

TEST(ParseDurationTest, EveryUnit) {
  EXPECT_EQ(MustDuration("7ns"), nanoseconds(7));
  EXPECT_EQ(MustDuration("50us"), microseconds(50));
  EXPECT_EQ(MustDuration("50\xC2\xB5s"), microseconds(50));  // µs, as Go writes it
  EXPECT_EQ(MustDuration("200ms"), milliseconds(200));
  EXPECT_EQ(MustDuration("5s"), seconds(5));
  EXPECT_EQ(MustDuration("3m"), minutes(3));
  EXPECT_EQ(MustDuration("2h"), hours(2));
}

TEST(ParseDurationTest, BareNumberIsSeconds) {
  EXPECT_EQ(MustDuration("60"), seconds(60));
  EXPECT_EQ(MustDuration("0"), Duration(0));
  EXPECT_EQ(MustDuration("0.25"), milliseconds(250));
  EXPECT_EQ(MustDuration("1e-3"), milliseconds(1));
}

TEST(ParseDurationTest, FractionsAndCompoundTerms) {
  EXPECT_EQ(MustDuration("1.5s"), milliseconds(1500));
  EXPECT_EQ(MustDuration(".5ms"), microseconds(500));
  EXPECT_EQ(MustDuration("1m30s"), seconds(90));
  EXPECT_EQ(MustDuration("1h2m3.5s"), milliseconds(3723500));
  EXPECT_EQ(MustDuration("  5 ms "), milliseconds(5));
  EXPECT_EQ(MustDuration("+5s"), seconds(5));
  // Rounded to the nearest nanosecond.
  EXPECT_EQ(MustDuration("1.4ns"), nanoseconds(1));
  EXPECT_EQ(MustDuration("1.6ns"), nanoseconds(2));
}

TEST(ParseDurationTest, RejectsBadText) {
  EXPECT_NE(DurationError("").find("empty duration"), std::string::npos);
  EXPECT_NE(DurationError("-5s").find("must not be negative"), std::string::npos);
  EXPECT_NE(DurationError("30sec").find("unknown unit 'sec'"), std::string::npos);
  EXPECT_NE(DurationError("5S").find("unknown unit 'S'"), std::string::npos);
  EXPECT_NE(DurationError("fast").find("not a duration"), std::string::npos);
  EXPECT_NE(DurationError("1m30").find("missing unit"), std::string::npos);
  EXPECT_NE(DurationError("5s x").find("not a duration"), std::string::npos);
  EXPECT_NE(DurationError("inf").find("not a duration"), std::string::npos);
  EXPECT_NE(DurationError("nan s").find("not a duration"), std::string::npos);
  EXPECT_NE(DurationError("1e30h").find("too large"), std::string::npos);
  EXPECT_NE(DurationError("300y").find("unknown unit 'y'"), std::string::npos);
}

TEST(ParseDurationTest, MessageListsTheUnits) {
  std::string msg = DurationError("3 days");
  EXPECT_NE(msg.find("ns, us, ms, s, m or h"), std::string::npos) << msg;
}

TEST(ParseBandwidthTest, BitsAndBytes) {
  auto bw = [](std::string_view t) {
    StatusOr<double> v = ParseBandwidth(t);
    EXPECT_TRUE(v.ok()) << t << ": " << v.status().message();
    return v.ok() ? *v : -1.0;
  };
  EXPECT_DOUBLE_EQ(bw("1Gbps"), 1.25e8);
  EXPECT_DOUBLE_EQ(bw("125MBps"), 1.25e8);
  EXPECT_DOUBLE_EQ(bw("10Mbps"), 1.25e6);
  EXPECT_DOUBLE_EQ(bw("8bps"), 1.0);
  EXPECT_DOUBLE_EQ(bw("100Kbps"), 12500.0);
  EXPECT_DOUBLE_EQ(bw("100kbps"), 12500.0);
  EXPECT_DOUBLE_EQ(bw("2KBps"), 2000.0);
  EXPECT_DOUBLE_EQ(bw("1GBps"), 1e9);
  EXPECT_DOUBLE_EQ(bw("1Tbps"), 1.25e11);
  EXPECT_DOUBLE_EQ(bw("1000"), 1000.0);  // a bare number is bytes/s
  EXPECT_DOUBLE_EQ(bw("1.5 Gbps"), 1.875e8);
  EXPECT_DOUBLE_EQ(bw("0"), 0.0);  // range checks are the caller's
}

TEST(ParseBandwidthTest, RejectsBadText) {
  for (const char* bad : {"", "1Gb", "1gbps", "1 Gb/s", "fast", "-1Gbps", "1Gbps!", "Gbps"}) {
    StatusOr<double> v = ParseBandwidth(bad);
    EXPECT_FALSE(v.ok()) << bad;
  }
  StatusOr<double> v = ParseBandwidth("1Gb");
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("unknown unit 'Gb'"), std::string::npos) << v.status().message();
  EXPECT_NE(v.status().message().find("Gbps"), std::string::npos);
}

TEST(ParseSpeedTest, Units) {
  auto sp = [](std::string_view t) {
    StatusOr<double> v = ParseSpeed(t);
    EXPECT_TRUE(v.ok()) << t << ": " << v.status().message();
    return v.ok() ? *v : -1.0;
  };
  EXPECT_DOUBLE_EQ(sp("2Gf"), 2e9);
  EXPECT_DOUBLE_EQ(sp("500Mf"), 5e8);
  EXPECT_DOUBLE_EQ(sp("1kf"), 1e3);
  EXPECT_DOUBLE_EQ(sp("1Kf"), 1e3);
  EXPECT_DOUBLE_EQ(sp("1Tf"), 1e12);
  EXPECT_DOUBLE_EQ(sp("3f"), 3.0);
  EXPECT_DOUBLE_EQ(sp("1e9"), 1e9);
  for (const char* bad : {"2GHz", "", "-1Gf", "fast", "1e999Gf"}) {
    EXPECT_FALSE(ParseSpeed(bad).ok()) << bad;
  }
}

TEST(FormatTest, Durations) {
  EXPECT_EQ(FormatDuration(Duration(0)), "0s");
  EXPECT_EQ(FormatDuration(milliseconds(200)), "200ms");
  EXPECT_EQ(FormatDuration(milliseconds(1500)), "1.5s");
  EXPECT_EQ(FormatDuration(seconds(90)), "90s");
  EXPECT_EQ(FormatDuration(minutes(2)), "2m");
  EXPECT_EQ(FormatDuration(hours(2)), "2h");
  EXPECT_EQ(FormatDuration(microseconds(50)), "50us");
  EXPECT_EQ(FormatDuration(nanoseconds(1)), "1ns");
  EXPECT_EQ(FormatDuration(nanoseconds(1500)), "1.5us");
  EXPECT_EQ(FormatDuration(-milliseconds(5)), "-5ms");
}

TEST(FormatTest, DurationsRoundTrip) {
  const std::vector<Duration> values = {nanoseconds(1),
                                        nanoseconds(999),
                                        microseconds(50),
                                        milliseconds(1),
                                        milliseconds(1500),
                                        seconds(1),
                                        seconds(59),
                                        seconds(61),
                                        minutes(59),
                                        hours(25),
                                        nanoseconds(123456789),
                                        seconds(30) + nanoseconds(7)};
  for (Duration d : values) {
    std::string text = FormatDuration(d);
    EXPECT_EQ(MustDuration(text), d) << text;
  }
}

TEST(FormatTest, BandwidthAndSpeed) {
  EXPECT_EQ(FormatBandwidth(1.25e8), "1Gbps");
  EXPECT_EQ(FormatBandwidth(1.25e6), "10Mbps");
  EXPECT_EQ(FormatBandwidth(1.875e8), "1.5Gbps");
  EXPECT_EQ(FormatBandwidth(125.0), "1Kbps");
  EXPECT_EQ(FormatBandwidth(0.5), "4bps");
  EXPECT_EQ(FormatSpeed(2e9), "2Gf");
  EXPECT_EQ(FormatSpeed(5e8), "500Mf");
  EXPECT_EQ(FormatSpeed(3.0), "3f");
  for (double bw : {1.25e8, 1.875e8, 12500.0, 1.0}) {
    StatusOr<double> back = ParseBandwidth(FormatBandwidth(bw));
    ASSERT_TRUE(back.ok());
    EXPECT_DOUBLE_EQ(*back, bw);
  }
}

TEST(ParseByteSizeTest, BinaryAndDecimalUnits) {
  auto size = [](std::string_view text) {
    StatusOr<uint64_t> v = ParseByteSize(text);
    EXPECT_TRUE(v.ok()) << text << ": " << v.status().message();
    return v.ok() ? *v : ~uint64_t{0};
  };
  EXPECT_EQ(size("512"), 512u);
  EXPECT_EQ(size("512B"), 512u);
  EXPECT_EQ(size("1KiB"), 1024u);
  EXPECT_EQ(size("1.5KiB"), 1536u);
  EXPECT_EQ(size("2MiB"), 2u * 1024 * 1024);
  EXPECT_EQ(size("2GiB"), 2147483648u);
  EXPECT_EQ(size("1TiB"), 1099511627776u);
  EXPECT_EQ(size("1kB"), 1000u);
  EXPECT_EQ(size("1KB"), 1000u);
  EXPECT_EQ(size("3MB"), 3000000u);
  EXPECT_EQ(size("1GB"), 1000000000u);
  EXPECT_EQ(size("2TB"), 2000000000000u);
  EXPECT_EQ(size(" 4 GiB "), 4294967296u);
}

TEST(ParseByteSizeTest, Errors) {
  auto error = [](std::string_view text) {
    StatusOr<uint64_t> v = ParseByteSize(text);
    EXPECT_FALSE(v.ok()) << text;
    return v.ok() ? std::string() : v.status().message();
  };
  EXPECT_NE(error("2Gb").find("unknown unit 'Gb'"), std::string::npos);
  EXPECT_NE(error("-1MiB").find("must not be negative"), std::string::npos);
  EXPECT_NE(error("").find("empty size"), std::string::npos);
  EXPECT_NE(error("0.5B").find("not a whole number of bytes"), std::string::npos);
  EXPECT_NE(error("16777216TiB").find("too large"), std::string::npos);
  EXPECT_NE(error("GiB").find("must start with a number"), std::string::npos);
}

}  // namespace
}  // namespace tracesim::scenario
