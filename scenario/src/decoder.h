// The scenario decoder (internal to the loader): walks the document tree
// (document.h) and fills a Scenario, collecting every error with its file
// position and key path. The sections are split over decoder.cc (errors,
// structure, scalars), decode_sections.cc (the scenario's top-level sections
// and whole-scenario checks), decode_collectors.cc (collector tiers and their
// processors) and decode_variants.cc (variants).
//
// Thread-safety: not thread-safe (one Decoder per load).
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "document.h"
#include "suggest.h"
#include "tracesim/scenario/loader.h"
#include "tracesim/scenario/scenario.h"
#include "tracesim/status.h"

namespace tracesim::scenario::internal {

// A value range, printed in messages as "> 0", ">= 1", "in [0, 1]", "in (0, 1]".
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
  static Bound LeftOpen(double a, double b) { return {a, true, b, false}; }

  bool Contains(double v) const;
  std::string Describe(const std::function<std::string(double)>& fmt) const;
};

// Shortest round-trip spelling of a double ("0.25", "1e+20").
std::string FormatPlain(double v);
// A number of seconds as a duration string ("1.5s").
std::string FormatSeconds(double s);
// "a number > 0" / "a number".
std::string Expect(std::string_view noun, const Bound& b, const std::function<std::string(double)>& fmt);

// Whole-text, locale-independent number parsing (a leading '+' is accepted;
// integers may be written as integral decimals or with an exponent: "1e3").
bool ParseDoubleText(std::string_view s, double* out);
bool ParseIntText(std::string_view s, int64_t* out);

// "<prefix><i>" with i written canonically (no sign, no leading zero); i or -1.
int64_t HostIndex(std::string_view name, std::string_view prefix);

template <typename E>
using EnumTable = std::vector<std::pair<std::string, E>>;

// A mapping being decoded: the node (nullptr when the section is absent or
// null, so every key keeps its default), its key path and a position for
// "required" errors.
struct Map {
  const Node* node = nullptr;
  std::string path;
  Origin origin;

  const Node* Get(std::string_view key) const { return node == nullptr ? nullptr : node->Find(key); }
  std::string Path(std::string_view key) const { return JoinKey(path, key); }
  // Where key `key` is written (its key's position), else where the mapping is.
  Origin KeyOrigin(std::string_view key) const;
};

// Nodes kept for the checks that need the whole scenario.
struct CallRef {
  const Node* node;  // the service name node
  std::string path;
};

// Where the topology keys were written: kept by DecodeTopology for the
// errors of CheckTopology, which only sees the decoded Scenario.
struct TopologyOrigins {
  Origin regions;                          // the `regions` key
  std::vector<Origin> region;              // each region item
  std::vector<std::vector<Origin>> hosts;  // [region][entry]
  std::vector<Origin> hosts_key;           // [region]: where `hosts` is written
  Origin fat_tree;                         // the `fat_tree` key (or the platform)
  Origin fat_tree_down;                    // `fat_tree.down` (or fat_tree)
};

struct FailureRef {
  const Node* target = nullptr;
  const Node* at = nullptr;
  const Node* restart_after = nullptr;
  const Node* groups = nullptr;  // partition
  std::string path;
};

struct TierRef {
  const Node* name = nullptr;  // nullptr: the single-tier mapping form without `name`
  const Node* to = nullptr;
  const Node* type = nullptr;
  std::string path;  // "collectors" or "collectors[i]"
  Origin origin;     // where the tier is written
};

// One error, positioned for sorting.
struct DecodeError {
  Origin origin;
  std::string text;
};

class Decoder {
 public:
  // `context` is inserted between location and key path in every message
  // ("variants[1] (tail): "); empty for the scenario itself.
  Decoder(std::string source, const std::vector<Override>& overrides, std::string context = "")
      : source_(std::move(source)), overrides_(overrides), context_(std::move(context)) {}

  // Decodes `root` into `s`. With `decode_variants` false the `variants`
  // section is skipped (used to validate one variant's document).
  void Decode(const Node& root, Scenario* s, bool decode_variants = true);
  const std::vector<DecodeError>& errors() const { return errors_; }
  // OK, or InvalidArgument with the errors in document order (then --set order), at most 20.
  Status Finish() const;

  // --- Errors ---------------------------------------------------------------
  std::string Where(const Origin& o) const;
  void Fail(const Origin& o, const std::string& path, const std::string& message);
  void FailExpected(const Node& n, const std::string& path, const std::string& expected,
                    const std::string& detail = "");
  // Maps a pipeline validator's "<prefix>.<key.path>: <text>" error onto the
  // YAML: the key path is resolved below `base` (the node written at
  // `base_path`, may be null) and the error points at the deepest node of it
  // that is written, else at `fallback`. The reported path is
  // base_path + "." + key.path.
  void FailFromValidator(const Status& st, std::string_view prefix, const Node* base,
                         const std::string& base_path, const Origin& fallback);
  size_t error_count() const { return errors_.size(); }

  // --- Structure --------------------------------------------------------------
  std::optional<Map> OpenMap(const Node* n, const std::string& path, const Origin& parent_origin,
                             const std::vector<std::string>& allowed, std::string_view what = "a mapping");
  void CheckKeys(const Node& n, const std::string& path, const std::vector<std::string>& allowed);
  // The mapping under `key` of `m`; "required" errors inside it point at the
  // key (or, when the key is absent, where `m` starts).
  std::optional<Map> SubMap(const Map& m, std::string_view key, const std::vector<std::string>& allowed);
  // SubMap of a key that may be absent: nullopt when it is (SubMap itself
  // returns an empty Map for an absent key).
  std::optional<Map> SubMapIfPresent(const Map& m, std::string_view key,
                                     const std::vector<std::string>& allowed) {
    if (m.Get(key) == nullptr) return std::nullopt;
    return SubMap(m, key, allowed);
  }
  bool Require(const Map& m, std::string_view key, std::string_view hint = "");

  // --- Scalars (each returns true when the key is present and valid) ----------
  bool ScalarDouble(const Node& n, const std::string& path, std::string_view noun, const Bound& b,
                    double* out);
  bool ReadDouble(const Map& m, std::string_view key, const Bound& b, double* out);
  bool ReadInt64(const Map& m, std::string_view key, const Bound& b, int64_t* out);
  template <typename T>
  bool ReadInt(const Map& m, std::string_view key, const Bound& b, T* out);
  bool ReadUint64(const Map& m, std::string_view key, uint64_t* out);
  bool ReadBool(const Map& m, std::string_view key, bool* out);
  bool ReadString(const Map& m, std::string_view key, std::string* out);
  // A sequence of strings (a lone scalar is not accepted: the Collector's keys are lists).
  bool ReadStringList(const Map& m, std::string_view key, std::vector<std::string>* out);
  bool ReadDuration(const Map& m, std::string_view key, const Bound& seconds, Duration* out);
  bool ReadSeconds(const Map& m, std::string_view key, const Bound& seconds, double* out);
  bool ReadBandwidth(const Map& m, std::string_view key, double* out);
  bool ReadSpeed(const Map& m, std::string_view key, double* out);
  // Memory: an integer number of MiB, or a size string ("512MiB", "2GiB").
  bool ReadMemoryMiB(const Map& m, std::string_view key, uint64_t* out);
  template <typename E>
  bool ReadEnum(const Map& m, std::string_view key, const EnumTable<E>& table, E* out);

  // --- Sections ----------------------------------------------------------------
  void DecodePlatform(const Map& root, PlatformSpec* p);
  // platform.regions / wan / fat_tree (decode_platform.cc); cross-checks
  // of region hosts against services, tiers and storage run in CheckTopology.
  // services: {generate: {...}}: fills `services` with a generated call
  // graph (decode_generated.cc).
  void DecodeGeneratedServices(const Node& services_node, const std::string& path,
                               std::vector<ServiceSpec>* services);
  void DecodeLoss(const Map& parent, std::string_view key, LossSpec* loss);
  void DecodeTopology(const Map& platform, PlatformSpec* p);
  void CheckTopology(const Scenario& s);
  void DecodeLink(const Map& parent, std::string_view key, LinkSpec* link);
  void DecodeServices(const Map& root, std::vector<ServiceSpec>* services);
  void DecodeService(const Node& n, const std::string& path, ServiceSpec* s, std::vector<CallRef>* call_refs);
  void DecodeWorkload(const Map& root, WorkloadSpec* w);
  void DecodeArrivalShapes(const Map& m, WorkloadSpec* w);
  void DecodeTracing(const Map& root, TracingSpec* t);
  // `sampler:` under `parent`; returns true when the key is present (even if invalid).
  bool DecodeSampler(const Map& parent, SamplerSpec* s);
  void DecodeCosts(const Map& tracing, CostProfile* c);
  void DecodeStorage(const Map& root, StorageSpec* st);
  void DecodeFailures(const Map& root, std::vector<FailureSpec>* failures);
  void DecodeMeasurement(const Map& root, MeasurementSpec* m);
  // fidelity: fast has no queueing of requests: a services[].concurrency limit is an error.
  void CheckConcurrencyFidelity(const Map& m, int concurrency);

  // decode_collectors.cc
  void DecodeCollectors(const Map& root, std::vector<CollectorTierSpec>* tiers);
  void DecodeTier(const Map& m, CollectorTierSpec* tier, TierRef* ref);
  void DecodeJaegerTier(const Map& m, CollectorTierSpec* tier);
  void DecodeProcessors(const Map& tier, std::vector<pipeline::ProcessorEntry>* out);
  std::optional<pipeline::ProcessorConfig> DecodeProcessor(const MapEntry& e, const std::string& path);
  void DecodeExporter(const Map& tier, ExporterSpec* e, TierRef* ref);
  void DecodeTailSampling(const Map& m, pipeline::TailSamplingConfig* c);
  void DecodePolicies(const Map& parent, std::string_view key,
                      std::vector<pipeline::TailSamplingPolicyConfig>* out);
  void DecodePolicy(const Node& n, const std::string& path, pipeline::TailSamplingPolicyConfig* p);

  // decode_variants.cc: `variants:`, decoded and each one validated on a copy
  // of `root` with its `set:` applied.
  void DecodeVariants(const Node& root, const Map& m, std::vector<VariantSpec>* variants);

  // --- Whole-scenario checks (decode_sections.cc, decode_collectors.cc) ---------
  void CheckReferences(const Scenario& s);
  void CheckCallGraph(const Scenario& s);
  void CheckTiers(const Scenario& s);
  bool CheckFaultTarget(const Scenario& s, const FailureSpec& f, const FailureRef& ref,
                        const std::string& hosts, const std::vector<std::string>& host_candidates,
                        const std::vector<std::string>& tier_names);
  void CheckFailures(const Scenario& s);

 private:
  std::string source_;
  const std::vector<Override>& overrides_;
  std::string context_;
  std::vector<DecodeError> errors_;

  std::vector<std::vector<CallRef>> call_refs_;  // [service][call]
  std::vector<const Node*> service_name_nodes_;  // [service], may be null
  const Node* entry_node_ = nullptr;
  std::string entry_path_;
  std::vector<FailureRef> failure_refs_;
  TopologyOrigins topology_origins_;
  std::vector<TierRef> tier_refs_;
  bool collectors_is_list_ = false;
  Fidelity fidelity_ = Fidelity::kFull;  // the root's `fidelity`, read before the sections
};

// ---------------------------------------------------------------------------
// Template members.

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

std::string ClosestNameDetail(std::string_view word, const std::vector<std::string>& candidates);

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
  FailExpected(*n, m.Path(key), "one of " + JoinNames(names),
               n->IsScalar() ? ClosestNameDetail(n->scalar, names) : "");
  return false;
}

}  // namespace tracesim::scenario::internal
