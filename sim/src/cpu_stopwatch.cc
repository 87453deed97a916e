// The thread-CPU clock's own cost, for tracing.costs.mode: measured.
#include <algorithm>
#include <vector>

#include "runtime.h"

namespace tracesim::sim {

double ThreadCpuClockOverheadNs() {
  static const double overhead = [] {
    std::vector<double> pairs;
    pairs.reserve(1001);
    for (int i = 0; i < 1001; ++i) {
      const double a = ThreadCpuNs();
      pairs.push_back(ThreadCpuNs() - a);
    }
    std::nth_element(pairs.begin(), pairs.begin() + 500, pairs.end());
    return pairs[500];
  }();
  return overhead;
}

}  // namespace tracesim::sim
