// The service call graph of a scenario, held in Boost.Graph.
#pragma once

#include <boost/graph/adjacency_list.hpp>
#include <string>
#include <vector>

#include "tracesim/scenario/scenario.h"
#include "tracesim/status.h"

namespace tracesim::sim {

struct ServiceVertex {
  int service_index = 0;  // index into Scenario::services
};
struct CallEdge {
  int count = 1;  // sequential calls per handled request
  bool async = false;
};

// One entry of a service's calls: `count` calls to `callee`, in order.
struct GraphCall {
  int callee = 0;
  int count = 1;
  bool async = false;  // fire and forget (CallSpec::async)
  friend bool operator==(const GraphCall&, const GraphCall&) = default;
};

// Out-edges keep the order of the scenario's `calls:` list (vecS).
using CallGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, ServiceVertex, CallEdge>;

class ServiceCallGraph {
 public:
  // Errors on unknown callees or cycles (the loader checks these too; the
  // graph is also built from other sources later).
  static StatusOr<ServiceCallGraph> Build(const scenario::Scenario& scenario);

  const CallGraph& graph() const { return graph_; }
  // Calls made by `service` per handled request, in order.
  const std::vector<GraphCall>& CallsOf(int service) const { return calls_[service]; }
  // Spans one request entering at `entry` creates (server + client spans).
  uint64_t SpansPerRequest(int entry) const;
  int depth(int entry) const;

 private:
  CallGraph graph_;
  std::vector<std::vector<GraphCall>> calls_;
};

}  // namespace tracesim::sim
