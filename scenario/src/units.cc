#include "tracesim/scenario/units.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <system_error>

namespace tracesim::scenario {
namespace {

struct Unit {
  std::string_view name;
  double factor;  // multiply the number by this to get the base unit
};

// Durations: base unit nanoseconds.
constexpr std::array<Unit, 8> kDurationUnits{{
    {"ns", 1.0},
    {"us", 1e3},
    {"\xC2\xB5s", 1e3},  // U+00B5 MICRO SIGN, as Go accepts
    {"\xCE\xBCs", 1e3},  // U+03BC GREEK SMALL LETTER MU
    {"ms", 1e6},
    {"s", 1e9},
    {"m", 60e9},
    {"h", 3600e9},
}};
constexpr std::string_view kDurationUnitList = "ns, us, ms, s, m or h";

// Bandwidths: base unit bytes per second.
constexpr std::array<Unit, 12> kBandwidthUnits{{
    {"bps", 1.0 / 8},
    {"kbps", 1e3 / 8},
    {"Kbps", 1e3 / 8},
    {"Mbps", 1e6 / 8},
    {"Gbps", 1e9 / 8},
    {"Tbps", 1e12 / 8},
    {"Bps", 1.0},
    {"kBps", 1e3},
    {"KBps", 1e3},
    {"MBps", 1e6},
    {"GBps", 1e9},
    {"TBps", 1e12},
}};
constexpr std::string_view kBandwidthUnitList =
    "bps, Kbps, Mbps, Gbps, Tbps (bits per second) or Bps, KBps, MBps, GBps, TBps (bytes per second)";

// Speeds: base unit flop/s.
constexpr std::array<Unit, 7> kSpeedUnits{{
    {"f", 1.0},
    {"kf", 1e3},
    {"Kf", 1e3},
    {"Mf", 1e6},
    {"Gf", 1e9},
    {"Tf", 1e12},
    {"Pf", 1e15},
}};
constexpr std::string_view kSpeedUnitList = "f, Kf, Mf, Gf, Tf or Pf";

// Byte sizes: base unit bytes. IEC binary prefixes and SI decimal ones.
constexpr std::array<Unit, 10> kSizeUnits{{
    {"B", 1.0},
    {"KiB", 1024.0},
    {"MiB", 1024.0 * 1024},
    {"GiB", 1024.0 * 1024 * 1024},
    {"TiB", 1024.0 * 1024 * 1024 * 1024},
    {"kB", 1e3},
    {"KB", 1e3},
    {"MB", 1e6},
    {"GB", 1e9},
    {"TB", 1e12},
}};
constexpr std::string_view kSizeUnitList =
    "B, KiB, MiB, GiB, TiB (powers of 1024) or KB, MB, GB, TB (powers of 1000)";

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IsNumberChar(char c) { return (c >= '0' && c <= '9') || c == '.'; }

// Parses a non-negative decimal number at the start of `*s` (digits, '.',
// exponent) and removes it from `*s`. Returns false if there is none.
bool TakeNumber(std::string_view* s, double* out) {
  if (s->empty() || !IsNumberChar(s->front())) return false;
  const char* begin = s->data();
  const char* end = s->data() + s->size();
  auto [ptr, ec] = std::from_chars(begin, end, *out, std::chars_format::general);
  if (ptr == begin) return false;
  if (ec == std::errc::result_out_of_range) {
    *out = std::numeric_limits<double>::infinity();
  } else if (ec != std::errc()) {
    return false;
  }
  s->remove_prefix(static_cast<size_t>(ptr - begin));
  return true;
}

// A unit is everything up to the next digit, '.', sign or blank.
std::string_view TakeUnit(std::string_view* s) {
  size_t n = 0;
  while (n < s->size()) {
    char c = (*s)[n];
    if (IsNumberChar(c) || c == ' ' || c == '\t' || c == '+' || c == '-') break;
    ++n;
  }
  std::string_view unit = s->substr(0, n);
  s->remove_prefix(n);
  return unit;
}

template <size_t N>
const Unit* FindUnit(const std::array<Unit, N>& units, std::string_view name) {
  for (const Unit& u : units) {
    if (u.name == name) return &u;
  }
  return nullptr;
}

// Common front part: trims, rejects empty and signed text. Returns the
// trimmed text in *body.
Status Prepare(std::string_view text, std::string_view what, std::string_view* body) {
  std::string_view t = Trim(text);
  if (t.empty()) return Status::InvalidArgument("empty " + std::string(what));
  if (t.front() == '-') return Status::InvalidArgument(std::string(what) + " must not be negative");
  if (t.front() == '+') t.remove_prefix(1);
  *body = t;
  return Status::Ok();
}

// "<number>[ ]<unit>" with one term; a bare number is in the base unit.
template <size_t N>
StatusOr<double> ParseSingleTerm(std::string_view text, std::string_view what,
                                 const std::array<Unit, N>& units, std::string_view unit_list) {
  std::string_view s;
  if (Status st = Prepare(text, what, &s); !st.ok()) return st;
  double number = 0;
  if (!TakeNumber(&s, &number)) {
    return Status::InvalidArgument("not a " + std::string(what) + ": it must start with a number");
  }
  s = Trim(s);
  double factor = 1.0;
  if (!s.empty()) {
    std::string_view unit = TakeUnit(&s);
    if (unit.empty() || !s.empty()) {
      return Status::InvalidArgument("not a " + std::string(what) + ": expected <number><unit> with unit " +
                                     std::string(unit_list));
    }
    const Unit* u = FindUnit(units, unit);
    if (u == nullptr) {
      return Status::InvalidArgument("unknown unit '" + std::string(unit) + "'; use " +
                                     std::string(unit_list));
    }
    factor = u->factor;
  }
  double value = number * factor;
  if (!std::isfinite(value)) return Status::InvalidArgument(std::string(what) + " is too large");
  return value;
}

std::string FormatNumber(double v) {
  char buf[64];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 12);
  if (ec != std::errc()) return "?";
  return std::string(buf, ptr);
}

}  // namespace

StatusOr<Duration> ParseDuration(std::string_view text) {
  std::string_view s;
  if (Status st = Prepare(text, "duration", &s); !st.ok()) return st;
  const std::string unit_help = "use <number><unit> with unit " + std::string(kDurationUnitList) +
                                " (e.g. 200ms, 1.5s, 1m30s), or a number of seconds";
  long double total_ns = 0;
  bool first = true;
  while (!s.empty()) {
    double number = 0;
    if (!TakeNumber(&s, &number)) {
      return Status::InvalidArgument("not a duration: " + unit_help);
    }
    std::string_view rest = Trim(s);
    if (first && rest.empty()) {  // a bare number: seconds
      total_ns = static_cast<long double>(number) * 1e9L;
      s = rest;
      break;
    }
    first = false;
    s = rest;
    std::string_view unit = TakeUnit(&s);
    if (unit.empty()) {
      return Status::InvalidArgument("missing unit after a number; " + unit_help);
    }
    const Unit* u = FindUnit(kDurationUnits, unit);
    if (u == nullptr) {
      return Status::InvalidArgument("unknown unit '" + std::string(unit) + "'; " + unit_help);
    }
    total_ns += static_cast<long double>(number) * static_cast<long double>(u->factor);
    s = Trim(s);
  }
  constexpr long double kMax = static_cast<long double>(std::numeric_limits<int64_t>::max());
  if (!std::isfinite(static_cast<double>(total_ns)) || total_ns >= kMax) {
    return Status::InvalidArgument("duration is too large (the limit is about 292 years)");
  }
  return Duration(static_cast<int64_t>(std::llround(static_cast<double>(total_ns))));
}

StatusOr<double> ParseBandwidth(std::string_view text) {
  return ParseSingleTerm(text, "bandwidth", kBandwidthUnits, kBandwidthUnitList);
}

StatusOr<double> ParseSpeed(std::string_view text) {
  return ParseSingleTerm(text, "speed", kSpeedUnits, kSpeedUnitList);
}

StatusOr<uint64_t> ParseByteSize(std::string_view text) {
  StatusOr<double> v = ParseSingleTerm(text, "size", kSizeUnits, kSizeUnitList);
  if (!v.ok()) return v.status();
  // 2^64 is exactly representable; anything at or above it does not fit.
  if (*v >= 18446744073709551616.0) return Status::InvalidArgument("size is too large");
  if (*v != std::floor(*v)) {
    return Status::InvalidArgument("not a whole number of bytes (" + FormatNumber(*v) + ")");
  }
  return static_cast<uint64_t>(*v);
}

std::string FormatDuration(Duration d) {
  int64_t ns = d.count();
  if (ns == 0) return "0s";
  if (ns < 0) {
    if (ns == std::numeric_limits<int64_t>::min()) return "-" + FormatDuration(Duration::max());
    return "-" + FormatDuration(Duration(-ns));
  }
  constexpr int64_t kHour = 3600'000'000'000;
  constexpr int64_t kMinute = 60'000'000'000;
  if (ns % kHour == 0) return std::to_string(ns / kHour) + "h";
  if (ns % kMinute == 0) return std::to_string(ns / kMinute) + "m";
  struct Step {
    int64_t ns;
    const char* name;
  };
  constexpr Step kSteps[] = {{1'000'000'000, "s"}, {1'000'000, "ms"}, {1'000, "us"}, {1, "ns"}};
  for (const Step& step : kSteps) {
    if (ns >= step.ns) {
      if (ns % step.ns == 0) return std::to_string(ns / step.ns) + step.name;
      return FormatNumber(static_cast<double>(ns) / static_cast<double>(step.ns)) + step.name;
    }
  }
  return std::to_string(ns) + "ns";
}

std::string FormatBandwidth(double bytes_per_s) {
  double bits = bytes_per_s * 8;
  struct Step {
    double factor;
    const char* name;
  };
  constexpr Step kSteps[] = {{1e12, "Tbps"}, {1e9, "Gbps"}, {1e6, "Mbps"}, {1e3, "Kbps"}};
  for (const Step& step : kSteps) {
    if (bits >= step.factor) return FormatNumber(bits / step.factor) + step.name;
  }
  return FormatNumber(bits) + "bps";
}

std::string FormatSpeed(double flops) {
  struct Step {
    double factor;
    const char* name;
  };
  constexpr Step kSteps[] = {{1e15, "Pf"}, {1e12, "Tf"}, {1e9, "Gf"}, {1e6, "Mf"}, {1e3, "Kf"}};
  for (const Step& step : kSteps) {
    if (flops >= step.factor) return FormatNumber(flops / step.factor) + step.name;
  }
  return FormatNumber(flops) + "f";
}

}  // namespace tracesim::scenario
