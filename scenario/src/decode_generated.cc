// services: {generate: {...}} — a synthetic service call graph.
#include "decoder.h"

namespace tracesim::scenario::internal {

void Decoder::DecodeGeneratedServices(const Node& services_node, const std::string& path,
                                      std::vector<ServiceSpec>* services) {
  (void)services;
  FailExpected(services_node, path, "a non-empty sequence of services (- name: ...)");
}

}  // namespace tracesim::scenario::internal
