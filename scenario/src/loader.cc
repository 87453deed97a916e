// Scenario loader: YAML text -> document tree (document.h) -> overrides ->
// decoding and validation into a Scenario. The format is documented in
// docs/scenario-reference.md; keep the two in step.
#include "tracesim/scenario/loader.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <system_error>
#include <tuple>
#include <utility>
#include <vector>

#include "document.h"
#include "suggest.h"
#include "tracesim/scenario/units.h"

namespace tracesim::scenario {
namespace {

using internal::ClosestMatch;
using internal::Describe;
using internal::JoinIndex;
using internal::JoinKey;
using internal::JoinNames;
using internal::MapEntry;
using internal::Node;
using internal::Origin;

constexpr size_t kMaxReportedErrors = 20;

// ---------------------------------------------------------------------------
// Value ranges, printed in messages as "> 0", ">= 1", "in [0, 1]".

struct Bound {
  std::optional<double> lo;
  bool lo_open = false;
  std::optional<double> hi;
  bool hi_open = false;

  static Bound Any() { return {}; }
  static Bound Positive() { return {0.0, true, std::nullopt, false}; }
  static Bound NonNegative() { return {0.0, false, std::nullopt, false}; }
  static Bound AtLeast(double v) { return {v, false, std::nullopt, false}; }
  static Bound Closed(double a, double b) { return {a, false, b, false}; }

  bool Contains(double v) const {
    if (lo && (lo_open ? !(v > *lo) : !(v >= *lo))) return false;
    if (hi && (hi_open ? !(v < *hi) : !(v <= *hi))) return false;
    return true;
  }

  std::string Describe(const std::function<std::string(double)>& fmt) const {
    if (lo && hi) {
      return std::string("in ") + (lo_open ? "(" : "[") + fmt(*lo) + ", " + fmt(*hi) + (hi_open ? ")" : "]");
    }
    if (lo) return std::string(lo_open ? "> " : ">= ") + fmt(*lo);
    if (hi) return std::string(hi_open ? "< " : "<= ") + fmt(*hi);
    return "";
  }
};

std::string FormatPlain(double v) {
  char buf[64];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, ptr) : std::string("?");
}

std::string FormatSeconds(double s) { return FormatDuration(FromSeconds(s)); }

// "a number > 0" / "a number".
std::string Expect(std::string_view noun, const Bound& b, const std::function<std::string(double)>& fmt) {
  std::string d = b.Describe(fmt);
  return d.empty() ? std::string(noun) : std::string(noun) + " " + d;
}

// ---------------------------------------------------------------------------
// Scalar text -> numbers (locale-independent, whole text only).

bool ParseDoubleText(std::string_view s, double* out) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out, std::chars_format::general);
  return ec == std::errc() && ptr == s.data() + s.size() && std::isfinite(*out);
}

bool ParseIntText(std::string_view s, int64_t* out) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  if (ec == std::errc() && ptr == s.data() + s.size()) return true;
  // Integral values written as decimals or with an exponent: "1e3", "2048.0".
  double d = 0;
  if (!ParseDoubleText(s, &d) || d != std::floor(d) || std::fabs(d) >= 9007199254740992.0) return false;
  *out = static_cast<int64_t>(d);
  return true;
}

bool IsServiceNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

bool IsValidServiceName(std::string_view s) {
  if (s.empty() || s.front() == '_' || s.front() == '-') return false;
  return std::all_of(s.begin(), s.end(), IsServiceNameChar);
}

// "collector-<i>" / "storage-<i>" with i written canonically; returns i or -1.
int64_t HostIndex(std::string_view name, std::string_view prefix) {
  if (name.substr(0, prefix.size()) != prefix) return -1;
  std::string_view digits = name.substr(prefix.size());
  if (digits.empty() || (digits.size() > 1 && digits.front() == '0')) return -1;
  int64_t i = -1;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), i);
  if (ec != std::errc() || ptr != digits.data() + digits.size()) return -1;
  return i;
}

template <typename E>
using EnumTable = std::vector<std::pair<std::string, E>>;

// ---------------------------------------------------------------------------
// A mapping being decoded: the node (nullptr when the section is absent or
// null, so every key keeps its default), its key path and a position for
// "required" errors.

struct Map {
  const Node* node = nullptr;
  std::string path;
  Origin origin;

  const Node* Get(std::string_view key) const { return node == nullptr ? nullptr : node->Find(key); }
  std::string Path(std::string_view key) const { return JoinKey(path, key); }
};

// Nodes kept for the checks that need the whole scenario (references,
// cycles, failure targets and times).
struct CallRef {
  const Node* node;  // the service name node
  std::string path;
};

struct FailureRef {
  const Node* target = nullptr;
  const Node* at = nullptr;
  std::string path;
};

class Decoder {
 public:
  Decoder(std::string source, const std::vector<Override>& overrides)
      : source_(std::move(source)), overrides_(overrides) {}

  void Decode(const Node& root, Scenario* s);
  Status Finish() const;

 private:
  // Errors -----------------------------------------------------------------
  struct Error {
    Origin origin;
    std::string text;
  };

  std::string Where(const Origin& o) const {
    if (o.override_index >= 0 && static_cast<size_t>(o.override_index) < overrides_.size()) {
      const Override& ov = overrides_[static_cast<size_t>(o.override_index)];
      return source_ + ": --set " + ov.path + "=" + ov.value;
    }
    if (o.line < 0) return source_;
    return source_ + ":" + std::to_string(o.line + 1) + ":" + std::to_string(o.column + 1);
  }

  void Fail(const Origin& o, const std::string& path, const std::string& message) {
    errors_.push_back(
        {o, Where(o) + ": " + (path.empty() ? std::string("(document)") : path) + ": " + message});
  }

  void FailExpected(const Node& n, const std::string& path, const std::string& expected,
                    const std::string& detail = "") {
    std::string msg = "expected " + expected + ", got " + Describe(n);
    if (!detail.empty()) msg += " (" + detail + ")";
    Fail(n.origin, path, msg);
  }

  // Structure ----------------------------------------------------------------
  std::optional<Map> OpenMap(const Node* n, const std::string& path, const Origin& parent_origin,
                             const std::vector<std::string>& allowed, std::string_view what = "a mapping");
  void CheckKeys(const Node& n, const std::string& path, const std::vector<std::string>& allowed);
  // The mapping under `key` of `m`; "required" errors inside it point at the
  // key (or, when the key is absent, where `m` starts).
  std::optional<Map> SubMap(const Map& m, std::string_view key, const std::vector<std::string>& allowed) {
    Origin where = m.node != nullptr ? m.node->origin : m.origin;
    if (m.node != nullptr) {
      for (const MapEntry& e : m.node->entries) {
        if (e.key == key) where = e.key_origin;
      }
    }
    std::optional<Map> sub = OpenMap(m.Get(key), m.Path(key), where, allowed);
    if (sub) sub->origin = where;
    return sub;
  }
  bool Require(const Map& m, std::string_view key, std::string_view hint = "");

  // Scalars (each returns true when the key is present and valid) ------------
  bool ScalarDouble(const Node& n, const std::string& path, std::string_view noun, const Bound& b,
                    double* out);
  bool ReadDouble(const Map& m, std::string_view key, const Bound& b, double* out);
  bool ReadInt64(const Map& m, std::string_view key, const Bound& b, int64_t* out);
  template <typename T>
  bool ReadInt(const Map& m, std::string_view key, const Bound& b, T* out);
  bool ReadUint64(const Map& m, std::string_view key, uint64_t* out);
  bool ReadBool(const Map& m, std::string_view key, bool* out);
  bool ReadString(const Map& m, std::string_view key, std::string* out);
  bool ReadDuration(const Map& m, std::string_view key, const Bound& seconds, Duration* out);
  bool ReadSeconds(const Map& m, std::string_view key, const Bound& seconds, double* out);
  bool ReadBandwidth(const Map& m, std::string_view key, double* out);
  bool ReadSpeed(const Map& m, std::string_view key, double* out);
  template <typename E>
  bool ReadEnum(const Map& m, std::string_view key, const EnumTable<E>& table, E* out);

  // Sections -------------------------------------------------------------------
  void DecodePlatform(const Map& root, PlatformSpec* p);
  void DecodeLink(const Map& parent, std::string_view key, LinkSpec* link);
  void DecodeServices(const Map& root, std::vector<ServiceSpec>* services);
  void DecodeService(const Node& n, const std::string& path, ServiceSpec* s, std::vector<CallRef>* call_refs);
  void DecodeWorkload(const Map& root, WorkloadSpec* w);
  void DecodeTracing(const Map& root, TracingSpec* t);
  void DecodeCosts(const Map& tracing, CostProfile* c);
  void DecodeCollectors(const Map& root, CollectorSpec* c);
  void DecodeStorage(const Map& root, StorageSpec* st);
  void DecodeFailures(const Map& root, std::vector<FailureSpec>* failures);
  void DecodeMeasurement(const Map& root, MeasurementSpec* m);

  // Whole-scenario checks --------------------------------------------------------
  void CheckReferences(const Scenario& s);
  void CheckCallGraph(const Scenario& s);
  void CheckFailures(const Scenario& s);

  std::string source_;
  const std::vector<Override>& overrides_;
  std::vector<Error> errors_;

  std::vector<std::vector<CallRef>> call_refs_;  // [service][call]
  const Node* entry_node_ = nullptr;
  std::string entry_path_;
  std::vector<FailureRef> failure_refs_;
};

// ---------------------------------------------------------------------------
// Structure

std::optional<Map> Decoder::OpenMap(const Node* n, const std::string& path, const Origin& parent_origin,
                                    const std::vector<std::string>& allowed, std::string_view what) {
  Map m;
  m.path = path;
  m.origin = parent_origin;
  if (n == nullptr || n->IsNull()) {
    if (n != nullptr) m.origin = n->origin;
    return m;  // absent or empty: defaults
  }
  if (!n->IsMap()) {
    FailExpected(*n, path, std::string(what) + " with keys " + JoinNames(allowed));
    return std::nullopt;
  }
  m.node = n;
  m.origin = n->origin;
  CheckKeys(*n, path, allowed);
  return m;
}

void Decoder::CheckKeys(const Node& n, const std::string& path, const std::vector<std::string>& allowed) {
  for (const MapEntry& e : n.entries) {
    if (std::find(allowed.begin(), allowed.end(), e.key) != allowed.end()) continue;
    std::string msg = "unknown key '" + e.key + "'";
    if (std::string near = ClosestMatch(e.key, allowed); !near.empty())
      msg += " (did you mean '" + near + "'?)";
    msg += "; allowed keys: " + JoinNames(allowed);
    Fail(e.key_origin, JoinKey(path, e.key), msg);
  }
}

bool Decoder::Require(const Map& m, std::string_view key, std::string_view hint) {
  if (m.Get(key) != nullptr) return true;
  std::string msg = "required";
  if (!hint.empty()) msg += " (" + std::string(hint) + ")";
  Fail(m.origin, m.Path(key), msg);
  return false;
}

// ---------------------------------------------------------------------------
// Scalars

bool Decoder::ScalarDouble(const Node& n, const std::string& path, std::string_view noun, const Bound& b,
                           double* out) {
  const std::string expected = Expect(noun, b, FormatPlain);
  double v = 0;
  if (!n.IsScalar() || !ParseDoubleText(n.scalar, &v)) {
    FailExpected(n, path, expected);
    return false;
  }
  if (n.quoted) {
    FailExpected(n, path, expected, "a quoted string; write the number without quotes");
    return false;
  }
  if (!b.Contains(v)) {
    FailExpected(n, path, expected);
    return false;
  }
  *out = v;
  return true;
}

bool Decoder::ReadDouble(const Map& m, std::string_view key, const Bound& b, double* out) {
  const Node* n = m.Get(key);
  if (n == nullptr) return false;
  return ScalarDouble(*n, m.Path(key), "a number", b, out);
}

bool Decoder::ReadInt64(const Map& m, std::string_view key, const Bound& b, int64_t* out) {
  const Node* n = m.Get(key);
  if (n == nullptr) return false;
  const std::string expected = Expect("an integer", b, FormatPlain);
  int64_t v = 0;
  if (!n->IsScalar() || !ParseIntText(n->scalar, &v)) {
    FailExpected(*n, m.Path(key), expected);
    return false;
  }
  if (n->quoted) {
    FailExpected(*n, m.Path(key), expected, "a quoted string; write the number without quotes");
    return false;
  }
  if (!b.Contains(static_cast<double>(v))) {
    FailExpected(*n, m.Path(key), expected);
    return false;
  }
  *out = v;
  return true;
}

template <typename T>
bool Decoder::ReadInt(const Map& m, std::string_view key, const Bound& b, T* out) {
  // Intersect the caller's bound with what T can hold.
  Bound full = b;
  const double tmin = static_cast<double>(std::numeric_limits<T>::min());
  const double tmax = static_cast<double>(std::numeric_limits<T>::max());
  if (!full.lo || *full.lo < tmin) {
    full.lo = tmin;
    full.lo_open = false;
  }
  if (!full.hi || *full.hi > tmax) {
    full.hi = tmax;
    full.hi_open = false;
  }
  // The caller's bound is checked first so that messages read as written
  // ("an integer >= 1"); the type's limits only show when they matter.
  int64_t v = 0;
  const Node* n = m.Get(key);
  if (n == nullptr) return false;
  if (!ReadInt64(m, key, b, &v)) return false;
  if (!full.Contains(static_cast<double>(v))) {
    FailExpected(*n, m.Path(key), Expect("an integer", full, FormatPlain));
    return false;
  }
  *out = static_cast<T>(v);
  return true;
}

bool Decoder::ReadUint64(const Map& m, std::string_view key, uint64_t* out) {
  const Node* n = m.Get(key);
  if (n == nullptr) return false;
  const std::string expected = "an unsigned 64-bit integer (0 to 18446744073709551615)";
  uint64_t v = 0;
  std::string_view s = n->IsScalar() ? std::string_view(n->scalar) : std::string_view();
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (!n->IsScalar() || s.empty() || ec != std::errc() || ptr != s.data() + s.size()) {
    FailExpected(*n, m.Path(key), expected);
    return false;
  }
  if (n->quoted) {
    FailExpected(*n, m.Path(key), expected, "a quoted string; write the number without quotes");
    return false;
  }
  *out = v;
  return true;
}

bool Decoder::ReadBool(const Map& m, std::string_view key, bool* out) {
  const Node* n = m.Get(key);
  if (n == nullptr) return false;
  static const std::vector<std::string> kTrue = {"true", "True", "TRUE", "yes", "Yes",
                                                 "YES",  "on",   "On",   "ON"};
  static const std::vector<std::string> kFalse = {"false", "False", "FALSE", "no", "No",
                                                  "NO",    "off",   "Off",   "OFF"};
  if (n->IsScalar() && !n->quoted) {
    if (std::find(kTrue.begin(), kTrue.end(), n->scalar) != kTrue.end()) {
      *out = true;
      return true;
    }
    if (std::find(kFalse.begin(), kFalse.end(), n->scalar) != kFalse.end()) {
      *out = false;
      return true;
    }
  }
  FailExpected(*n, m.Path(key), "true or false");
  return false;
}

bool Decoder::ReadString(const Map& m, std::string_view key, std::string* out) {
  const Node* n = m.Get(key);
  if (n == nullptr) return false;
  if (!n->IsScalar()) {
    FailExpected(*n, m.Path(key), "a string");
    return false;
  }
  *out = n->scalar;
  return true;
}

bool Decoder::ReadDuration(const Map& m, std::string_view key, const Bound& seconds, Duration* out) {
  const Node* n = m.Get(key);
  if (n == nullptr) return false;
  const std::string expected = Expect("a duration", seconds, FormatSeconds);
  if (!n->IsScalar()) {
    FailExpected(*n, m.Path(key), expected + " such as 200ms, 1.5s or 1m30s");
    return false;
  }
  double number = 0;
  Duration d{};
  if (!n->quoted && ParseDoubleText(n->scalar, &number)) {
    if (!seconds.Contains(number)) {  // a bare number is seconds; catches negatives too
      FailExpected(*n, m.Path(key), expected, "a bare number is seconds");
      return false;
    }
    StatusOr<Duration> parsed = ParseDuration(n->scalar);
    if (!parsed.ok()) {
      FailExpected(*n, m.Path(key), expected, parsed.status().message());
      return false;
    }
    d = *parsed;
  } else {
    StatusOr<Duration> parsed = ParseDuration(n->scalar);
    if (!parsed.ok()) {
      FailExpected(*n, m.Path(key), expected, parsed.status().message());
      return false;
    }
    d = *parsed;
    if (!seconds.Contains(ToSeconds(d))) {
      FailExpected(*n, m.Path(key), expected);
      return false;
    }
  }
  *out = d;
  return true;
}

bool Decoder::ReadSeconds(const Map& m, std::string_view key, const Bound& seconds, double* out) {
  Duration d{};
  if (!ReadDuration(m, key, seconds, &d)) return false;
  *out = ToSeconds(d);
  return true;
}

bool Decoder::ReadBandwidth(const Map& m, std::string_view key, double* out) {
  const Node* n = m.Get(key);
  if (n == nullptr) return false;
  const std::string expected = "a bandwidth > 0 such as 1Gbps, 100Mbps or 125MBps (a bare number is bytes/s)";
  if (!n->IsScalar()) {
    FailExpected(*n, m.Path(key), expected);
    return false;
  }
  StatusOr<double> v = ParseBandwidth(n->scalar);
  if (!v.ok()) {
    FailExpected(*n, m.Path(key), expected, v.status().message());
    return false;
  }
  if (!(*v > 0)) {
    FailExpected(*n, m.Path(key), expected);
    return false;
  }
  *out = *v;
  return true;
}

bool Decoder::ReadSpeed(const Map& m, std::string_view key, double* out) {
  const Node* n = m.Get(key);
  if (n == nullptr) return false;
  const std::string expected = "a speed > 0 in flop/s such as 1Gf or 500Mf (a bare number is flop/s)";
  if (!n->IsScalar()) {
    FailExpected(*n, m.Path(key), expected);
    return false;
  }
  StatusOr<double> v = ParseSpeed(n->scalar);
  if (!v.ok()) {
    FailExpected(*n, m.Path(key), expected, v.status().message());
    return false;
  }
  if (!(*v > 0)) {
    FailExpected(*n, m.Path(key), expected);
    return false;
  }
  *out = *v;
  return true;
}

template <typename E>
bool Decoder::ReadEnum(const Map& m, std::string_view key, const EnumTable<E>& table, E* out) {
  const Node* n = m.Get(key);
  if (n == nullptr) return false;
  std::vector<std::string> names;
  for (const auto& [name, value] : table) {
    if (n->IsScalar() && n->scalar == name) {
      *out = value;
      return true;
    }
    names.push_back(name);
  }
  std::string detail;
  if (n->IsScalar()) {
    if (std::string near = ClosestMatch(n->scalar, names); !near.empty())
      detail = "did you mean '" + near + "'?";
  }
  FailExpected(*n, m.Path(key), "one of " + JoinNames(names), detail);
  return false;
}

// ---------------------------------------------------------------------------
// Sections

const std::vector<std::string>& RootKeys() {
  static const std::vector<std::string> kKeys = {"name",       "seed",     "duration", "drain",
                                                 "platform",   "services", "workload", "tracing",
                                                 "collectors", "storage",  "failures", "measurement"};
  return kKeys;
}

void Decoder::Decode(const Node& root, Scenario* s) {
  std::optional<Map> m = OpenMap(&root, "", root.origin, RootKeys(), "a scenario: a mapping");
  if (!m) return;
  if (root.IsNull()) {
    Fail(root.origin, "", "the scenario is empty; expected a mapping with keys " + JoinNames(RootKeys()));
    return;
  }
  if (Require(*m, "name", "a non-empty scenario name") && ReadString(*m, "name", &s->name) &&
      s->name.empty()) {
    FailExpected(*m->Get("name"), "name", "a non-empty string");
  }
  ReadUint64(*m, "seed", &s->seed);
  ReadSeconds(*m, "duration", Bound::Positive(), &s->duration_s);
  ReadSeconds(*m, "drain", Bound::NonNegative(), &s->drain_s);
  DecodePlatform(*m, &s->platform);
  DecodeServices(*m, &s->services);
  DecodeWorkload(*m, &s->workload);
  DecodeTracing(*m, &s->tracing);
  DecodeCollectors(*m, &s->collector);
  DecodeStorage(*m, &s->storage);
  DecodeFailures(*m, &s->failures);
  DecodeMeasurement(*m, &s->measurement);

  // Cross-references only make sense once every part decoded cleanly;
  // otherwise they would repeat the errors above in other words.
  if (!errors_.empty()) return;
  CheckReferences(*s);
  if (!errors_.empty()) return;
  CheckCallGraph(*s);
  CheckFailures(*s);
}

void Decoder::DecodePlatform(const Map& root, PlatformSpec* p) {
  std::optional<Map> m = SubMap(root, "platform", {"topology", "network_model", "host_link", "backbone"});
  if (!m) return;
  ReadEnum(*m, "topology", EnumTable<Topology>{{"star", Topology::kStar}, {"two_tier", Topology::kTwoTier}},
           &p->topology);
  ReadEnum(*m, "network_model",
           EnumTable<std::string>{{"LV08", "LV08"}, {"CM02", "CM02"}, {"constant", "constant"}},
           &p->network_model);
  DecodeLink(*m, "host_link", &p->host_link);
  DecodeLink(*m, "backbone", &p->backbone);
}

void Decoder::DecodeLink(const Map& parent, std::string_view key, LinkSpec* link) {
  const Node* n = parent.Get(key);
  if (n == nullptr) return;  // absent: the default link
  std::optional<Map> m = SubMap(parent, key, {"bandwidth", "latency", "sharing"});
  if (!m) return;
  // A link written out must say how fast it is: a silent default bandwidth
  // would make capacity results meaningless.
  if (Require(*m, "bandwidth", "e.g. 1Gbps")) ReadBandwidth(*m, "bandwidth", &link->bandwidth_bytes_per_s);
  ReadSeconds(*m, "latency", Bound::NonNegative(), &link->latency_s);
  ReadEnum(*m, "sharing",
           EnumTable<LinkSpec::Sharing>{{"shared", LinkSpec::Sharing::kShared},
                                        {"fatpipe", LinkSpec::Sharing::kFatpipe},
                                        {"split_duplex", LinkSpec::Sharing::kSplitDuplex}},
           &link->sharing);
}

const std::vector<std::string>& ServiceKeys() {
  static const std::vector<std::string> kKeys = {
      "name",  "host_speed",    "work",           "error_rate",
      "calls", "request_bytes", "response_bytes", "attributes_per_span"};
  return kKeys;
}

void Decoder::DecodeServices(const Map& root, std::vector<ServiceSpec>* services) {
  if (!Require(root, "services", "a list of services, each with at least a name")) return;
  const Node& n = *root.Get("services");
  const std::string path = root.Path("services");
  if (!n.IsSequence() || n.items.empty()) {
    FailExpected(n, path, "a non-empty sequence of services (- name: ...)");
    return;
  }
  services->clear();
  call_refs_.clear();
  for (size_t i = 0; i < n.items.size(); ++i) {
    ServiceSpec spec;
    std::vector<CallRef> refs;
    DecodeService(n.items[i], JoinIndex(path, i), &spec, &refs);
    services->push_back(std::move(spec));
    call_refs_.push_back(std::move(refs));
  }
  // Names: unique, and not a name the simulator gives to its own hosts.
  for (size_t i = 0; i < services->size(); ++i) {
    const std::string& name = (*services)[i].name;
    const Node* name_node = n.items[i].IsMap() ? n.items[i].Find("name") : nullptr;
    if (name.empty() || name_node == nullptr) continue;
    const std::string name_path = JoinKey(JoinIndex(path, i), "name");
    if (HostIndex(name, "collector-") >= 0 || HostIndex(name, "storage-") >= 0) {
      FailExpected(*name_node, name_path, "a service name",
                   "collector-<i> and storage-<i> are reserved for the collector and storage hosts");
      continue;
    }
    for (size_t j = 0; j < i; ++j) {
      if ((*services)[j].name == name) {
        Fail(name_node->origin, name_path,
             "duplicate service name '" + name + "' (already used by " + JoinIndex(path, j) + ")");
        break;
      }
    }
  }
}

void Decoder::DecodeService(const Node& n, const std::string& path, ServiceSpec* s,
                            std::vector<CallRef>* call_refs) {
  std::optional<Map> m = OpenMap(&n, path, n.origin, ServiceKeys(), "a service: a mapping");
  if (!m) return;
  if (n.IsNull()) {
    Fail(n.origin, path, "empty service; expected a mapping with at least 'name'");
    return;
  }
  if (Require(*m, "name") && ReadString(*m, "name", &s->name) && !IsValidServiceName(s->name)) {
    FailExpected(*m->Get("name"), m->Path("name"),
                 "a service name: lowercase letters, digits, '_' and '-', starting with a letter or digit");
    s->name.clear();
  }
  ReadSpeed(*m, "host_speed", &s->host_speed_flops);
  if (std::optional<Map> work = SubMap(*m, "work", {"mean", "distribution", "sigma"})) {
    ReadSeconds(*work, "mean", Bound::NonNegative(), &s->work_mean_s);
    ReadEnum(*work, "distribution",
             EnumTable<Distribution>{{"constant", Distribution::kConstant},
                                     {"exponential", Distribution::kExponential},
                                     {"lognormal", Distribution::kLogNormal}},
             &s->work_distribution);
    ReadDouble(*work, "sigma", Bound::NonNegative(), &s->work_sigma);
  }
  ReadDouble(*m, "error_rate", Bound::Closed(0, 1), &s->error_rate);
  if (const Node* calls = m->Get("calls"); calls != nullptr) {
    const std::string calls_path = m->Path("calls");
    if (calls->IsNull()) {
      // "calls:" with nothing: a leaf service.
    } else if (!calls->IsSequence()) {
      FailExpected(*calls, calls_path, "a sequence of calls ({service: <name>, count: <n>} or <name>)");
    } else {
      for (size_t i = 0; i < calls->items.size(); ++i) {
        const Node& item = calls->items[i];
        const std::string item_path = JoinIndex(calls_path, i);
        CallSpec call;
        if (item.IsScalar()) {  // shorthand: "- checkout"
          call.service = item.scalar;
          s->calls.push_back(call);
          call_refs->push_back({&item, item_path});
          continue;
        }
        std::optional<Map> cm = OpenMap(&item, item_path, item.origin, {"service", "count"},
                                        "a call: a service name or a mapping");
        if (!cm) continue;
        if (item.IsNull()) {
          Fail(item.origin, item_path, "empty call; expected {service: <name>, count: <n>}");
          continue;
        }
        if (!Require(*cm, "service", "the name of the called service")) continue;
        if (!ReadString(*cm, "service", &call.service)) continue;
        ReadInt(*cm, "count", Bound::AtLeast(1), &call.count);
        s->calls.push_back(call);
        call_refs->push_back({cm->Get("service"), cm->Path("service")});
      }
    }
  }
  ReadInt(*m, "request_bytes", Bound::NonNegative(), &s->request_bytes);
  ReadInt(*m, "response_bytes", Bound::NonNegative(), &s->response_bytes);
  // OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT defaults to 128.
  ReadInt(*m, "attributes_per_span", Bound::Closed(0, 128), &s->attributes_per_span);
}

void Decoder::DecodeWorkload(const Map& root, WorkloadSpec* w) {
  std::optional<Map> m = SubMap(root, "workload", {"entry", "arrival", "rate"});
  if (!m) return;
  if (Require(*m, "entry", "the service that receives the requests") &&
      ReadString(*m, "entry", &w->entry_service)) {
    entry_node_ = m->Get("entry");
    entry_path_ = m->Path("entry");
  }
  ReadEnum(*m, "arrival",
           EnumTable<ArrivalProcess>{{"poisson", ArrivalProcess::kPoisson},
                                     {"constant", ArrivalProcess::kConstant}},
           &w->arrival);
  ReadDouble(*m, "rate", Bound::Positive(), &w->rate_per_s);
}

void Decoder::DecodeTracing(const Map& root, TracingSpec* t) {
  std::optional<Map> m = SubMap(root, "tracing", {"enabled", "sampler", "batch_span_processor", "costs"});
  if (!m) return;
  ReadBool(*m, "enabled", &t->enabled);
  if (std::optional<Map> sm = SubMap(*m, "sampler", {"type", "ratio"})) {
    ReadEnum(*sm, "type",
             EnumTable<std::string>{{"always_on", "always_on"},
                                    {"always_off", "always_off"},
                                    {"traceidratio", "traceidratio"},
                                    {"parentbased_always_on", "parentbased_always_on"},
                                    {"parentbased_always_off", "parentbased_always_off"},
                                    {"parentbased_traceidratio", "parentbased_traceidratio"}},
             &t->sampler.type);
    ReadDouble(*sm, "ratio", Bound::Closed(0, 1), &t->sampler.ratio);
  }
  if (std::optional<Map> bm =
          SubMap(*m, "batch_span_processor",
                 {"max_queue_size", "schedule_delay", "max_export_batch_size", "export_timeout"})) {
    BatchSpanProcessorSpec& b = t->batch_span_processor;
    bool queue_ok = ReadInt(*bm, "max_queue_size", Bound::AtLeast(1), &b.max_queue_size);
    ReadDuration(*bm, "schedule_delay", Bound::Positive(), &b.schedule_delay);
    bool batch_ok = ReadInt(*bm, "max_export_batch_size", Bound::AtLeast(1), &b.max_export_batch_size);
    ReadDuration(*bm, "export_timeout", Bound::Positive(), &b.export_timeout);
    if ((queue_ok || batch_ok) && b.max_export_batch_size > b.max_queue_size) {
      const char* key = batch_ok ? "max_export_batch_size" : "max_queue_size";
      const std::string expected =
          batch_ok ? "an integer <= max_queue_size (" + std::to_string(b.max_queue_size) + ")"
                   : "an integer >= max_export_batch_size (" + std::to_string(b.max_export_batch_size) + ")";
      FailExpected(*bm->Get(key), bm->Path(key), expected);
    }
  }
  DecodeCosts(*m, &t->costs);
}

void Decoder::DecodeCosts(const Map& tracing, CostProfile* c) {
  struct CostField {
    const char* key;
    double CostProfile::*field;
  };
  static const CostField kFields[] = {
      {"span_start_ns", &CostProfile::span_start_ns},
      {"span_end_ns", &CostProfile::span_end_ns},
      {"sampler_decision_ns", &CostProfile::sampler_decision_ns},
      {"attribute_set_ns", &CostProfile::attribute_set_ns},
      {"bsp_enqueue_ns", &CostProfile::bsp_enqueue_ns},
      {"export_serialize_per_span_ns", &CostProfile::export_serialize_per_span_ns},
      {"collector_receive_per_span_ns", &CostProfile::collector_receive_per_span_ns},
      {"collector_batch_per_span_ns", &CostProfile::collector_batch_per_span_ns},
      {"collector_export_per_span_ns", &CostProfile::collector_export_per_span_ns},
      {"store_insert_per_span_ns", &CostProfile::store_insert_per_span_ns},
  };
  std::vector<std::string> allowed = {"profile", "reference_flops"};
  for (const CostField& f : kFields) allowed.emplace_back(f.key);
  std::optional<Map> m = SubMap(tracing, "costs", allowed);
  if (!m) return;
  // Built-in profiles. Only the default one exists so far; its values are
  // the in-code defaults of CostProfile.
  ReadEnum(*m, "profile", EnumTable<std::string>{{"default", "default"}}, &c->name);
  ReadSpeed(*m, "reference_flops", &c->reference_flops);
  for (const CostField& f : kFields) ReadDouble(*m, f.key, Bound::NonNegative(), &(c->*f.field));
}

void Decoder::DecodeCollectors(const Map& root, CollectorSpec* c) {
  std::optional<Map> m = SubMap(root, "collectors", {"count", "host_speed", "processors", "exporter"});
  if (!m) return;
  ReadInt(*m, "count", Bound::AtLeast(1), &c->count);
  ReadSpeed(*m, "host_speed", &c->host_speed_flops);

  // processors: keys are Collector component ids, "<type>" or "<type>/<name>".
  if (const Node* procs = m->Get("processors"); procs != nullptr) {
    const std::string procs_path = m->Path("processors");
    if (!procs->IsNull() && !procs->IsMap()) {
      FailExpected(*procs, procs_path, "a mapping of processors (e.g. batch: {send_batch_size: 8192})");
    } else {
      // Listing processors replaces the default set: what is not listed is not run.
      c->batch.enabled = false;
      const std::vector<std::string> supported = {"batch"};
      const MapEntry* batch_entry = nullptr;
      for (const MapEntry& e : procs->entries) {
        const std::string type = e.key.substr(0, e.key.find('/'));
        const std::string entry_path = JoinKey(procs_path, e.key);
        if (type != "batch") {
          std::string msg = "unsupported processor '" + e.key + "'";
          if (std::string near = ClosestMatch(type, supported); !near.empty()) {
            msg += " (did you mean '" + near + "'?)";
          }
          msg += "; supported processors: " + JoinNames(supported);
          Fail(e.key_origin, entry_path, msg);
          continue;
        }
        if (batch_entry != nullptr) {
          Fail(e.key_origin, entry_path,
               "a second batch processor; only one is supported ('" + batch_entry->key +
                   "' is already configured)");
          continue;
        }
        batch_entry = &e;
        c->batch.enabled = true;
        std::optional<Map> bm = OpenMap(&e.value, entry_path, e.key_origin,
                                        {"send_batch_size", "timeout", "send_batch_max_size"});
        if (!bm) continue;
        BatchProcessorSpec& b = c->batch;
        ReadInt(*bm, "send_batch_size", Bound::AtLeast(1), &b.send_batch_size);
        ReadDuration(*bm, "timeout", Bound::NonNegative(), &b.timeout);
        bool max_ok = ReadInt(*bm, "send_batch_max_size", Bound::NonNegative(), &b.send_batch_max_size);
        if (b.send_batch_max_size != 0 && b.send_batch_max_size < b.send_batch_size) {
          const char* key = max_ok ? "send_batch_max_size" : "send_batch_size";
          const std::string expected =
              max_ok ? "0 (no limit) or an integer >= send_batch_size (" + std::to_string(b.send_batch_size) +
                           ")"
                     : "an integer <= send_batch_max_size (" + std::to_string(b.send_batch_max_size) + ")";
          FailExpected(*bm->Get(key), bm->Path(key), expected);
        }
      }
    }
  }

  std::optional<Map> em = SubMap(*m, "exporter", {"timeout", "sending_queue", "retry_on_failure"});
  if (!em) return;
  ReadDuration(*em, "timeout", Bound::Positive(), &c->exporter_timeout);
  if (std::optional<Map> q = SubMap(*em, "sending_queue", {"enabled", "num_consumers", "queue_size"})) {
    ReadBool(*q, "enabled", &c->sending_queue.enabled);
    ReadInt(*q, "num_consumers", Bound::AtLeast(1), &c->sending_queue.num_consumers);
    ReadInt(*q, "queue_size", Bound::AtLeast(1), &c->sending_queue.queue_size);
  }
  if (std::optional<Map> r = SubMap(*em, "retry_on_failure",
                                    {"enabled", "initial_interval", "max_interval", "max_elapsed_time",
                                     "multiplier", "randomization_factor"})) {
    RetrySpec& rs = c->retry_on_failure;
    ReadBool(*r, "enabled", &rs.enabled);
    bool initial_ok = ReadDuration(*r, "initial_interval", Bound::Positive(), &rs.initial_interval);
    bool max_ok = ReadDuration(*r, "max_interval", Bound::Positive(), &rs.max_interval);
    bool elapsed_ok = ReadDuration(*r, "max_elapsed_time", Bound::NonNegative(), &rs.max_elapsed_time);
    ReadDouble(*r, "multiplier", Bound::AtLeast(1), &rs.multiplier);
    ReadDouble(*r, "randomization_factor", Bound::Closed(0, 1), &rs.randomization_factor);
    if ((initial_ok || max_ok) && rs.max_interval < rs.initial_interval) {
      const char* key = max_ok ? "max_interval" : "initial_interval";
      const std::string expected =
          max_ok ? "a duration >= initial_interval (" + FormatDuration(rs.initial_interval) + ")"
                 : "a duration <= max_interval (" + FormatDuration(rs.max_interval) + ")";
      FailExpected(*r->Get(key), r->Path(key), expected);
    } else if ((initial_ok || elapsed_ok) && rs.max_elapsed_time.count() != 0 &&
               rs.max_elapsed_time < rs.initial_interval) {
      const char* key = elapsed_ok ? "max_elapsed_time" : "initial_interval";
      const std::string expected =
          elapsed_ok ? "0 (retry forever) or a duration >= initial_interval (" +
                           FormatDuration(rs.initial_interval) + ")"
                     : "a duration <= max_elapsed_time (" + FormatDuration(rs.max_elapsed_time) + ")";
      FailExpected(*r->Get(key), r->Path(key), expected);
    }
  }
}

void Decoder::DecodeStorage(const Map& root, StorageSpec* st) {
  std::optional<Map> m = SubMap(root, "storage", {"nodes", "host_speed", "partitioner"});
  if (!m) return;
  ReadInt(*m, "nodes", Bound::AtLeast(1), &st->nodes);
  ReadSpeed(*m, "host_speed", &st->host_speed_flops);
  ReadEnum(*m, "partitioner", EnumTable<PartitionerType>{{"otel_ring", PartitionerType::kOtelRing}},
           &st->partitioner);
}

void Decoder::DecodeFailures(const Map& root, std::vector<FailureSpec>* failures) {
  const Node* n = root.Get("failures");
  if (n == nullptr || n->IsNull()) return;
  const std::string path = root.Path("failures");
  if (!n->IsSequence()) {
    FailExpected(*n, path, "a sequence of failures (- {type: host_crash, target: ..., at: ...})");
    return;
  }
  failures->clear();
  failure_refs_.clear();
  for (size_t i = 0; i < n->items.size(); ++i) {
    const Node& item = n->items[i];
    const std::string item_path = JoinIndex(path, i);
    std::optional<Map> m = OpenMap(&item, item_path, item.origin, {"type", "target", "at", "restart_after"},
                                   "a failure: a mapping");
    if (!m) continue;
    if (item.IsNull()) {
      Fail(item.origin, item_path, "empty failure; expected {type: host_crash, target: <host>, at: <time>}");
      continue;
    }
    FailureSpec f;
    if (Require(*m, "type", "host_crash")) {
      ReadEnum(*m, "type", EnumTable<FailureType>{{"host_crash", FailureType::kHostCrash}}, &f.type);
    }
    FailureRef ref;
    ref.path = item_path;
    if (Require(*m, "target", "a host: a service name, collector-<i> or storage-<i>") &&
        ReadString(*m, "target", &f.target)) {
      ref.target = m->Get("target");
    }
    if (Require(*m, "at", "the simulated time of the crash, e.g. 20s") &&
        ReadSeconds(*m, "at", Bound::NonNegative(), &f.at_s)) {
      ref.at = m->Get("at");
    }
    ReadSeconds(*m, "restart_after", Bound::Positive(), &f.restart_after_s);
    failures->push_back(std::move(f));
    failure_refs_.push_back(ref);
  }
}

void Decoder::DecodeMeasurement(const Map& root, MeasurementSpec* ms) {
  std::optional<Map> m = SubMap(root, "measurement", {"sample_period", "overhead_baseline"});
  if (!m) return;
  ReadSeconds(*m, "sample_period", Bound::Positive(), &ms->sample_period_s);
  ReadBool(*m, "overhead_baseline", &ms->overhead_baseline);
}

// ---------------------------------------------------------------------------
// Whole-scenario checks

std::vector<std::string> ServiceNames(const Scenario& s) {
  std::vector<std::string> names;
  for (const ServiceSpec& svc : s.services) names.push_back(svc.name);
  return names;
}

void Decoder::CheckReferences(const Scenario& s) {
  const std::vector<std::string> names = ServiceNames(s);
  auto check = [&](const Node* node, const std::string& path, const std::string& name) {
    if (std::find(names.begin(), names.end(), name) != names.end()) return;
    std::string detail;
    if (std::string near = ClosestMatch(name, names); !near.empty()) detail = "did you mean '" + near + "'?";
    FailExpected(*node, path, "the name of a service (one of " + JoinNames(names) + ")", detail);
  };
  for (size_t i = 0; i < s.services.size() && i < call_refs_.size(); ++i) {
    for (size_t j = 0; j < s.services[i].calls.size() && j < call_refs_[i].size(); ++j) {
      check(call_refs_[i][j].node, call_refs_[i][j].path, s.services[i].calls[j].service);
    }
  }
  if (entry_node_ != nullptr) check(entry_node_, entry_path_, s.workload.entry_service);
}

void Decoder::CheckCallGraph(const Scenario& s) {
  const size_t n = s.services.size();
  auto index_of = [&](const std::string& name) -> size_t {
    for (size_t i = 0; i < n; ++i) {
      if (s.services[i].name == name) return i;
    }
    return n;
  };
  // Iterative depth-first search, in file order so the reported cycle is deterministic.
  enum class Color { kWhite, kGray, kBlack };
  std::vector<Color> color(n, Color::kWhite);
  struct Frame {
    size_t service;
    size_t next_call;
  };
  for (size_t start = 0; start < n; ++start) {
    if (color[start] != Color::kWhite) continue;
    std::vector<Frame> stack{{start, 0}};
    color[start] = Color::kGray;
    while (!stack.empty()) {
      Frame& top = stack.back();
      const ServiceSpec& svc = s.services[top.service];
      if (top.next_call == svc.calls.size()) {
        color[top.service] = Color::kBlack;
        stack.pop_back();
        continue;
      }
      const size_t call = top.next_call++;
      const size_t to = index_of(svc.calls[call].service);
      if (to == n || color[to] == Color::kBlack) continue;
      if (color[to] == Color::kWhite) {
        color[to] = Color::kGray;
        stack.push_back({to, 0});
        continue;
      }
      // A back edge: the cycle is the stack from `to` up to here, then `to` again.
      std::string cycle;
      bool in_cycle = false;
      for (const Frame& f : stack) {
        if (f.service == to) in_cycle = true;
        if (in_cycle) cycle += s.services[f.service].name + " -> ";
      }
      cycle += s.services[to].name;
      const CallRef& ref = call_refs_[top.service][call];
      Fail(ref.node->origin, ref.path,
           "the call graph must be acyclic, but these calls form a cycle: " + cycle);
      return;  // one cycle is enough to act on
    }
  }
}

void Decoder::CheckFailures(const Scenario& s) {
  const std::vector<std::string> names = ServiceNames(s);
  const double horizon = s.duration_s + s.drain_s;
  std::string hosts =
      "a service (" + JoinNames(names) + "), " +
      (s.collector.count == 1 ? CollectorHostName(0)
                              : CollectorHostName(0) + ".." + CollectorHostName(s.collector.count - 1)) +
      " or " +
      (s.storage.nodes == 1 ? StorageHostName(0)
                            : StorageHostName(0) + ".." + StorageHostName(s.storage.nodes - 1));
  std::vector<std::string> candidates = names;
  for (int i = 0; i < std::min(s.collector.count, 64); ++i) candidates.push_back(CollectorHostName(i));
  for (int i = 0; i < std::min(s.storage.nodes, 64); ++i) candidates.push_back(StorageHostName(i));

  for (size_t i = 0; i < s.failures.size() && i < failure_refs_.size(); ++i) {
    const FailureSpec& f = s.failures[i];
    const FailureRef& ref = failure_refs_[i];
    if (ref.target != nullptr) {
      const int64_t ci = HostIndex(f.target, "collector-");
      const int64_t si = HostIndex(f.target, "storage-");
      const bool known = std::find(names.begin(), names.end(), f.target) != names.end() ||
                         (ci >= 0 && ci < s.collector.count) || (si >= 0 && si < s.storage.nodes);
      if (!known) {
        std::string detail;
        if (ci >= 0) {
          detail = "collectors.count is " + std::to_string(s.collector.count);
        } else if (si >= 0) {
          detail = "storage.nodes is " + std::to_string(s.storage.nodes);
        } else if (std::string near = ClosestMatch(f.target, candidates); !near.empty()) {
          detail = "did you mean '" + near + "'?";
        }
        FailExpected(*ref.target, JoinKey(ref.path, "target"), "a host: " + hosts, detail);
      }
    }
    if (ref.at != nullptr && f.at_s > horizon) {
      FailExpected(*ref.at, JoinKey(ref.path, "at"),
                   "a time in [0s, " + FormatSeconds(horizon) + "] (duration + drain)");
    }
  }

  // A host cannot crash again while it is down.
  for (size_t i = 0; i < s.failures.size() && i < failure_refs_.size(); ++i) {
    const FailureSpec& later = s.failures[i];
    if (failure_refs_[i].at == nullptr) continue;
    for (size_t j = 0; j < s.failures.size(); ++j) {
      const FailureSpec& earlier = s.failures[j];
      if (j == i || earlier.target != later.target) continue;
      if (earlier.at_s > later.at_s || (earlier.at_s == later.at_s && j > i)) continue;
      const bool never_restarts = earlier.restart_after_s <= 0;
      const double up_at = earlier.at_s + earlier.restart_after_s;
      if (never_restarts || later.at_s < up_at) {
        Fail(failure_refs_[i].at->origin, JoinKey(failure_refs_[i].path, "at"),
             "'" + later.target + "' is still down at " + FormatSeconds(later.at_s) + ": " +
                 JoinIndex("failures", j) + " crashes it at " + FormatSeconds(earlier.at_s) +
                 (never_restarts ? " and it never restarts" : " and it restarts at " + FormatSeconds(up_at)));
        break;
      }
    }
  }
}

Status Decoder::Finish() const {
  if (errors_.empty()) return Status::Ok();
  std::vector<const Error*> sorted;
  for (const Error& e : errors_) sorted.push_back(&e);
  // File errors in document order, then errors in --set values in command-line order.
  std::stable_sort(sorted.begin(), sorted.end(), [](const Error* a, const Error* b) {
    auto key = [](const Origin& o) { return std::make_tuple(o.override_index, o.line, o.column); };
    return key(a->origin) < key(b->origin);
  });
  std::string message;
  for (size_t i = 0; i < sorted.size() && i < kMaxReportedErrors; ++i) {
    if (i > 0) message += '\n';
    message += sorted[i]->text;
  }
  if (sorted.size() > kMaxReportedErrors) {
    message += "\n... and " + std::to_string(sorted.size() - kMaxReportedErrors) + " more errors";
  }
  return Status::InvalidArgument(message);
}

}  // namespace

StatusOr<Override> ParseOverride(std::string_view text) {
  const size_t eq = text.find('=');
  if (eq == std::string_view::npos) {
    return Status::InvalidArgument("--set " + std::string(text) + ": expected key.path=value");
  }
  std::string_view path = text.substr(0, eq);
  while (!path.empty() && (path.front() == ' ' || path.front() == '\t')) path.remove_prefix(1);
  while (!path.empty() && (path.back() == ' ' || path.back() == '\t')) path.remove_suffix(1);
  if (path.empty()) {
    return Status::InvalidArgument("--set " + std::string(text) + ": the key path before '=' is empty");
  }
  if (path.front() == '.' || path.back() == '.' || path.find("..") != std::string_view::npos) {
    return Status::InvalidArgument("--set " + std::string(text) +
                                   ": the key path has an empty segment (keys are separated by single dots)");
  }
  Override o;
  o.path = std::string(path);
  o.value = std::string(text.substr(eq + 1));
  return o;
}

StatusOr<Scenario> LoadScenarioString(std::string_view yaml, std::string_view source_name,
                                      const std::vector<Override>& overrides) {
  const std::string source(source_name);
  StatusOr<Node> doc = internal::ParseDocument(yaml, source);
  if (!doc.ok()) return doc.status();
  for (size_t i = 0; i < overrides.size(); ++i) {
    Status st = internal::ApplyOverride(*doc, overrides[i], static_cast<int>(i), source);
    if (!st.ok()) return st;
  }
  Scenario scenario;
  scenario.source = source;
  Decoder decoder(source, overrides);
  decoder.Decode(*doc, &scenario);
  if (Status st = decoder.Finish(); !st.ok()) return st;
  return scenario;
}

StatusOr<Scenario> LoadScenarioFile(const std::string& path, const std::vector<Override>& overrides) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    const int err = errno;
    std::string msg = path + ": cannot open scenario file: " + std::strerror(err);
    return err == ENOENT ? Status::NotFound(msg) : Status::InvalidArgument(msg);
  }
  std::string text;
  char buf[65536];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
  const bool failed = std::ferror(f) != 0;
  const int err = errno;
  std::fclose(f);
  if (failed) {
    return Status::InvalidArgument(path + ": cannot read scenario file: " + std::strerror(err));
  }
  return LoadScenarioString(text, path, overrides);
}

}  // namespace tracesim::scenario
