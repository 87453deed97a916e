// Files of a run: results.json, timeseries.csv, report.html.
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <system_error>

#include "json_internal.h"
#include "tracesim/reports/writers.h"

namespace tracesim::reports {
namespace {

namespace fs = std::filesystem;

// Writes `content` to `path` through a temporary file and a rename, so that a
// reader never sees a half-written file.
Status WriteFile(const fs::path& path, const std::string& content) {
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (!f) {
      return Status::FailedPrecondition("cannot write " + path.string() + ": " + std::strerror(errno));
    }
    f.write(content.data(), static_cast<std::streamsize>(content.size()));
    f.close();
    if (!f) {
      std::error_code ignored;
      fs::remove(tmp, ignored);
      return Status::FailedPrecondition("cannot write " + path.string() + ": write failed");
    }
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    return Status::FailedPrecondition("cannot write " + path.string() + ": " + ec.message());
  }
  return Status::Ok();
}

}  // namespace

Status WriteRunOutputs(const Results& results, const std::string& dir) {
  if (dir.empty()) return Status::InvalidArgument("output directory: empty path");
  const fs::path d(dir);
  std::error_code ec;
  fs::create_directories(d, ec);
  if (ec) return Status::FailedPrecondition("cannot create output directory " + dir + ": " + ec.message());
  if (!fs::is_directory(d, ec)) {
    return Status::FailedPrecondition("cannot create output directory " + dir + ": not a directory");
  }
  if (Status s = WriteFile(d / "results.json", ToJson(results)); !s.ok()) return s;
  if (Status s = WriteFile(d / "timeseries.csv", ToTimeSeriesCsv(results)); !s.ok()) return s;
  return WriteFile(d / "report.html", ToHtmlReport(results));
}

StatusOr<Results> ReadResultsFile(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return Status::NotFound(path + ": no such file");
  if (fs::is_directory(path, ec))
    return Status::InvalidArgument(path + ": is a directory, expected results.json");
  std::ifstream f(path, std::ios::binary);
  if (!f) return Status::FailedPrecondition("cannot read " + path + ": " + std::strerror(errno));
  std::ostringstream text;
  text << f.rdbuf();
  if (f.bad()) return Status::FailedPrecondition("cannot read " + path + ": read failed");
  return internal::ParseResultsJsonNamed(text.str(), path);
}

}  // namespace tracesim::reports
