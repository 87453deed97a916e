// Side-by-side comparison of the variants of one scenario (scenario.h
// VariantSpec: the same scenario with some keys changed, each variant run in
// its own process), e.g. sampling strategies. Three views of the same
// figures: a plain-text table for stdout, variants.json (schema
// tracesim.variants/v1, docs/results-schema.md) and a variants page in HTML.
//
// The figures of each variant, from its Results:
//   stored spans               spans.stored
//   kept traces                traces.kept
//   error traces kept          sampling.error_traces_kept / sampling.error_traces (n/a when 0)
//   slow traces kept           sampling.slow_traces_kept / sampling.slow_traces (n/a when 0)
//   broken traces              traces.broken
//   bytes per kept trace       sampling.bytes_per_kept_trace (n/a when no trace was kept)
//   RED p99 relative error     the largest finite sampling.red[].p99_rel_error and its service
//                              (the first in scenario order on a tie; n/a when there is none)
//   overhead cpu               overhead.cpu_pct (n/a when not measured)
//   request p99                request_latency.p99_ms (n/a when no request completed)
//
// Every function is deterministic and pure. `runs` holds (variant name,
// results) in the scenario's variant order.
// REQUIRES: names are unique and non-empty. The writer of these files puts
// each variant's outputs in a directory named after it, next to the variants
// file: <name>/results.json and <name>/report.html (the links refer there).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "tracesim/reports/results.h"

namespace tracesim::reports {

inline constexpr const char* kVariantsSchema = "tracesim.variants/v1";

// A table with one column per variant and one row per figure, preceded by a
// title line naming the scenario. "no variants" when `runs` is empty.
std::string FormatVariantComparison(const std::vector<std::pair<std::string, Results>>& runs);

// variants.json: {schema, scenario, variants: [{name, sampler, results_file,
// summary: {...}}]}, pretty-printed like results.json (fixed key order,
// non-finite and undefined figures as null, final newline). `scenario` is the
// first run's scenario name ("" when `runs` is empty).
std::string ToVariantsJson(const std::vector<std::pair<std::string, Results>>& runs);

// A self-contained HTML page (inline CSS, no scripts) with the comparison
// table; each variant's name links to <name>/report.html. Every string is
// HTML-escaped; link targets are percent-encoded.
std::string ToVariantsHtml(const std::vector<std::pair<std::string, Results>>& runs);

}  // namespace tracesim::reports
