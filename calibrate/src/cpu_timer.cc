#include "tracesim/calibrate/cpu_timer.h"

#include <time.h>

#include <algorithm>
#include <string>

namespace tracesim::calibrate {

int64_t ThreadCpuNanos() noexcept {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

Status ValidateMeasureOptions(const MeasureOptions& o) {
  if (o.ops_per_run < 1) return Status::InvalidArgument("ops_per_run: expected >= 1, got 0");
  if (o.warmup_runs < 0) {
    return Status::InvalidArgument("warmup_runs: expected >= 0, got " + std::to_string(o.warmup_runs));
  }
  if (o.repetitions < 1) {
    return Status::InvalidArgument("repetitions: expected >= 1, got " + std::to_string(o.repetitions));
  }
  return Status::Ok();
}

double Median(std::vector<double> values) {
  const size_t mid = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<ptrdiff_t>(mid), values.end());
  if (values.size() % 2 == 1) return values[mid];
  const double upper = values[mid];
  const double lower = *std::max_element(values.begin(), values.begin() + static_cast<ptrdiff_t>(mid));
  return (lower + upper) / 2;
}

StatusOr<Measurement> Measure(CostPath& path, const MeasureOptions& options) {
  if (Status st = ValidateMeasureOptions(options); !st.ok()) return st;
  Measurement m;
  for (int i = 0; i < options.warmup_runs; ++i) {
    path.Prepare(options.ops_per_run);
    m.checksum += path.Run();
  }
  m.ns_per_op.reserve(static_cast<size_t>(options.repetitions));
  for (int i = 0; i < options.repetitions; ++i) {
    m.ops_per_run = path.Prepare(options.ops_per_run);
    const int64_t t0 = ThreadCpuNanos();
    m.checksum += path.Run();
    const int64_t t1 = ThreadCpuNanos();
    m.ns_per_op.push_back(static_cast<double>(t1 - t0) / static_cast<double>(m.ops_per_run));
  }
  if (Status st = path.status(); !st.ok()) return st;
  m.median_ns_per_op = Median(m.ns_per_op);
  m.min_ns_per_op = *std::min_element(m.ns_per_op.begin(), m.ns_per_op.end());
  m.max_ns_per_op = *std::max_element(m.ns_per_op.begin(), m.ns_per_op.end());
  return m;
}

}  // namespace tracesim::calibrate
