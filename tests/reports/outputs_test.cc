#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "sample_results.h"
#include "tracesim/reports/writers.h"

namespace tracesim::reports {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using testing::SampleResults;

std::string ReadAll(const fs::path& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

// A fresh directory under the test temp dir, unique per test.
fs::path FreshDir(const std::string& name) {
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  fs::path dir = fs::path(::testing::TempDir()) / (std::string("tracesim_reports_") + info->name()) / name;
  fs::remove_all(dir);
  return dir;
}

TEST(WriteRunOutputsTest, WritesTheThreeFilesIntoANewDirectory) {
  const Results r = SampleResults();
  const fs::path dir = FreshDir("nested/run-1");  // parents are created too
  const Status s = WriteRunOutputs(r, dir.string());
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(ReadAll(dir / "results.json"), ToJson(r));
  EXPECT_EQ(ReadAll(dir / "timeseries.csv"), ToTimeSeriesCsv(r));
  EXPECT_EQ(ReadAll(dir / "report.html"), ToHtmlReport(r));
  // No temporary files are left behind.
  int files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    ++files;
    EXPECT_EQ(entry.path().extension().string().find("tmp"), std::string::npos) << entry.path();
  }
  EXPECT_EQ(files, 3);
}

TEST(WriteRunOutputsTest, OverwritesAnExistingRun) {
  const fs::path dir = FreshDir("run");
  Results r = SampleResults();
  ASSERT_TRUE(WriteRunOutputs(r, dir.string()).ok());
  r.seed = 7;
  ASSERT_TRUE(WriteRunOutputs(r, dir.string()).ok());
  StatusOr<Results> back = ReadResultsFile((dir / "results.json").string());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->seed, 7u);
}

TEST(WriteRunOutputsTest, ReadBackEqualsWhatWasWritten) {
  const fs::path dir = FreshDir("run");
  const Results r = SampleResults();
  ASSERT_TRUE(WriteRunOutputs(r, dir.string()).ok());
  StatusOr<Results> back = ReadResultsFile((dir / "results.json").string());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(ToJson(*back), ToJson(r));
}

TEST(WriteRunOutputsTest, ErrorForADirectoryUnderARegularFile) {
  const fs::path base = FreshDir("base");
  fs::create_directories(base);
  const fs::path file = base / "a-file";
  std::ofstream(file) << "x";
  const std::string dir = (file / "out").string();
  const Status s = WriteRunOutputs(SampleResults(), dir);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr(dir));
}

TEST(WriteRunOutputsTest, ErrorWhenTheDirectoryIsARegularFile) {
  const fs::path base = FreshDir("base");
  fs::create_directories(base);
  const fs::path file = base / "a-file";
  std::ofstream(file) << "x";
  const Status s = WriteRunOutputs(SampleResults(), file.string());
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr(file.string()));
  EXPECT_THAT(s.message(), HasSubstr("ot a directory"));  // "Not a directory" from the OS, or ours
}

TEST(WriteRunOutputsTest, ErrorNamesTheFileThatCouldNotBeWritten) {
  const fs::path dir = FreshDir("run");
  fs::create_directories(dir / "results.json");  // a directory where the file should go
  std::ofstream(dir / "results.json" / "keep") << "x";
  const Status s = WriteRunOutputs(SampleResults(), dir.string());
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr((dir / "results.json").string()));
}

TEST(WriteRunOutputsTest, EmptyPathIsRejected) {
  const Status s = WriteRunOutputs(SampleResults(), "");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
}

TEST(ReadResultsFileTest, MissingFile) {
  const fs::path path = FreshDir("none") / "results.json";
  StatusOr<Results> r = ReadResultsFile(path.string());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(r.status().message(), path.string() + ": no such file");
}

TEST(ReadResultsFileTest, ADirectory) {
  const fs::path dir = FreshDir("dir");
  fs::create_directories(dir);
  StatusOr<Results> r = ReadResultsFile(dir.string());
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("is a directory"));
}

TEST(ReadResultsFileTest, ParseErrorsNameThePathAndTheField) {
  const fs::path dir = FreshDir("bad");
  fs::create_directories(dir);
  std::string text = ToJson(SampleResults());
  const std::string needle = "\"generated\": 240000";
  text.replace(text.find(needle), needle.size(), "\"generated\": \"lots\"");
  std::ofstream(dir / "results.json") << text;
  StatusOr<Results> r = ReadResultsFile((dir / "results.json").string());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            (dir / "results.json").string() + ": spans.generated: expected an unsigned integer");
}

}  // namespace
}  // namespace tracesim::reports
