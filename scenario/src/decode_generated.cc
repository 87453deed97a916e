// services: {generate: {...}} — a synthetic service call graph, generated
// level by level from a seed (docs/generated-services.md).
//
// Shape: service 0 (the entry) is level 0 alone; the other services fill
// levels 1 .. depth-1, the widths growing by the mean fan-out (a tree's
// shape, scaled to the service count). Every service of a level calls
// distinct services of the next level only, so the graph is a DAG whose
// longest call path from the entry holds exactly `depth` services, and every
// service of level L+1 has at least one caller on level L, so every service
// is reachable from the entry.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include "decoder.h"
#include "tracesim/pipeline/random.h"

namespace tracesim::scenario::internal {
namespace {

// One SimGrid host per service: a bound that keeps a typo ("1e9") from
// allocating the machine away.
constexpr int64_t kMaxServices = 100000;
constexpr int64_t kDefaultDepth = 3;
constexpr uint64_t kDefaultSeed = 1;

const std::vector<std::string>& GenerateKeys() {
  static const std::vector<std::string> kKeys = {
      "services",    "depth",       "fan_out",     "calls_per_edge",      "work",
      "work_spread", "error_rate",  "host_speed",  "request_bytes",       "response_bytes",
      "seed",        "name_prefix", "concurrency", "attributes_per_span", "async",
      "replicas"};
  return kKeys;
}

// A per-item parameter: one value, or drawn uniformly from [lo, hi].
struct Spread {
  double lo = 0;
  double hi = 0;
  bool range = false;  // written as {min, max}
};

struct GenerateOptions {
  int64_t services = 1;
  int64_t depth = kDefaultDepth;
  Spread fan_out{2, 2, false};  // range: integers
  int calls_per_edge = 1;
  ServiceSpec prototype;  // work, host_speed, bytes, attributes, concurrency: copied to every service
  double work_spread = 0;
  Spread error_rate{0, 0, false};
  double async = 0;  // probability that an edge is an asynchronous call
  uint64_t seed = kDefaultSeed;
  std::string name_prefix = "svc";
};

// Reads `key` of `m` as a number in `b` or a mapping {min, max} of numbers in
// `b` with min <= max (integers when `integer`). False when absent or invalid.
bool ReadSpread(Decoder& d, const Map& m, std::string_view key, const Bound& b, bool integer, Spread* out) {
  const Node* n = m.Get(key);
  if (n == nullptr) return false;
  const std::string path = m.Path(key);
  const std::string noun = integer ? "an integer" : "a number";
  if (n->IsScalar()) {
    double v = 0;
    if (!d.ScalarDouble(*n, path, "a number", b, &v)) return false;
    *out = {v, v, false};
    return true;
  }
  if (!n->IsMap()) {
    d.FailExpected(*n, path, Expect("a number", b, FormatPlain) + " or a mapping {min, max}");
    return false;
  }
  std::optional<Map> r = d.OpenMap(n, path, n->origin, {"min", "max"}, "a mapping {min, max}");
  if (!r) return false;
  bool ok = true;
  double v[2] = {0, 0};
  const char* keys[2] = {"min", "max"};
  for (int i = 0; i < 2; ++i) {
    if (!d.Require(*r, keys[i])) {
      ok = false;
      continue;
    }
    if (integer) {
      int64_t iv = 0;
      if (d.ReadInt64(*r, keys[i], b, &iv)) {
        v[i] = static_cast<double>(iv);
      } else {
        ok = false;
      }
    } else if (!d.ReadDouble(*r, keys[i], b, &v[i])) {
      ok = false;
    }
  }
  if (!ok) return false;
  if (v[1] < v[0]) {
    d.FailExpected(*r->Get("max"), r->Path("max"), noun + " >= min (" + FormatPlain(v[0]) + ")");
    return false;
  }
  *out = {v[0], v[1], true};
  return true;
}

// Services per level: level 0 is the entry alone; the other services fill
// levels 1 .. depth-1 in proportion to growth^level (largest remainder), at
// least one each. REQUIRES: depth >= 2, services >= depth, growth >= 1.
std::vector<int64_t> LevelWidths(int64_t services, int64_t depth, double growth) {
  const int64_t levels = depth - 1;
  const int64_t rest = services - 1;
  // Weights relative to the deepest level: no overflow for any depth.
  std::vector<double> weight(static_cast<size_t>(levels));
  double total = 0;
  for (int64_t l = 0; l < levels; ++l) {
    weight[static_cast<size_t>(l)] = std::pow(growth, static_cast<double>(l - (levels - 1)));
    total += weight[static_cast<size_t>(l)];
  }
  std::vector<int64_t> width(static_cast<size_t>(levels));
  std::vector<std::pair<double, int64_t>> remainder;  // (fraction, level)
  int64_t assigned = 0;
  for (int64_t l = 0; l < levels; ++l) {
    const double exact = static_cast<double>(rest) * weight[static_cast<size_t>(l)] / total;
    const int64_t whole = std::min<int64_t>(rest, static_cast<int64_t>(std::floor(exact)));
    width[static_cast<size_t>(l)] = whole;
    assigned += whole;
    remainder.emplace_back(exact - static_cast<double>(whole), l);
  }
  // Largest fraction first; ties to the shallower level.
  std::sort(remainder.begin(), remainder.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  for (size_t i = 0; assigned < rest; i = (i + 1) % remainder.size()) {
    ++width[static_cast<size_t>(remainder[i].second)];
    ++assigned;
  }
  // Every level holds a service: take it from the widest level (which has
  // more than one, since rest >= levels).
  for (int64_t l = 0; l < levels; ++l) {
    if (width[static_cast<size_t>(l)] > 0) continue;
    auto widest = std::max_element(width.begin(), width.end());
    --*widest;
    width[static_cast<size_t>(l)] = 1;
  }
  width.insert(width.begin(), 1);
  return width;
}

template <typename T>
void Shuffle(std::vector<T>* v, pipeline::Rng& rng) {
  for (size_t i = v->size(); i > 1; --i) {
    const size_t j = static_cast<size_t>(rng.Uniform(i));
    std::swap((*v)[i - 1], (*v)[j]);
  }
}

int64_t DrawFanOut(const Spread& f, pipeline::Rng& rng) {
  if (f.range) {
    const auto lo = static_cast<int64_t>(f.lo);
    const auto hi = static_cast<int64_t>(f.hi);
    return lo + static_cast<int64_t>(rng.Uniform(static_cast<uint64_t>(hi - lo + 1)));
  }
  // Mean f: floor(f) or floor(f) + 1, the latter with probability frac(f).
  const double whole = std::floor(f.lo);
  return static_cast<int64_t>(whole) + (rng.NextDouble() < f.lo - whole ? 1 : 0);
}

// The calls from the p services starting at index p0 to the c services
// starting at c0: each caller draws its number of distinct callees (at most
// c), raised where needed so that every callee has a caller; the callees are
// dealt out in random order first (one caller each), then each caller tops up
// with callees it does not call yet.
void ConnectLevels(int64_t p0, int64_t p, int64_t c0, int64_t c, const Spread& fan_out, pipeline::Rng& rng,
                   std::vector<std::vector<int64_t>>* callees) {
  std::vector<int64_t> k(static_cast<size_t>(p));
  int64_t total = 0;
  for (int64_t i = 0; i < p; ++i) {
    k[static_cast<size_t>(i)] = std::clamp<int64_t>(DrawFanOut(fan_out, rng), 1, c);
    total += k[static_cast<size_t>(i)];
  }
  // While total < c every k[i] <= total < c, so any caller may take one more.
  for (; total < c; ++total) ++k[static_cast<size_t>(rng.Uniform(static_cast<uint64_t>(p)))];

  std::vector<int64_t> slots;
  slots.reserve(static_cast<size_t>(total));
  for (int64_t i = 0; i < p; ++i)
    slots.insert(slots.end(), static_cast<size_t>(k[static_cast<size_t>(i)]), i);
  Shuffle(&slots, rng);
  std::vector<int64_t> order(static_cast<size_t>(c));
  std::iota(order.begin(), order.end(), int64_t{0});
  Shuffle(&order, rng);
  for (int64_t j = 0; j < c; ++j) {
    (*callees)[static_cast<size_t>(p0 + slots[static_cast<size_t>(j)])].push_back(
        c0 + order[static_cast<size_t>(j)]);
  }

  // Top-ups, caller by caller; `owner[x] == i` marks callee c0 + x as taken by caller i.
  std::vector<int64_t> owner(static_cast<size_t>(c), -1);
  for (int64_t i = 0; i < p; ++i) {
    std::vector<int64_t>& mine = (*callees)[static_cast<size_t>(p0 + i)];
    const auto want = static_cast<size_t>(k[static_cast<size_t>(i)]);
    if (mine.size() == want) continue;
    for (int64_t x : mine) owner[static_cast<size_t>(x - c0)] = i;
    if (2 * want <= static_cast<size_t>(c)) {
      // Sparse: rejection sampling takes fewer than two draws on average.
      while (mine.size() < want) {
        const auto x = static_cast<int64_t>(rng.Uniform(static_cast<uint64_t>(c)));
        if (owner[static_cast<size_t>(x)] == i) continue;
        owner[static_cast<size_t>(x)] = i;
        mine.push_back(c0 + x);
      }
    } else {
      // Dense: shuffle the callees not taken yet and take a prefix.
      std::vector<int64_t> free;
      for (int64_t x = 0; x < c; ++x) {
        if (owner[static_cast<size_t>(x)] != i) free.push_back(x);
      }
      Shuffle(&free, rng);
      for (size_t j = 0; mine.size() < want; ++j) mine.push_back(c0 + free[j]);
    }
  }
}

// A standard normal variate (Box–Muller).
double StandardNormal(pipeline::Rng& rng) {
  const double u1 = 1.0 - rng.NextDouble();  // (0, 1]
  const double u2 = rng.NextDouble();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
}

// REQUIRES: the options passed the decoder's checks.
std::vector<ServiceSpec> Generate(const GenerateOptions& o) {
  const pipeline::Rng root(o.seed);
  // Independent streams: changing the work or error keys keeps the graph.
  pipeline::Rng graph_rng = root.Fork(1);
  pipeline::Rng work_rng = root.Fork(2);
  pipeline::Rng error_rng = root.Fork(3);
  pipeline::Rng async_rng = root.Fork(4);

  const auto n = static_cast<size_t>(o.services);
  std::vector<std::vector<int64_t>> callees(n);
  if (o.depth >= 2) {
    const double growth = o.fan_out.range ? (o.fan_out.lo + o.fan_out.hi) / 2 : o.fan_out.lo;
    const std::vector<int64_t> width = LevelWidths(o.services, o.depth, growth);
    int64_t start = 0;
    for (size_t l = 0; l + 1 < width.size(); ++l) {
      ConnectLevels(start, width[l], start + width[l], width[l + 1], o.fan_out, graph_rng, &callees);
      start += width[l];
    }
  }

  std::vector<ServiceSpec> services(n, o.prototype);
  for (size_t i = 0; i < n; ++i) {
    ServiceSpec& s = services[i];
    s.name = o.name_prefix + "-" + std::to_string(i);
    if (o.work_spread > 0) {
      // Mean-preserving lognormal factor: E[exp(sZ - s^2/2)] = 1.
      s.work_mean_s = o.prototype.work_mean_s *
                      std::exp(o.work_spread * StandardNormal(work_rng) - o.work_spread * o.work_spread / 2);
    }
    if (o.error_rate.range) {
      s.error_rate = o.error_rate.lo + (o.error_rate.hi - o.error_rate.lo) * error_rng.NextDouble();
    }
    std::sort(callees[i].begin(), callees[i].end());
    for (int64_t callee : callees[i]) {
      CallSpec call{o.name_prefix + "-" + std::to_string(callee), o.calls_per_edge};
      if (o.async > 0) call.async = async_rng.NextDouble() < o.async;
      s.calls.push_back(std::move(call));
    }
  }
  return services;
}

bool IsValidPrefix(std::string_view s) {
  if (s.empty() || s.front() == '_' || s.front() == '-') return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

}  // namespace

void Decoder::DecodeGeneratedServices(const Node& services_node, const std::string& path,
                                      std::vector<ServiceSpec>* services) {
  // A mapping without `generate` is most likely services written as a
  // name -> spec mapping: say what the list form is.
  if (!services_node.IsMap() || services_node.Find("generate") == nullptr) {
    FailExpected(services_node, path, "a non-empty sequence of services (- name: ...)",
                 "or a mapping {generate: {...}} for a generated call graph");
    return;
  }
  std::optional<Map> top =
      OpenMap(&services_node, path, services_node.origin, {"generate"}, "a mapping {generate: {...}}");
  if (!top) return;
  std::optional<Map> m = SubMap(*top, "generate", GenerateKeys());
  if (!m) return;
  const size_t errors_before = errors_.size();
  GenerateOptions o;

  // The count: the bound is spelled out (Bound's formatting would print 1e+05).
  bool has_services = false;
  if (Require(*m, "services", "how many services to generate, e.g. 100")) {
    const Node& sn = *m->Get("services");
    const std::string expected = "an integer in [1, " + std::to_string(kMaxServices) + "]";
    if (!sn.IsScalar() || !ParseIntText(sn.scalar, &o.services) || o.services < 1 ||
        o.services > kMaxServices) {
      FailExpected(sn, m->Path("services"), expected);
    } else if (sn.quoted) {
      FailExpected(sn, m->Path("services"), expected, "a quoted string; write the number without quotes");
    } else {
      has_services = true;
    }
  }
  if (const Node* depth = m->Get("depth"); depth == nullptr) {
    if (has_services) o.depth = std::min(kDefaultDepth, o.services);
  } else if (ReadInt64(*m, "depth", Bound::AtLeast(1), &o.depth) && has_services) {
    if (o.depth > o.services) {
      FailExpected(*depth, m->Path("depth"), "an integer <= services (" + std::to_string(o.services) + ")",
                   "every level holds at least one service");
    } else if (o.depth == 1 && o.services > 1) {
      FailExpected(
          *depth, m->Path("depth"), "an integer >= 2",
          "with depth 1 the entry is the only service, but services is " + std::to_string(o.services));
    }
  }
  ReadSpread(*this, *m, "fan_out", Bound::AtLeast(1), /*integer=*/true, &o.fan_out);
  ReadInt(*m, "calls_per_edge", Bound::AtLeast(1), &o.calls_per_edge);
  if (std::optional<Map> work = SubMap(*m, "work", {"mean", "distribution", "sigma"})) {
    ReadSeconds(*work, "mean", Bound::NonNegative(), &o.prototype.work_mean_s);
    ReadEnum(*work, "distribution",
             EnumTable<Distribution>{{"constant", Distribution::kConstant},
                                     {"exponential", Distribution::kExponential},
                                     {"lognormal", Distribution::kLogNormal}},
             &o.prototype.work_distribution);
    ReadDouble(*work, "sigma", Bound::NonNegative(), &o.prototype.work_sigma);
  }
  ReadDouble(*m, "work_spread", Bound::NonNegative(), &o.work_spread);
  if (ReadSpread(*this, *m, "error_rate", Bound::Closed(0, 1), /*integer=*/false, &o.error_rate)) {
    o.prototype.error_rate = o.error_rate.lo;
  }
  ReadDouble(*m, "async", Bound::Closed(0, 1), &o.async);
  ReadSpeed(*m, "host_speed", &o.prototype.host_speed_flops);
  ReadInt(*m, "request_bytes", Bound::NonNegative(), &o.prototype.request_bytes);
  ReadInt(*m, "response_bytes", Bound::NonNegative(), &o.prototype.response_bytes);
  // OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT defaults to 128.
  ReadInt(*m, "attributes_per_span", Bound::Closed(0, 128), &o.prototype.attributes_per_span);
  ReadInt(*m, "concurrency", Bound::NonNegative(), &o.prototype.concurrency);
  CheckConcurrencyFidelity(*m, o.prototype.concurrency);
  ReadInt(*m, "replicas", Bound::Closed(1, 10000), &o.prototype.replicas);
  ReadUint64(*m, "seed", &o.seed);
  if (ReadString(*m, "name_prefix", &o.name_prefix)) {
    const Node& pn = *m->Get("name_prefix");
    if (!IsValidPrefix(o.name_prefix)) {
      FailExpected(pn, m->Path("name_prefix"),
                   "a name prefix: lowercase letters, digits, '_' and '-', starting with a letter or digit");
    } else if (o.name_prefix == "storage") {
      FailExpected(pn, m->Path("name_prefix"), "a name prefix",
                   "storage-<i> is reserved for the storage hosts");
    }
  }
  if (errors_.size() != errors_before) return;

  *services = Generate(o);
  // CheckTiers compares service names with collector tier hosts (<tier>-<i>)
  // where a name node is known. Every generated name has the same
  // "<prefix>-" head, so service 0 stands for all: a clash is reported once,
  // at name_prefix (or at `generate` when the prefix is the default).
  service_name_nodes_.assign(services->size(), nullptr);
  const Node* prefix_node = m->Get("name_prefix");
  service_name_nodes_[0] = prefix_node != nullptr ? prefix_node : m->node;
}

}  // namespace tracesim::scenario::internal
