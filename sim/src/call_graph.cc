#include "call_graph.h"

#include <algorithm>
#include <boost/graph/topological_sort.hpp>
#include <map>

namespace tracesim::sim {

StatusOr<ServiceCallGraph> ServiceCallGraph::Build(const scenario::Scenario& scenario) {
  ServiceCallGraph g;
  std::map<std::string, int> index;
  for (size_t i = 0; i < scenario.services.size(); ++i) {
    boost::add_vertex(ServiceVertex{static_cast<int>(i)}, g.graph_);
    index[scenario.services[i].name] = static_cast<int>(i);
  }
  g.calls_.resize(scenario.services.size());
  for (size_t i = 0; i < scenario.services.size(); ++i) {
    for (const auto& call : scenario.services[i].calls) {
      auto it = index.find(call.service);
      if (it == index.end()) {
        return Status::InvalidArgument("service '" + scenario.services[i].name + "' calls unknown service '" +
                                       call.service + "'");
      }
      boost::add_edge(i, it->second, CallEdge{call.count, call.async}, g.graph_);
      g.calls_[i].push_back({it->second, call.count, call.async});
    }
  }
  std::vector<CallGraph::vertex_descriptor> order;
  try {
    boost::topological_sort(g.graph_, std::back_inserter(order));
  } catch (const boost::not_a_dag&) {
    return Status::InvalidArgument("the service call graph has a cycle");
  }
  return g;
}

uint64_t ServiceCallGraph::SpansPerRequest(int entry) const {
  // One server span per handled call, one client span per outgoing call.
  uint64_t spans = 1;
  for (const GraphCall& c : calls_[entry]) spans += c.count * (1 + SpansPerRequest(c.callee));
  return spans;
}

int ServiceCallGraph::depth(int entry) const {
  int d = 0;
  for (const GraphCall& c : calls_[entry]) d = std::max(d, depth(c.callee));
  return d + 1;
}

}  // namespace tracesim::sim
