// A realistic Results for the reports tests: 60 s, 4000 spans/s with 25 %
// head sampling, a collector crash from 20 s to 32 s (crash_lost, then full SDK
// queues), a latency spike and a fault still open at the end. The final ledger
// balances by construction.
#pragma once

#include <algorithm>
#include <cstdint>

#include "tracesim/reports/results.h"

namespace tracesim::reports::testing {

inline Results SampleResults() {
  Results r;
  r.scenario_name = "collector-crash";
  r.scenario_source = "scenarios/collector-crash.yaml";
  r.seed = 42;
  r.tracing_enabled = true;
  r.sampler = "ParentBased{root:TraceIdRatioBased{0.25}}";
  r.simulated_seconds = 60;

  uint64_t generated = 0, exported = 0, stored = 0, crash_lost = 0, queue_full = 0, requests = 0;
  for (int t = 1; t <= 60; ++t) {
    generated += 4000;
    exported += 1000;
    requests += (t > 20 && t <= 24) ? 470 : 500;
    if (t == 20) crash_lost = 3100;
    if (t > 26 && t <= 32) queue_full += 320;
    uint64_t stored_rate = 0;
    if (t > 5 && t <= 20) stored_rate = 1000;
    if (t > 32 && t <= 44) stored_rate = 1900;
    if (t > 44) stored_rate = 1000;
    const uint64_t dropped = crash_lost + queue_full;
    stored = std::min(stored + stored_rate, exported - dropped - 600);
    TimeSample s;
    s.t_s = t;
    s.spans_generated = generated;
    s.spans_stored = stored;
    s.spans_dropped = dropped;
    s.in_flight = exported - stored - dropped;
    s.sdk_queue_spans = s.in_flight * 7 / 10;
    s.collector_buffered_spans = s.in_flight - s.sdk_queue_spans;
    s.requests_completed = requests;
    r.timeseries.push_back(s);
  }
  const TimeSample& last = r.timeseries.back();
  r.spans.generated = last.spans_generated;
  r.spans.sampled_out = last.spans_generated - exported;
  r.spans.stored = last.spans_stored;
  r.spans.in_flight = last.in_flight;
  r.spans.dropped = {{"crash_lost", crash_lost}, {"sdk_queue_full", queue_full}};
  r.spans.imbalance = 0;

  r.traces = {.generated = 30012, .sampled = 7470, .complete = 6903, .incomplete = 567};
  r.requests = {.started = 30012, .completed = last.requests_completed, .failed = 212};
  r.request_latency = {.count = last.requests_completed,
                       .mean_ms = 14.71,
                       .p50_ms = 12.3,
                       .p90_ms = 24.9,
                       .p99_ms = 45.6,
                       .max_ms = 131.25};
  r.span_delivery_latency = {.count = last.spans_stored,
                             .mean_ms = 6890.5,
                             .p50_ms = 5120,
                             .p90_ms = 9800,
                             .p99_ms = 17950,
                             .max_ms = 21480};
  r.overhead = {.measured = true,
                .request_latency_p50_pct = 1.2,
                .request_latency_p99_pct = 2.3,
                .cpu_pct = 3.4,
                .baseline_request_p50_ms = 12.15,
                .baseline_request_p99_ms = 44.58,
                .baseline_service_cpu_s = 118.25};
  r.cpu = {.service_cpu_s = 122.27, .tracing_cpu_s = 4.02, .collector_cpu_s = 11.5, .storage_cpu_s = 3.125};
  r.timeline = {{"host_crash", "collector-1", 20, 32},
                {"latency_spike", "wan-eu", 45, 50},
                {"cpu_slowdown", "frontend-0", 55, -1}};
  r.run = {.wall_seconds = 3.75, .simulated_spans_per_wall_second = 64000, .tracesim_version = "0.1.0"};
  return r;
}

}  // namespace tracesim::reports::testing
