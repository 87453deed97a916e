// Writers for a run's results: results.json, timeseries.csv, report.html, and
// the summary table printed on stdout.
#pragma once

#include <string>

#include "tracesim/reports/results.h"
#include "tracesim/status.h"

namespace tracesim::reports {

// Deterministic JSON text (stable key order, fixed float formatting).
std::string ToJson(const Results& results);
// Parses what ToJson wrote. Errors name the missing or mistyped field.
StatusOr<Results> ParseResultsJson(const std::string& text);

std::string ToTimeSeriesCsv(const Results& results);
// A self-contained HTML page (inline CSS and SVG charts, no network).
std::string ToHtmlReport(const Results& results);
// The short table printed after a run.
std::string FormatSummary(const Results& results);

// Writes results.json, timeseries.csv and report.html into `dir` (created if
// missing). Errors name the file.
Status WriteRunOutputs(const Results& results, const std::string& dir);
StatusOr<Results> ReadResultsFile(const std::string& path);

}  // namespace tracesim::reports
