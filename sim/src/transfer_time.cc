#include "transfer_time.h"

#include <simgrid/version.h>
#include <xbt/asserts.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <xbt/config.hpp>

// The formula and the config types below are SimGrid 3.32's (in 3.32 the
// network/latency-factor and network/bandwidth-factor settings are doubles;
// later versions turn them into size-dependent strings). Re-verify with
// tests/sim/transfer_time*_test.cc before allowing another version.
#if SIMGRID_VERSION_MAJOR != 3 || SIMGRID_VERSION_MINOR != 32
#error "transfer_time.cc reproduces SimGrid 3.32's network models: re-verify it for this SimGrid version"
#endif

namespace tracesim::sim {
namespace sg4 = simgrid::s4u;

namespace {

// The weight of the reverse (ACK) flow SimGrid adds with network/crosstraffic.
constexpr double kCrossTrafficWeight = 0.05;

void CheckArguments(const sg4::Host* from, const sg4::Host* to, double bytes) {
  xbt_assert(sg4::Engine::has_instance(), "UncontendedTransferTime: no SimGrid engine");
  xbt_assert(from != nullptr && to != nullptr, "UncontendedTransferTime: null host");
  xbt_assert(std::isfinite(bytes) && bytes >= 0,
             "UncontendedTransferTime: bytes must be finite and >= 0, got %g", bytes);
}

// Adds `link` to the flow's constraints with weight `weight`: weights add up
// on a shared link, a fatpipe takes the largest.
void AddConstraint(std::vector<std::pair<sg4::Link*, double>>& constraints, sg4::Link* link, double weight) {
  const sg4::Link::SharingPolicy policy = link->get_sharing_policy();
  xbt_assert(policy == sg4::Link::SharingPolicy::SHARED || policy == sg4::Link::SharingPolicy::FATPIPE,
             "UncontendedTransferTime: link '%s' has a sharing policy (%d) this formula does not model (only "
             "SHARED, FATPIPE and split-duplex halves)",
             link->get_cname(), static_cast<int>(policy));
  auto it =
      std::find_if(constraints.begin(), constraints.end(), [&](const auto& c) { return c.first == link; });
  if (it == constraints.end()) {
    constraints.emplace_back(link, weight);
  } else if (policy == sg4::Link::SharingPolicy::FATPIPE) {
    it->second = std::max(it->second, weight);
  } else {
    it->second += weight;
  }
}

}  // namespace

TransferTimeCache::ModelParams TransferTimeCache::ReadModelParams() {
  xbt_assert(sg4::Engine::has_instance(), "UncontendedTransferTime: no SimGrid engine");
  const std::string& model = simgrid::config::get_value<std::string>("network/model");
  xbt_assert(model == "LV08" || model == "CM02" || model == "Constant",
             "UncontendedTransferTime: network model '%s' is not modelled (LV08, CM02 or Constant)",
             model.c_str());
  ModelParams p;
  p.constant = model == "Constant";
  p.latency_factor = simgrid::config::get_value<double>("network/latency-factor");
  p.bandwidth_factor = simgrid::config::get_value<double>("network/bandwidth-factor");
  p.tcp_gamma = simgrid::config::get_value<double>("network/TCP-gamma");
  p.crosstraffic = simgrid::config::get_value<bool>("network/crosstraffic");
  xbt_assert(p.constant || p.bandwidth_factor > 0,
             "UncontendedTransferTime: network/bandwidth-factor must be > 0, got %g", p.bandwidth_factor);
  return p;
}

TransferTimeCache::Route TransferTimeCache::BuildRoute(sg4::Host* from, sg4::Host* to, bool crosstraffic) {
  Route route;
  double latency = 0;
  from->route_to(to, route.forward, &latency);
  xbt_assert(not route.forward.empty() || latency > 0,
             "UncontendedTransferTime: no route from %s to %s (SimGrid refuses such a transfer)",
             from->get_cname(), to->get_cname());
  double link_latency = 0;
  for (sg4::Link* link : route.forward) {
    AddConstraint(route.constraints, link, 1.0);
    link_latency += link->get_latency();
  }
  route.extra_latency = latency - link_latency;
  if (crosstraffic) {
    std::vector<sg4::Link*> back;
    to->route_to(from, back, nullptr);
    for (sg4::Link* link : back) AddConstraint(route.constraints, link, kCrossTrafficWeight);
  }
  return route;
}

double TransferTimeCache::Evaluate(const ModelParams& params, const Route& route, double bytes) {
  if (params.constant) return std::max(params.latency_factor, 0.0);
  double latency = 0;
  for (const sg4::Link* link : route.forward) latency += link->get_latency();
  latency += route.extra_latency;
  const double latency_time = latency * params.latency_factor;
  // No link: SimGrid ends the flow when its latency is paid.
  if (route.forward.empty() || bytes == 0) return latency_time;

  // The flow's own bound: its narrowest link, and the TCP window over the
  // unfactored round trip.
  double rate = std::numeric_limits<double>::infinity();
  for (const sg4::Link* link : route.forward) rate = std::min(rate, link->get_bandwidth());
  if (latency > 0 && params.tcp_gamma > 0) rate = std::min(rate, params.tcp_gamma / (2.0 * latency));
  // Max-min with one flow: each link's capacity over the flow's weight on it.
  for (const auto& [link, weight] : route.constraints) rate = std::min(rate, link->get_bandwidth() / weight);
  // The bandwidth factor scales the solved rate.
  return latency_time + bytes / (rate * params.bandwidth_factor);
}

size_t TransferTimeCache::PairHash::operator()(
    const std::pair<const sg4::Host*, const sg4::Host*>& p) const noexcept {
  const size_t a = std::hash<const sg4::Host*>()(p.first);
  const size_t b = std::hash<const sg4::Host*>()(p.second);
  return a ^ (b + 0x9e3779b97f4a7c15ULL + (a << 6) + (a >> 2));
}

TransferTimeCache::TransferTimeCache() : params_(ReadModelParams()) {}

const TransferTimeCache::Route& TransferTimeCache::RouteOf(sg4::Host* from, sg4::Host* to) {
  auto it = routes_.find({from, to});
  if (it == routes_.end())
    it = routes_.emplace(std::pair{from, to}, BuildRoute(from, to, params_.crosstraffic)).first;
  return it->second;
}

double TransferTimeCache::Get(sg4::Host* from, sg4::Host* to, double bytes) {
  CheckArguments(from, to, bytes);
  if (params_.constant) return Evaluate(params_, Route{}, bytes);
  return Evaluate(params_, RouteOf(from, to), bytes);
}

std::optional<double> TransferTimeCache::GetIfUp(sg4::Host* from, sg4::Host* to, double bytes) {
  CheckArguments(from, to, bytes);
  if (params_.constant) return Evaluate(params_, Route{}, bytes);
  const Route& route = RouteOf(from, to);
  for (const sg4::Link* link : route.forward) {
    if (!link->is_on()) return std::nullopt;
  }
  return Evaluate(params_, route, bytes);
}

double UncontendedTransferTime(sg4::Host* from, sg4::Host* to, double bytes) {
  CheckArguments(from, to, bytes);
  const TransferTimeCache::ModelParams params = TransferTimeCache::ReadModelParams();
  if (params.constant) return TransferTimeCache::Evaluate(params, TransferTimeCache::Route{}, bytes);
  return TransferTimeCache::Evaluate(params, TransferTimeCache::BuildRoute(from, to, params.crosstraffic),
                                     bytes);
}

}  // namespace tracesim::sim
