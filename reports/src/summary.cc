// The short plain-text table printed on stdout after a run.
#include <fmt/format.h>

#include <algorithm>
#include <utility>
#include <vector>

#include "format_util.h"
#include "tracesim/reports/writers.h"

namespace tracesim::reports {
namespace {

using internal::FormatMs;
using internal::FormatSeconds;
using internal::PctOf;
using internal::SignedPct;

constexpr int kLabelWidth = 11;

void Line(std::string& out, std::string_view label, const std::string& body) {
  fmt::format_to(std::back_inserter(out), "{:<{}}{}\n", label, kLabelWidth, body);
}

// Causes with a non-zero count, largest first (ties by name).
std::vector<std::pair<std::string, uint64_t>> NonZeroDrops(const SpanLedger& spans) {
  std::vector<std::pair<std::string, uint64_t>> drops;
  for (const auto& [cause, n] : spans.dropped) {
    if (n > 0) drops.emplace_back(cause, n);
  }
  std::stable_sort(drops.begin(), drops.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  return drops;
}

}  // namespace

std::string FormatSummary(const Results& r) {
  std::string out;
  fmt::format_to(std::back_inserter(out), "scenario {} (seed {})   simulated {}   tracing: {}\n",
                 r.scenario_name, r.seed, FormatSeconds(r.simulated_seconds),
                 r.tracing_enabled ? r.sampler : "disabled");

  Line(out, "spans",
       fmt::format("generated {}   sampled_out {}   stored {}   in_flight {}   dropped {}", r.spans.generated,
                   r.spans.sampled_out, r.spans.stored, r.spans.in_flight, r.spans.dropped_total()));
  const auto drops = NonZeroDrops(r.spans);
  if (!drops.empty()) {
    std::string body;
    for (const auto& [cause, n] : drops) {
      if (!body.empty()) body += "   ";
      body += fmt::format("{} {}", cause, n);
    }
    Line(out, "  dropped", body);
  }
  if (r.spans.balanced()) {
    Line(out, "  ledger", "balanced");
  } else {
    Line(out, "  ledger",
         fmt::format("IMBALANCE {:+} spans (generated minus sampled_out, stored, in_flight and dropped)",
                     r.spans.imbalance));
  }

  Line(out, "traces",
       fmt::format("generated {}   sampled {}   complete {} ({})   incomplete {}", r.traces.generated,
                   r.traces.sampled, r.traces.complete, PctOf(r.traces.complete, r.traces.sampled),
                   r.traces.incomplete));
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
  return out;
}

}  // namespace tracesim::reports
