#include "tracesim/pipeline/probabilistic_sampler_processor.h"

#include <algorithm>
#include <cassert>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "tracesim/pipeline/w3c_trace_context.h"

namespace tracesim::pipeline {
namespace {

constexpr uint64_t kMaxAdjustedCount = uint64_t{1} << 56;  // 2^56
constexpr uint64_t kNeverSampleThreshold = kMaxAdjustedCount;
constexpr uint64_t kAlwaysSampleThreshold = 0;
constexpr uint64_t kAllProbabilitiesRandomness = kMaxAdjustedCount - 1;
constexpr int kNumHexDigits = 14;
constexpr int kHexBits = 4;
constexpr uint32_t kNumHashBucketsLg2 = 14;
constexpr uint32_t kNumHashBuckets = 0x4000;
constexpr uint32_t kBitMaskHashBuckets = kNumHashBuckets - 1;
constexpr double kMinSamplingProbability = 1.0 / static_cast<double>(kMaxAdjustedCount);
constexpr std::string_view kSamplingPriorityKey = "sampling.priority";

bool IsHex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

// strconv.ParseUint(s, 16, 64) for s of 1..14 hex digits.
std::optional<uint64_t> ParseHex(std::string_view s) {
  if (s.empty()) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (!IsHex(c)) return std::nullopt;
    const int d = std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : (std::tolower(c) - 'a' + 10);
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  return v;
}

std::string RValueOf(uint64_t rnd) {
  static const char kDigits[] = "0123456789abcdef";
  std::string s(kNumHexDigits, '0');
  for (int i = kNumHexDigits - 1; i >= 0; --i) {
    s[i] = kDigits[rnd & 0xf];
    rnd >>= 4;
  }
  return s;
}

// The `ot` member of the W3C tracestate (OpenTelemetryTraceState).
struct OTelTraceState {
  std::string rvalue;  // "" = none
  uint64_t rnd = 0;
  std::string tvalue;  // "" = none
  uint64_t threshold = 0;
  std::vector<std::pair<std::string, std::string>> extra;

  bool HasAnyValue() const { return !rvalue.empty() || !tvalue.empty() || !extra.empty(); }
  std::string Serialize() const {
    std::string out;
    auto sep = [&] {
      if (!out.empty()) out += ';';
    };
    if (!rvalue.empty()) {
      sep();
      out += "rv:" + rvalue;
    }
    if (!tvalue.empty()) {
      sep();
      out += "th:" + tvalue;
    }
    for (const auto& [k, v] : extra) {
      sep();
      out += k + ":" + v;
    }
    return out;
  }
};

// NewOpenTelemetryTraceState: key = lcalpha *(lcalpha / DIGIT), value = *(ALPHA / DIGIT / . _ -),
// members separated by ';', at most 256 characters.
bool ParseOTel(std::string_view input, OTelTraceState& ots) {
  if (input.size() > 256 || input.empty() || input.back() == ';') return false;
  bool ok = true;
  while (!input.empty()) {
    const size_t sep = input.find(';');
    std::string_view member = input.substr(0, sep);
    input = sep == std::string_view::npos ? std::string_view() : input.substr(sep + 1);
    const size_t colon = member.find(':');
    if (member.empty() || colon == std::string_view::npos || colon < 1) return false;
    std::string_view key = member.substr(0, colon), value = member.substr(colon + 1);
    if (!std::islower(static_cast<unsigned char>(key[0]))) return false;
    for (char c : key) {
      if (!std::islower(static_cast<unsigned char>(c)) && !std::isdigit(static_cast<unsigned char>(c)))
        return false;
    }
    for (char c : value) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') return false;
    }
    if (key == "rv") {
      auto v = value.size() == kNumHexDigits ? ParseHex(value) : std::nullopt;
      if (v) {
        ots.rvalue = std::string(value);
        ots.rnd = *v;
      } else {
        ots.rvalue.clear();
        ots.rnd = 0;
        ok = false;
      }
    } else if (key == "th") {
      auto v = value.size() <= kNumHexDigits ? ParseHex(value) : std::nullopt;
      if (v) {
        ots.tvalue = std::string(value);
        ots.threshold = *v << (kHexBits * (kNumHexDigits - static_cast<int>(value.size())));
      } else {
        ots.tvalue.clear();
        ots.threshold = kAlwaysSampleThreshold;
        ok = false;
      }
    } else {
      ots.extra.emplace_back(std::string(key), std::string(value));
    }
  }
  return ok;
}

// The tracestate carrier of a span (tracestateCarrier): the parsed W3C list and its `ot` member.
struct Carrier {
  TraceState w3c;
  OTelTraceState ot;
  bool has_threshold() const { return !ot.tvalue.empty(); }
  bool has_randomness() const { return !ot.rvalue.empty(); }
  // UpdateTValueWithSampling: never lowers an existing threshold.
  void UpdateThreshold(uint64_t th) {
    if (!ot.tvalue.empty() && ot.threshold > th) return;  // ErrInconsistentSampling
    ot.threshold = th;
    ot.tvalue = OtelThresholdTValue(th);
  }
  void ClearThreshold() {
    ot.tvalue.clear();
    ot.threshold = 0;
  }
  void SetRandomness(uint64_t rnd) {
    ot.rnd = rnd;
    ot.rvalue = RValueOf(rnd);
  }
  // reserialize: the `ot` member first, then the others in order.
  std::string Serialize() {
    if (ot.HasAnyValue()) {
      if (!w3c.Set("ot", ot.Serialize()).ok()) return std::string();
    } else {
      w3c.Erase("ot");
    }
    return w3c.ToString();
  }
};

// newTracestateCarrier: false when the tracestate (or its ot member) does not parse.
bool ParseCarrier(const std::string& raw, Carrier& c) {
  StatusOr<TraceState> ts = TraceState::Parse(raw);
  if (!ts.ok()) return false;
  c.w3c = std::move(ts).value();
  if (auto ot = c.w3c.Get("ot")) return ParseOTel(*ot, c.ot);
  return true;
}

// randomnessFromBytes: a 56-bit R whose top 14 bits are numHashBuckets - 1 - (hash & mask).
uint64_t RandomnessFromHash(uint32_t hashed32) {
  const uint64_t hashed = hashed32 & kBitMaskHashBuckets;
  const uint64_t rprime14 = kNumHashBuckets - 1 - hashed;
  const uint64_t unused18 = hashed32 >> (32 - kNumHashBucketsLg2);
  const uint64_t mixed28 = unused18 ^ (unused18 << 10);
  return ((rprime14 << 42) | (mixed28 << 14) | hashed) & (kMaxAdjustedCount - 1);
}

}  // namespace

uint32_t ProbabilisticSamplerHash(const TraceId& trace_id, uint32_t seed) noexcept {
  uint32_t h = 2166136261u;  // FNV-1a 32 offset basis
  constexpr uint32_t kPrime = 16777619u;
  for (int i = 0; i < 4; ++i) {
    h ^= static_cast<uint8_t>(seed >> (8 * i));
    h *= kPrime;
  }
  for (int i = 0; i < 16; ++i) {
    h ^= trace_id.Byte(i);
    h *= kPrime;
  }
  return h;
}

std::optional<uint64_t> OtelProbabilityToThreshold(double fraction, int precision) noexcept {
  if (precision == 0) precision = kNumHexDigits;
  if (!(fraction >= kMinSamplingProbability && fraction <= 1)) return std::nullopt;
  if (fraction == 1) return kAlwaysSampleThreshold;
  int exp_f = 0, exp_r = 0;
  std::frexp(fraction, &exp_f);
  std::frexp(1 - fraction, &exp_r);
  precision = std::min(kNumHexDigits, std::max(precision + exp_f / -kHexBits, precision + exp_r / -kHexBits));
  const uint64_t scaled =
      static_cast<uint64_t>(std::round(fraction * static_cast<double>(kMaxAdjustedCount)));
  uint64_t threshold = kMaxAdjustedCount - scaled;
  if (const int shift = kHexBits * (kNumHexDigits - precision); shift != 0) {
    const uint64_t half = uint64_t{1} << (shift - 1);
    threshold += half;
    threshold >>= shift;
    threshold <<= shift;
  }
  return threshold;
}

std::string OtelThresholdTValue(uint64_t threshold) {
  if (threshold == kAlwaysSampleThreshold) return "0";
  if (threshold >= kNeverSampleThreshold) return "";
  std::string digits = RValueOf(threshold);
  while (!digits.empty() && digits.back() == '0') digits.pop_back();
  return digits;
}

ProbabilisticSamplerProcessor::ProbabilisticSamplerProcessor(ProbabilisticSamplerConfig config,
                                                             DropObserver* observer, const Interner* interner)
    : config_(std::move(config)), observer_(observer), interner_(interner) {
  assert(ValidateProbabilisticSamplerConfig(config_).ok());
  // makeSampler (traces): the percentage is a float32, > 100 means 100.
  float pct = static_cast<float>(config_.sampling_percentage);
  if (pct > 100) pct = 100;
  std::string_view mode = config_.mode;
  if (mode.empty()) mode = "hash_seed";  // unset: defaultMode (also forced by a non-zero hash_seed)
  mode_name_ = mode == "hash_seed" ? "hash_seed" : mode == "proportional" ? "proportional" : "equalizing";
  if (pct == 0) {
    mode_ = Mode::kNever;
    return;
  }
  double ratio = static_cast<double>(pct) / 100;
  if (ratio < kMinSamplingProbability) ratio = kMinSamplingProbability;
  if (mode == "equalizing") {
    mode_ = Mode::kEqualizing;
    threshold_ =
        OtelProbabilityToThreshold(ratio, config_.sampling_precision).value_or(kAlwaysSampleThreshold);
  } else if (mode == "proportional") {
    mode_ = Mode::kProportional;
    ratio_ = ratio;
  } else {
    // uint32(pct * percentageScaleFactor): float32 multiplication, truncated.
    const float scaled = pct * static_cast<float>(kNumHashBuckets / 100.0);
    const uint32_t scaled_rate = static_cast<uint32_t>(scaled);
    if (scaled_rate == 0) {
      mode_ = Mode::kNever;
      return;
    }
    mode_ = Mode::kHashSeed;
    threshold_ = static_cast<uint64_t>(kNumHashBuckets - scaled_rate) << 42;
  }
}

std::string_view ProbabilisticSamplerProcessor::effective_mode() const noexcept { return mode_name_; }

bool ProbabilisticSamplerProcessor::ShouldSample(SpanData& span) noexcept {
  Carrier carrier;
  bool have_carrier = false;
  bool error = false;
  bool missing = false;
  uint64_t rnd = kAllProbabilitiesRandomness;

  switch (mode_) {
    case Mode::kNever:
      // A fake randomness; the decision is the never-sample threshold.
      have_carrier = ParseCarrier(span.trace_state, carrier);
      error = !have_carrier && !span.trace_state.empty();
      break;
    case Mode::kHashSeed: {
      if (span.trace_id.IsValid()) {
        rnd = RandomnessFromHash(ProbabilisticSamplerHash(span.trace_id, config_.hash_seed));
      } else {
        missing = true;
      }
      if (!ParseCarrier(span.trace_state, carrier)) {
        error = true;
      } else if (carrier.has_randomness() || carrier.has_threshold()) {
        error = true;  // ErrRandomnessInUse / ErrThresholdInUse
      } else {
        have_carrier = true;
        carrier.SetRandomness(rnd);
      }
      break;
    }
    case Mode::kProportional:
    case Mode::kEqualizing:
      if (!ParseCarrier(span.trace_state, carrier)) {
        error = true;
        missing = true;
      } else {
        have_carrier = true;
        if (carrier.has_randomness()) {
          rnd = carrier.ot.rnd;
        } else if (span.trace_id.IsValid()) {
          rnd = span.trace_id.lo & (kMaxAdjustedCount - 1);  // TraceIDToRandomness: bytes 9..15
        } else {
          missing = true;
        }
      }
      break;
  }

  // consistencyCheck
  if (!error && mode_ != Mode::kNever) {
    if (missing) {
      error = true;  // ErrMissingRandomness
    } else if (have_carrier && carrier.has_threshold() && !(carrier.ot.threshold <= rnd)) {
      carrier.ClearThreshold();
      error = true;  // ErrInconsistentArrivingTValue
    }
  }

  uint64_t threshold = kNeverSampleThreshold;
  if (error) {
    ++error_spans_;
    threshold = config_.fail_closed ? kNeverSampleThreshold : kAlwaysSampleThreshold;
  } else {
    switch (mode_) {
      case Mode::kNever:
        threshold = kNeverSampleThreshold;
        break;
      case Mode::kHashSeed:
        threshold = threshold_;
        break;
      case Mode::kEqualizing:
        threshold = have_carrier && carrier.has_threshold() && threshold_ < carrier.ot.threshold
                        ? carrier.ot.threshold
                        : threshold_;
        break;
      case Mode::kProportional: {
        const double incoming = have_carrier && carrier.has_threshold()
                                    ? static_cast<double>(kMaxAdjustedCount - carrier.ot.threshold) /
                                          static_cast<double>(kMaxAdjustedCount)
                                    : 1.0;
        threshold = OtelProbabilityToThreshold(incoming * ratio_, config_.sampling_precision)
                        .value_or(kNeverSampleThreshold);
        break;
      }
    }
  }

  // priorityFunc: "sampling.priority"
  if (interner_ != nullptr) {
    if (priority_key_ < 0 && interner_->size() != priority_seen_size_) {
      priority_seen_size_ = interner_->size();
      priority_key_ = interner_->Find(kSamplingPriorityKey);
    }
    if (priority_key_ >= 0) {
      for (const auto& a : span.attributes) {
        if (a.key != static_cast<AttributeKeyId>(priority_key_)) continue;
        double value = -1;
        bool known = true;
        if (const int64_t* i = std::get_if<int64_t>(&a.value)) {
          value = static_cast<double>(*i);
        } else if (const double* d = std::get_if<double>(&a.value)) {
          value = *d;
        } else if (const InternedString* s = std::get_if<InternedString>(&a.value)) {
          const std::string& str = interner_->Name(s->id);
          char* end = nullptr;
          if (str.empty() || std::isspace(static_cast<unsigned char>(str[0]))) {
            known = false;
          } else {
            value = std::strtod(str.c_str(), &end);
            known = end == str.c_str() + str.size();
          }
        } else {
          known = false;
        }
        if (known && value == 0.0) threshold = kNeverSampleThreshold;
        if (known && value > 0.0) threshold = kAlwaysSampleThreshold;
        break;
      }
    }
  }

  const bool sampled = threshold <= rnd;
  if (sampled && have_carrier) {
    carrier.UpdateThreshold(threshold);
    span.trace_state = carrier.Serialize();
  }
  return sampled;
}

Status ProbabilisticSamplerProcessor::Consume(SpanBatch& spans, TimePoint,
                                              std::vector<SpanBatch>& out) noexcept {
  SpanBatch kept;
  SpanBatch dropped;
  kept.reserve(spans.size());
  for (auto& s : spans) {
    if (ShouldSample(s)) {
      ++sampled_spans_;
      kept.push_back(std::move(s));
    } else {
      ++not_sampled_spans_;
      dropped.push_back(std::move(s));
    }
  }
  spans.clear();
  if (observer_ != nullptr && !dropped.empty()) {
    observer_->OnDrop(Stage::kCollectorProcessor, DropCause::kTailSampledOut, dropped);
  }
  if (!kept.empty()) out.push_back(std::move(kept));
  return Status::Ok();
}

}  // namespace tracesim::pipeline
