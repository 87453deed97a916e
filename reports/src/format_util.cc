#include "format_util.h"

#include <fmt/format.h>

#include <cmath>
#include <iterator>

namespace tracesim::reports::internal {

std::string Grouped(uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  out.reserve(digits.size() + digits.size() / 3);
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string FormatMs(double ms) {
  if (!std::isfinite(ms)) return "n/a";
  if (ms == 0) return "0 ms";
  const double a = std::abs(ms);
  if (a < 1) return fmt::format("{:.3f} ms", ms);
  if (a < 10) return fmt::format("{:.2f} ms", ms);
  if (a < 1000) return fmt::format("{:.1f} ms", ms);
  if (a < 100000) return fmt::format("{:.2f} s", ms / 1000);
  return fmt::format("{:.1f} s", ms / 1000);
}

std::string FormatSeconds(double s, int decimals) {
  if (!std::isfinite(s)) return "n/a";
  return fmt::format("{:.{}f} s", s, decimals);
}

std::string SignedPct(double pct) {
  if (!std::isfinite(pct)) return "n/a";
  return fmt::format("{:+.1f} %", pct);
}

std::string PctOf(uint64_t part, uint64_t whole) {
  if (whole == 0) return "n/a";
  const double pct = 100.0 * static_cast<double>(part) / static_cast<double>(whole);
  // Never round a partial figure to a whole one: 9999 of 10000 is not "100.0 %".
  if (part < whole && pct >= 99.95) return "> 99.9 %";
  if (part > 0 && pct < 0.05) return "< 0.1 %";
  return fmt::format("{:.1f} %", pct);
}

std::string FormatBytes(double bytes) {
  if (!std::isfinite(bytes) || bytes < 0) return "n/a";
  if (bytes < 999.5) return fmt::format("{:.0f} B", bytes);
  static const char* const kUnits[] = {"kB", "MB", "GB", "TB", "PB"};
  double v = bytes / 1000;
  size_t unit = 0;
  // Move up a unit when the value would print as 1000 at three significant digits.
  while (v >= 999.5 && unit + 1 < std::size(kUnits)) {
    v /= 1000;
    ++unit;
  }
  if (v < 9.995) return fmt::format("{:.2f} {}", v, kUnits[unit]);
  if (v < 99.95) return fmt::format("{:.1f} {}", v, kUnits[unit]);
  return fmt::format("{:.0f} {}", v, kUnits[unit]);
}

std::string FractionPct(double fraction) {
  if (!std::isfinite(fraction)) return "n/a";
  return fmt::format("{:.1f} %", 100 * fraction);
}

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace tracesim::reports::internal
