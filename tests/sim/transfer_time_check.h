// Shared by the transfer_time*_test.cc executables (one SimGrid engine per
// process, so one per network model and platform): measure a lone
// Comm::sendto inside an actor and compare it with the analytic figures.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <simgrid/s4u.hpp>
#include <string>
#include <vector>

#include "transfer_time.h"

namespace tracesim::sim::testing {

struct LoneTransfer {
  simgrid::s4u::Host* from;
  simgrid::s4u::Host* to;
  double bytes;
  double start = -1;      // the engine's clock when it started
  double simulated = -1;  // what SimGrid took
  double analytic = -1;   // UncontendedTransferTime
  double cached = -1;     // TransferTimeCache::Get
};

// Inside an actor: computes the analytic figures, then sends alone and
// measures the virtual time it took.
inline void Measure(TransferTimeCache& cache, LoneTransfer& t) {
  t.analytic = UncontendedTransferTime(t.from, t.to, t.bytes);
  t.cached = cache.Get(t.from, t.to, t.bytes);
  t.start = simgrid::s4u::Engine::get_clock();
  simgrid::s4u::Comm::sendto(t.from, t.to, static_cast<uint64_t>(t.bytes));
  t.simulated = simgrid::s4u::Engine::get_clock() - t.start;
}

inline std::string Describe(const LoneTransfer& t) {
  return t.from->get_name() + " -> " + t.to->get_name() + ", " + std::to_string(t.bytes) + " bytes at " +
         std::to_string(t.start) + " s";
}

// The analytic and cached figures agree with SimGrid within 1e-9 relative,
// and exactly with each other. The engine's clock is absolute: a measured
// duration is a difference of two clock readings, each rounded to the
// clock's precision (the end date is computed in a few steps), so a
// duration much shorter than the clock (no latency, a few bytes) is only
// known to a few units in the last place of the clock.
inline void ExpectAgree(const std::vector<LoneTransfer>& transfers) {
  for (const LoneTransfer& t : transfers) {
    ASSERT_GE(t.simulated, 0) << Describe(t) << ": not run";
    const double end = t.start + t.simulated;
    const double clock_ulp = std::nextafter(end, std::numeric_limits<double>::infinity()) - end;
    const double tolerance = std::max(t.simulated * 1e-9, 4 * clock_ulp);
    EXPECT_NEAR(t.analytic, t.simulated, tolerance) << Describe(t);
    EXPECT_EQ(t.cached, t.analytic) << Describe(t);
  }
}

// The analytic figure of the transfer (from, to, bytes) of `transfers`.
inline double AnalyticOf(const std::vector<LoneTransfer>& transfers, simgrid::s4u::Host* from,
                         simgrid::s4u::Host* to, double bytes) {
  for (const LoneTransfer& t : transfers) {
    if (t.from == from && t.to == to && t.bytes == bytes) return t.analytic;
  }
  ADD_FAILURE() << "no such transfer: " << from->get_name() << " -> " << to->get_name() << ", " << bytes;
  return 0.0;
}

// A hand-computed figure, to 1e-12 relative.
inline void ExpectClose(double got, double want) { EXPECT_NEAR(got, want, want * 1e-12); }

// Measures every transfer, one after the other, from an actor on `host`,
// runs the engine, and checks the analytic figures against SimGrid's.
inline void MeasureAll(simgrid::s4u::Engine& engine, simgrid::s4u::Host* host, TransferTimeCache& cache,
                       std::vector<LoneTransfer>& transfers) {
  simgrid::s4u::Actor::create("sender", host, [&] {
    for (LoneTransfer& t : transfers) Measure(cache, t);
  });
  engine.run();
  ExpectAgree(transfers);
}

// All (pair, size) combinations, in order.
inline std::vector<LoneTransfer> Combine(
    const std::vector<std::pair<simgrid::s4u::Host*, simgrid::s4u::Host*>>& pairs,
    const std::vector<double>& sizes) {
  std::vector<LoneTransfer> out;
  for (const auto& [from, to] : pairs) {
    for (double bytes : sizes) out.push_back({from, to, bytes});
  }
  return out;
}

}  // namespace tracesim::sim::testing
