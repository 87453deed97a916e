// report.html: the self-contained page a person reads first. Inline CSS and
// SVG only: no scripts, fonts or stylesheets are fetched.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "format_util.h"
#include "html_style.h"
#include "svg_chart.h"
#include "trace_causes.h"
#include "tracesim/reports/writers.h"

namespace tracesim::reports {
namespace {

using internal::ChartBand;
using internal::ChartSeries;
using internal::FormatMs;
using internal::FormatSeconds;
using internal::Grouped;
using internal::HtmlEscape;
using internal::LineChart;
using internal::SignedPct;

constexpr const char* kBlue = "#4e79a7";
constexpr const char* kGreen = "#59a14f";
constexpr const char* kRed = "#e15759";
constexpr const char* kOrange = "#f28e2b";
constexpr const char* kTeal = "#76b7b2";
constexpr const char* kPurple = "#b07aa1";
constexpr const char* kGrey = "#bab0ac";

template <typename... Args>
void Emit(std::string& out, fmt::format_string<Args...> format, Args&&... args) {
  fmt::format_to(std::back_inserter(out), format, std::forward<Args>(args)...);
}

// What each drop cause means, for the reader of the drops table.
std::string_view CauseMeaning(std::string_view cause) {
  static const std::pair<std::string_view, std::string_view> kMeanings[] = {
      {"sdk_queue_full", "SDK BatchSpanProcessor queue at maxQueueSize"},
      {"export_failed", "an export attempt failed and was not retried"},
      {"network_lost", "datagram lost on the wire (UDP-like transport)"},
      {"memory_limiter_refused", "collector memory_limiter refused; upstream did not retry"},
      {"enqueue_failed", "exporter sending_queue full"},
      {"retry_exhausted", "retry_on_failure gave up (max_elapsed_time)"},
      {"crash_lost", "held in memory by a process that crashed"},
      {"dropped_too_early", "tail_sampling evicted an undecided trace"},
      {"tail_sampled_out", "tail_sampling decided not to sample"},
      {"storage_rejected", "the span store refused the write"},
  };
  for (const auto& [name, meaning] : kMeanings) {
    if (name == cause) return meaning;
  }
  return "";
}

// Why a kept trace misses spans (TraceCounts::broken_by_cause).
std::string_view BrokenCauseMeaning(std::string_view cause) {
  if (cause == internal::kBrokenReroutedSplitTrace) {
    return "its spans reached more than one tail-sampling collector (e.g. after a ring membership change)";
  }
  if (cause == internal::kBrokenInFlight) return "spans still on the way when the run ended";
  if (cause == internal::kBrokenUnsampledSpan) {
    return "a parent or child span was never sampled: inconsistent sampling decisions within the trace";
  }
  return CauseMeaning(cause);
}

// Causes with a non-zero count, largest first (ties by name).
std::vector<std::pair<std::string, uint64_t>> NonZero(const std::map<std::string, uint64_t>& by_cause) {
  std::vector<std::pair<std::string, uint64_t>> causes;
  for (const auto& [cause, n] : by_cause) {
    if (n > 0) causes.emplace_back(cause, n);
  }
  std::stable_sort(causes.begin(), causes.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return causes;
}

// internal::PctOf for HTML: it may say "< 0.1 %".
std::string Pct(uint64_t part, uint64_t whole) { return HtmlEscape(internal::PctOf(part, whole)); }

double Ratio(double part, double whole) { return whole > 0 ? part / whole : 0; }

void Card(std::string& out, std::string_view klass, std::string_view label, const std::string& value,
          const std::string& sub) {
  Emit(
      out,
      R"(<div class="card {}"><div class="label">{}</div><div class="value">{}</div><div class="sub">{}</div></div>)",
      klass, label, value, sub);
  out += '\n';
}

void Header(std::string& out, const Results& r) {
  Emit(out, "<header>\n<h1>{}</h1>\n",
       HtmlEscape(r.scenario_name.empty() ? "(unnamed scenario)" : r.scenario_name));
  Emit(out, R"(<p class="meta">seed {} &middot; simulated {})", r.seed, FormatSeconds(r.simulated_seconds));
  if (!r.scenario_source.empty())
    Emit(out, " &middot; scenario <code>{}</code>", HtmlEscape(r.scenario_source));
  out += "</p>\n";
  if (r.tracing_enabled) {
    Emit(out, R"(<p class="meta">tracing: head sampler <code>{}</code></p>)",
         HtmlEscape(r.sampler.empty() ? "(not described)" : r.sampler));
  } else {
    out += R"(<p class="meta">tracing: <strong>disabled</strong> (a baseline run)</p>)";
  }
  out += "\n</header>\n";
}

void Headline(std::string& out, const Results& r) {
  const SpanLedger& s = r.spans;
  const uint64_t dropped = s.dropped_total();
  const uint64_t head_sampled = s.generated >= s.sampled_out ? s.generated - s.sampled_out : 0;
  out += "<section class=\"cards\">\n";
  Card(out, "", "Spans generated", Grouped(s.generated),
       fmt::format("{} sampled out by the head sampler", Grouped(s.sampled_out)));
  Card(out, "", "Spans stored", Grouped(s.stored),
       fmt::format("{} of generated &middot; {} in flight at the end", Pct(s.stored, s.generated),
                   Grouped(s.in_flight)));
  Card(out, dropped > 0 ? "bad" : "good", "Spans dropped", Grouped(dropped),
       fmt::format("{} of head-sampled spans", Pct(dropped, head_sampled)));
  // Completeness counts the traces meant to be stored: sampled ones, except those
  // a collector-side sampler dropped on purpose.
  const uint64_t meant_to_store = r.traces.complete + r.traces.incomplete;
  Card(out, r.traces.incomplete > 0 ? "bad" : "", "Trace completeness",
       Pct(r.traces.complete, meant_to_store),
       fmt::format("{} of {} sampled traces complete &middot; {} broken", Grouped(r.traces.complete),
                   Grouped(meant_to_store), Grouped(r.traces.broken)));
  Card(out, "", "Request latency p50 / p99",
       r.request_latency.count == 0
           ? std::string("n/a")
           : FormatMs(r.request_latency.p50_ms) + " / " + FormatMs(r.request_latency.p99_ms),
       fmt::format("{} requests completed", Grouped(r.request_latency.count)));
  Card(out, "", "Span delivery p50 / p99",
       r.span_delivery_latency.count == 0
           ? std::string("n/a")
           : FormatMs(r.span_delivery_latency.p50_ms) + " / " + FormatMs(r.span_delivery_latency.p99_ms),
       "span end &rarr; queryable in storage");
  if (r.overhead.measured) {
    Card(
        out, "", "Overhead p50 / p99",
        SignedPct(r.overhead.request_latency_p50_pct) + " / " + SignedPct(r.overhead.request_latency_p99_pct),
        fmt::format("request latency vs no tracing &middot; CPU {}", SignedPct(r.overhead.cpu_pct)));
  } else {
    Card(out, "", "Overhead", "not measured",
         r.tracing_enabled ? "no baseline run (same scenario and seed, tracing disabled)"
                           : "this run has tracing disabled");
  }
  Card(out, "", "Requests", Grouped(r.requests.completed),
       fmt::format("completed of {} started &middot; {} failed", Grouped(r.requests.started),
                   Grouped(r.requests.failed)));
  out += "</section>\n";
  if (s.balanced()) {
    out +=
        "<div class=\"status ok\">&#10003; Span ledger balanced: generated = sampled out + stored + in "
        "flight + "
        "dropped</div>\n";
  } else {
    Emit(out,
         "<div class=\"status bad\">&#10007; Span ledger NOT balanced: imbalance {:+} spans (generated minus "
         "sampled out, stored, in flight and dropped). The figures below cannot be trusted.</div>\n",
         s.imbalance);
  }
}

void LedgerSection(std::string& out, const Results& r) {
  const SpanLedger& s = r.spans;
  const uint64_t dropped = s.dropped_total();
  out += "<h2 id=\"spans\">Where the spans went</h2>\n";
  struct Part {
    const char* name;
    uint64_t n;
    const char* color;
  };
  const Part parts[] = {{"sampled out", s.sampled_out, kGrey},
                        {"stored", s.stored, kGreen},
                        {"in flight", s.in_flight, kOrange},
                        {"dropped", dropped, kRed}};
  const double accounted = static_cast<double>(s.sampled_out + s.stored + s.in_flight + dropped);
  if (accounted > 0) {
    out += "<div class=\"bar\">";
    for (const Part& p : parts) {
      if (p.n == 0) continue;
      Emit(out, R"(<span style="width:{:.3f}%;background:{}" title="{}: {}"></span>)",
           100.0 * Ratio(static_cast<double>(p.n), accounted), p.color, p.name, Grouped(p.n));
    }
    out += "</div>\n<div class=\"keys\">";
    for (const Part& p : parts) {
      Emit(out, R"(<span><i style="background:{}"></i>{} {} ({})</span>)", p.color, p.name, Grouped(p.n),
           Pct(p.n, s.generated));
    }
    out += "</div>\n";
  }

  out +=
      "<div class=\"row\">\n<div>\n<h3>Span ledger</h3>\n<table>\n<tr><th></th><th>spans</th><th>of "
      "generated</th></tr>\n";
  for (const Part& p : parts) {
    Emit(out, "<tr><td>{}</td><td>{}</td><td>{}</td></tr>\n", p.name, Grouped(p.n), Pct(p.n, s.generated));
  }
  Emit(out, "<tr class=\"total\"><td>generated</td><td>{}</td><td></td></tr>\n", Grouped(s.generated));
  if (!s.balanced()) {
    Emit(out, "<tr><td>imbalance</td><td>{:+}</td><td></td></tr>\n", s.imbalance);
  }
  out += "</table>\n</div>\n<div>\n<h3>Drops by cause</h3>\n";

  const std::vector<std::pair<std::string, uint64_t>> drops = NonZero(s.dropped);
  if (drops.empty()) {
    out += "<p class=\"note\">No spans were dropped.</p>\n";
  } else {
    out +=
        "<table>\n<tr><th>cause</th><th>spans</th><th>of dropped</th><th>of generated</th><th "
        "class=\"text\">meaning</th></tr>\n";
    for (const auto& [cause, n] : drops) {
      Emit(out,
           "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td class=\"text\">{}</td></tr>\n",
           HtmlEscape(cause), Grouped(n), Pct(n, dropped), Pct(n, s.generated),
           HtmlEscape(CauseMeaning(cause)));
    }
    Emit(out, "<tr class=\"total\"><td>total</td><td>{}</td><td></td><td>{}</td><td></td></tr>\n",
         Grouped(dropped), Pct(dropped, s.generated));
    out += "</table>\n";
  }
  out += "</div>\n</div>\n";
}

void TracesAndRequests(std::string& out, const Results& r) {
  out += "<h2 id=\"traces\">Traces and requests</h2>\n<div class=\"row\">\n<div>\n<h3>Traces</h3>\n<table>\n";
  out += "<tr><th></th><th>traces</th><th>share</th></tr>\n";
  const TraceCounts& t = r.traces;
  Emit(out, "<tr><td>generated</td><td>{}</td><td></td></tr>\n", Grouped(t.generated));
  Emit(out, "<tr><td>sampled (head)</td><td>{}</td><td>{} of generated</td></tr>\n", Grouped(t.sampled),
       Pct(t.sampled, t.generated));
  Emit(out, "<tr><td>kept (a span stored)</td><td>{}</td><td>{} of sampled</td></tr>\n", Grouped(t.kept),
       Pct(t.kept, t.sampled));
  Emit(out, "<tr><td>complete</td><td>{}</td><td>{} of kept</td></tr>\n", Grouped(t.complete),
       Pct(t.complete, t.kept));
  Emit(out, "<tr><td>broken (kept, missing spans)</td><td>{}</td><td>{} of kept</td></tr>\n",
       Grouped(t.broken), Pct(t.broken, t.kept));
  Emit(out, "<tr><td>incomplete</td><td>{}</td><td>{} of sampled</td></tr>\n", Grouped(t.incomplete),
       Pct(t.incomplete, t.sampled));
  out += "</table>\n</div>\n<div>\n<h3>Broken traces by cause</h3>\n";
  const std::vector<std::pair<std::string, uint64_t>> causes = NonZero(t.broken_by_cause);
  if (causes.empty()) {
    out += "<p class=\"note\">No kept trace misses spans.</p>\n";
  } else {
    out +=
        "<table>\n<tr><th>cause</th><th>traces</th><th>of broken</th><th class=\"text\">meaning</th></tr>\n";
    for (const auto& [cause, n] : causes) {
      Emit(out, "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td class=\"text\">{}</td></tr>\n",
           HtmlEscape(cause), Grouped(n), Pct(n, t.broken), HtmlEscape(BrokenCauseMeaning(cause)));
    }
    out +=
        "</table>\n<p class=\"note\">A trace that misses spans for several causes counts once per "
        "cause.</p>\n";
  }
  out +=
      "</div>\n<div>\n<h3>Requests</h3>\n<table>\n<tr><th></th><th>requests</th><th>share</th></"
      "tr>\n";
  Emit(out, "<tr><td>started</td><td>{}</td><td></td></tr>\n", Grouped(r.requests.started));
  Emit(out, "<tr><td>completed</td><td>{}</td><td>{} of started</td></tr>\n", Grouped(r.requests.completed),
       Pct(r.requests.completed, r.requests.started));
  Emit(out, "<tr><td>failed</td><td>{}</td><td>{} of completed</td></tr>\n", Grouped(r.requests.failed),
       Pct(r.requests.failed, r.requests.completed));
  out += "</table>\n</div>\n</div>\n";
}

// A table cell with an optional class. `html` is already escaped.
std::string Td(bool off, const std::string& html) {
  return off ? "<td class=\"off\">" + html + "</td>" : "<td>" + html + "</td>";
}

// A relative error as a percentage, marked "off" above 10 %.
std::string RelErrorCell(double rel_error) {
  return Td(rel_error > 0.10, HtmlEscape(internal::FractionPct(rel_error)));
}

// An error rate (a fraction) as a percentage with two decimals: 0.0071 -> "0.71 %".
std::string ErrorRate(double fraction) {
  return std::isfinite(fraction) ? fmt::format("{:.2f} %", 100 * fraction) : std::string("n/a");
}

std::string RatePerSecond(double rate) {
  return std::isfinite(rate) ? fmt::format("{:.1f} /s", rate) : std::string("n/a");
}

void SamplingSection(std::string& out, const Results& r) {
  const SamplingQuality& s = r.sampling;
  out += "<h2 id=\"sampling\">Sampling quality</h2>\n";
  if (r.traces.sampled == 0) {
    out += "<p class=\"note\">No trace was sampled in this run: nothing to assess.</p>\n";
    return;
  }
  out += "<section class=\"cards\">\n";
  Card(out, "", "Error traces kept", Pct(s.error_traces_kept, s.error_traces),
       fmt::format("{} of {} traces with an error span", Grouped(s.error_traces_kept),
                   Grouped(s.error_traces)));
  Card(out, "", "Slow traces kept", Pct(s.slow_traces_kept, s.slow_traces),
       fmt::format("{} of {} requests slower than {}", Grouped(s.slow_traces_kept), Grouped(s.slow_traces),
                   FormatMs(s.slow_threshold_ms)));
  Card(out, s.operations_covered < s.operations ? "bad" : "", "Operations covered",
       fmt::format("{} / {}", Grouped(s.operations_covered), Grouped(s.operations)),
       fmt::format("with a stored span &middot; services {} / {}", Grouped(s.services_covered),
                   Grouped(s.services)));
  Card(out, "", "Bytes per kept trace",
       r.traces.kept == 0 ? std::string("n/a") : internal::FormatBytes(s.bytes_per_kept_trace),
       fmt::format("{} stored for {} kept traces", internal::FormatBytes(static_cast<double>(s.bytes_stored)),
                   Grouped(r.traces.kept)));
  out += "</section>\n";

  out += "<h3>RED metrics per service: truth vs estimate from stored spans</h3>\n";
  if (s.red.empty()) {
    out += "<p class=\"note\">No per-service RED metrics in this run.</p>\n";
    return;
  }
  out +=
      "<table>\n<tr><th rowspan=\"2\">service</th><th class=\"group\" colspan=\"3\">rate</th>"
      "<th class=\"group\" colspan=\"3\">error rate</th><th class=\"group\" colspan=\"3\">latency p50</th>"
      "<th class=\"group\" colspan=\"3\">latency p99</th></tr>\n<tr>";
  for (int i = 0; i < 4; ++i) {
    out += "<th class=\"first\">true</th><th>estimated</th><th>";
    out += i == 1 ? "abs. error" : "rel. error";
    out += "</th>";
  }
  out += "</tr>\n";
  for (const ServiceRed& m : s.red) {
    // The error rate's absolute error is marked when it exceeds 10 % of the true rate.
    const bool error_rate_off =
        m.error_rate_abs_error > 0.10 * m.true_error_rate && m.error_rate_abs_error > 0;
    Emit(out,
         "<tr><td>{}</td><td class=\"first\">{}</td><td>{}</td>{}<td class=\"first\">{}</td><td>{}</td>"
         "{}<td class=\"first\">{}</td><td>{}</td>{}<td class=\"first\">{}</td><td>{}</td>{}</tr>\n",
         HtmlEscape(m.service), RatePerSecond(m.true_rate_per_s), RatePerSecond(m.est_rate_per_s),
         RelErrorCell(m.rate_rel_error), ErrorRate(m.true_error_rate), ErrorRate(m.est_error_rate),
         Td(error_rate_off, std::isfinite(m.error_rate_abs_error)
                                ? fmt::format("{:.2f} pp", 100 * m.error_rate_abs_error)
                                : std::string("n/a")),
         FormatMs(m.true_p50_ms), FormatMs(m.est_p50_ms), RelErrorCell(m.p50_rel_error),
         FormatMs(m.true_p99_ms), FormatMs(m.est_p99_ms), RelErrorCell(m.p99_rel_error));
  }
  out +=
      "</table>\n<p class=\"note\">Truth: every server span generated. Estimate: stored server spans, "
      "each weighted by its adjusted count. Relative error |estimate &minus; truth| / truth; error-rate "
      "error in percentage points. Marked in red: above 10 % (of the true value).</p>\n";
}

void CollectorSection(std::string& out, const Results& r) {
  out += "<h2 id=\"collectors\">Collector tiers</h2>\n";
  if (r.collectors.empty()) {
    out += "<p class=\"note\">No collector tier in this run.</p>\n";
    return;
  }
  out +=
      "<table>\n<tr><th>tier</th><th>hosts</th><th>CPU</th><th>peak held spans</th><th>peak held bytes</th>"
      "<th>refused spans</th></tr>\n";
  for (const CollectorTierStats& t : r.collectors) {
    Emit(out, "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
         HtmlEscape(t.name), t.hosts, FormatSeconds(t.cpu_s, 2), Grouped(t.peak_held_spans),
         internal::FormatBytes(static_cast<double>(t.peak_held_bytes)), Grouped(t.refused_spans));
  }
  out +=
      "</table>\n<p class=\"note\">Hosts at the end of the run. Peak held: the most spans, and the most "
      "encoded bytes, held by the tier's hosts at a sample time. Refused: spans the memory_limiter refused; "
      "those the sender did not retry are dropped as <code>memory_limiter_refused</code>.</p>\n";
}

void LatencyRow(std::string& out, std::string_view name, const LatencySummary& l) {
  if (l.count == 0) {
    Emit(out, "<tr><td>{}</td><td>0</td><td colspan=\"5\" class=\"text\">no samples</td></tr>\n", name);
    return;
  }
  Emit(out, "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n", name,
       Grouped(l.count), FormatMs(l.mean_ms), FormatMs(l.p50_ms), FormatMs(l.p90_ms), FormatMs(l.p99_ms),
       FormatMs(l.max_ms));
}

void LatencySection(std::string& out, const Results& r) {
  out +=
      "<h2 "
      "id=\"latency\">Latency</h2>\n<table>\n<tr><th></th><th>count</th><th>mean</th><th>p50</th><th>p90</"
      "th><th>p99</th>"
      "<th>max</th></tr>\n";
  LatencyRow(out, "request (end to end)", r.request_latency);
  LatencyRow(out, "span delivery (span end &rarr; stored)", r.span_delivery_latency);
  out += "</table>\n";
}

void CostSection(std::string& out, const Results& r) {
  out +=
      "<h2 id=\"overhead\">Overhead and CPU</h2>\n<div class=\"row\">\n<div>\n<h3>Overhead of tracing</h3>\n";
  if (r.overhead.measured) {
    out += "<table>\n<tr><th></th><th>baseline (no tracing)</th><th>overhead</th></tr>\n";
    Emit(out, "<tr><td>request latency p50</td><td>{}</td><td>{}</td></tr>\n",
         FormatMs(r.overhead.baseline_request_p50_ms), SignedPct(r.overhead.request_latency_p50_pct));
    Emit(out, "<tr><td>request latency p99</td><td>{}</td><td>{}</td></tr>\n",
         FormatMs(r.overhead.baseline_request_p99_ms), SignedPct(r.overhead.request_latency_p99_pct));
    Emit(out, "<tr><td>service CPU</td><td>{}</td><td>{}</td></tr>\n",
         FormatSeconds(r.overhead.baseline_service_cpu_s, 2), SignedPct(r.overhead.cpu_pct));
    out +=
        "</table>\n<p class=\"note\">Baseline: the same scenario and seed with tracing disabled, run in its "
        "own "
        "process.</p>\n";
  } else {
    out +=
        "<p class=\"note\">Not measured: no baseline run (the same scenario and seed with tracing "
        "disabled).</p>\n";
  }
  out +=
      "</div>\n<div>\n<h3>CPU time (simulated)</h3>\n<table>\n<tr><th></th><th>CPU</th><th>share</th></tr>\n";
  Emit(out, "<tr><td>service hosts (application + tracing)</td><td>{}</td><td></td></tr>\n",
       FormatSeconds(r.cpu.service_cpu_s, 2));
  Emit(out, "<tr><td>&nbsp;&nbsp;of which tracing</td><td>{}</td><td>{}</td></tr>\n",
       FormatSeconds(r.cpu.tracing_cpu_s, 2),
       r.cpu.service_cpu_s > 0
           ? fmt::format("{:.1f} % of service", 100.0 * r.cpu.tracing_cpu_s / r.cpu.service_cpu_s)
           : std::string());
  Emit(out, "<tr><td>collectors</td><td>{}</td><td></td></tr>\n", FormatSeconds(r.cpu.collector_cpu_s, 2));
  Emit(out, "<tr><td>storage</td><td>{}</td><td></td></tr>\n", FormatSeconds(r.cpu.storage_cpu_s, 2));
  out += "</table>\n</div>\n</div>\n";
}

// Per-period rate of a cumulative counter, in units per second, at each sample time.
std::vector<double> Rate(const std::vector<TimeSample>& ts, uint64_t TimeSample::*field) {
  std::vector<double> out(ts.size(), std::numeric_limits<double>::quiet_NaN());
  for (size_t i = 0; i < ts.size(); ++i) {
    const double t0 = i == 0 ? 0 : ts[i - 1].t_s;
    const double c0 = i == 0 ? 0 : static_cast<double>(ts[i - 1].*field);
    const double dt = ts[i].t_s - t0;
    if (dt > 0) out[i] = (static_cast<double>(ts[i].*field) - c0) / dt;
  }
  return out;
}

std::vector<double> Level(const std::vector<TimeSample>& ts, uint64_t TimeSample::*field) {
  std::vector<double> out;
  out.reserve(ts.size());
  for (const TimeSample& s : ts) out.push_back(static_cast<double>(s.*field));
  return out;
}

void Figure(std::string& out, std::string_view title, std::string_view note, const LineChart& chart) {
  Emit(out, "<figure>\n<figcaption>{} <span>{}</span></figcaption>\n", title, note);
  out += internal::RenderSvgLineChart(chart);
  out += "\n</figure>\n";
}

void Charts(std::string& out, const Results& r) {
  out += "<h2 id=\"over-time\">Over time</h2>\n";
  const std::vector<TimeSample>& ts = r.timeseries;
  if (ts.empty()) {
    out += "<p class=\"note\">No time series was sampled in this run.</p>\n";
    return;
  }
  LineChart base;
  for (const TimeSample& s : ts) base.x.push_back(s.t_s);
  base.x_min = 0;
  base.x_max = std::max(r.simulated_seconds, ts.back().t_s);
  for (size_t i = 0; i < r.timeline.size(); ++i) {
    const TimelineEvent& e = r.timeline[i];
    base.bands.push_back(ChartBand{e.start_s, e.end_s, fmt::format("#{} {} {}", i + 1, e.type, e.target),
                                   fmt::format("#{}", i + 1)});
  }
  const char* fault_note = r.timeline.empty() ? "" : "&middot; shaded: fault intervals";

  LineChart throughput = base;
  throughput.title = "Span throughput per sampling period";
  throughput.y_label = "spans / s";
  throughput.series = {{"generated", kBlue, Rate(ts, &TimeSample::spans_generated)},
                       {"stored", kGreen, Rate(ts, &TimeSample::spans_stored)},
                       {"dropped", kRed, Rate(ts, &TimeSample::spans_dropped), true}};
  Figure(out, "Span throughput", fmt::format("spans per second in each sampling period {}", fault_note),
         throughput);

  LineChart depth = base;
  depth.title = "Spans in flight and queue depths";
  depth.y_label = "spans";
  depth.series = {{"in flight (all buffers)", kOrange, Level(ts, &TimeSample::in_flight)},
                  {"SDK queues", kTeal, Level(ts, &TimeSample::sdk_queue_spans), true},
                  {"collector buffers", kPurple, Level(ts, &TimeSample::collector_buffered_spans), true}};
  Figure(out, "In flight and queue depths", fmt::format("spans held at each sample time {}", fault_note),
         depth);

  LineChart drops = base;
  drops.title = "Cumulative dropped spans";
  drops.y_label = "spans";
  drops.series = {{"dropped (cumulative)", kRed, Level(ts, &TimeSample::spans_dropped)}};
  Figure(out, "Cumulative drops", fmt::format("all causes {}", fault_note), drops);

  LineChart requests = base;
  requests.title = "Requests completed per sampling period";
  requests.y_label = "requests / s";
  requests.series = {{"requests completed", kBlue, Rate(ts, &TimeSample::requests_completed)}};
  Figure(out, "Request throughput", fmt::format("requests completed per second {}", fault_note), requests);
}

void TimelineSection(std::string& out, const Results& r) {
  out += "<h2 id=\"timeline\">Fault timeline</h2>\n";
  if (r.timeline.empty()) {
    out += "<p class=\"note\">No faults were injected.</p>\n";
    return;
  }
  out +=
      "<table>\n<tr><th>#</th><th class=\"text\">fault</th><th class=\"text\">target</th><th>start</th>"
      "<th>end</th><th>duration</th></tr>\n";
  for (size_t i = 0; i < r.timeline.size(); ++i) {
    const TimelineEvent& e = r.timeline[i];
    const bool open = e.end_s < 0;
    Emit(out,
         "<tr><td>{}</td><td class=\"text\"><code>{}</code></td><td "
         "class=\"text\">{}</td><td>{}</td><td>{}</td>"
         "<td>{}</td></tr>\n",
         i + 1, HtmlEscape(e.type), HtmlEscape(e.target), FormatSeconds(e.start_s, 2),
         open ? std::string("not ended") : FormatSeconds(e.end_s, 2),
         open ? std::string("&ge; ") + FormatSeconds(r.simulated_seconds - e.start_s, 2)
              : FormatSeconds(e.end_s - e.start_s, 2));
  }
  out += "</table>\n";
}

void Footer(std::string& out, const Results& r) {
  Emit(out,
       "<footer>tracesim {} &middot; schema <code>{}</code> &middot; wall clock {} ({} simulated spans per "
       "wall "
       "second). Wall-clock figures vary between runs; everything else is determined by the scenario and "
       "seed.</footer>\n",
       HtmlEscape(r.run.tracesim_version.empty() ? "(unknown version)" : r.run.tracesim_version),
       HtmlEscape(r.schema), FormatSeconds(r.run.wall_seconds, 2),
       std::isfinite(r.run.simulated_spans_per_wall_second)
           ? Grouped(static_cast<uint64_t>(std::max(0.0, std::round(r.run.simulated_spans_per_wall_second))))
           : std::string("n/a"));
}

}  // namespace

std::string ToHtmlReport(const Results& r) {
  std::string out;
  out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  Emit(out, "<title>tracesim report: {}</title>\n", HtmlEscape(r.scenario_name));
  out += "<style>";
  out += internal::kReportStyle;
  out += "</style>\n</head>\n<body>\n<main>\n";
  Header(out, r);
  Headline(out, r);
  LedgerSection(out, r);
  TracesAndRequests(out, r);
  SamplingSection(out, r);
  LatencySection(out, r);
  CostSection(out, r);
  CollectorSection(out, r);
  Charts(out, r);
  TimelineSection(out, r);
  Footer(out, r);
  out += "</main>\n</body>\n</html>\n";
  return out;
}

}  // namespace tracesim::reports
