// platform topologies multi_region (regions, wan) and fat_tree: valid
// configurations, and one error per mistake with its position and key path.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "scenario_test_support.h"
#include "tracesim/scenario/loader.h"

namespace tracesim::scenario {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

using testing::ErrorOf;
using testing::kBase;
using testing::MustLoad;

using Names = std::vector<std::string>;

// kBase's hosts: api, db, collector-0, storage-0 (and the driver).
std::string MultiRegion(const std::string& regions) {
  return std::string(kBase) +
         "platform:\n"
         "  topology: multi_region\n"
         "  regions:\n" +
         regions;
}

std::string FatTree(const std::string& fat_tree) {
  return std::string(kBase) +
         "platform:\n"
         "  topology: fat_tree\n" +
         fat_tree;
}

TEST(TopologyTest, MultiRegionRegionsAndWan) {
  Scenario s = MustLoad(std::string(kBase) +
                        "platform:\n"
                        "  topology: multi_region\n"
                        "  wan: {bandwidth: 1Gbps, latency: 80ms, sharing: split_duplex}\n"
                        "  regions:\n"
                        "    - {name: eu, hosts: [api, collector, storage]}\n"
                        "    - {name: us_east, hosts: [db]}\n");
  EXPECT_EQ(s.platform.topology, Topology::kMultiRegion);
  ASSERT_EQ(s.platform.regions.size(), 2u);
  EXPECT_EQ(s.platform.regions[0].name, "eu");
  EXPECT_EQ(s.platform.regions[0].hosts, (Names{"api", "collector", "storage"}));
  EXPECT_EQ(s.platform.regions[1].name, "us_east");
  EXPECT_EQ(s.platform.regions[1].hosts, (Names{"db"}));
  EXPECT_DOUBLE_EQ(s.platform.wan.bandwidth_bytes_per_s, 125e6);
  EXPECT_DOUBLE_EQ(s.platform.wan.latency_s, 0.080);
  EXPECT_EQ(s.platform.wan.sharing, LinkSpec::Sharing::kSplitDuplex);
}

TEST(TopologyTest, WanDefaultsTo100MbpsAnd40ms) {
  Scenario s = MustLoad(MultiRegion("    - {name: a, hosts: [api, db, collector, storage]}\n"));
  EXPECT_DOUBLE_EQ(s.platform.wan.bandwidth_bytes_per_s, 12.5e6);
  EXPECT_DOUBLE_EQ(s.platform.wan.latency_s, 0.040);
  EXPECT_EQ(s.platform.wan.sharing, LinkSpec::Sharing::kShared);
}

TEST(TopologyTest, RegionEntriesNameHostsOneByOne) {
  Scenario s = MustLoad(std::string(kBase) +
                        "collectors: {count: 2}\n"
                        "storage: {nodes: 2}\n"
                        "platform:\n"
                        "  topology: multi_region\n"
                        "  regions:\n"
                        "    - {name: eu, hosts: [api, collector-0, storage-1]}\n"
                        "    - {name: us, hosts: [db, collector-1, storage-0]}\n");
  EXPECT_EQ(s.platform.regions[1].hosts, (Names{"db", "collector-1", "storage-0"}));
}

TEST(TopologyTest, ScaleOutSparesAreHostsToo) {
  const std::string base = std::string(kBase) +
                           "failures: [{type: scale_out, target: collector, at: 5s}]\n"
                           "platform:\n"
                           "  topology: multi_region\n"
                           "  regions:\n";
  // The tier name places the spare collector-1 with collector-0.
  MustLoad(base + "    - {name: eu, hosts: [api, db, collector, storage]}\n");
  MustLoad(base +
           "    - {name: eu, hosts: [api, db, collector-0, storage]}\n"
           "    - {name: us, hosts: [collector-1]}\n");
  EXPECT_THAT(ErrorOf(base + "    - {name: eu, hosts: [api, db, collector-0, storage]}\n"),
              HasSubstr("platform.regions: every host must be in exactly one region; not in any region: "
                        "'collector-1'"));
  // Without the scale_out there is no collector-1.
  EXPECT_THAT(
      ErrorOf(MultiRegion("    - {name: eu, hosts: [api, db, collector-0, collector-1, storage]}\n")),
      HasSubstr("platform.regions[0].hosts[3]: expected a service, a collector tier, a collector host "
                "(<tier>-<i>), 'storage' or a storage node (storage-<i>), got 'collector-1'"));
}

TEST(TopologyTest, UnknownRegionEntryIsPositionedWithSuggestion) {
  EXPECT_EQ(ErrorOf(MultiRegion("    - name: eu\n"
                                "      hosts: [api, db, colector, storage]\n")),
            "t.yaml:12:24: platform.regions[0].hosts[2]: expected a service, a collector tier, a collector "
            "host (<tier>-<i>), 'storage' or a storage node (storage-<i>), got 'colector' (did you mean "
            "'collector'?)");
  EXPECT_THAT(ErrorOf(MultiRegion("    - {name: eu, hosts: [api, db, collector, storage-1]}\n")),
              HasSubstr("platform.regions[0].hosts[3]: expected a service"));
  EXPECT_THAT(ErrorOf(MultiRegion("    - {name: eu, hosts: [api, db, collector, storage, driver]}\n")),
              HasSubstr("got 'driver' (the load generator is always in the first region)"));
}

TEST(TopologyTest, EveryHostInExactlyOneRegion) {
  EXPECT_EQ(ErrorOf(MultiRegion("    - {name: eu, hosts: [api, collector]}\n"
                                "    - {name: us, hosts: [db]}\n")),
            "t.yaml:10:3: platform.regions: every host must be in exactly one region; not in any region: "
            "'storage-0'");
  EXPECT_THAT(ErrorOf(MultiRegion("    - {name: eu, hosts: [api, collector, storage]}\n"
                                  "    - {name: us, hosts: [db, api]}\n")),
              HasSubstr("t.yaml:12:30: platform.regions[1].hosts[1]: host 'api' is already placed by "
                        "platform.regions[0].hosts[0] (every host is in exactly one region)"));
  // A tier and one of its hosts overlap.
  EXPECT_THAT(ErrorOf(MultiRegion("    - {name: eu, hosts: [api, db, collector, storage]}\n"
                                  "    - {name: us, hosts: [collector-0]}\n")),
              HasSubstr("platform.regions[1].hosts[0]: host 'collector-0' is already placed by "
                        "platform.regions[0].hosts[2]"));
  EXPECT_THAT(ErrorOf(MultiRegion("    - {name: eu, hosts: [api, db, db, collector, storage]}\n")),
              HasSubstr("platform.regions[0].hosts[2]: host 'db' is already placed by "
                        "platform.regions[0].hosts[1]"));
}

TEST(TopologyTest, RegionShapeErrors) {
  EXPECT_THAT(ErrorOf(std::string(kBase) + "platform: {topology: multi_region}\n"),
              HasSubstr("t.yaml:8:1: platform.regions: required (a list of regions"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "platform: {topology: multi_region, regions: eu}\n"),
              HasSubstr("platform.regions: expected a non-empty sequence of regions"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "platform: {topology: multi_region, regions: []}\n"),
              HasSubstr("platform.regions: expected a non-empty sequence of regions"));
  EXPECT_THAT(
      ErrorOf(MultiRegion("    - eu\n")),
      HasSubstr("t.yaml:11:7: platform.regions[0]: expected a region: a mapping with keys name, hosts"));
  EXPECT_THAT(ErrorOf(MultiRegion("    - {hosts: [api, db, collector, storage]}\n")),
              HasSubstr("platform.regions[0].name: required"));
  EXPECT_THAT(ErrorOf(MultiRegion("    - {name: eu}\n")), HasSubstr("platform.regions[0].hosts: required"));
  EXPECT_THAT(ErrorOf(MultiRegion("    - {name: eu, hosts: [api, db, collector, storage], zone: a}\n")),
              HasSubstr("platform.regions[0].zone: unknown key 'zone'"));
  EXPECT_THAT(
      ErrorOf(MultiRegion("    - {name: eu, hosts: [api, db, collector, storage]}\n"
                          "    - {name: us, hosts: []}\n")),
      HasSubstr("t.yaml:12:25: platform.regions[1].hosts: empty region; expected at least one service"));
  EXPECT_THAT(ErrorOf(MultiRegion("    - {name: eu, hosts: api}\n")),
              HasSubstr("platform.regions[0].hosts: expected a sequence of strings ([a, b]), got 'api'"));
}

TEST(TopologyTest, RegionNamesAreValidAndUnique) {
  EXPECT_THAT(
      ErrorOf(MultiRegion("    - {name: eu-west, hosts: [api, db, collector, storage]}\n")),
      HasSubstr("platform.regions[0].name: expected a region name: lowercase letters, digits and '_', "
                "starting with a letter, got 'eu-west'"));
  EXPECT_THAT(ErrorOf(MultiRegion("    - {name: EU, hosts: [api, db, collector, storage]}\n")),
              HasSubstr("platform.regions[0].name: expected a region name"));
  EXPECT_EQ(ErrorOf(MultiRegion("    - {name: eu, hosts: [api, db]}\n"
                                "    - {name: eu, hosts: [collector, storage]}\n")),
            "t.yaml:12:14: platform.regions[1].name: duplicate region name 'eu' (already used by "
            "platform.regions[0])");
}

TEST(TopologyTest, WanIsALink) {
  EXPECT_THAT(ErrorOf(MultiRegion("    - {name: a, hosts: [api, db, collector, storage]}\n") +
                      "  wan: {latency: 10ms}\n"),
              HasSubstr("platform.wan.bandwidth: required"));
  EXPECT_THAT(ErrorOf(MultiRegion("    - {name: a, hosts: [api, db, collector, storage]}\n") +
                      "  wan: {bandwidth: 1Gbps, latency: -1ms}\n"),
              HasSubstr("platform.wan.latency: expected"));
}

TEST(TopologyTest, KeysOfOtherTopologiesAreRefused) {
  EXPECT_THAT(ErrorOf(std::string(kBase) + "platform: {regions: [{name: a, hosts: [api]}]}\n"),
              HasSubstr("platform.regions: only applies to topology: multi_region"));
  EXPECT_THAT(ErrorOf(std::string(kBase) + "platform: {topology: two_tier, wan: {bandwidth: 1Gbps}}\n"),
              HasSubstr("platform.wan: only applies to topology: multi_region"));
  EXPECT_THAT(ErrorOf(MultiRegion("    - {name: a, hosts: [api, db, collector, storage]}\n") +
                      "  fat_tree: {levels: 1, down: [8], up: [1], link_count: [1]}\n"),
              HasSubstr("platform.fat_tree: only applies to topology: fat_tree"));
}

TEST(TopologyTest, FatTreeDefaultsAndCustomShape) {
  Scenario d = MustLoad(FatTree(""));
  EXPECT_EQ(d.platform.topology, Topology::kFatTree);
  EXPECT_EQ(d.platform.fat_tree.levels, 2);
  EXPECT_EQ(d.platform.fat_tree.down, (std::vector<unsigned>{8, 8}));

  Scenario s =
      MustLoad(FatTree("  fat_tree: {levels: 3, down: [2, 2, 2], up: [1, 2, 2], link_count: [1, 1, 2]}\n"));
  EXPECT_EQ(s.platform.fat_tree.levels, 3);
  EXPECT_EQ(s.platform.fat_tree.down, (std::vector<unsigned>{2, 2, 2}));
  EXPECT_EQ(s.platform.fat_tree.up, (std::vector<unsigned>{1, 2, 2}));
  EXPECT_EQ(s.platform.fat_tree.link_count, (std::vector<unsigned>{1, 1, 2}));

  // Exactly one leaf per host: api, db, collector-0, storage-0, driver.
  MustLoad(FatTree("  fat_tree: {levels: 1, down: [5], up: [1], link_count: [1]}\n"));
}

TEST(TopologyTest, FatTreeErrors) {
  EXPECT_EQ(ErrorOf(FatTree("  fat_tree: {levels: 1, down: [4], up: [1], link_count: [1]}\n")),
            "t.yaml:10:25: platform.fat_tree.down: expected at least 5 leaves (the product of down), one per "
            "host: 2 service hosts, 1 collector hosts, 1 storage nodes and the driver; got 4");
  EXPECT_THAT(ErrorOf(FatTree("  fat_tree: {levels: 2, down: [4], up: [1, 1], link_count: [1, 1]}\n")),
              HasSubstr("platform.fat_tree.down: expected 2 entries (one per level; levels: 2), got 1"));
  EXPECT_THAT(
      ErrorOf(FatTree("  fat_tree: {levels: 3}\n")),
      HasSubstr("platform.fat_tree.down: required when levels is not 2 (one entry per level; levels: 3)"));
  EXPECT_THAT(ErrorOf(FatTree("  fat_tree: {levels: 0}\n")),
              HasSubstr("platform.fat_tree.levels: expected an integer in [1, 8], got 0"));
  EXPECT_THAT(ErrorOf(FatTree("  fat_tree: {down: [8, 0]}\n")),
              HasSubstr("platform.fat_tree.down[1]: expected an integer in [1, 65536], got 0"));
  EXPECT_THAT(ErrorOf(FatTree("  fat_tree: {up: [1, two]}\n")),
              HasSubstr("platform.fat_tree.up[1]: expected an integer in [1, 65536], got 'two'"));
  EXPECT_THAT(ErrorOf(FatTree("  fat_tree: {link_count: 1}\n")),
              HasSubstr("platform.fat_tree.link_count: expected a sequence of integers >= 1"));
  EXPECT_THAT(ErrorOf(FatTree("  fat_tree: {levels: 2, down: [512, 512], up: [1, 1], link_count: [1, 1]}\n")),
              HasSubstr("platform.fat_tree.down: expected at most 65536 leaves"));
  EXPECT_THAT(ErrorOf(FatTree("  fat_tree: {depth: 2}\n")),
              HasSubstr("platform.fat_tree.depth: unknown key"));
}

TEST(TopologyTest, OverridesReachTheTopologyKeys) {
  Scenario s = MustLoad(MultiRegion("    - {name: eu, hosts: [api, collector, storage]}\n"
                                    "    - {name: us, hosts: [db]}\n"),
                        {{"platform.wan.latency", "1ms"}, {"platform.wan.bandwidth", "1Gbps"}});
  EXPECT_DOUBLE_EQ(s.platform.wan.latency_s, 0.001);
  EXPECT_THAT(
      ErrorOf(MultiRegion("    - {name: eu, hosts: [api, collector, storage]}\n"
                          "    - {name: us, hosts: [db]}\n"),
              {{"platform.regions.1.hosts.0", "dbx"}}),
      HasSubstr("t.yaml: --set platform.regions.1.hosts.0=dbx: platform.regions[1].hosts[0]: expected a "
                "service"));
  EXPECT_THAT(ErrorOf(MultiRegion("    - {name: eu, hosts: [api, collector, storage]}\n"
                                  "    - {name: us, hosts: [db]}\n"),
                      {{"platform.regions.1.hosts.0", "dbx"}}),
              Not(HasSubstr("not in any region: 'api'")));
}

}  // namespace
}  // namespace tracesim::scenario
