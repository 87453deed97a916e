// A realistic Results for the reports tests: 60 s, 4000 spans/s with 25 %
// head sampling, a collector crash from 20 s to 32 s (crash_lost, then full SDK
// queues), a latency spike and a fault still open at the end. The final ledger
// balances by construction. Sampling quality reflects 25 % head sampling
// (about a quarter of error and slow traces kept; RED estimates off where the
// crash lost spans), over an agent tier and a gateway collector tier.
#pragma once

#include <algorithm>
#include <cmath>
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
    s.traces_sampled = requests / 4;
    r.timeseries.push_back(s);
  }
  const TimeSample& last = r.timeseries.back();
  r.spans.generated = last.spans_generated;
  r.spans.sampled_out = last.spans_generated - exported;
  r.spans.stored = last.spans_stored;
  r.spans.in_flight = last.in_flight;
  r.spans.dropped = {{"crash_lost", crash_lost}, {"sdk_queue_full", queue_full}};
  r.spans.imbalance = 0;

  // 60 sampled traces lost every span in the crash; the other 507 incomplete ones are broken.
  // 14 broken traces miss spans for two causes, so the causes sum to 521.
  r.traces = {.generated = 30012,
              .sampled = 7470,
              .kept = 7410,
              .complete = 6903,
              .incomplete = 567,
              .broken = 507,
              .broken_by_cause = {{"crash_lost", 312}, {"sdk_queue_full", 171}, {"in_flight", 38}}};
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
  r.sampling.error_traces = 236;
  r.sampling.error_traces_kept = 55;
  r.sampling.error_traces_kept_fraction = 55.0 / 236;
  r.sampling.slow_threshold_ms = 45.6;  // the true p99 request latency
  r.sampling.slow_traces = 298;
  r.sampling.slow_traces_kept = 71;
  r.sampling.slow_traces_kept_fraction = 71.0 / 298;
  r.sampling.operations = 14;
  r.sampling.operations_covered = 13;  // a rare inventory operation was never sampled
  r.sampling.services = 5;
  r.sampling.services_covered = 5;
  r.sampling.bytes_stored = 22596000;  // 53,800 stored spans of 420 bytes
  r.sampling.bytes_per_kept_trace = 22596000.0 / 7410;
  // {service, true rate, est rate, true error rate, est error rate, true p50, est p50, true p99, est p99}
  struct Red {
    const char* service;
    double rate[2], error_rate[2], p50[2], p99[2];
  };
  const Red kRed[] = {
      {"frontend", {498.0, 489.6}, {0.0071, 0.0068}, {12.3, 12.4}, {45.6, 46.1}},
      {"cart", {996.0, 978.4}, {0.0020, 0.0024}, {3.1, 3.1}, {9.8, 10.3}},
      {"checkout", {249.0, 244.0}, {0.0120, 0.0115}, {8.7, 8.9}, {31.0, 32.2}},
      {"payment", {249.0, 241.2}, {0.0240, 0.0210}, {5.2, 5.4}, {38.2, 44.9}},
      {"inventory", {1992.0, 1960.0}, {0.0005, 0.0}, {1.9, 1.9}, {6.4, 6.1}},
  };
  for (const Red& m : kRed) {
    ServiceRed red;
    red.service = m.service;
    red.true_rate_per_s = m.rate[0];
    red.est_rate_per_s = m.rate[1];
    red.true_error_rate = m.error_rate[0];
    red.est_error_rate = m.error_rate[1];
    red.true_p50_ms = m.p50[0];
    red.est_p50_ms = m.p50[1];
    red.true_p99_ms = m.p99[0];
    red.est_p99_ms = m.p99[1];
    red.rate_rel_error = std::abs(m.rate[1] - m.rate[0]) / m.rate[0];
    red.error_rate_abs_error = std::abs(m.error_rate[1] - m.error_rate[0]);
    red.p50_rel_error = std::abs(m.p50[1] - m.p50[0]) / m.p50[0];
    red.p99_rel_error = std::abs(m.p99[1] - m.p99[0]) / m.p99[0];
    r.sampling.red.push_back(red);
  }
  // CPU adds up to cpu.collector_cpu_s.
  r.storage.nodes = 3;
  r.storage.disk_wal_bytes = 123456;
  r.storage.disk_block_bytes = 65432;
  r.storage.disk_read_bytes = 777;
  r.storage.lookups = 100;
  r.storage.lookups_failed = 4;
  r.storage.lookups_complete = 90;
  r.storage.lookup_latency = {
      .count = 96, .mean_ms = 2.5, .p50_ms = 2.4, .p90_ms = 3.1, .p99_ms = 7.25, .max_ms = 9.5};
  r.storage.searches = 30;
  r.storage.search_latency = {
      .count = 30, .mean_ms = 4.5, .p50_ms = 4, .p90_ms = 6, .p99_ms = 8, .max_ms = 8};
  r.collectors = {{.name = "agent",
                   .hosts = 5,
                   .cpu_s = 4.25,
                   .peak_held_spans = 2310,
                   .peak_held_bytes = 970200,
                   .refused_spans = 0},
                  {.name = "collector",
                   .hosts = 3,
                   .cpu_s = 7.25,
                   .peak_held_spans = 9870,
                   .peak_held_bytes = 4145400,
                   .refused_spans = 860}};
  r.timeline = {{"host_crash", "collector-1", 20, 32},
                {"latency_spike", "wan-eu", 45, 50},
                {"cpu_slowdown", "frontend-0", 55, -1}};
  r.run = {.wall_seconds = 3.75, .simulated_spans_per_wall_second = 64000, .tracesim_version = "0.1.0"};
  r.saturation = {{"collector tier collector", "cpu >= 95 %", 23.0}, {"loss", "sdk_queue_full", 24.0}};
  return r;
}

}  // namespace tracesim::reports::testing
