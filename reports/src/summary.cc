// The short plain-text table printed on stdout after a run.
#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "format_util.h"
#include "tracesim/reports/writers.h"

namespace tracesim::reports {
namespace {

using internal::FormatBytes;
using internal::FormatMs;
using internal::FormatSeconds;
using internal::PctOf;
using internal::SignedPct;

constexpr int kLabelWidth = 11;

void Line(std::string& out, std::string_view label, const std::string& body) {
  fmt::format_to(std::back_inserter(out), "{:<{}}{}\n", label, kLabelWidth, body);
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

// "crash_lost 312, in_flight 38": the non-zero causes, largest first, joined by `separator`.
std::string CauseList(const std::map<std::string, uint64_t>& by_cause, std::string_view separator) {
  std::string body;
  for (const auto& [cause, n] : NonZero(by_cause)) {
    if (!body.empty()) body += separator;
    body += fmt::format("{} {}", cause, n);
  }
  return body;
}

// What sampling kept against the ground truth, on two lines. Only for runs
// that sampled something.
void SamplingLines(std::string& out, const Results& r) {
  const SamplingQuality& s = r.sampling;
  Line(out, "sampling",
       fmt::format(
           "error traces kept {}/{} ({})   slow traces kept {}/{} ({}, > {})   operations covered {}/{}",
           s.error_traces_kept, s.error_traces, PctOf(s.error_traces_kept, s.error_traces),
           s.slow_traces_kept, s.slow_traces, PctOf(s.slow_traces_kept, s.slow_traces),
           FormatMs(s.slow_threshold_ms), s.operations_covered, s.operations));
  const std::string causes = CauseList(r.traces.broken_by_cause, ", ");
  Line(out, "",
       fmt::format("broken traces {}{}   bytes/kept trace {}", r.traces.broken,
                   causes.empty() ? std::string() : " (" + causes + ")",
                   r.traces.kept == 0 ? std::string("n/a") : FormatBytes(s.bytes_per_kept_trace)));
}

// One line per collector tier, names padded to the longest.
void CollectorLines(std::string& out, const Results& r) {
  size_t name_width = 0;
  for (const CollectorTierStats& t : r.collectors) name_width = std::max(name_width, t.name.size());
  bool first = true;
  for (const CollectorTierStats& t : r.collectors) {
    Line(out, first ? "collectors" : "",
         fmt::format("{:<{}}   hosts {}   cpu {}   peak held {} spans ({})   refused {}", t.name, name_width,
                     t.hosts, FormatSeconds(t.cpu_s, 2), t.peak_held_spans,
                     FormatBytes(static_cast<double>(t.peak_held_bytes)), t.refused_spans));
    first = false;
  }
}

// The storage tier's disks and queries, when there was anything to say.
void StorageLines(std::string& out, const Results& r) {
  const StorageStats& st = r.storage;
  if (st.disk_wal_bytes + st.disk_block_bytes + st.disk_read_bytes > 0) {
    Line(out, "storage",
         fmt::format("disk written {} WAL + {} blocks   read {}",
                     FormatBytes(static_cast<double>(st.disk_wal_bytes)),
                     FormatBytes(static_cast<double>(st.disk_block_bytes)),
                     FormatBytes(static_cast<double>(st.disk_read_bytes))));
  }
  if (st.lookups + st.searches == 0) return;
  Line(out, "queries",
       fmt::format(
           "lookups {} (failed {}, complete {})  p50 {}  p99 {}   searches {} (failed {})  p50 {}  p99 {}",
           st.lookups, st.lookups_failed, st.lookups_complete, FormatMs(st.lookup_latency.p50_ms),
           FormatMs(st.lookup_latency.p99_ms), st.searches, st.searches_failed,
           FormatMs(st.search_latency.p50_ms), FormatMs(st.search_latency.p99_ms)));
}

// Where a load ramp broke first: the first few saturation events in time order.
void SaturationLine(std::string& out, const Results& r) {
  if (r.saturation.empty()) return;
  std::string text;
  for (size_t i = 0; i < r.saturation.size() && i < 4; ++i) {
    const SaturationEvent& e = r.saturation[i];
    if (i > 0) text += ";  ";
    text += fmt::format("{} {} at {}", e.component, e.what, FormatSeconds(e.at_s));
  }
  if (r.saturation.size() > 4) text += fmt::format("  (+{} more)", r.saturation.size() - 4);
  Line(out, "saturation", text);
}

}  // namespace

std::string FormatSummary(const Results& r) {
  std::string out;
  fmt::format_to(std::back_inserter(out), "scenario {} (seed {})   simulated {}{}   tracing: {}\n",
                 r.scenario_name, r.seed, FormatSeconds(r.simulated_seconds),
                 r.fidelity == "fast" ? " (fidelity: fast)" : "", r.tracing_enabled ? r.sampler : "disabled");

  Line(out, "spans",
       fmt::format("generated {}   sampled_out {}   stored {}   in_flight {}   dropped {}", r.spans.generated,
                   r.spans.sampled_out, r.spans.stored, r.spans.in_flight, r.spans.dropped_total()));
  if (const std::string drops = CauseList(r.spans.dropped, "   "); !drops.empty()) {
    Line(out, "  dropped", drops);
  }
  if (r.spans.balanced()) {
    Line(out, "  ledger", "balanced");
  } else {
    Line(out, "  ledger",
         fmt::format("IMBALANCE {:+} spans (generated minus sampled_out, stored, in_flight and dropped)",
                     r.spans.imbalance));
  }

  Line(out, "traces",
       fmt::format("generated {}   sampled {}   kept {}   complete {} ({})   incomplete {}   broken {}",
                   r.traces.generated, r.traces.sampled, r.traces.kept, r.traces.complete,
                   PctOf(r.traces.complete, r.traces.complete + r.traces.incomplete), r.traces.incomplete,
                   r.traces.broken));
  if (r.traces.sampled > 0) SamplingLines(out, r);
  Line(out, "requests",
       fmt::format("started {}   completed {}   failed {} ({})", r.requests.started, r.requests.completed,
                   r.requests.failed, PctOf(r.requests.failed, r.requests.completed)));

  const std::string request = r.request_latency.count == 0
                                  ? std::string("request: none completed")
                                  : fmt::format("request p50 {}  p99 {}", FormatMs(r.request_latency.p50_ms),
                                                FormatMs(r.request_latency.p99_ms));
  const std::string delivery =
      r.span_delivery_latency.count == 0
          ? std::string("span delivery: none stored")
          : fmt::format("span delivery p50 {}  p99 {}", FormatMs(r.span_delivery_latency.p50_ms),
                        FormatMs(r.span_delivery_latency.p99_ms));
  // Request and delivery figures in two columns; at least four spaces apart.
  Line(out, "latency", fmt::format("{:<{}}{}", request, std::max<size_t>(34, request.size() + 4), delivery));

  const std::string tracing_share =
      r.cpu.service_cpu_s > 0 ? fmt::format(" ({:.1f} %)", 100.0 * r.cpu.tracing_cpu_s / r.cpu.service_cpu_s)
                              : std::string();
  Line(
      out, "cpu",
      fmt::format("service {}   tracing {}{}   collector {}   storage {}",
                  FormatSeconds(r.cpu.service_cpu_s, 2), FormatSeconds(r.cpu.tracing_cpu_s, 2), tracing_share,
                  FormatSeconds(r.cpu.collector_cpu_s, 2), FormatSeconds(r.cpu.storage_cpu_s, 2)));

  CollectorLines(out, r);
  StorageLines(out, r);

  if (r.overhead.measured) {
    Line(out, "overhead",
         fmt::format("request p50 {}   p99 {}   cpu {}   (baseline p50 {}, p99 {}, cpu {})",
                     SignedPct(r.overhead.request_latency_p50_pct),
                     SignedPct(r.overhead.request_latency_p99_pct), SignedPct(r.overhead.cpu_pct),
                     FormatMs(r.overhead.baseline_request_p50_ms),
                     FormatMs(r.overhead.baseline_request_p99_ms),
                     FormatSeconds(r.overhead.baseline_service_cpu_s, 2)));
  } else {
    Line(out, "overhead", "not measured (no baseline)");
  }
  SaturationLine(out, r);
  return out;
}

}  // namespace tracesim::reports
