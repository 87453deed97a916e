#include "tracesim/pipeline/consistent_probability_sampler.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>

#include "tracesim/pipeline/w3c_trace_context.h"

namespace tracesim::pipeline {
namespace {

constexpr size_t kOtValueMaxLength = 256;
constexpr size_t kThresholdMaxDigits = 14;  // 56 bits
constexpr const char kHexDigits[] = "0123456789abcdef";

bool IsLowerAlpha(char c) { return c >= 'a' && c <= 'z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLowerHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f'); }
bool IsValueChar(char c) {
  return IsLowerAlpha(c) || (c >= 'A' && c <= 'Z') || IsDigit(c) || c == '.' || c == '_' || c == '-';
}

int HexValue(char c) { return IsDigit(c) ? c - '0' : c - 'a' + 10; }

StatusOr<uint64_t> ParseRandomness(std::string_view rv) {
  if (rv.size() != kThresholdMaxDigits) {
    return Status::InvalidArgument("ot rv '" + std::string(rv) +
                                   "': expected exactly 14 lowercase hex digits");
  }
  uint64_t value = 0;
  for (char c : rv) {
    if (!IsLowerHex(c)) {
      return Status::InvalidArgument("ot rv '" + std::string(rv) +
                                     "': expected exactly 14 lowercase hex digits");
    }
    value = (value << 4) | static_cast<uint64_t>(HexValue(c));
  }
  return value;
}

std::string FormatRandomness(uint64_t rv) {
  std::string out(kThresholdMaxDigits, '0');
  for (size_t i = 0; i < kThresholdMaxDigits; ++i) {
    out[i] = kHexDigits[(rv >> (4 * (kThresholdMaxDigits - 1 - i))) & 0xf];
  }
  return out;
}

double ClampProbability(double p) {
  if (!(p > 0.0)) return 0.0;  // also NaN
  return p >= 1.0 ? 1.0 : p;
}

// The tracestate update both consistent samplers share: re-encodes the `ot`
// entry of `state` with `ots` (erasing it when empty) and serializes. Returns
// nullopt when the tracestate cannot hold the entry (32 members, no `ot`).
std::optional<std::string> RewriteOt(TraceState& state, const OtelTraceState& ots) {
  const std::string value = FormatOtelTraceState(ots);
  if (value.empty()) {
    state.Erase("ot");
  } else if (!state.Set("ot", value).ok()) {
    return std::nullopt;
  }
  return state.ToString();
}

// The parent's tracestate decoded, with flags saying whether it and its
// `ot` entry were valid.
struct ParentOt {
  TraceState state;
  OtelTraceState ots;
  bool valid = true;  // both the W3C tracestate and the ot value parsed
};

ParentOt DecodeParent(std::string_view trace_state) {
  ParentOt out;
  auto parsed = TraceState::Parse(trace_state);
  if (!parsed.ok()) {
    out.valid = false;
    return out;
  }
  out.state = std::move(*parsed);
  if (auto ot = out.state.Get("ot")) {
    auto ots = ParseOtelTraceState(*ot);
    if (ots.ok()) {
      out.ots = std::move(*ots);
    } else {
      out.valid = false;
    }
  }
  return out;
}

class ConsistentProbabilitySampler final : public Sampler {
 public:
  ConsistentProbabilitySampler(double p, int precision)
      : p_(ClampProbability(p)),
        enabled_(p_ > 0.0),
        th_hex_(enabled_ ? EncodeThreshold(p_, precision) : std::string()),
        threshold_(enabled_ ? ProbabilityToThreshold(p_, precision) : kMaxAdjustedCount),
        root_trace_state_("ot=th:" + th_hex_) {}

  SamplingResult ShouldSample(const SamplingParameters& params) noexcept override {
    const SpanContext* parent = params.parent;
    if (parent == nullptr || !parent->IsValid() || parent->trace_state.empty()) {
      // No inherited tracestate: R is the trace id's low 56 bits.
      if (enabled_ && (params.trace_id.lo & kRandomnessMask) >= threshold_) {
        return {SamplingDecision::kRecordAndSample, root_trace_state_};
      }
      return {SamplingDecision::kDrop, std::nullopt};
    }
    ParentOt in = DecodeParent(parent->trace_state);
    const uint64_t r = ConsistentRandomness(params.trace_id, in.ots);
    const bool sampled = enabled_ && r >= threshold_;
    const SamplingDecision decision = sampled ? SamplingDecision::kRecordAndSample : SamplingDecision::kDrop;
    if (in.valid && (sampled ? in.ots.th == threshold_ : !in.ots.th.has_value())) {
      return {decision, std::nullopt};  // already what we would write
    }
    if (sampled) {
      in.ots.th = threshold_;
    } else {
      in.ots.th.reset();
    }
    return {decision, RewriteOt(in.state, in.ots)};
  }

  std::string Description() const override {
    char buf[96];
    std::snprintf(buf, sizeof buf, "ConsistentProbabilityBased{%.6f,th:%s}", p_,
                  enabled_ ? th_hex_.c_str() : "none");
    return buf;
  }

 private:
  double p_;
  bool enabled_;
  std::string th_hex_;
  uint64_t threshold_;
  std::string root_trace_state_;
};

class ConsistentParentBasedSampler final : public Sampler {
 public:
  explicit ConsistentParentBasedSampler(std::unique_ptr<Sampler> root) : root_(std::move(root)) {}

  SamplingResult ShouldSample(const SamplingParameters& params) noexcept override {
    const SpanContext* parent = params.parent;
    if (parent == nullptr || !parent->IsValid()) return root_->ShouldSample(params);
    if (!parent->IsSampled()) return {SamplingDecision::kDrop, std::nullopt};
    if (parent->trace_state.empty()) return {SamplingDecision::kRecordAndSample, std::nullopt};
    ParentOt in = DecodeParent(parent->trace_state);
    if (!in.valid || !in.ots.th.has_value() || ConsistentRandomness(params.trace_id, in.ots) >= *in.ots.th) {
      // Propagate as received (an invalid entry is left for others to judge).
      return {SamplingDecision::kRecordAndSample, std::nullopt};
    }
    // Sampled although R < th: apparently inconsistent, erase the threshold.
    in.ots.th.reset();
    return {SamplingDecision::kRecordAndSample, RewriteOt(in.state, in.ots)};
  }

  std::string Description() const override {
    return "ConsistentParentBased{root:" + root_->Description() + "}";
  }

 private:
  std::unique_ptr<Sampler> root_;
};

}  // namespace

StatusOr<OtelTraceState> ParseOtelTraceState(std::string_view ot_value) {
  OtelTraceState out;
  if (ot_value.empty()) return out;
  if (ot_value.size() > kOtValueMaxLength) {
    return Status::InvalidArgument("ot value is " + std::to_string(ot_value.size()) +
                                   " characters long; the limit is 256");
  }
  size_t pos = 0;
  while (pos <= ot_value.size()) {
    const size_t end = std::min(ot_value.find(';', pos), ot_value.size());
    const std::string_view member = ot_value.substr(pos, end - pos);
    const size_t colon = member.find(':');
    if (colon == std::string_view::npos) {
      return Status::InvalidArgument("ot member '" + std::string(member) + "' has no ':'");
    }
    const std::string_view key = member.substr(0, colon);
    const std::string_view value = member.substr(colon + 1);
    if (key.empty() || !IsLowerAlpha(key[0]) ||
        !std::all_of(key.begin(), key.end(), [](char c) { return IsLowerAlpha(c) || IsDigit(c); })) {
      return Status::InvalidArgument(
          "ot member '" + std::string(member) +
          "': key must be a lowercase letter followed by lowercase letters or digits");
    }
    if (!std::all_of(value.begin(), value.end(), IsValueChar)) {
      return Status::InvalidArgument("ot member '" + std::string(member) +
                                     "': value may hold only letters, digits, '.', '_' and '-'");
    }
    const bool duplicate =
        (key == "th" && out.th.has_value()) || (key == "rv" && out.rv.has_value()) ||
        std::any_of(out.others.begin(), out.others.end(), [&](const auto& kv) { return kv.first == key; });
    if (duplicate) return Status::InvalidArgument("ot key '" + std::string(key) + "' appears twice");
    if (key == "th") {
      auto th = ParseThreshold(value);
      if (!th.ok()) return th.status();
      out.th = *th;
    } else if (key == "rv") {
      auto rv = ParseRandomness(value);
      if (!rv.ok()) return rv.status();
      out.rv = *rv;
    } else {
      out.others.emplace_back(std::string(key), std::string(value));
    }
    if (end == ot_value.size()) break;
    pos = end + 1;
  }
  return out;
}

std::string FormatOtelTraceState(const OtelTraceState& ots) {
  std::string out;
  auto append = [&out](std::string_view key, std::string_view value) {
    if (!out.empty()) out += ';';
    out.append(key);
    out += ':';
    out.append(value);
  };
  if (ots.th.has_value()) append("th", FormatThreshold(*ots.th));
  if (ots.rv.has_value()) append("rv", FormatRandomness(*ots.rv));
  for (const auto& [key, value] : ots.others) append(key, value);
  return out;
}

StatusOr<OtelTraceState> ExtractOtelTraceState(std::string_view w3c_tracestate) {
  auto state = TraceState::Parse(w3c_tracestate);
  if (!state.ok()) return state.status();
  auto ot = state->Get("ot");
  if (!ot.has_value()) return OtelTraceState{};
  return ParseOtelTraceState(*ot);
}

std::string EncodeThreshold(double p, int precision) {
  p = ClampProbability(p);
  if (p == 0.0) p = 0x1p-56;  // the smallest valid probability
  if (p == 1.0) return "0";
  precision = std::clamp(precision, 1, 12);
  // Raise precision by the number of leading 'f' digits: Python's
  // exp // -4 with exp = frexp(p).exponent <= 0 for p < 1.
  int exp = 0;
  std::frexp(p, &exp);
  precision = std::max(1, std::min(12, precision + (-exp) / 4));
  // 1 + rejection probability in [1, 2), rounded at the last kept digit.
  double rejection = 2.0 - p;
  rejection += std::ldexp(0.5, -4 * precision);
  char digits[13];
  if (rejection >= 2.0) {
    std::fill(std::begin(digits), std::end(digits), 'f');
  } else {
    // float.hex() of a value in [1, 2) is "0x1." + the 13 hex digits of the
    // 52-bit mantissa.
    const uint64_t mantissa = std::bit_cast<uint64_t>(rejection) & ((uint64_t{1} << 52) - 1);
    for (int i = 0; i < 13; ++i) digits[i] = kHexDigits[(mantissa >> (48 - 4 * i)) & 0xf];
  }
  std::string out(digits, static_cast<size_t>(precision));
  while (!out.empty() && out.back() == '0') out.pop_back();
  // All kept digits zero (p within half a digit of 1): threshold 0.
  return out.empty() ? "0" : out;
}

StatusOr<uint64_t> ParseThreshold(std::string_view th) {
  if (th.empty() || th.size() > kThresholdMaxDigits || !std::all_of(th.begin(), th.end(), IsLowerHex)) {
    return Status::InvalidArgument("ot th '" + std::string(th) + "': expected 1 to 14 lowercase hex digits");
  }
  uint64_t value = 0;
  for (char c : th) value = (value << 4) | static_cast<uint64_t>(HexValue(c));
  return value << (4 * (kThresholdMaxDigits - th.size()));
}

std::string FormatThreshold(uint64_t threshold) {
  if (threshold == 0) return "0";
  std::string out = FormatRandomness(threshold & kRandomnessMask);
  while (out.back() == '0') out.pop_back();
  return out;
}

uint64_t ProbabilityToThreshold(double p, int precision) {
  return *ParseThreshold(EncodeThreshold(p, precision));
}

double ThresholdToProbability(uint64_t threshold) {
  return static_cast<double>(kMaxAdjustedCount - threshold) / static_cast<double>(kMaxAdjustedCount);
}

double ThresholdToAdjustedCount(uint64_t threshold) {
  return static_cast<double>(kMaxAdjustedCount) / static_cast<double>(kMaxAdjustedCount - threshold);
}

uint64_t ConsistentRandomness(TraceId trace_id, const OtelTraceState& ots) {
  return ots.rv.has_value() ? *ots.rv : (trace_id.lo & kRandomnessMask);
}

std::optional<double> AdjustedCount(std::string_view w3c_tracestate) {
  auto ots = ExtractOtelTraceState(w3c_tracestate);
  if (!ots.ok() || !ots->th.has_value()) return std::nullopt;
  return ThresholdToAdjustedCount(*ots->th);
}

std::optional<double> AdjustedCount(const SpanData& span) {
  if ((span.trace_flags & kTraceFlagSampled) == 0) return std::nullopt;
  return AdjustedCount(span.trace_state);
}

std::unique_ptr<Sampler> MakeConsistentProbabilitySampler(double p, int precision) {
  return std::make_unique<ConsistentProbabilitySampler>(p, precision);
}

std::unique_ptr<Sampler> MakeConsistentParentBasedSampler(std::unique_ptr<Sampler> root) {
  return std::make_unique<ConsistentParentBasedSampler>(std::move(root));
}

}  // namespace tracesim::pipeline
