// Derivation of a scenario workload from recorded traces (workload_derive.h,
// docs/workload-derive.md): per-trace analysis in Add, model building in Finish, YAML in
// DerivedScenarioYaml.
#include "tracesim/sim/workload_derive.h"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>
#include <deque>
#include <limits>
#include <set>
#include <unordered_map>
#include <utility>

#include "tracesim/scenario/units.h"

namespace tracesim::sim {
namespace {

using pipeline::SpanKind;
using pipeline::SpanStatus;

constexpr size_t kNone = std::numeric_limits<size_t>::max();
// Self-time histograms hold nanoseconds with a 1 us floor and 2^7 sub-buckets per power of two.
constexpr double kHistogramResolutionNs = 1000;
constexpr int kHistogramSubBucketsLog2 = 7;

bool IsCallKind(SpanKind kind) { return kind == SpanKind::kClient || kind == SpanKind::kProducer; }

// Length of the union of [start, end) intervals, each already clipped to the parent.
int64_t UnionLength(std::vector<std::pair<int64_t, int64_t>>* intervals) {
  std::sort(intervals->begin(), intervals->end());
  int64_t covered = 0;
  int64_t run_start = 0, run_end = 0;
  bool open = false;
  for (const auto& [s, e] : *intervals) {
    if (e <= s) continue;
    if (open && s <= run_end) {
      run_end = std::max(run_end, e);
      continue;
    }
    if (open) covered += run_end - run_start;
    run_start = s;
    run_end = e;
    open = true;
  }
  if (open) covered += run_end - run_start;
  return covered;
}

bool IsReservedHostName(std::string_view name) {
  if (name == "driver") return true;
  for (std::string_view prefix : {std::string_view("storage-"), std::string_view("collector-")}) {
    if (name.substr(0, prefix.size()) != prefix) continue;
    std::string_view digits = name.substr(prefix.size());
    if (digits.empty() || (digits.size() > 1 && digits.front() == '0')) continue;
    if (std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) return true;
  }
  return false;
}

// A double in the shortest form that reads back to the same value, or with `precision` significant
// digits. Locale-independent.
std::string Num(double v, int precision = 0) {
  char buf[64];
  auto r = precision > 0 ? std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, precision)
                         : std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string Seconds(double s) { return scenario::FormatDuration(Duration(std::llround(s * 1e9))); }

// A short human duration for comments: 4 significant digits.
std::string ShortDuration(double s) {
  const double a = std::abs(s);
  if (a == 0) return "0s";
  if (a < 1e-6) return Num(s * 1e9, 4) + "ns";
  if (a < 1e-3) return Num(s * 1e6, 4) + "us";
  if (a < 1) return Num(s * 1e3, 4) + "ms";
  return Num(s, 4) + "s";
}

std::string Percent(double fraction) { return Num(fraction * 100, 3) + "%"; }

// Length of the UTF-8 sequence starting at s[i], or 0 when it is not valid UTF-8.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  size_t len;
  uint32_t cp;
  if (c < 0x80) return 1;
  if ((c & 0xE0) == 0xC0) {
    len = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  // C1 controls and the YAML-forbidden BOM/non-characters stay escaped.
  if (cp < 0xA0 || cp == 0xFEFF || cp == 0xFFFE || cp == 0xFFFF) return 0;
  return len;
}

// `s` as a double-quoted YAML (and JSON-like) scalar: safe inside a comment or as a value.
std::string Quote(std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
      ++i;
    } else if (c == '\n') {
      out += "\\n";
      ++i;
    } else if (c == '\t') {
      out += "\\t";
      ++i;
    } else if (c >= 0x20 && c < 0x7F) {
      out += static_cast<char>(c);
      ++i;
    } else if (size_t len = c >= 0x80 ? Utf8SequenceLength(s, i) : 0; len > 0) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
      ++i;
    }
  }
  out += '"';
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Names and small helpers

const char* WorkDistributionChoiceName(WorkDistributionChoice choice) {
  switch (choice) {
    case WorkDistributionChoice::kAuto:
      return "auto";
    case WorkDistributionChoice::kLogNormal:
      return "lognormal";
    case WorkDistributionChoice::kExponential:
      return "exponential";
    case WorkDistributionChoice::kConstant:
      return "constant";
  }
  return "?";
}

StatusOr<WorkDistributionChoice> ParseWorkDistributionChoice(std::string_view name) {
  for (WorkDistributionChoice c : {WorkDistributionChoice::kAuto, WorkDistributionChoice::kLogNormal,
                                   WorkDistributionChoice::kExponential, WorkDistributionChoice::kConstant}) {
    if (name == WorkDistributionChoiceName(c)) return c;
  }
  return Status::InvalidArgument("unknown work distribution \"" + std::string(name) +
                                 "\"; expected one of auto, lognormal, exponential, constant");
}

double LogNormalFit::Mean() const { return samples == 0 ? 0 : std::exp(mu + sigma * sigma / 2); }

std::string SanitizeServiceName(std::string_view recorded) {
  std::string out;
  out.reserve(recorded.size());
  bool pending_dash = false;
  for (char raw : recorded) {
    char c = raw;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) {
      pending_dash = true;
      continue;
    }
    if (pending_dash && !out.empty() && out.back() != '-') out += '-';
    pending_dash = false;
    if (out.empty() && (c == '_' || c == '-')) continue;
    out += c;
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (out.empty()) out = "service";
  if (IsReservedHostName(out)) out = "svc-" + out;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Aggregates

void WorkloadDeriver::Moments::Add(double x) {
  ++n;
  const double d = x - mean;
  mean += d / static_cast<double>(n);
  m2 += d * (x - mean);
}

WorkloadDeriver::SelfTimeAgg::SelfTimeAgg() : histogram(kHistogramResolutionNs, kHistogramSubBucketsLog2) {}

void WorkloadDeriver::SelfTimeAgg::Add(double seconds) {
  raw.Add(seconds);
  histogram.Record(seconds * 1e9);
  if (seconds > 0) {
    log.Add(std::log(seconds));
  } else {
    ++zeros;
  }
}

namespace {

SelfTimeStats ToStats(uint64_t n, const double raw_mean, double raw_m2, uint64_t zeros, uint64_t log_n,
                      double log_mean, double log_m2, const reports::LogLinearHistogram& h) {
  SelfTimeStats s;
  s.count = n;
  s.zeros = zeros;
  s.mean_s = raw_mean;
  s.stddev_s = n > 0 ? std::sqrt(std::max(0.0, raw_m2 / static_cast<double>(n))) : 0;
  s.cv = s.mean_s > 0 ? s.stddev_s / s.mean_s : 0;
  s.p50_s = h.Quantile(0.5) * 1e-9;
  s.p99_s = h.Quantile(0.99) * 1e-9;
  s.fit.samples = log_n;
  s.fit.mu = log_mean;
  s.fit.sigma = log_n > 0 ? std::sqrt(std::max(0.0, log_m2 / static_cast<double>(log_n))) : 0;
  return s;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Add: one trace

Status WorkloadDeriver::Add(const RecordedTrace& trace) {
  const std::vector<RecordedSpan>& spans = trace.spans;
  const size_t n = spans.size();
  const std::string where = "trace " + trace.trace_id;
  if (n == 0) return Status::InvalidArgument(where + ": no spans");

  // Validate and index.
  std::unordered_map<std::string_view, size_t> by_id;
  by_id.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const RecordedSpan& s = spans[i];
    if (s.trace_id != trace.trace_id) {
      return Status::InvalidArgument(where + ": span " + s.span_id + " belongs to trace " + s.trace_id);
    }
    if (s.duration_ns < 0) {
      return Status::InvalidArgument(where + ": span " + s.span_id + ": negative duration (" +
                                     std::to_string(s.duration_ns) + " ns)");
    }
    if (s.start_ns > std::numeric_limits<int64_t>::max() - s.duration_ns) {
      return Status::InvalidArgument(where + ": span " + s.span_id +
                                     ": end time overflows 64-bit nanoseconds");
    }
    if (!by_id.emplace(s.span_id, i).second) {
      return Status::InvalidArgument(where + ": duplicate span id " + s.span_id);
    }
  }
  std::vector<size_t> parent(n, kNone);
  std::vector<std::vector<size_t>> children(n);
  for (size_t i = 0; i < n; ++i) {
    if (spans[i].parent_span_id.empty()) continue;
    auto it = by_id.find(spans[i].parent_span_id);
    if (it == by_id.end()) continue;  // an orphan: a root of its own
    if (it->second == i) {
      return Status::InvalidArgument(where + ": span " + spans[i].span_id + " is its own parent");
    }
    parent[i] = it->second;
    children[it->second].push_back(i);
  }

  // Depth-first pre-order from the roots, in record order; a span never reached hangs on a loop.
  std::vector<size_t> order;
  order.reserve(n);
  {
    std::vector<size_t> stack;
    for (size_t r = 0; r < n; ++r) {
      if (parent[r] != kNone) continue;
      stack.push_back(r);
      while (!stack.empty()) {
        const size_t i = stack.back();
        stack.pop_back();
        order.push_back(i);
        for (auto it = children[i].rbegin(); it != children[i].rend(); ++it) stack.push_back(*it);
      }
    }
  }
  if (order.size() != n) {
    std::vector<bool> seen(n, false);
    for (size_t i : order) seen[i] = true;
    size_t first = 0;
    while (seen[first]) ++first;
    return Status::InvalidArgument(where + ": the parent links of span " + spans[first].span_id +
                                   " form a loop");
  }

  // Invocations: a span opens one when its parent is absent or in another service; otherwise it
  // belongs to its parent's. Pre-order visits parents first.
  struct Invocation {
    size_t root;
    size_t caller = kNone;  // the calling invocation
    int64_t work_ns = 0;
    int64_t untraced_ns = 0;
    bool failed_call = false;
  };
  std::vector<Invocation> invocations;
  std::vector<size_t> inv_of(n, kNone);
  for (size_t i : order) {
    const size_t p = parent[i];
    if (p != kNone && spans[p].service == spans[i].service) {
      inv_of[i] = inv_of[p];
      continue;
    }
    inv_of[i] = invocations.size();
    invocations.push_back(Invocation{i, p == kNone ? kNone : inv_of[p]});
  }

  // Self times, summed into the invocations' work.
  std::vector<std::pair<int64_t, int64_t>> intervals;
  for (size_t i = 0; i < n; ++i) {
    const RecordedSpan& s = spans[i];
    const int64_t start = s.start_ns, end = s.start_ns + s.duration_ns;
    intervals.clear();
    bool remote_child = false;
    for (size_t c : children[i]) {
      const RecordedSpan& cs = spans[c];
      const int64_t cstart = std::max(start, cs.start_ns);
      const int64_t cend = std::min(end, cs.start_ns + cs.duration_ns);
      if (cend > cstart) intervals.emplace_back(cstart, cend);
      if (cs.service != s.service) remote_child = true;
    }
    const int64_t self_ns = s.duration_ns - UnionLength(&intervals);
    Invocation& inv = invocations[inv_of[i]];
    if (IsCallKind(s.kind) && remote_child) continue;  // network and queueing: the simulator's part
    if (IsCallKind(s.kind) && children[i].empty()) {
      inv.untraced_ns += self_ns;
      if (!options_.untraced_calls_as_work) continue;
    }
    inv.work_ns += self_ns;
  }
  for (const Invocation& inv : invocations) {
    if (inv.caller != kNone && spans[inv.root].status == SpanStatus::kError) {
      invocations[inv.caller].failed_call = true;
    }
  }

  // The trace's root: the earliest span without a parent id, else the earliest orphan.
  size_t root = kNone;
  for (size_t i = 0; i < n; ++i) {
    if (parent[i] != kNone) continue;
    if (root == kNone) {
      root = i;
      continue;
    }
    const bool i_true = spans[i].parent_span_id.empty(), r_true = spans[root].parent_span_id.empty();
    if (i_true != r_true ? i_true : spans[i].start_ns < spans[root].start_ns) root = i;
  }

  // Commit (nothing below fails).
  ++traces_;
  spans_ += n;
  invocations_ += invocations.size();
  {
    RootAgg& r = roots_[spans[root].service];
    const int64_t t = spans[root].start_ns;
    if (r.traces == 0) {
      r.first_start_ns = r.last_start_ns = t;
    } else {
      r.first_start_ns = std::min(r.first_start_ns, t);
      r.last_start_ns = std::max(r.last_start_ns, t);
    }
    ++r.traces;
  }
  for (const RecordedSpan& s : spans) ++services_[s.service].spans;

  // Calls per (caller invocation, callee service): sorted so that each pair is contiguous.
  struct CallRecord {
    size_t caller;
    std::string_view callee;
    int64_t offset_ns;
  };
  std::vector<CallRecord> calls;
  for (const Invocation& inv : invocations) {
    const RecordedSpan& rs = spans[inv.root];
    ServiceAgg& agg = services_[rs.service];
    const double work_s = static_cast<double>(inv.work_ns) * 1e-9;
    agg.self_time.Add(work_s);
    OperationAgg& op = agg.operations[rs.operation];
    op.self_time.Add(work_s);
    agg.untraced_call_s += static_cast<double>(inv.untraced_ns) * 1e-9;
    if (rs.status == SpanStatus::kError) {
      ++agg.errors;
      ++op.errors;
      if (!inv.failed_call) ++agg.errors_originated;
    }
    if (!inv.failed_call) ++agg.invocations_without_failed_call;
    if (inv.caller != kNone) {
      const int64_t caller_start = spans[invocations[inv.caller].root].start_ns;
      calls.push_back({inv.caller, rs.service, rs.start_ns - caller_start});
    }
  }
  std::stable_sort(calls.begin(), calls.end(), [](const CallRecord& a, const CallRecord& b) {
    return a.caller != b.caller ? a.caller < b.caller : a.callee < b.callee;
  });
  for (size_t i = 0; i < calls.size();) {
    size_t j = i;
    EdgeAgg& e =
        services_[spans[invocations[calls[i].caller].root].service].edges[std::string(calls[i].callee)];
    for (; j < calls.size() && calls[j].caller == calls[i].caller && calls[j].callee == calls[i].callee;
         ++j) {
      ++e.total;
      e.offset_sum_s += static_cast<double>(calls[j].offset_ns) * 1e-9;
    }
    ++e.callers;
    i = j;
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------
// Finish: the model

namespace {

Status CheckOptions(const DeriveOptions& o) {
  auto positive = [](double v) { return std::isfinite(v) && v > 0; };
  if (!(o.min_edge_fraction >= 0 && o.min_edge_fraction <= 1)) {
    return Status::InvalidArgument("min_edge_fraction must be in [0, 1], got " + Num(o.min_edge_fraction));
  }
  if (!positive(o.default_rate_per_s)) {
    return Status::InvalidArgument("default_rate_per_s must be > 0, got " + Num(o.default_rate_per_s));
  }
  if (!positive(o.time_scale))
    return Status::InvalidArgument("time_scale must be > 0, got " + Num(o.time_scale));
  if (!positive(o.rate_scale))
    return Status::InvalidArgument("rate_scale must be > 0, got " + Num(o.rate_scale));
  if (!positive(o.duration_s))
    return Status::InvalidArgument("duration_s must be > 0, got " + Num(o.duration_s));
  if (!positive(o.host_speed_flops)) {
    return Status::InvalidArgument("host_speed_flops must be > 0, got " + Num(o.host_speed_flops));
  }
  if (o.scenario_name.empty()) return Status::InvalidArgument("scenario_name must not be empty");
  return Status::Ok();
}

// Chooses the distribution for one service and fills spec.work_*; explains fallbacks in `notes`.
void ChooseDistribution(const SelfTimeStats& st, const DeriveOptions& o, scenario::ServiceSpec* spec,
                        std::vector<std::string>* notes) {
  spec->work_mean_s = st.mean_s * o.time_scale;
  spec->work_sigma = 0;
  WorkDistributionChoice choice = o.distribution;
  if (st.mean_s <= 0) {
    spec->work_distribution = scenario::Distribution::kConstant;
    if (choice != WorkDistributionChoice::kConstant) notes->push_back("constant: every self time is zero");
    return;
  }
  switch (choice) {
    case WorkDistributionChoice::kConstant:
      spec->work_distribution = scenario::Distribution::kConstant;
      return;
    case WorkDistributionChoice::kExponential:
      spec->work_distribution = scenario::Distribution::kExponential;
      return;
    case WorkDistributionChoice::kAuto:
    case WorkDistributionChoice::kLogNormal:
      break;
  }
  if (st.fit.samples < 2) {
    spec->work_distribution = scenario::Distribution::kConstant;
    notes->push_back("constant: fewer than 2 positive self times to fit a lognormal");
    return;
  }
  if (st.fit.sigma < kMinLogNormalSigma) {
    spec->work_distribution = scenario::Distribution::kConstant;
    notes->push_back("constant: every positive self time is the same (lognormal sigma ~ 0)");
    return;
  }
  spec->work_distribution = scenario::Distribution::kLogNormal;
  spec->work_sigma = st.fit.sigma;
  if (choice == WorkDistributionChoice::kAuto && std::abs(st.cv - 1) <= 0.05) {
    notes->push_back("cv " + Num(st.cv, 3) + " is within 5% of 1: an exponential would fit as well");
  }
  const double fit_mean = st.fit.Mean();
  if (std::abs(fit_mean / st.mean_s - 1) > 0.25) {
    notes->push_back("the fitted lognormal's mean (" + ShortDuration(fit_mean) +
                     ") differs from the sample mean by more than 25%; work.mean keeps the sample mean");
  }
}

// Names: unique scenario names for the recorded ones (sorted). Names that are already valid keep
// themselves; the others take their sanitised form, suffixed "-2", "-3", ... when taken ("_2", ...
// after "storage" and "collector").
std::map<std::string, std::string> AssignNames(const std::vector<std::string>& recorded,
                                               std::vector<std::string>* warnings) {
  std::map<std::string, std::string> out;
  std::set<std::string> taken;
  for (const std::string& r : recorded) {
    if (SanitizeServiceName(r) == r) {
      out[r] = r;
      taken.insert(r);
    }
  }
  for (const std::string& r : recorded) {
    if (out.count(r)) continue;
    const std::string base = SanitizeServiceName(r);
    // "storage-2" and "collector-2" are host names: those bases take "_2" instead.
    const char* sep = IsReservedHostName(base + "-2") ? "_" : "-";
    std::string name = base;
    for (int k = 2; taken.count(name); ++k) name = base + sep + std::to_string(k);
    out[r] = name;
    taken.insert(name);
    warnings->push_back("service " + Quote(r) + " is named " + name + " (scenario names are [a-z0-9_-])");
  }
  return out;
}

}  // namespace

StatusOr<DerivedWorkload> WorkloadDeriver::Finish(const DeriveOptions& options) const {
  if (Status s = CheckOptions(options); !s.ok()) return s;
  if (traces_ == 0) return Status::FailedPrecondition("no traces to derive a workload from");

  DerivedWorkload w;
  w.source = options.source;
  w.untraced_calls_as_work = options_.untraced_calls_as_work;
  w.traces = traces_;
  w.spans = spans_;
  w.invocations = invocations_;

  std::vector<std::string> recorded;
  for (const auto& [name, agg] : services_) recorded.push_back(name);
  const std::map<std::string, std::string> names = AssignNames(recorded, &w.warnings);

  // Services in scenario-name order while the graph is built.
  std::vector<DerivedService> services;
  for (const auto& [rname, agg] : services_) {
    DerivedService d;
    d.recorded_name = rname;
    d.spec.name = names.at(rname);
    d.spec.host_speed_flops = options.host_speed_flops;
    d.spans = agg.spans;
    const SelfTimeAgg& st = agg.self_time;
    d.self_time =
        ToStats(st.raw.n, st.raw.mean, st.raw.m2, st.zeros, st.log.n, st.log.mean, st.log.m2, st.histogram);
    for (const auto& [op, oagg] : agg.operations) {
      const SelfTimeAgg& o = oagg.self_time;
      d.operations.push_back(
          {op, ToStats(o.raw.n, o.raw.mean, o.raw.m2, o.zeros, o.log.n, o.log.mean, o.log.m2, o.histogram),
           oagg.errors});
    }
    ChooseDistribution(d.self_time, options, &d.spec, &d.notes);
    d.errors = agg.errors;
    d.errors_originated = agg.errors_originated;
    d.invocations_without_failed_call = agg.invocations_without_failed_call;
    d.untraced_call_s = agg.untraced_call_s;
    d.spec.error_rate = agg.invocations_without_failed_call > 0
                            ? static_cast<double>(agg.errors_originated) /
                                  static_cast<double>(agg.invocations_without_failed_call)
                            : 0;
    if (agg.invocations_without_failed_call == 0 && agg.errors > 0) {
      d.notes.push_back(
          "error_rate 0: every invocation had a failed call, so no error can be attributed here");
    }
    services.push_back(std::move(d));
  }
  std::sort(services.begin(), services.end(),
            [](const DerivedService& a, const DerivedService& b) { return a.spec.name < b.spec.name; });
  std::map<std::string, size_t> index;  // by recorded name
  for (size_t i = 0; i < services.size(); ++i) index[services[i].recorded_name] = i;

  // Edges: keep those made by at least min_edge_fraction of the caller's invocations.
  for (DerivedService& d : services) {
    const ServiceAgg& agg = services_.at(d.recorded_name);
    const double invocations = static_cast<double>(d.self_time.count);
    for (const auto& [callee, e] : agg.edges) {
      DerivedCall c;
      c.service = services[index.at(callee)].spec.name;
      c.total = e.total;
      c.mean_per_invocation = invocations > 0 ? static_cast<double>(e.total) / invocations : 0;
      c.fraction = invocations > 0 ? static_cast<double>(e.callers) / invocations : 0;
      c.mean_offset_s = e.offset_sum_s / static_cast<double>(e.total);
      const double rounded = std::round(c.mean_per_invocation);
      c.count = static_cast<int>(std::clamp(rounded, 1.0, static_cast<double>(INT_MAX)));
      if (c.fraction < options.min_edge_fraction) {
        w.dropped_edges.push_back({d.spec.name, c.service, DroppedEdge::Reason::kRare, c.total, c.fraction});
        continue;
      }
      d.calls.push_back(c);
    }
  }
  std::map<std::string, size_t> by_name;  // scenario name -> index
  for (size_t i = 0; i < services.size(); ++i) by_name[services[i].spec.name] = i;

  // Break cycles: find one by depth-first search (services and calls in name order), drop its call
  // with the fewest observed calls (ties: the later caller, then callee, by name), repeat.
  for (;;) {
    const size_t n = services.size();
    enum class Color { kWhite, kGrey, kBlack };
    std::vector<Color> color(n, Color::kWhite);
    struct Frame {
      size_t service;
      size_t next = 0;
    };
    std::vector<Frame> stack;
    std::vector<std::pair<size_t, size_t>> cycle;  // (caller index, call index)
    for (size_t s = 0; s < n && cycle.empty(); ++s) {
      if (color[s] != Color::kWhite) continue;
      stack.push_back({s});
      color[s] = Color::kGrey;
      while (!stack.empty() && cycle.empty()) {
        Frame& top = stack.back();
        const DerivedService& svc = services[top.service];
        if (top.next == svc.calls.size()) {
          color[top.service] = Color::kBlack;
          stack.pop_back();
          continue;
        }
        const size_t call = top.next++;
        const size_t to = by_name.at(svc.calls[call].service);
        if (color[to] == Color::kWhite) {
          color[to] = Color::kGrey;
          stack.push_back({to});
        } else if (color[to] == Color::kGrey) {
          // The cycle: the frames from `to` up to the top, each with the call it is following.
          bool in = false;
          for (const Frame& f : stack) {
            if (f.service == to) in = true;
            if (in) cycle.emplace_back(f.service, f.next - 1);
          }
        }
      }
    }
    if (cycle.empty()) break;
    auto weaker = [&](const std::pair<size_t, size_t>& a, const std::pair<size_t, size_t>& b) {
      const DerivedCall& ca = services[a.first].calls[a.second];
      const DerivedCall& cb = services[b.first].calls[b.second];
      if (ca.total != cb.total) return ca.total < cb.total;
      if (a.first != b.first) return a.first > b.first;
      return ca.service > cb.service;
    };
    const auto victim = *std::min_element(cycle.begin(), cycle.end(), weaker);
    std::string path;
    for (const auto& [caller, call] : cycle) path += services[caller].spec.name + " -> ";
    path += services[cycle.front().first].spec.name;
    DerivedService& from = services[victim.first];
    const DerivedCall dropped = from.calls[victim.second];
    from.calls.erase(from.calls.begin() + static_cast<std::ptrdiff_t>(victim.second));
    w.dropped_edges.push_back(
        {from.spec.name, dropped.service, DroppedEdge::Reason::kCycle, dropped.total, dropped.fraction});
    w.warnings.push_back("the calls " + path + " form a cycle, which a scenario cannot have: dropped " +
                         from.spec.name + " -> " + dropped.service + " (" + std::to_string(dropped.total) +
                         " calls observed, the fewest in the cycle)");
  }

  // Calls in the order they start within the caller's invocation.
  for (DerivedService& d : services) {
    std::stable_sort(d.calls.begin(), d.calls.end(), [](const DerivedCall& a, const DerivedCall& b) {
      return a.mean_offset_s != b.mean_offset_s ? a.mean_offset_s < b.mean_offset_s : a.service < b.service;
    });
    for (const DerivedCall& c : d.calls) d.spec.calls.push_back({c.service, c.count});
  }

  // Entry service and rate.
  const RootAgg* entry = nullptr;
  std::string entry_name;
  uint64_t other_root_traces = 0;
  for (const auto& [rname, r] : roots_) {
    const std::string& sname = names.at(rname);
    if (entry == nullptr || r.traces > entry->traces || (r.traces == entry->traces && sname < entry_name)) {
      entry = &r;
      entry_name = sname;
    }
  }
  other_root_traces = traces_ - entry->traces;
  w.workload.entry_service = entry_name;
  w.workload.arrival = scenario::ArrivalProcess::kPoisson;
  w.entry_traces = entry->traces;
  w.observed_window_s = static_cast<double>(entry->last_start_ns - entry->first_start_ns) * 1e-9;
  if (entry->traces >= 2 && entry->last_start_ns > entry->first_start_ns) {
    w.rate_from_traces = true;
    w.workload.rate_per_s = static_cast<double>(entry->traces - 1) / w.observed_window_s * options.rate_scale;
  } else {
    w.workload.rate_per_s = options.default_rate_per_s * options.rate_scale;
    w.warnings.push_back(entry->traces < 2
                             ? "fewer than 2 traces start at the entry service: the rate is the default " +
                                   Num(options.default_rate_per_s) + "/s"
                             : "every trace starts at the same instant (trace-relative times?): the rate "
                               "is the default " +
                                   Num(options.default_rate_per_s) + "/s");
  }
  if (other_root_traces > 0) {
    std::string others;
    for (const auto& [rname, r] : roots_) {
      if (names.at(rname) == entry_name) continue;
      others += (others.empty() ? "" : ", ") + names.at(rname) + " (" + std::to_string(r.traces) + ")";
    }
    w.warnings.push_back(std::to_string(other_root_traces) + " of " + std::to_string(traces_) +
                         " traces start at other services: " + others +
                         "; the scenario sends requests to the entry service only");
  }

  // Reading order: breadth-first from the entry along the calls, then the rest by name.
  std::vector<bool> placed(services.size(), false);
  std::vector<size_t> order;
  std::deque<size_t> queue{by_name.at(entry_name)};
  placed[queue.front()] = true;
  while (!queue.empty()) {
    const size_t i = queue.front();
    queue.pop_front();
    order.push_back(i);
    for (const DerivedCall& c : services[i].calls) {
      const size_t j = by_name.at(c.service);
      if (!placed[j]) {
        placed[j] = true;
        queue.push_back(j);
      }
    }
  }
  for (size_t i = 0; i < services.size(); ++i) {
    if (placed[i]) continue;
    services[i].reachable = false;
    w.warnings.push_back("service " + services[i].spec.name +
                         " is not reachable from the entry service and receives no requests");
    order.push_back(i);
  }
  for (size_t i : order) w.services.push_back(std::move(services[i]));
  return w;
}

// ---------------------------------------------------------------------------------------------
// YAML

namespace {

std::string StatsLine(const SelfTimeStats& s) {
  std::string out = "mean " + ShortDuration(s.mean_s) + ", p50 " + ShortDuration(s.p50_s) + ", p99 " +
                    ShortDuration(s.p99_s) + ", cv " + Num(s.cv, 3);
  if (s.fit.samples >= 2) {
    out += "; lognormal mu " + Num(s.fit.mu, 5) + " sigma " + Num(s.fit.sigma, 5);
  }
  return out;
}

const char* DistributionName(scenario::Distribution d) {
  switch (d) {
    case scenario::Distribution::kConstant:
      return "constant";
    case scenario::Distribution::kExponential:
      return "exponential";
    case scenario::Distribution::kLogNormal:
      return "lognormal";
  }
  return "constant";
}

}  // namespace

std::string DerivedScenarioYaml(const DerivedWorkload& w, const DeriveOptions& options) {
  std::string y;
  y += "# Derived by `tracesim workload derive` from " +
       (w.source.empty() ? std::string("<traces>") : Quote(w.source)) + "\n";
  y += "# " + std::to_string(w.traces) + " traces, " + std::to_string(w.spans) + " spans, " +
       std::to_string(w.invocations) + " service invocations, " + std::to_string(w.services.size()) +
       " services.\n";
  y += "# work: each service's self time per invocation (span durations minus the time spent in calls),\n";
  y += "# all operations of a service merged into its one handler; distribution " +
       std::string(WorkDistributionChoiceName(options.distribution)) + ", time_scale " +
       Num(options.time_scale) + ", rate_scale " + Num(options.rate_scale) + ".\n";
  y += std::string("# Time in calls to untraced dependencies (client spans without a recorded server) ") +
       (w.untraced_calls_as_work ? "counts as work.\n" : "is left out of the work.\n");
  y += "# error_rate: errors that originate in the service (no failed call), per invocation without a failed "
       "call.\n";
  y += "# See docs/workload-derive.md.\n";
  if (!w.warnings.empty()) {
    y += "#\n# Warnings:\n";
    for (const std::string& warning : w.warnings) y += "#   - " + warning + "\n";
  }
  y += "\n";
  y += "name: " + Quote(options.scenario_name) + "\n";
  y += "duration: " + Seconds(options.duration_s) + "\n";
  y += "\nservices:\n";
  for (const DerivedService& d : w.services) {
    const scenario::ServiceSpec& s = d.spec;
    y += "  - name: " + s.name + "\n";
    if (d.recorded_name != s.name) y += "    # recorded as " + Quote(d.recorded_name) + "\n";
    y += "    # " + std::to_string(d.self_time.count) + " invocations (" + std::to_string(d.self_time.zeros) +
         " with zero self time), " + std::to_string(d.spans) + " spans";
    if (!d.reachable) y += "; not reachable from the entry service: receives no requests";
    y += "\n";
    y += "    # self time: " + StatsLine(d.self_time) + "\n";
    if (d.untraced_call_s > 0) {
      y += "    # time in untraced calls: " +
           ShortDuration(d.untraced_call_s / static_cast<double>(d.self_time.count)) + " per invocation" +
           (w.untraced_calls_as_work ? " (included in the work)" : " (not included)") + "\n";
    }
    y += "    # errors: " + std::to_string(d.errors) + " of " + std::to_string(d.self_time.count) +
         " invocations ended in error; " + std::to_string(d.errors_originated) + " originated here, of " +
         std::to_string(d.invocations_without_failed_call) + " invocations without a failed call\n";
    y += "    # operations (merged into one handler):\n";
    for (const DerivedOperation& op : d.operations) {
      y += "    #   " + Quote(op.operation) + ": " + std::to_string(op.self_time.count) + " invocations (" +
           std::to_string(op.errors) + " in error); " + StatsLine(op.self_time) + "\n";
    }
    for (const std::string& note : d.notes) y += "    # note: " + note + "\n";
    y += "    host_speed: " + scenario::FormatSpeed(s.host_speed_flops) + "\n";
    y += "    work: {mean: " + Seconds(s.work_mean_s) +
         ", distribution: " + DistributionName(s.work_distribution);
    if (s.work_distribution == scenario::Distribution::kLogNormal) y += ", sigma: " + Num(s.work_sigma);
    y += "}\n";
    y += "    error_rate: " + Num(s.error_rate) + "\n";
    if (!d.calls.empty()) {
      y += "    calls:\n";
      for (const DerivedCall& c : d.calls) {
        y += "      - {service: " + c.service + ", count: " + std::to_string(c.count) + "}  # " +
             Num(c.mean_per_invocation, 4) + " per invocation, in " + Percent(c.fraction) +
             " of invocations, " + std::to_string(c.total) + " observed\n";
      }
    }
    for (const DroppedEdge& e : w.dropped_edges) {
      if (e.from != s.name) continue;
      y += "    # dropped call to " + e.to + ": " + std::to_string(e.total) + " observed, in " +
           Percent(e.fraction) + " of invocations; " +
           (e.reason == DroppedEdge::Reason::kRare
                ? "below min_edge_fraction " + Num(options.min_edge_fraction)
                : std::string("breaks a cycle")) +
           "\n";
    }
  }
  y += "\nworkload:\n";
  y += "  entry: " + w.workload.entry_service + "  # the root of " + std::to_string(w.entry_traces) + " of " +
       std::to_string(w.traces) + " traces\n";
  y += "  arrival: poisson\n";
  y += "  rate: " + Num(w.workload.rate_per_s);
  if (w.rate_from_traces) {
    y += "  # " + std::to_string(w.entry_traces) + " traces in " + ShortDuration(w.observed_window_s) +
         ", x rate_scale " + Num(options.rate_scale);
  } else {
    y += "  # default rate x rate_scale " + Num(options.rate_scale);
  }
  y += "\n";
  return y;
}

StatusOr<DerivedWorkload> DeriveWorkloadFromFile(const std::string& path, TraceFormat format,
                                                 const TraceImportOptions& import_options,
                                                 const SelfTimeOptions& self_time_options,
                                                 const DeriveOptions& options) {
  WorkloadDeriver deriver(self_time_options);
  Status s = ImportTraces(path, format, import_options, [&](RecordedTrace&& t) { return deriver.Add(t); });
  if (!s.ok()) return s;
  DeriveOptions o = options;
  if (o.source.empty()) o.source = path;
  return deriver.Finish(o);
}

}  // namespace tracesim::sim
