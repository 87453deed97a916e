#include "tracesim/scenario/rate_file.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <optional>

#include "read_file.h"

namespace tracesim::scenario {
namespace {

constexpr std::string_view kHeaderHint = "expected the header line \"time_s,rate_per_s\"";

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> SplitFields(std::string_view line) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  while (true) {
    const size_t comma = line.find(',', start);
    if (comma == std::string_view::npos) {
      fields.push_back(Trim(line.substr(start)));
      return fields;
    }
    fields.push_back(Trim(line.substr(start, comma - start)));
    start = comma + 1;
  }
}

// The whole field as a finite double, or nullopt.
std::optional<double> ParseNumber(std::string_view field) {
  double v = 0;
  const char* first = field.data();
  const char* last = field.data() + field.size();
  const auto [ptr, ec] = std::from_chars(first, last, v, std::chars_format::general);
  if (field.empty() || ec != std::errc() || ptr != last || !std::isfinite(v)) return std::nullopt;
  return v;
}

bool StartsWithDigitOrSign(std::string_view s) {
  return !s.empty() && ((s[0] >= '0' && s[0] <= '9') || s[0] == '-' || s[0] == '+' || s[0] == '.');
}

std::string Quote(std::string_view s) {
  constexpr size_t kMax = 40;
  std::string q = "\"";
  q.append(s.substr(0, kMax));
  if (s.size() > kMax) q += "...";
  q += '"';
  return q;
}

// The shortest spelling that reads back as the same double ("60", "90.5").
std::string FormatNumber(double v) {
  char buf[32];
  const auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, ec == std::errc() ? ptr : buf);
}

class Parser {
 public:
  explicit Parser(const std::string& name) : name_(name) {}

  Status Error(int line, const std::string& what) const {
    return Status::InvalidArgument(name_ + ":" + std::to_string(line) + ": " + what);
  }

  StatusOr<std::vector<RatePoint>> Parse(std::string_view text) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 byte-order mark
    std::vector<RatePoint> points;
    bool have_header = false;
    int header_line = 0;
    int line_no = 0;
    int previous_line = 0;
    size_t pos = 0;
    while (pos < text.size()) {
      const size_t nl = text.find('\n', pos);
      const std::string_view raw =
          text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
      pos = nl == std::string_view::npos ? text.size() : nl + 1;
      ++line_no;
      const std::string_view line = Trim(raw);
      if (line.empty() || line.front() == '#') continue;

      const std::vector<std::string_view> fields = SplitFields(line);
      if (!have_header) {
        if (fields.size() == 2 && fields[0] == "time_s" && fields[1] == "rate_per_s") {
          have_header = true;
          header_line = line_no;
          continue;
        }
        if (StartsWithDigitOrSign(fields[0])) {
          return Error(line_no, "missing header before the first data line (" + std::string(kHeaderHint) +
                                    " as the first line that is not a comment)");
        }
        return Error(line_no, "unknown header " + Quote(line) + " (" + std::string(kHeaderHint) +
                                  ": time in seconds, rate in requests per second)");
      }

      if (fields.size() != 2) {
        return Error(line_no, "wrong number of columns: " + std::to_string(fields.size()) +
                                  " (expected 2 columns: time_s,rate_per_s)");
      }
      const std::optional<double> time = ParseNumber(fields[0]);
      if (!time) {
        return Error(line_no, "time_s " + Quote(fields[0]) +
                                  " is not a number (expected a finite time in seconds, e.g. 3600)");
      }
      const std::optional<double> rate = ParseNumber(fields[1]);
      if (!rate) {
        return Error(line_no,
                     "rate_per_s " + Quote(fields[1]) +
                         " is not a number (expected a finite rate in requests per second, e.g. 120.5)");
      }
      if (*time < 0) {
        return Error(line_no, "negative time_s " + FormatNumber(*time) + " (expected time_s >= 0)");
      }
      if (*rate < 0) {
        return Error(line_no, "negative rate_per_s " + FormatNumber(*rate) + " (expected rate_per_s >= 0)");
      }
      if (!points.empty() && *time <= points.back().time_s) {
        return Error(line_no, "time_s " + FormatNumber(*time) + " is not after " +
                                  FormatNumber(points.back().time_s) + " on line " +
                                  std::to_string(previous_line) + " (expected strictly increasing times)");
      }
      points.push_back(RatePoint{*time, *rate});
      previous_line = line_no;
    }
    if (!have_header) {
      return Error(line_no == 0 ? 1 : line_no,
                   "empty rate file (" + std::string(kHeaderHint) + " followed by at least one data line)");
    }
    if (points.empty()) {
      return Error(header_line,
                   "no data lines after the header (expected at least one line \"<time_s>,<rate_per_s>\")");
    }
    return points;
  }

 private:
  const std::string& name_;
};

}  // namespace

StatusOr<std::vector<RatePoint>> ParseRateCsv(std::string_view text, const std::string& name) {
  return Parser(name).Parse(text);
}

StatusOr<std::vector<RatePoint>> LoadRateFile(const std::string& path) {
  std::string text;
  if (internal::ReadFailure failure; !internal::ReadWholeFile(path, &text, &failure)) {
    std::string msg = path + ": cannot " + failure.step + " rate file: " + std::strerror(failure.error);
    if (std::string(failure.step) == "open")
      msg += " (expected a CSV file with the header \"time_s,rate_per_s\")";
    return failure.error == ENOENT ? Status::NotFound(msg) : Status::InvalidArgument(msg);
  }
  return ParseRateCsv(text, path);
}

}  // namespace tracesim::scenario
