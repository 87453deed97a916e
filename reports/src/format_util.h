// Internal to tracesim_reports: number and text formatting shared by the
// summary and the HTML report. Deterministic (no locale).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tracesim::reports::internal {

// 1234567 -> "1,234,567".
std::string Grouped(uint64_t n);
// A duration given in milliseconds, with a unit that suits its size:
// "0.412 ms", "4.12 ms", "41.2 ms", "4.12 s", "412.3 s". "n/a" when not finite.
std::string FormatMs(double ms);
// Seconds with `decimals` digits: "40.0 s". "n/a" when not finite.
std::string FormatSeconds(double s, int decimals = 1);
// A percentage with an explicit sign: "+1.2 %", "-0.4 %". "n/a" when not finite.
std::string SignedPct(double pct);
// 100 * part / whole with one decimal and a "%" ("99.3 %"); "n/a" when whole == 0.
std::string PctOf(uint64_t part, uint64_t whole);
// Bytes in decimal (SI) units with three significant digits: "812 B",
// "3.05 kB", "22.6 MB", "1.20 GB". "n/a" when not finite or negative.
std::string FormatBytes(double bytes);
// A fraction as a percentage with one decimal: 0.2331 -> "23.3 %". "n/a" when not finite.
std::string FractionPct(double fraction);
// Escapes & < > " ' for HTML text and attribute values.
std::string HtmlEscape(std::string_view text);

}  // namespace tracesim::reports::internal
