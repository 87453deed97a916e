// Quantities with units, as written in scenario files and on the command line.
//
// The unit conventions follow SimGrid's platform files (b = bits, B = bytes,
// f = flops; K/M/G/T = 1e3/1e6/1e9/1e12) and Go's time.Duration strings as
// used by the OpenTelemetry Collector ("200ms", "5s", "1m30s").
//
//   duration   "<n><unit>"..., unit ns|us|µs|ms|s|m|h; a bare number is seconds.
//              Several terms may follow each other ("1m30s", "1h2m3.5s").
//   bandwidth  "<n><unit>", unit bps|kbps|Kbps|Mbps|Gbps|Tbps (bits/s) or
//              Bps|kBps|KBps|MBps|GBps|TBps (bytes/s); a bare number is bytes/s.
//   speed      "<n><unit>", unit f|kf|Kf|Mf|Gf|Tf|Pf (flop/s); a bare number is flop/s.
//   size       "<n><unit>", unit B|KiB|MiB|GiB|TiB (powers of 1024) or kB|KB|MB|GB|TB
//              (powers of 1000); a bare number is bytes.
//
// All parsers reject negative, infinite and NaN values and return an
// InvalidArgument Status whose message says what is wrong with the text
// (without a location: callers add file/line/key path). Parsing is
// locale-independent. Thread-safety: all functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tracesim/status.h"
#include "tracesim/time.h"

namespace tracesim::scenario {

// "200ms" -> 200'000'000 ns; "1.5" -> 1.5 s. Fractions of a nanosecond are
// rounded to the nearest nanosecond. Error if the value does not fit in a
// Duration (about 292 years).
StatusOr<Duration> ParseDuration(std::string_view text);

// "1Gbps" -> 1.25e8 bytes/s; "125MBps" -> 1.25e8; "1000" -> 1000 bytes/s.
StatusOr<double> ParseBandwidth(std::string_view text);

// "2Gf" -> 2e9 flop/s; "1e9" -> 1e9.
StatusOr<double> ParseSpeed(std::string_view text);

// "2GiB" -> 2147483648; "1.5KiB" -> 1536; "1MB" -> 1000000; "512" -> 512.
// Error if the result is not a whole number of bytes or does not fit in 64 bits.
StatusOr<uint64_t> ParseByteSize(std::string_view text);

// Shortest exact-looking spelling: 0 -> "0s", 200ms -> "200ms", 1.5 s ->
// "1.5s", 90 s -> "90s", 2 h -> "2h", 50 µs -> "50us". ParseDuration of the
// result gives back the same value (up to 12 significant digits).
std::string FormatDuration(Duration d);

// Bytes/s, printed in bits per second with the largest SI prefix that keeps
// the number >= 1: 1.25e8 -> "1Gbps", 1.25e5 -> "1Mbps", 0.5 -> "4bps".
std::string FormatBandwidth(double bytes_per_s);

// Flop/s with the largest SI prefix that keeps the number >= 1: 2e9 -> "2Gf".
std::string FormatSpeed(double flops);

}  // namespace tracesim::scenario
