// platform.regions, platform.wan and platform.fat_tree (topologies
// multi_region and fat_tree).
#include "decoder.h"

namespace tracesim::scenario::internal {

void Decoder::DecodeTopology(const Map& platform, PlatformSpec* p) {
  for (const char* key : {"regions", "wan"}) {
    if (platform.Get(key) != nullptr && p->topology != Topology::kMultiRegion) {
      Fail(platform.KeyOrigin(key), platform.Path(key), "only applies to topology: multi_region");
    }
  }
  if (platform.Get("fat_tree") != nullptr && p->topology != Topology::kFatTree) {
    Fail(platform.KeyOrigin("fat_tree"), platform.Path("fat_tree"), "only applies to topology: fat_tree");
  }
}

void Decoder::CheckTopology(const Scenario& s) { (void)s; }

}  // namespace tracesim::scenario::internal
