#include "tracesim/scenario/scenario.h"

#include <string>

namespace tracesim::scenario {

std::string TierHostName(const std::string& tier, int index) { return tier + "-" + std::to_string(index); }

std::string CollectorHostName(int index) { return "collector-" + std::to_string(index); }

std::string StorageHostName(int index) { return "storage-" + std::to_string(index); }

std::string ServiceHostName(const ServiceSpec& service, int replica) {
  return service.replicas <= 1 ? service.name : service.name + "-" + std::to_string(replica);
}

}  // namespace tracesim::scenario
