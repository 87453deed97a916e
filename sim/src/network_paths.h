// Link behaviour the SimGrid platform does not model, applied per message:
// latency jitter, datagram loss (UDP-like transports) and the throughput a
// TCP-like transport keeps under loss (Mathis). Built from the scenario's
// link specs (platform.host_link / backbone / wan: jitter, loss) and changed
// by loss_burst failures. The models themselves are network_model.h.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <simgrid/s4u.hpp>
#include <string>
#include <utility>
#include <vector>

#include "network_model.h"
#include "tracesim/pipeline/random.h"
#include "tracesim/scenario/scenario.h"

namespace tracesim::sim {

// TCP's maximum segment size used in the Mathis formula (Ethernet MTU).
inline constexpr double kTcpMssBytes = 1460;

class NetworkPaths {
 public:
  // Whether the scenario configures anything this class models (otherwise
  // the simulator skips it entirely).
  static bool Needed(const scenario::Scenario& scenario);

  NetworkPaths(const scenario::Scenario& scenario, const pipeline::Rng& rng);

  // Extra one-way delay of a message from `from` to `to`: on each link with
  // jitter, a draw of its latency distribution minus the link's latency
  // (SimGrid already applies that), at least 0. Seconds.
  double JitterDelay(const simgrid::s4u::Host* from, const simgrid::s4u::Host* to);
  // The rate a TCP flow keeps on the path: Mathis with the path's loss rate
  // (1 - prod(1 - loss of each link)) and RTT (twice the written latencies).
  // +infinity on a loss-free path.
  double TcpRate(const simgrid::s4u::Host* from, const simgrid::s4u::Host* to);
  // A datagram crossing the path is lost on any of its links.
  bool DatagramLost(const simgrid::s4u::Host* from, const simgrid::s4u::Host* to);

  // failures: loss_burst — the link's loss model is `loss` until cleared.
  void SetBurst(const std::string& link, const scenario::LossSpec& loss);
  void ClearBurst(const std::string& link);

 private:
  struct LinkState {
    std::optional<LatencyDistribution> jitter;
    double latency_s = 0;  // as written in the scenario
    std::optional<LossModel> loss;
    std::optional<LossModel> burst;
    pipeline::Rng rng{0};
    LossModel* active_loss() { return burst ? &*burst : loss ? &*loss : nullptr; }
  };
  LinkState* StateOf(const simgrid::s4u::Link* link);
  const std::vector<LinkState*>& PathOf(const simgrid::s4u::Host* from, const simgrid::s4u::Host* to);

  const scenario::Scenario& scenario_;
  pipeline::Rng rng_;
  std::map<std::string, std::unique_ptr<LinkState>> links_;  // by link name
  std::map<std::pair<const simgrid::s4u::Host*, const simgrid::s4u::Host*>, std::vector<LinkState*>> paths_;
};

LossSpec ToLossSpec(const scenario::LossSpec& loss);

}  // namespace tracesim::sim
