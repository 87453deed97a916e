#include "tracesim/scenario/rate_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

namespace tracesim::scenario {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// The error message of a parse that must fail ("" and a test failure otherwise).
std::string ErrorOf(std::string_view text) {
  StatusOr<std::vector<RatePoint>> r = ParseRateCsv(text, "r.csv");
  EXPECT_FALSE(r.ok()) << "parsed: " << text;
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  return r.status().message();
}

TEST(ParseRateCsvTest, ParsesPointsSkippingCommentsAndBlankLines) {
  const std::string text =
      "# a day of traffic\n"
      "\n"
      "time_s,rate_per_s\n"
      "0,120\n"
      "   # indented comment\n"
      "3600, 95.5\n"
      "\t\n"
      "7200 ,1e3\n"
      "10800,0\n";
  StatusOr<std::vector<RatePoint>> r = ParseRateCsv(text, "r.csv");
  ASSERT_TRUE(r.ok()) << r.status().message();
  const std::vector<RatePoint> want = {{0, 120}, {3600, 95.5}, {7200, 1000}, {10800, 0}};
  EXPECT_EQ(*r, want);
}

TEST(ParseRateCsvTest, AcceptsCrlfByteOrderMarkSpacesAndNoFinalNewline) {
  StatusOr<std::vector<RatePoint>> r =
      ParseRateCsv("\xEF\xBB\xBF time_s , rate_per_s \r\n0.5,2\r\n1.25,3.75", "r.csv");
  ASSERT_TRUE(r.ok()) << r.status().message();
  const std::vector<RatePoint> want = {{0.5, 2}, {1.25, 3.75}};
  EXPECT_EQ(*r, want);
}

TEST(ParseRateCsvTest, OnePointIsEnough) {
  StatusOr<std::vector<RatePoint>> r = ParseRateCsv("time_s,rate_per_s\n60,10\n", "r.csv");
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0], (RatePoint{60, 10}));
}

TEST(ParseRateCsvTest, EmptyFile) {
  EXPECT_EQ(
      ErrorOf(""),
      "r.csv:1: empty rate file (expected the header line \"time_s,rate_per_s\" followed by at least one "
      "data line)");
  EXPECT_THAT(ErrorOf("# only\n\n# comments\n"), StartsWith("r.csv:3: empty rate file (expected"));
}

TEST(ParseRateCsvTest, HeaderWithoutData) {
  EXPECT_EQ(ErrorOf("# c\ntime_s,rate_per_s\n\n"),
            "r.csv:2: no data lines after the header (expected at least one line \"<time_s>,<rate_per_s>\")");
}

TEST(ParseRateCsvTest, MissingHeader) {
  EXPECT_THAT(ErrorOf("# no header\n0,10\n60,20\n"),
              StartsWith("r.csv:2: missing header before the first data line (expected the header line "
                         "\"time_s,rate_per_s\""));
  EXPECT_THAT(ErrorOf("-1,10\n"), StartsWith("r.csv:1: missing header"));
}

TEST(ParseRateCsvTest, UnknownHeader) {
  EXPECT_EQ(ErrorOf("time,rate\n0,1\n"),
            "r.csv:1: unknown header \"time,rate\" (expected the header line \"time_s,rate_per_s\": time in "
            "seconds, rate in requests per second)");
  EXPECT_THAT(ErrorOf("rate_per_s,time_s\n"), StartsWith("r.csv:1: unknown header \"rate_per_s,time_s\""));
  EXPECT_THAT(ErrorOf("time_s,rate_per_s,extra\n"), StartsWith("r.csv:1: unknown header"));
  EXPECT_THAT(ErrorOf("Time_s,Rate_per_s\n"), StartsWith("r.csv:1: unknown header"));
}

TEST(ParseRateCsvTest, WrongColumnCount) {
  EXPECT_EQ(ErrorOf("time_s,rate_per_s\n0,1\n60,2,3\n"),
            "r.csv:3: wrong number of columns: 3 (expected 2 columns: time_s,rate_per_s)");
  EXPECT_EQ(ErrorOf("time_s,rate_per_s\n60\n"),
            "r.csv:2: wrong number of columns: 1 (expected 2 columns: time_s,rate_per_s)");
  EXPECT_THAT(ErrorOf("time_s,rate_per_s\n0,1,\n"), StartsWith("r.csv:2: wrong number of columns: 3"));
}

TEST(ParseRateCsvTest, NonNumericValues) {
  EXPECT_EQ(ErrorOf("time_s,rate_per_s\n1h,10\n"),
            "r.csv:2: time_s \"1h\" is not a number (expected a finite time in seconds, e.g. 3600)");
  EXPECT_EQ(
      ErrorOf("time_s,rate_per_s\n0,10\n60,ten\n"),
      "r.csv:3: rate_per_s \"ten\" is not a number (expected a finite rate in requests per second, e.g. "
      "120.5)");
  EXPECT_THAT(ErrorOf("time_s,rate_per_s\n0,\n"), StartsWith("r.csv:2: rate_per_s \"\" is not a number"));
  EXPECT_THAT(ErrorOf("time_s,rate_per_s\n0,nan\n"),
              StartsWith("r.csv:2: rate_per_s \"nan\" is not a number"));
  EXPECT_THAT(ErrorOf("time_s,rate_per_s\ninf,1\n"), StartsWith("r.csv:2: time_s \"inf\" is not a number"));
  EXPECT_THAT(ErrorOf("time_s,rate_per_s\n1e999,1\n"),
              StartsWith("r.csv:2: time_s \"1e999\" is not a number"));
  EXPECT_THAT(ErrorOf("time_s,rate_per_s\n0,5 # five\n"), StartsWith("r.csv:2: rate_per_s \"5 # five\""));
}

TEST(ParseRateCsvTest, NegativeValues) {
  EXPECT_EQ(ErrorOf("time_s,rate_per_s\n-5,10\n"), "r.csv:2: negative time_s -5 (expected time_s >= 0)");
  EXPECT_EQ(ErrorOf("time_s,rate_per_s\n0,10\n60,-0.5\n"),
            "r.csv:3: negative rate_per_s -0.5 (expected rate_per_s >= 0)");
}

TEST(ParseRateCsvTest, TimesMustStrictlyIncrease) {
  EXPECT_EQ(ErrorOf("time_s,rate_per_s\n0,1\n# gap\n60,2\n60,3\n"),
            "r.csv:5: time_s 60 is not after 60 on line 4 (expected strictly increasing times)");
  EXPECT_EQ(ErrorOf("time_s,rate_per_s\n0,1\n120,2\n90.5,3\n"),
            "r.csv:4: time_s 90.5 is not after 120 on line 3 (expected strictly increasing times)");
}

TEST(LoadRateFileTest, MissingFile) {
  const std::string path = ::testing::TempDir() + "/no-such-dir/rates.csv";
  StatusOr<std::vector<RatePoint>> r = LoadRateFile(path);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(r.status().message(), StartsWith(path + ": cannot open rate file: "));
  EXPECT_THAT(r.status().message(), HasSubstr("time_s,rate_per_s"));
}

TEST(LoadRateFileTest, ReadsAFileAndNamesItInErrors) {
  const std::string path = ::testing::TempDir() + "/rate_file_test_good.csv";
  std::FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  std::fputs("time_s,rate_per_s\n0,5\n30,7.5\n", f);
  std::fclose(f);
  StatusOr<std::vector<RatePoint>> r = LoadRateFile(path);
  ASSERT_TRUE(r.ok()) << r.status().message();
  const std::vector<RatePoint> want = {{0, 5}, {30, 7.5}};
  EXPECT_EQ(*r, want);

  const std::string bad = ::testing::TempDir() + "/rate_file_test_bad.csv";
  f = std::fopen(bad.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  std::fputs("time_s,rate_per_s\n0,5\n30,x\n", f);
  std::fclose(f);
  StatusOr<std::vector<RatePoint>> e = LoadRateFile(bad);
  ASSERT_FALSE(e.ok());
  EXPECT_THAT(e.status().message(), StartsWith(bad + ":3: rate_per_s \"x\" is not a number"));
  std::remove(path.c_str());
  std::remove(bad.c_str());
}

TEST(LoadRateFileTest, ADirectoryIsAnError) {
  StatusOr<std::vector<RatePoint>> r = LoadRateFile(::testing::TempDir());
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("rate file"));
}

TEST(LoadRateFileTest, ExampleDayFileIsHourlyOverOneDay) {
  StatusOr<std::vector<RatePoint>> r = LoadRateFile(TRACESIM_SOURCE_DIR "/scenarios/rates/example-day.csv");
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 24u);
  for (size_t i = 0; i < r->size(); ++i) {
    EXPECT_EQ((*r)[i].time_s, 3600.0 * i);
    EXPECT_GT((*r)[i].rate_per_s, 0);
  }
  // A daily shape: the night trough is well below the daytime peak.
  EXPECT_LT((*r)[4].rate_per_s * 4, (*r)[14].rate_per_s);
}

}  // namespace
}  // namespace tracesim::scenario
