// report.html: the self-contained page a person reads first. Inline CSS and
// SVG only: no scripts, fonts or stylesheets are fetched.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <string_view>
#include <utility>
#include <vector>

#include "format_util.h"
#include "svg_chart.h"
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

constexpr std::string_view kStyle = R"(
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f4f5f7; color: #1f2328;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1120px; margin: 0 auto; padding: 24px 28px 40px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid #d0d7de; }
h3 { font-size: 14px; margin: 18px 0 6px; color: #444c56; }
.meta { color: #57606a; margin: 0; }
.meta code, td code { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #eaeef2;
  padding: 1px 5px; border-radius: 4px; word-break: break-all; }
.cards { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; margin-top: 20px; }
.card { background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 12px 14px; }
.card .label { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: #57606a; }
.card .value { font-size: 22px; white-space: nowrap; font-weight: 600; margin: 2px 0; font-variant-numeric: tabular-nums; }
.card .sub { font-size: 12px; color: #57606a; }
.card.bad .value { color: #c62828; }
.card.good .value { color: #2e7d32; }
.status { margin-top: 12px; padding: 8px 12px; border-radius: 6px; font-weight: 600; }
.status.ok { background: #e6f4ea; color: #1e6b30; border: 1px solid #b7dfc1; }
.status.bad { background: #fdecea; color: #a4262c; border: 1px solid #f3b8b5; }
table { border-collapse: collapse; background: #fff; border: 1px solid #d0d7de; border-radius: 6px;
  font-variant-numeric: tabular-nums; margin: 6px 0; }
th, td { padding: 5px 12px; text-align: right; border-bottom: 1px solid #eaeef2; }
th { background: #f6f8fa; font-weight: 600; color: #444c56; }
th:first-child, td:first-child { text-align: left; }
td.text, th.text { text-align: left; color: #57606a; }
.note { max-width: 460px; }
tr:last-child td { border-bottom: none; }
tr.total td { font-weight: 600; border-top: 1px solid #d0d7de; }
.row { display: flex; gap: 24px; flex-wrap: wrap; align-items: flex-start; }
.bar { display: flex; height: 22px; border-radius: 4px; overflow: hidden; border: 1px solid #d0d7de;
  background: #fff; margin: 8px 0 6px; }
.bar span { display: block; height: 100%; }
.keys { display: flex; gap: 16px; flex-wrap: wrap; font-size: 12px; color: #57606a; margin-bottom: 8px; }
.keys i { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 5px; }
figure { margin: 10px 0 18px; background: #fff; border: 1px solid #d0d7de; border-radius: 8px; padding: 10px 12px 4px; }
figcaption { font-weight: 600; color: #444c56; margin-bottom: 2px; }
figcaption span { font-weight: normal; color: #57606a; font-size: 12px; }
svg.chart { width: 100%; height: auto; display: block; }
.note { color: #57606a; font-style: italic; }
footer { margin-top: 36px; color: #57606a; font-size: 12px; border-top: 1px solid #d0d7de; padding-top: 10px; }
)";

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
  Card(
      out, r.traces.incomplete > 0 ? "bad" : "", "Trace completeness",
      Pct(r.traces.complete, r.traces.sampled),
      fmt::format("{} of {} sampled traces complete", Grouped(r.traces.complete), Grouped(r.traces.sampled)));
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

  std::vector<std::pair<std::string, uint64_t>> drops;
  for (const auto& [cause, n] : s.dropped) {
    if (n > 0) drops.emplace_back(cause, n);
  }
  std::stable_sort(drops.begin(), drops.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
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
  Emit(out, "<tr><td>generated (one per request)</td><td>{}</td><td></td></tr>\n",
       Grouped(r.traces.generated));
  Emit(out, "<tr><td>sampled</td><td>{}</td><td>{} of generated</td></tr>\n", Grouped(r.traces.sampled),
       Pct(r.traces.sampled, r.traces.generated));
  Emit(out, "<tr><td>complete</td><td>{}</td><td>{} of sampled</td></tr>\n", Grouped(r.traces.complete),
       Pct(r.traces.complete, r.traces.sampled));
  Emit(out, "<tr><td>incomplete</td><td>{}</td><td>{} of sampled</td></tr>\n", Grouped(r.traces.incomplete),
       Pct(r.traces.incomplete, r.traces.sampled));
  out +=
      "</table>\n</div>\n<div>\n<h3>Requests</h3>\n<table>\n<tr><th></th><th>requests</th><th>share</th></"
      "tr>\n";
  Emit(out, "<tr><td>started</td><td>{}</td><td></td></tr>\n", Grouped(r.requests.started));
  Emit(out, "<tr><td>completed</td><td>{}</td><td>{} of started</td></tr>\n", Grouped(r.requests.completed),
       Pct(r.requests.completed, r.requests.started));
  Emit(out, "<tr><td>failed</td><td>{}</td><td>{} of completed</td></tr>\n", Grouped(r.requests.failed),
       Pct(r.requests.failed, r.requests.completed));
  out += "</table>\n</div>\n</div>\n";
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
  out += kStyle;
  out += "</style>\n</head>\n<body>\n<main>\n";
  Header(out, r);
  Headline(out, r);
  LedgerSection(out, r);
  TracesAndRequests(out, r);
  LatencySection(out, r);
  CostSection(out, r);
  Charts(out, r);
  TimelineSection(out, r);
  Footer(out, r);
  out += "</main>\n</body>\n</html>\n";
  return out;
}

}  // namespace tracesim::reports
