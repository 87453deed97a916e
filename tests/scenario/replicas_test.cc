// services[].replicas: the key, host names in failures and regions, name clashes.
#include <gtest/gtest.h>

#include "scenario_test_support.h"

namespace tracesim::scenario {
namespace {
using testing::ErrorOf;
using testing::MustLoad;

constexpr const char* kTwo =
    "name: t\n"
    "services:\n"
    "  - name: api\n"
    "    calls: [db]\n"
    "  - name: db\n"
    "    replicas: 3\n"
    "workload: {entry: api}\n";

TEST(ReplicasTest, DefaultsToOneAndNamesTheHosts) {
  const Scenario s = MustLoad(kTwo);
  EXPECT_EQ(s.services[0].replicas, 1);
  EXPECT_EQ(s.services[1].replicas, 3);
  EXPECT_EQ(ServiceHostName(s.services[0], 0), "api");
  EXPECT_EQ(ServiceHostName(s.services[1], 2), "db-2");
}

TEST(ReplicasTest, ZeroReplicasIsAnErrorWithItsLine) {
  std::string yaml = kTwo;
  yaml.replace(yaml.find("replicas: 3"), 11, "replicas: 0");
  const std::string error = ErrorOf(yaml);
  EXPECT_NE(error.find("t.yaml:6:"), std::string::npos) << error;
  EXPECT_NE(error.find("services[1].replicas"), std::string::npos) << error;
}

TEST(ReplicasTest, FailuresNameReplicaHosts) {
  MustLoad(std::string(kTwo) + "failures: [{type: host_crash, target: db-2, at: 1s}]\n");
  MustLoad(std::string(kTwo) + "failures: [{type: link_down, target: db-0-link, at: 1s, duration: 1s}]\n");
  std::string error = ErrorOf(std::string(kTwo) + "failures: [{type: host_crash, target: db, at: 1s}]\n");
  EXPECT_NE(error.find("failures[0].target"), std::string::npos) << error;
  EXPECT_NE(error.find("db-0"), std::string::npos) << error;  // the hosts it may name
  error = ErrorOf(std::string(kTwo) + "failures: [{type: host_crash, target: db-3, at: 1s}]\n");
  EXPECT_NE(error.find("failures[0].target"), std::string::npos) << error;
}

TEST(ReplicasTest, AReplicaHostMayNotTakeAnotherHostsName) {
  const std::string error = ErrorOf(
      "name: t\n"
      "services:\n"
      "  - name: api\n"
      "    replicas: 2\n"
      "  - name: api-1\n"
      "workload: {entry: api}\n");
  EXPECT_NE(error.find("'api-1'"), std::string::npos) << error;
  EXPECT_NE(error.find("replicas"), std::string::npos) << error;
}

TEST(ReplicasTest, RegionsPlaceAllReplicasOfAServiceOrOneByName) {
  const std::string base = std::string(kTwo) +
                           "platform:\n"
                           "  topology: multi_region\n";
  MustLoad(base + "  regions: [{name: eu, hosts: [api, db, collector, storage]}]\n");
  MustLoad(base +
           "  regions:\n"
           "    - {name: eu, hosts: [api, db-0, collector, storage]}\n"
           "    - {name: us, hosts: [db-1, db-2]}\n");
  const std::string error = ErrorOf(base +
                                    "  regions:\n"
                                    "    - {name: eu, hosts: [api, db-0, collector, storage]}\n"
                                    "    - {name: us, hosts: [db-1]}\n");
  EXPECT_NE(error.find("'db-2'"), std::string::npos) << error;
}

}  // namespace
}  // namespace tracesim::scenario
