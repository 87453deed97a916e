// The variants of one scenario side by side: text table, variants.json
// (tracesim.variants/v1) and a variants page.
#include "tracesim/reports/comparison.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "format_util.h"
#include "html_style.h"
#include "json_internal.h"

namespace tracesim::reports {
namespace {

using Json = nlohmann::ordered_json;
using Runs = std::vector<std::pair<std::string, Results>>;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The compared figures of one variant; NaN (and an empty service) where a
// figure is not defined for the run.
struct Figures {
  uint64_t stored_spans = 0;
  uint64_t kept_traces = 0;
  double error_traces_kept_fraction = kNaN;
  double slow_traces_kept_fraction = kNaN;
  uint64_t broken_traces = 0;
  double bytes_per_kept_trace = kNaN;
  double red_p99_rel_error_max = kNaN;
  std::string red_p99_rel_error_max_service;
  double overhead_cpu_pct = kNaN;
  double request_p99_ms = kNaN;
};

double Fraction(uint64_t part, uint64_t whole) {
  return whole == 0 ? kNaN : static_cast<double>(part) / static_cast<double>(whole);
}

Figures FiguresOf(const Results& r) {
  Figures f;
  f.stored_spans = r.spans.stored;
  f.kept_traces = r.traces.kept;
  f.error_traces_kept_fraction = Fraction(r.sampling.error_traces_kept, r.sampling.error_traces);
  f.slow_traces_kept_fraction = Fraction(r.sampling.slow_traces_kept, r.sampling.slow_traces);
  f.broken_traces = r.traces.broken;
  if (r.traces.kept > 0) f.bytes_per_kept_trace = r.sampling.bytes_per_kept_trace;
  for (const ServiceRed& m : r.sampling.red) {
    // The first service with the largest finite error (scenario order breaks ties).
    if (std::isfinite(m.p99_rel_error) &&
        (std::isnan(f.red_p99_rel_error_max) || m.p99_rel_error > f.red_p99_rel_error_max)) {
      f.red_p99_rel_error_max = m.p99_rel_error;
      f.red_p99_rel_error_max_service = m.service;
    }
  }
  if (r.overhead.measured) f.overhead_cpu_pct = r.overhead.cpu_pct;
  if (r.request_latency.count > 0) f.request_p99_ms = r.request_latency.p99_ms;
  return f;
}

// The RED error beyond which the page marks a figure (as report.html does).
constexpr double kRedErrorMark = 0.10;

// One row of the table: a label and a cell per variant (plain text, not escaped).
struct Row {
  std::string label;
  std::vector<std::string> cells;
  std::vector<bool> off;  // per cell: mark it in the HTML page
};

std::vector<Row> Rows(const std::vector<Figures>& figures) {
  using internal::FormatBytes;
  using internal::FractionPct;
  using internal::Grouped;
  std::vector<Row> rows = {{"stored spans", {}, {}},
                           {"kept traces", {}, {}},
                           {"error traces kept", {}, {}},
                           {"slow traces kept", {}, {}},
                           {"broken traces", {}, {}},
                           {"bytes per kept trace", {}, {}},
                           {"RED p99 rel. error (max)", {}, {}},
                           {"overhead cpu", {}, {}},
                           {"request p99", {}, {}}};
  for (const Figures& f : figures) {
    const std::string red =
        std::isnan(f.red_p99_rel_error_max)
            ? std::string("n/a")
            : FractionPct(f.red_p99_rel_error_max) + " (" + f.red_p99_rel_error_max_service + ")";
    const std::string cells[] = {Grouped(f.stored_spans),
                                 Grouped(f.kept_traces),
                                 FractionPct(f.error_traces_kept_fraction),
                                 FractionPct(f.slow_traces_kept_fraction),
                                 Grouped(f.broken_traces),
                                 FormatBytes(f.bytes_per_kept_trace),
                                 red,
                                 internal::SignedPct(f.overhead_cpu_pct),
                                 internal::FormatMs(f.request_p99_ms)};
    for (size_t i = 0; i < rows.size(); ++i) {
      rows[i].cells.push_back(cells[i]);
      rows[i].off.push_back(i == 6 && f.red_p99_rel_error_max > kRedErrorMark);
    }
  }
  return rows;
}

std::vector<Figures> AllFigures(const Runs& runs) {
  std::vector<Figures> figures;
  figures.reserve(runs.size());
  for (const auto& [name, results] : runs) figures.push_back(FiguresOf(results));
  return figures;
}

std::string ScenarioName(const Runs& runs) {
  return runs.empty() ? std::string() : runs[0].second.scenario_name;
}

// Percent-encodes every byte outside RFC 3986's unreserved set, for a path segment of a link.
std::string PercentEncode(std::string_view segment) {
  std::string out;
  for (char c : segment) {
    const unsigned char u = static_cast<unsigned char>(c);
    if ((u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u == '-' || u == '.' ||
        u == '_' || u == '~') {
      out += c;
    } else {
      fmt::format_to(std::back_inserter(out), "%{:02X}", u);
    }
  }
  return out;
}

}  // namespace

std::string FormatVariantComparison(const Runs& runs) {
  if (runs.empty()) return "no variants\n";
  const std::vector<Row> rows = Rows(AllFigures(runs));
  size_t label_width = 0;
  for (const Row& row : rows) label_width = std::max(label_width, row.label.size());
  std::vector<size_t> widths;
  for (size_t v = 0; v < runs.size(); ++v) {
    size_t w = runs[v].first.size();
    for (const Row& row : rows) w = std::max(w, row.cells[v].size());
    widths.push_back(w);
  }
  std::string out = fmt::format("scenario {}: {} variant{}\n", ScenarioName(runs), runs.size(),
                                runs.size() == 1 ? "" : "s");
  // Three spaces between columns; the label column is left-aligned, the others right-aligned.
  auto line = [&](std::string_view label, auto cell) {
    std::string text = fmt::format("{:<{}}", label, label_width);
    for (size_t v = 0; v < runs.size(); ++v)
      fmt::format_to(std::back_inserter(text), "   {:>{}}", cell(v), widths[v]);
    while (!text.empty() && text.back() == ' ') text.pop_back();
    out += text;
    out += '\n';
  };
  line("", [&](size_t v) -> const std::string& { return runs[v].first; });
  for (const Row& row : rows) line(row.label, [&](size_t v) -> const std::string& { return row.cells[v]; });
  return out;
}

std::string ToVariantsJson(const Runs& runs) {
  using internal::JsonNumber;
  Json j = Json::object();
  j["schema"] = kVariantsSchema;
  j["scenario"] = ScenarioName(runs);
  Json variants = Json::array();
  for (const auto& [name, results] : runs) {
    const Figures f = FiguresOf(results);
    Json summary = Json::object();
    summary["stored_spans"] = f.stored_spans;
    summary["kept_traces"] = f.kept_traces;
    summary["error_traces_kept_fraction"] = JsonNumber(f.error_traces_kept_fraction);
    summary["slow_traces_kept_fraction"] = JsonNumber(f.slow_traces_kept_fraction);
    summary["broken_traces"] = f.broken_traces;
    summary["bytes_per_kept_trace"] = JsonNumber(f.bytes_per_kept_trace);
    summary["red_p99_rel_error_max"] = JsonNumber(f.red_p99_rel_error_max);
    summary["red_p99_rel_error_max_service"] =
        f.red_p99_rel_error_max_service.empty() ? Json(nullptr) : Json(f.red_p99_rel_error_max_service);
    summary["overhead_cpu_pct"] = JsonNumber(f.overhead_cpu_pct);
    summary["request_p99_ms"] = JsonNumber(f.request_p99_ms);
    Json v = Json::object();
    v["name"] = name;
    v["sampler"] = results.tracing_enabled ? Json(results.sampler) : Json(nullptr);
    v["results_file"] = name + "/results.json";
    v["summary"] = std::move(summary);
    variants.push_back(std::move(v));
  }
  j["variants"] = std::move(variants);
  return internal::PrettyJson(j);
}

std::string ToVariantsHtml(const Runs& runs) {
  using internal::HtmlEscape;
  const std::string scenario = ScenarioName(runs);
  std::string out;
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  fmt::format_to(std::back_inserter(out), "<title>tracesim variants: {}</title>\n", HtmlEscape(scenario));
  out += "<style>";
  out += internal::kReportStyle;
  out += "</style>\n</head>\n<body>\n<main>\n<header>\n";
  fmt::format_to(std::back_inserter(out), "<h1>{}</h1>\n",
                 HtmlEscape(scenario.empty() ? "(unnamed scenario)" : scenario));
  fmt::format_to(std::back_inserter(out),
                 "<p class=\"meta\">{} variant{} of the scenario, each run in its own process &middot; "
                 "schema <code>{}</code></p>\n</header>\n",
                 runs.size(), runs.size() == 1 ? "" : "s", kVariantsSchema);
  out += "<h2 id=\"comparison\">Variants side by side</h2>\n";
  if (runs.empty()) {
    out += "<p class=\"note\">No variants.</p>\n</main>\n</body>\n</html>\n";
    return out;
  }
  out += "<table>\n<tr><th></th>";
  for (const auto& [name, results] : runs) {
    fmt::format_to(std::back_inserter(out), "<th><a href=\"{}/report.html\">{}</a></th>",
                   HtmlEscape(PercentEncode(name)), HtmlEscape(name));
  }
  out += "</tr>\n<tr><td>head sampler</td>";
  for (const auto& [name, results] : runs) {
    if (results.tracing_enabled) {
      fmt::format_to(std::back_inserter(out), "<td><code>{}</code></td>",
                     HtmlEscape(results.sampler.empty() ? "(not described)" : results.sampler));
    } else {
      out += "<td>tracing disabled</td>";
    }
  }
  out += "</tr>\n";
  for (const Row& row : Rows(AllFigures(runs))) {
    fmt::format_to(std::back_inserter(out), "<tr><td>{}</td>", HtmlEscape(row.label));
    for (size_t v = 0; v < row.cells.size(); ++v) {
      fmt::format_to(std::back_inserter(out), "<td{}>{}</td>", row.off[v] ? " class=\"off\"" : "",
                     HtmlEscape(row.cells[v]));
    }
    out += "</tr>\n";
  }
  out += "<tr><td>results</td>";
  for (const auto& [name, results] : runs) {
    fmt::format_to(std::back_inserter(out), "<td><a href=\"{}/results.json\">results.json</a></td>",
                   HtmlEscape(PercentEncode(name)));
  }
  out +=
      "</tr>\n</table>\n<p class=\"note\">Error traces kept: the share of traces with an error span whose "
      "stored spans include one. Slow traces kept: the share of requests slower than the run's slow "
      "threshold whose trace was kept. RED p99 rel. error: the largest relative error of a service's p99 "
      "latency estimated from stored spans (marked in red above 10 %). Overhead cpu: service-host CPU "
      "against the same run without tracing. n/a: not defined for the run.</p>\n";
  out += "</main>\n</body>\n</html>\n";
  return out;
}

}  // namespace tracesim::reports
