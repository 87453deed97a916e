#include "network_paths.h"

#include <cmath>
#include <limits>

#include "tracesim/pipeline/crc32.h"

namespace tracesim::sim {
namespace sg4 = simgrid::s4u;

namespace {

bool HasModels(const scenario::LinkSpec& l) {
  return l.jitter.kind != scenario::JitterSpec::Kind::kNone ||
         l.loss.model != scenario::LossSpec::Model::kNone;
}

std::optional<LatencyDistribution> ToJitter(const scenario::LinkSpec& l) {
  using K = scenario::JitterSpec::Kind;
  LatencyDistribution d;
  d.base_s = l.latency_s;
  switch (l.jitter.kind) {
    case K::kNone:
      return std::nullopt;
    case K::kUniform:
      d.kind = LatencyDistribution::Kind::kUniform;
      d.max_s = l.jitter.max_s;
      break;
    case K::kNormal:
      d.kind = LatencyDistribution::Kind::kNormal;
      d.stddev_s = l.jitter.stddev_s;
      break;
    case K::kLogNormal:
      d.kind = LatencyDistribution::Kind::kLogNormal;
      d.sigma = l.jitter.sigma;
      break;
    case K::kPareto:
      d.kind = LatencyDistribution::Kind::kPareto;
      d.alpha = l.jitter.alpha;
      break;
  }
  return d;
}

}  // namespace

LossSpec ToLossSpec(const scenario::LossSpec& loss) {
  LossSpec s;
  switch (loss.model) {
    case scenario::LossSpec::Model::kNone:
      s.model = LossSpec::Model::kNone;
      break;
    case scenario::LossSpec::Model::kBernoulli:
      s.model = LossSpec::Model::kBernoulli;
      break;
    case scenario::LossSpec::Model::kGilbertElliott:
      s.model = LossSpec::Model::kGilbertElliott;
      break;
  }
  s.p = loss.p;
  s.r = loss.r;
  s.loss_good = loss.loss_good;
  s.loss_bad = loss.loss_bad;
  return s;
}

bool NetworkPaths::Needed(const scenario::Scenario& sc) {
  if (HasModels(sc.platform.host_link) || HasModels(sc.platform.backbone) || HasModels(sc.platform.wan))
    return true;
  for (const auto& f : sc.failures) {
    if (f.type == scenario::FailureType::kLossBurst) return true;
  }
  return false;
}

NetworkPaths::NetworkPaths(const scenario::Scenario& scenario, const pipeline::Rng& rng)
    : scenario_(scenario), rng_(rng) {}

NetworkPaths::LinkState* NetworkPaths::StateOf(const sg4::Link* link) {
  const std::string name = link->get_name();
  auto it = links_.find(name);
  if (it != links_.end()) return it->second.get();
  // The spec a link was built from, by the platform's link names.
  const scenario::LinkSpec* spec = nullptr;
  if (name.size() > 5 && name.ends_with("-link")) {
    spec = &scenario_.platform.host_link;
  } else if (name.starts_with("rack") && name.ends_with("-uplink")) {
    spec = &scenario_.platform.backbone;
  } else if (name.starts_with("wan-")) {
    spec = &scenario_.platform.wan;
  }
  auto state = std::make_unique<LinkState>();
  state->rng = rng_.Fork(pipeline::Crc32Ieee(name));  // each link its own stream, by name
  if (spec != nullptr) {
    state->jitter = ToJitter(*spec);
    state->latency_s = spec->latency_s;
    if (spec->loss.model != scenario::LossSpec::Model::kNone) state->loss.emplace(ToLossSpec(spec->loss));
  } else {
    state->latency_s = link->get_latency();
  }
  LinkState* raw = state.get();
  links_[name] = std::move(state);
  return raw;
}

const std::vector<NetworkPaths::LinkState*>& NetworkPaths::PathOf(const sg4::Host* from,
                                                                  const sg4::Host* to) {
  auto key = std::make_pair(from, to);
  auto it = paths_.find(key);
  if (it != paths_.end()) return it->second;
  std::vector<sg4::Link*> links;
  double latency = 0;
  from->route_to(to, links, &latency);
  std::vector<LinkState*> states;
  for (const sg4::Link* l : links) {
    if (l->get_name() == "__loopback__") continue;
    states.push_back(StateOf(l));
  }
  return paths_[key] = std::move(states);
}

double NetworkPaths::JitterDelay(const sg4::Host* from, const sg4::Host* to) {
  double extra = 0;
  for (LinkState* l : PathOf(from, to)) {
    if (l->jitter) extra += std::max(0.0, l->jitter->Sample(l->rng) - l->latency_s);
  }
  return extra;
}

double NetworkPaths::TcpRate(const sg4::Host* from, const sg4::Host* to) {
  double delivered = 1, rtt = 0;
  for (LinkState* l : PathOf(from, to)) {
    rtt += 2 * l->latency_s;
    if (LossModel* m = l->active_loss()) delivered *= 1 - m->StationaryLossRate();
  }
  const double loss = 1 - delivered;
  if (loss <= 0 || rtt <= 0) return std::numeric_limits<double>::infinity();
  return MathisThroughput(kTcpMssBytes, rtt, loss);
}

bool NetworkPaths::DatagramLost(const sg4::Host* from, const sg4::Host* to) {
  bool lost = false;
  for (LinkState* l : PathOf(from, to)) {
    // Every link draws (Gilbert-Elliott links keep their state moving), lost on any.
    if (LossModel* m = l->active_loss(); m != nullptr && m->Lost(l->rng)) lost = true;
  }
  return lost;
}

void NetworkPaths::SetBurst(const std::string& link, const scenario::LossSpec& loss) {
  const sg4::Link* l = sg4::Link::by_name_or_null(link);
  if (l == nullptr) return;
  StateOf(l)->burst.emplace(ToLossSpec(loss));
}

void NetworkPaths::ClearBurst(const std::string& link) {
  const sg4::Link* l = sg4::Link::by_name_or_null(link);
  if (l == nullptr) return;
  StateOf(l)->burst.reset();
}

}  // namespace tracesim::sim
