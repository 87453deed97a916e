#include "tracesim/scenario/scenario.h"

#include <string>

namespace tracesim::scenario {

std::string TierHostName(const std::string& tier, int index) { return tier + "-" + std::to_string(index); }

std::string CollectorHostName(int index) { return "collector-" + std::to_string(index); }

std::string StorageHostName(int index) { return "storage-" + std::to_string(index); }

}  // namespace tracesim::scenario
