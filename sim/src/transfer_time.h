// Analytic duration of a lone SimGrid transfer: what sg4::Comm::sendto(from,
// to, bytes) takes when nothing else uses the network. The "fast" fidelity
// mode computes the application's RPC messages with it instead of simulating
// them. Exact (to floating-point rounding) for SimGrid 3.32's LV08, CM02 and
// Constant network models, the ones ConfigureNetworkModel (platform.h) sets.
//
// The formula, as SimGrid 3.32 computes it (NetworkCm02Model::communicate and
// the LMM max-min solver for one flow; NetworkConstantModel):
//
//   Constant: t = network/latency-factor seconds (the value the engine holds:
//   13.01 when the model is switched from the LV08 default after the engine
//   started, as ConfigureNetworkModel does; SimGrid's documentation says one
//   second), whatever the route and size; 0 if that factor is <= 0. SimGrid
//   3.32's Constant model refuses to create links (xbt_die), so only a
//   platform without links (not BuildPlatform's) runs under it.
//
//   LV08 / CM02: let R be the route from -> to (Host::route_to: split-duplex
//   links appear as their <name>_UP / <name>_DOWN halves, a host's route to
//   itself is whatever its zone gives: its own link(s) in a star zone,
//   SimGrid's __loopback__ link in a full zone), lambda its latency (the sum
//   of its links' latencies), and B the route to -> from when
//   network/crosstraffic is on (the reverse ACK flow; empty when off). Every
//   link l of R and B is a constraint of the flow's rate r with weight
//     w_l = n_R(l) + 0.05 n_B(l)     (SHARED, incl. split-duplex halves)
//     w_l = max(1 if l in R, 0.05 if l in B)    (FATPIPE)
//   and
//     r = min( min_{l in R} bw_l,              the flow's own bound
//              gamma / (2 lambda),             TCP window, if lambda > 0, gamma > 0
//              min_{l in R u B} bw_l / w_l )   the links
//     t = lambda * f_lat + bytes / (r * f_bw)
//   with f_lat = network/latency-factor, f_bw = network/bandwidth-factor
//   (LV08: 13.01 and 0.97, CM02: 1 and 1) and gamma = network/TCP-gamma
//   (default 4194304). Notable points of SimGrid's formula:
//   - the TCP-gamma bound uses the UNfactored route latency, and f_bw is a
//     factor on the solved rate, so it scales every bound, gamma's included
//     (LV08: r * f_bw = 0.97 * gamma / (2 lambda) on a long route);
//   - crosstraffic is on by default for LV08 and CM02: a SHARED link in both
//     directions of the route (every link of a star or full-zone route, a
//     host's route to itself) carries 1.05 of the flow, so a lone transfer
//     there takes lambda * f_lat + 1.05 * bytes / (f_bw * bw); split-duplex
//     halves and FATPIPE links do not add up;
//   - bytes == 0 takes lambda * f_lat; an empty route (a zone that gives only
//     a latency) takes lambda * f_lat whatever the size (SimGrid ends such a
//     flow when its latency is paid: read from SimGrid's source, no tracesim
//     zone gives such a route, untested);
//   - network/weight-S (LV08: 20537) only weighs flows against each other:
//     it does not change a lone flow.
//
// Not modelled (the REQUIRES below): WIFI and NONLINEAR links (tracesim
// builds none), network factor callbacks (NetworkModelIntf::set_lat_factor_cb
// / set_bw_factor_cb; tracesim sets none: they would silently differ), the
// other network models (SMPI's size-dependent factors, IB, ns-3), links or
// hosts that are off (a lone sendto then fails; this returns the time it
// would take). Any other network/* setting is read from the engine's config.
// Agreement with the simulated transfer is to floating-point rounding: the
// tests (tests/sim/transfer_time*_test.cc) check 1e-9 relative, or a few
// units in the last place of the engine's absolute clock for durations
// shorter than ~10 us (SimGrid's clock readings are rounded to its
// precision at the current date; the formula itself is not the limit).
#pragma once

#include <optional>
#include <simgrid/s4u.hpp>
#include <unordered_map>
#include <utility>
#include <vector>

namespace tracesim::sim {

// Seconds a lone Comm::sendto(from, to, bytes) takes under the engine's
// configured network model when nothing else uses the route. Not cached: it
// asks SimGrid for both routes and reads the config at every call (use
// TransferTimeCache for repeated calls). REQUIRES: an Engine exists and the
// platform is sealed; from and to non-null; bytes >= 0 and finite; the
// network model is LV08, CM02 or Constant; no WIFI or NONLINEAR link on the
// route (violations stop the process with a message, as SimGrid does for a
// missing route).
double UncontendedTransferTime(simgrid::s4u::Host* from, simgrid::s4u::Host* to, double bytes);

// The same value, for the many calls of the same host pairs. Caches each
// pair's routes (which links, and each link's weight in the flow) and the
// network model's settings, read once at construction; reads the links'
// CURRENT bandwidth and latency at each call, so it stays exact when faults
// change them (set_bandwidth / set_latency, profiles). A route is assumed
// not to change after the platform is sealed (SimGrid's are static).
// Thread-safety: not thread-safe (SimGrid actors run one at a time).
class TransferTimeCache {
 public:
  // REQUIRES: as UncontendedTransferTime; the network config (model,
  // factors, TCP-gamma, crosstraffic) is final.
  TransferTimeCache();

  // REQUIRES: as UncontendedTransferTime.
  double Get(simgrid::s4u::Host* from, simgrid::s4u::Host* to, double bytes);

  // The same, or nullopt when a link of the route is down now (a lone
  // sendto would fail).
  std::optional<double> GetIfUp(simgrid::s4u::Host* from, simgrid::s4u::Host* to, double bytes);

  // Host pairs whose routes are cached.
  size_t cached_pairs() const { return routes_.size(); }

 private:
  // The network model's settings the formula uses (see the file comment).
  struct ModelParams {
    bool constant = false;  // Constant model: every transfer takes latency_factor seconds
    double latency_factor = 1;
    double bandwidth_factor = 1;
    double tcp_gamma = 0;  // 0: no window bound
    bool crosstraffic = false;
  };
  // One pair's routes, as the formula needs them.
  struct Route {
    std::vector<simgrid::s4u::Link*> forward;  // from -> to, in route_to's order
    // Every link of the forward and (with crosstraffic) reverse routes once,
    // with its weight in the flow.
    std::vector<std::pair<simgrid::s4u::Link*, double>> constraints;
    // Route latency beyond the sum of its links' latencies (a zone's own
    // latency, e.g. Vivaldi coordinates); 0 on tracesim's platforms.
    double extra_latency = 0;
  };
  struct PairHash {
    size_t operator()(
        const std::pair<const simgrid::s4u::Host*, const simgrid::s4u::Host*>& p) const noexcept;
  };

  // The engine's current settings.
  static ModelParams ReadModelParams();
  const Route& RouteOf(simgrid::s4u::Host* from, simgrid::s4u::Host* to);
  static Route BuildRoute(simgrid::s4u::Host* from, simgrid::s4u::Host* to, bool crosstraffic);
  static double Evaluate(const ModelParams& params, const Route& route, double bytes);
  friend double UncontendedTransferTime(simgrid::s4u::Host* from, simgrid::s4u::Host* to, double bytes);

  ModelParams params_;
  std::unordered_map<std::pair<const simgrid::s4u::Host*, const simgrid::s4u::Host*>, Route, PairHash>
      routes_;
};

}  // namespace tracesim::sim
