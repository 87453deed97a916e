// The tail_sampling policy evaluators, ported from
// processor/tailsamplingprocessor/internal/sampling/*.go and composite_helper.go.
#include <cmath>
#include <cstring>
#include <limits>
#include <regex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "tracesim/pipeline/tail_sampling_policy.h"
#include "tracesim/pipeline/w3c_trace_context.h"

namespace tracesim::pipeline {
namespace {

using D = TailSamplingDecision;

constexpr std::string_view kServiceNameKey = "service.name";
constexpr std::string_view kDefaultHashSalt = "default-hash-seed";
constexpr int64_t kDefaultRegexCacheSize = 128;

// Resolves a configured string (attribute key or value) to its interned id, again whenever the
// interner has grown since the last miss (strings may be interned after the policy is built).
class LazyId {
 public:
  LazyId(const Interner* interner, std::string name) : interner_(interner), name_(std::move(name)) {}
  // -1 when not interned (yet).
  int64_t Get() const {
    if (id_ < 0 && interner_->size() != seen_size_) {
      seen_size_ = interner_->size();
      id_ = interner_->Find(name_);
    }
    return id_;
  }
  const std::string& name() const { return name_; }

 private:
  const Interner* interner_;
  std::string name_;
  mutable int64_t id_ = -1;
  mutable size_t seen_size_ = static_cast<size_t>(-1);
};

// pcommon.Value accessors over an attribute value.
int64_t AsInt(const AttributeValue& v) {
  const int64_t* i = std::get_if<int64_t>(&v);
  return i ? *i : 0;
}
bool AsBool(const AttributeValue& v) {
  const bool* b = std::get_if<bool>(&v);
  return b ? *b : false;
}

const AttributeValue* FindSpanAttribute(const SpanData& span, int64_t key) {
  if (key < 0) return nullptr;
  for (const auto& a : span.attributes) {
    if (a.key == static_cast<AttributeKeyId>(key)) return &a.value;
  }
  return nullptr;
}

// Resource attributes: only "service.name" = the interned service name.
bool ResourceHasKey(std::string_view key) { return key == kServiceNameKey; }

// The generic helpers of util.go, with one resource per span (the span's service): the "any"
// and "all" forms give the same results as iterating ResourceSpans groups.
template <typename ResourceCond, typename SpanCond>
D HasResourceOrSpanWithCondition(const TailSamplingTrace& t, ResourceCond resource_cond, SpanCond span_cond) {
  for (const auto& span : t.spans) {
    if (resource_cond(span) || span_cond(span)) return D::kSampled;
  }
  return D::kNotSampled;
}

// invertHasResourceOrSpanWithCondition: conditions return false to exclude.
template <typename ResourceCond, typename SpanCond>
D InvertHasResourceOrSpanWithCondition(const TailSamplingTrace& t, ResourceCond resource_cond,
                                       SpanCond span_cond) {
  for (const auto& span : t.spans) {
    if (!resource_cond(span) || !span_cond(span)) return D::kInvertNotSampled;
  }
  return D::kInvertSampled;
}

template <typename SpanCond>
D HasSpanWithCondition(const TailSamplingTrace& t, SpanCond cond) {
  for (const auto& span : t.spans) {
    if (cond(span)) return D::kSampled;
  }
  return D::kNotSampled;
}

// ------------------------------------------------------------------------- policies

class AlwaysSample final : public TailSamplingPolicy {
 public:
  D Evaluate(const TailSamplingTrace&, TimePoint) noexcept override { return D::kSampled; }
};

// latency.go: duration = max end - min start over the spans seen so far, checked after each span.
class Latency final : public TailSamplingPolicy {
 public:
  explicit Latency(const TailSamplingLatencyConfig& c)
      : threshold_ms_(c.threshold_ms), upper_ms_(c.upper_threshold_ms) {}
  D Evaluate(const TailSamplingTrace& t, TimePoint) noexcept override {
    int64_t min_time = 0, max_time = 0;  // pcommon.Timestamp: 0 = unset
    return HasSpanWithCondition(t, [&](const SpanData& s) {
      const int64_t start = ToNanos(s.start), end = ToNanos(s.end);
      if (min_time == 0 || start < min_time) min_time = start;
      if (max_time == 0 || end > max_time) max_time = end;
      const int64_t ms = (max_time - min_time) / 1000000;  // Duration.Milliseconds truncates
      if (upper_ms_ == 0) return ms >= threshold_ms_;
      return threshold_ms_ < ms && ms <= upper_ms_;
    });
  }

 private:
  int64_t threshold_ms_, upper_ms_;
};

// numeric_tag_filter.go
class NumericAttribute final : public TailSamplingPolicy {
 public:
  NumericAttribute(const TailSamplingNumericAttributeConfig& c, const Interner* interner)
      : key_(interner, c.key),
        resource_key_(ResourceHasKey(c.key)),
        min_(c.min_value.value_or(std::numeric_limits<int64_t>::min())),
        max_(c.max_value.value_or(std::numeric_limits<int64_t>::max())),
        invert_(c.invert_match) {}
  D Evaluate(const TailSamplingTrace& t, TimePoint) noexcept override {
    const int64_t key = key_.Get();
    auto in_range = [&](int64_t v) { return v >= min_ && v <= max_; };
    // The resource's service.name is a string: Int() = 0.
    auto resource_match = [&](const SpanData&) { return resource_key_ && in_range(0); };
    auto span_match = [&](const SpanData& s) {
      const AttributeValue* v = FindSpanAttribute(s, key);
      return v != nullptr && in_range(AsInt(*v));
    };
    if (invert_) {
      return InvertHasResourceOrSpanWithCondition(
          t, [&](const SpanData& s) { return !resource_match(s); },
          [&](const SpanData& s) { return !span_match(s); });
    }
    return HasResourceOrSpanWithCondition(t, resource_match, span_match);
  }

 private:
  LazyId key_;
  bool resource_key_;
  int64_t min_, max_;
  bool invert_;
};

// probabilistic.go
class Probabilistic final : public TailSamplingPolicy {
 public:
  explicit Probabilistic(const TailSamplingProbabilisticConfig& c)
      : salt_(c.hash_salt.empty() ? std::string(kDefaultHashSalt) : c.hash_salt),
        threshold_(TailSamplingProbabilisticThreshold(c.sampling_percentage / 100)) {}
  D Evaluate(const TailSamplingTrace& t, TimePoint) noexcept override {
    return TailSamplingHashTraceId(salt_, t.trace_id) <= threshold_ ? D::kSampled : D::kNotSampled;
  }

 private:
  std::string salt_;
  uint64_t threshold_;
};

// status_code.go
class StatusCode final : public TailSamplingPolicy {
 public:
  explicit StatusCode(const TailSamplingStatusCodeConfig& c) {
    for (const auto& code : c.status_codes) {
      if (code == "OK") ok_ = true;
      if (code == "ERROR") error_ = true;
      if (code == "UNSET") unset_ = true;
    }
  }
  D Evaluate(const TailSamplingTrace& t, TimePoint) noexcept override {
    return HasSpanWithCondition(t, [&](const SpanData& s) {
      switch (s.status) {
        case SpanStatus::kOk:
          return ok_;
        case SpanStatus::kError:
          return error_;
        case SpanStatus::kUnset:
          return unset_;
      }
      return false;
    });
  }

 private:
  bool ok_ = false, error_ = false, unset_ = false;
};

// string_tag_filter.go. Exact matching compares interned ids ("" is never a value); regular
// expressions are searched unanchored (Go's MatchString) with ECMAScript syntax, their results
// cached per interned string.
class StringAttribute final : public TailSamplingPolicy {
 public:
  StringAttribute(const TailSamplingStringAttributeConfig& c, const Interner* interner)
      : interner_(interner),
        key_(interner, c.key),
        resource_key_(ResourceHasKey(c.key)),
        regex_(c.enabled_regex_matching),
        invert_(c.invert_match) {
    if (regex_) {
      for (const auto& v : c.values) regexes_.emplace_back(v, std::regex::ECMAScript | std::regex::optimize);
      cache_max_ = static_cast<size_t>(c.cache_max_size > 0 ? c.cache_max_size : kDefaultRegexCacheSize);
    } else {
      for (const auto& v : c.values) {
        if (!v.empty()) values_.emplace_back(interner, v);
      }
    }
  }

  D Evaluate(const TailSamplingTrace& t, TimePoint) noexcept override {
    const int64_t key = key_.Get();
    // Resource: matcher(v.Str()) on service.name, even when empty.
    auto resource_match = [&](const SpanData& s) { return resource_key_ && Matches(s.service); };
    // Span: string values only (Str() of another type is "", skipped as empty).
    auto span_match = [&](const SpanData& s) {
      const AttributeValue* v = FindSpanAttribute(s, key);
      if (v == nullptr) return false;
      const InternedString* str = std::get_if<InternedString>(v);
      if (str == nullptr || interner_->Name(str->id).empty()) return false;
      return Matches(str->id);
    };
    if (invert_) {
      return InvertHasResourceOrSpanWithCondition(
          t, [&](const SpanData& s) { return !resource_match(s); },
          [&](const SpanData& s) { return !span_match(s); });
    }
    return HasResourceOrSpanWithCondition(t, resource_match, span_match);
  }

  void Reset() noexcept override { cache_.clear(); }

 private:
  bool Matches(uint32_t id) {
    if (!regex_) {
      for (const auto& v : values_) {
        if (v.Get() == static_cast<int64_t>(id)) return true;
      }
      return false;
    }
    if (auto it = cache_.find(id); it != cache_.end()) return it->second;
    const std::string& s = interner_->Name(id);
    bool matched = false;
    for (const auto& re : regexes_) {
      if (std::regex_search(s, re)) {
        matched = true;
        break;
      }
    }
    // The Collector's LRU holds cache_max_size results; the cache does not change results, so a
    // full cache here simply stops growing.
    if (cache_.size() < cache_max_) cache_.emplace(id, matched);
    return matched;
  }

  const Interner* interner_;
  LazyId key_;
  bool resource_key_;
  bool regex_;
  bool invert_;
  std::vector<LazyId> values_;
  std::vector<std::regex> regexes_;
  size_t cache_max_ = 0;
  std::unordered_map<uint32_t, bool> cache_;
};

// rate_limiting.go: per second of `now`; sample while spans in the second + span_count < limit.
class RateLimiting final : public TailSamplingPolicy {
 public:
  explicit RateLimiting(const TailSamplingRateLimitingConfig& c) : spans_per_second_(c.spans_per_second) {}
  D Evaluate(const TailSamplingTrace& t, TimePoint now) noexcept override {
    const int64_t second = FloorSecond(now);
    if (second != current_second_) {
      current_second_ = second;
      spans_in_current_second_ = 0;
    }
    const int64_t if_sampled = spans_in_current_second_ + t.span_count;
    if (if_sampled < spans_per_second_) {
      spans_in_current_second_ = if_sampled;
      return D::kSampled;
    }
    return D::kNotSampled;
  }
  void Reset() noexcept override {
    current_second_ = 0;
    spans_in_current_second_ = 0;
  }
  static int64_t FloorSecond(TimePoint now) {
    const int64_t ns = ToNanos(now);
    return ns >= 0 ? ns / 1000000000 : -((-ns + 999999999) / 1000000000);
  }

 private:
  int64_t spans_per_second_;
  int64_t current_second_ = 0;
  int64_t spans_in_current_second_ = 0;
};

// span_count_sampler.go
class SpanCount final : public TailSamplingPolicy {
 public:
  explicit SpanCount(const TailSamplingSpanCountConfig& c) : min_(c.min_spans), max_(c.max_spans) {}
  D Evaluate(const TailSamplingTrace& t, TimePoint) noexcept override {
    const int64_t n = t.span_count;
    if (max_ == 0 && n >= min_) return D::kSampled;
    if (n >= min_ && n <= max_) return D::kSampled;
    return D::kNotSampled;
  }

 private:
  int64_t min_, max_;
};

// trace_state.go: values with len(key) + len(value) >= 256 are ignored; a tracestate that does
// not parse never matches; an absent key matches the value "".
class TraceStateFilter final : public TailSamplingPolicy {
 public:
  explicit TraceStateFilter(const TailSamplingTraceStateConfig& c) : key_(c.key) {
    for (const auto& v : c.values) {
      if (c.key.size() + v.size() < 256) values_.insert(v);
    }
  }
  D Evaluate(const TailSamplingTrace& t, TimePoint) noexcept override {
    return HasSpanWithCondition(t, [&](const SpanData& s) {
      // Fast path: a tracestate that does not mention the key cannot match a non-empty value.
      if (!values_.count("") && s.trace_state.find(key_) == std::string::npos) return false;
      StatusOr<TraceState> ts = TraceState::Parse(s.trace_state);
      if (!ts.ok()) return false;
      std::optional<std::string_view> v = ts->Get(key_);
      return values_.count(std::string(v.value_or(""))) > 0;
    });
  }

 private:
  std::string key_;
  std::unordered_set<std::string> values_;
};

// boolean_tag_filter.go
class BooleanAttribute final : public TailSamplingPolicy {
 public:
  BooleanAttribute(const TailSamplingBooleanAttributeConfig& c, const Interner* interner)
      : key_(interner, c.key),
        resource_key_(ResourceHasKey(c.key)),
        value_(c.value),
        invert_(c.invert_match) {}
  D Evaluate(const TailSamplingTrace& t, TimePoint) noexcept override {
    const int64_t key = key_.Get();
    // The resource's service.name is a string: Bool() = false.
    if (invert_) {
      return InvertHasResourceOrSpanWithCondition(
          t, [&](const SpanData&) { return !(resource_key_ && value_ == false); },
          [&](const SpanData& s) {
            const AttributeValue* v = FindSpanAttribute(s, key);
            return v == nullptr || AsBool(*v) != value_;
          });
    }
    return HasResourceOrSpanWithCondition(
        t, [&](const SpanData&) { return resource_key_ && value_ == false; },
        [&](const SpanData& s) {
          const AttributeValue* v = FindSpanAttribute(s, key);
          return v != nullptr && AsBool(*v) == value_;
        });
  }

 private:
  LazyId key_;
  bool resource_key_;
  bool value_;
  bool invert_;
};

// and.go: Sampled iff no sub-policy says NotSampled / InvertNotSampled (evaluation stops there).
class And final : public TailSamplingPolicy {
 public:
  explicit And(std::vector<std::unique_ptr<TailSamplingPolicy>> subs) : subs_(std::move(subs)) {}
  D Evaluate(const TailSamplingTrace& t, TimePoint now) noexcept override {
    for (auto& sub : subs_) {
      const D d = sub->Evaluate(t, now);
      if (d == D::kNotSampled || d == D::kInvertNotSampled) return D::kNotSampled;
    }
    return D::kSampled;
  }
  void Reset() noexcept override {
    for (auto& sub : subs_) sub->Reset();
  }

 private:
  std::vector<std::unique_ptr<TailSamplingPolicy>> subs_;
};

// drop.go: Dropped iff no sub-policy says NotSampled / InvertNotSampled.
class Drop final : public TailSamplingPolicy {
 public:
  explicit Drop(std::vector<std::unique_ptr<TailSamplingPolicy>> subs) : subs_(std::move(subs)) {}
  D Evaluate(const TailSamplingTrace& t, TimePoint now) noexcept override {
    for (auto& sub : subs_) {
      const D d = sub->Evaluate(t, now);
      if (d == D::kNotSampled || d == D::kInvertNotSampled) return D::kNotSampled;
    }
    return D::kDropped;
  }
  void Reset() noexcept override {
    for (auto& sub : subs_) sub->Reset();
  }

 private:
  std::vector<std::unique_ptr<TailSamplingPolicy>> subs_;
};

// composite.go + composite_helper.go. Sub-policies are evaluated in composite_sub_policy order
// (the Collector does not use policy_order); the first that samples decides: Sampled when its
// per-second budget and max_total_spans_per_second both still fit the trace's span count,
// NotSampled otherwise. Budget = int64(percent / 100 * max_total) for sub-policies listed in
// rate_allocation (percent <= 0: max_total / number of sub-policies), 0 for the others.
class Composite final : public TailSamplingPolicy {
 public:
  struct Sub {
    std::unique_ptr<TailSamplingPolicy> policy;
    int64_t allocated_sps = 0;
    int64_t sampled_sps = 0;
  };
  Composite(int64_t max_total_sps, std::vector<Sub> subs)
      : max_total_sps_(max_total_sps), subs_(std::move(subs)) {}
  D Evaluate(const TailSamplingTrace& t, TimePoint now) noexcept override {
    const int64_t second = RateLimiting::FloorSecond(now);
    if (second != current_second_) {
      current_second_ = second;
      for (auto& s : subs_) s.sampled_sps = 0;
    }
    for (auto& s : subs_) {
      const D d = s.policy->Evaluate(t, now);
      if (d == D::kSampled || d == D::kInvertSampled) {
        const int64_t if_sampled = s.sampled_sps + t.span_count;
        if (if_sampled <= s.allocated_sps && if_sampled <= max_total_sps_) {
          s.sampled_sps = if_sampled;
          return D::kSampled;
        }
        return D::kNotSampled;
      }
    }
    return D::kNotSampled;
  }
  void Reset() noexcept override {
    current_second_ = 0;
    for (auto& s : subs_) {
      s.sampled_sps = 0;
      s.policy->Reset();
    }
  }

 private:
  int64_t max_total_sps_;
  std::vector<Sub> subs_;
  int64_t current_second_ = 0;
};

StatusOr<std::vector<std::unique_ptr<TailSamplingPolicy>>> MakeSubs(
    const std::vector<TailSamplingPolicyConfig>& cfgs, const Interner* interner) {
  std::vector<std::unique_ptr<TailSamplingPolicy>> subs;
  for (const auto& c : cfgs) {
    auto p = MakeTailSamplingPolicy(c, interner);
    if (!p.ok()) return p.status();
    subs.push_back(std::move(p).value());
  }
  return subs;
}

}  // namespace

const char* TailSamplingDecisionName(TailSamplingDecision d) {
  switch (d) {
    case D::kUnspecified:
      return "Unspecified";
    case D::kSampled:
      return "Sampled";
    case D::kNotSampled:
      return "NotSampled";
    case D::kDropped:
      return "Dropped";
    case D::kInvertSampled:
      return "InvertSampled";
    case D::kInvertNotSampled:
      return "InvertNotSampled";
  }
  return "?";
}

uint64_t TailSamplingHashTraceId(std::string_view salt, const TraceId& trace_id) noexcept {
  uint64_t h = 14695981039346656037ULL;  // FNV-1a 64 offset basis
  constexpr uint64_t kPrime = 1099511628211ULL;
  for (unsigned char c : salt) {
    h ^= c;
    h *= kPrime;
  }
  for (int i = 0; i < 16; ++i) {
    h ^= trace_id.Byte(i);
    h *= kPrime;
  }
  return h;
}

uint64_t TailSamplingProbabilisticThreshold(double ratio) noexcept {
  if (!(ratio > 0)) return 0;  // big.Float.Uint64 of a value < 1 (or NaN guarded by validation)
  if (ratio >= 1) return std::numeric_limits<uint64_t>::max();
  // ratio = m * 2^e exactly, m a 53-bit integer.
  int exp = 0;
  const double frac = std::frexp(ratio, &exp);  // ratio = frac * 2^exp, frac in [0.5, 1)
  const uint64_t m = static_cast<uint64_t>(std::ldexp(frac, 53));
  const int e = exp - 53;
  // Exact product P = (2^64 - 1) * m, < 2^117.
  unsigned __int128 p = static_cast<unsigned __int128>(~uint64_t{0}) * m;
  // Round P to 64 significant bits, nearest-even (big.Float precision 64).
  int bits = 0;
  for (unsigned __int128 q = p; q != 0; q >>= 1) ++bits;
  int shift = bits - 64;
  int total_exp = e;  // value = p * 2^total_exp
  if (shift > 0) {
    const unsigned __int128 one = 1;
    const unsigned __int128 rem = p & ((one << shift) - 1);
    const unsigned __int128 half = one << (shift - 1);
    p >>= shift;
    total_exp += shift;
    if (rem > half || (rem == half && (p & 1))) ++p;  // may carry to 2^64: still exact
  }
  // Truncate toward zero to an integer (Uint64).
  if (total_exp >= 0) {
    // Value >= p >= 2^63 here only if ratio ~ 1; overflow clamps to max.
    if (total_exp >= 64 || (p >> (64 - total_exp)) != 0) return std::numeric_limits<uint64_t>::max();
    return static_cast<uint64_t>(p << total_exp);
  }
  if (-total_exp >= 128) return 0;
  const unsigned __int128 v = p >> (-total_exp);
  return v > std::numeric_limits<uint64_t>::max() ? std::numeric_limits<uint64_t>::max()
                                                  : static_cast<uint64_t>(v);
}

StatusOr<std::unique_ptr<TailSamplingPolicy>> MakeTailSamplingPolicy(const TailSamplingPolicyConfig& c,
                                                                     const Interner* interner) {
  if (interner == nullptr) return Status::InvalidArgument("tail_sampling: an Interner is required");
  const std::string& t = c.type;
  if (t == "always_sample") return std::unique_ptr<TailSamplingPolicy>(new AlwaysSample());
  if (t == "latency") return std::unique_ptr<TailSamplingPolicy>(new Latency(c.latency));
  if (t == "numeric_attribute") {
    if (!c.numeric_attribute.min_value && !c.numeric_attribute.max_value) {
      return Status::InvalidArgument("numeric_attribute: at least one of min_value or max_value must be set");
    }
    return std::unique_ptr<TailSamplingPolicy>(new NumericAttribute(c.numeric_attribute, interner));
  }
  if (t == "probabilistic") return std::unique_ptr<TailSamplingPolicy>(new Probabilistic(c.probabilistic));
  if (t == "status_code") {
    for (const auto& code : c.status_code.status_codes) {
      if (code != "OK" && code != "ERROR" && code != "UNSET") {
        return Status::InvalidArgument("status_code: unknown status code \"" + code +
                                       "\", supported: OK, ERROR, UNSET");
      }
    }
    if (c.status_code.status_codes.empty()) {
      return Status::InvalidArgument("status_code: expected at least one status code to filter on");
    }
    return std::unique_ptr<TailSamplingPolicy>(new StatusCode(c.status_code));
  }
  if (t == "string_attribute") {
    if (c.string_attribute.enabled_regex_matching) {
      for (const auto& v : c.string_attribute.values) {
        try {
          std::regex re(v, std::regex::ECMAScript);
        } catch (const std::regex_error& e) {
          return Status::InvalidArgument("string_attribute: invalid regular expression \"" + v +
                                         "\": " + e.what());
        }
      }
    }
    return std::unique_ptr<TailSamplingPolicy>(new StringAttribute(c.string_attribute, interner));
  }
  if (t == "rate_limiting") return std::unique_ptr<TailSamplingPolicy>(new RateLimiting(c.rate_limiting));
  if (t == "span_count") return std::unique_ptr<TailSamplingPolicy>(new SpanCount(c.span_count));
  if (t == "trace_state") return std::unique_ptr<TailSamplingPolicy>(new TraceStateFilter(c.trace_state));
  if (t == "boolean_attribute") {
    return std::unique_ptr<TailSamplingPolicy>(new BooleanAttribute(c.boolean_attribute, interner));
  }
  if (t == "and") {
    auto subs = MakeSubs(c.and_.and_sub_policy, interner);
    if (!subs.ok()) return subs.status();
    return std::unique_ptr<TailSamplingPolicy>(new And(std::move(subs).value()));
  }
  if (t == "drop") {
    auto subs = MakeSubs(c.drop.drop_sub_policy, interner);
    if (!subs.ok()) return subs.status();
    return std::unique_ptr<TailSamplingPolicy>(new Drop(std::move(subs).value()));
  }
  if (t == "composite") {
    const auto& cc = c.composite;
    // getRateAllocationMap
    const double max_total = static_cast<double>(cc.max_total_spans_per_second);
    const double default_sps = cc.composite_sub_policy.empty()
                                   ? 0.0
                                   : max_total / static_cast<double>(cc.composite_sub_policy.size());
    std::unordered_map<std::string, double> alloc;
    for (const auto& ra : cc.rate_allocation) {
      alloc[ra.policy] = ra.percent > 0 ? (static_cast<double>(ra.percent) / 100) * max_total : default_sps;
    }
    std::vector<Composite::Sub> subs;
    for (const auto& sc : cc.composite_sub_policy) {
      auto p = MakeTailSamplingPolicy(sc, interner);
      if (!p.ok()) return p.status();
      Composite::Sub sub;
      sub.policy = std::move(p).value();
      auto it = alloc.find(sc.name);
      sub.allocated_sps = it == alloc.end() ? 0 : static_cast<int64_t>(it->second);
      subs.push_back(std::move(sub));
    }
    return std::unique_ptr<TailSamplingPolicy>(new Composite(cc.max_total_spans_per_second, std::move(subs)));
  }
  if (t == "ottl_condition") {
    return Status::InvalidArgument("policy type \"ottl_condition\" is not supported by tracesim");
  }
  return Status::InvalidArgument("unknown sampling policy type \"" + t + "\"");
}

}  // namespace tracesim::pipeline
