// Rate files: a request rate over time, for the `rate_file` arrival process
// (docs/workload.md).
//
// Format (CSV, UTF-8, an optional byte-order mark is ignored):
//
//   # comment lines start with '#' (after optional spaces); blank lines are skipped
//   time_s,rate_per_s          <- the header, required, first non-comment line
//   0,120                      <- time in seconds (>= 0), rate in requests per second (>= 0)
//   3600,95.5                  <- times strictly increasing
//
// Fields may carry surrounding spaces or tabs; numbers are plain decimal or
// scientific notation ("1e3"), parsed independently of the locale; infinities
// and NaN are rejected. Line endings may be LF or CRLF.
//
// Every error message names the source and the 1-based line:
// "<name>:<line>: <what is wrong> (expected ...)". A file that cannot be read
// gives "<path>: cannot open rate file: <reason>".
//
// Thread-safety: all functions are thread-safe (no shared state).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tracesim/status.h"

namespace tracesim::scenario {

// One point of a rate curve: from `time_s` on (and up to the next point, by
// the interpolation the workload chooses) requests arrive at `rate_per_s`.
struct RatePoint {
  double time_s = 0;      // seconds since the start of the workload, >= 0
  double rate_per_s = 0;  // requests per second, >= 0

  friend bool operator==(const RatePoint&, const RatePoint&) = default;
};

// The exact header line (after trimming spaces around each field).
inline constexpr std::string_view kRateFileHeader = "time_s,rate_per_s";

// Parses rate-file text. `name` is the source name used in error messages
// (usually the path). On success the result holds at least one point, with
// times strictly increasing and all values finite and >= 0.
StatusOr<std::vector<RatePoint>> ParseRateCsv(std::string_view text, const std::string& name);

// Reads and parses the file at `path` (errors are prefixed with `path`).
StatusOr<std::vector<RatePoint>> LoadRateFile(const std::string& path);

}  // namespace tracesim::scenario
