// Decoder core: errors, structure and scalar readers (see decoder.h).
#include "decoder.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>
#include <system_error>
#include <tuple>

#include "tracesim/scenario/units.h"

namespace tracesim::scenario::internal {
namespace {

constexpr size_t kMaxReportedErrors = 20;

}  // namespace

// ---------------------------------------------------------------------------
// Ranges and number text

bool Bound::Contains(double v) const {
  if (lo && (lo_open ? !(v > *lo) : !(v >= *lo))) return false;
  if (hi && (hi_open ? !(v < *hi) : !(v <= *hi))) return false;
  return true;
}

std::string Bound::Describe(const std::function<std::string(double)>& fmt) const {
  if (lo && hi) {
    return std::string("in ") + (lo_open ? "(" : "[") + fmt(*lo) + ", " + fmt(*hi) + (hi_open ? ")" : "]");
  }
  if (lo) return std::string(lo_open ? "> " : ">= ") + fmt(*lo);
  if (hi) return std::string(hi_open ? "< " : "<= ") + fmt(*hi);
  return "";
}

std::string FormatPlain(double v) {
  char buf[64];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, ptr) : std::string("?");
}

std::string FormatSeconds(double s) { return FormatDuration(FromSeconds(s)); }

std::string Expect(std::string_view noun, const Bound& b, const std::function<std::string(double)>& fmt) {
  std::string d = b.Describe(fmt);
  return d.empty() ? std::string(noun) : std::string(noun) + " " + d;
}

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

int64_t HostIndex(std::string_view name, std::string_view prefix) {
  if (name.substr(0, prefix.size()) != prefix) return -1;
  std::string_view digits = name.substr(prefix.size());
  if (digits.empty() || (digits.size() > 1 && digits.front() == '0')) return -1;
  int64_t i = -1;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), i);
  if (ec != std::errc() || ptr != digits.data() + digits.size()) return -1;
  return i;
}

std::string ClosestNameDetail(std::string_view word, const std::vector<std::string>& candidates) {
  std::string near = ClosestMatch(word, candidates);
  return near.empty() ? std::string() : "did you mean '" + near + "'?";
}

Origin Map::KeyOrigin(std::string_view key) const {
  if (node != nullptr) {
    for (const MapEntry& e : node->entries) {
      if (e.key == key) return e.key_origin;
    }
    return node->origin;
  }
  return origin;
}

// ---------------------------------------------------------------------------
// Errors

std::string Decoder::Where(const Origin& o) const {
  if (o.override_index >= 0 && static_cast<size_t>(o.override_index) < overrides_.size()) {
    const Override& ov = overrides_[static_cast<size_t>(o.override_index)];
    return source_ + ": --set " + ov.path + "=" + ov.value;
  }
  if (o.line < 0) return source_;
  return source_ + ":" + std::to_string(o.line + 1) + ":" + std::to_string(o.column + 1);
}

void Decoder::Fail(const Origin& o, const std::string& path, const std::string& message) {
  errors_.push_back(
      {o, Where(o) + ": " + context_ + (path.empty() ? std::string("(document)") : path) + ": " + message});
}

void Decoder::FailExpected(const Node& n, const std::string& path, const std::string& expected,
                           const std::string& detail) {
  std::string msg = "expected " + expected + ", got " + Describe(n);
  if (!detail.empty()) msg += " (" + detail + ")";
  Fail(n.origin, path, msg);
}

namespace {

// Follows one key-path segment ("key", "key[2]", "[2]") below `n`; nullptr when absent.
const Node* Step(const Node* n, std::string_view seg) {
  size_t bracket = seg.find('[');
  std::string_view key = seg.substr(0, bracket);
  if (!key.empty()) {
    if (n == nullptr || !n->IsMap()) return nullptr;
    n = n->Find(key);
  }
  while (bracket != std::string_view::npos && n != nullptr) {
    const size_t close = seg.find(']', bracket);
    if (close == std::string_view::npos) return nullptr;
    size_t idx = 0;
    std::string_view digits = seg.substr(bracket + 1, close - bracket - 1);
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), idx);
    if (ec != std::errc() || ptr != digits.data() + digits.size()) return nullptr;
    if (!n->IsSequence() || idx >= n->items.size()) return nullptr;
    n = &n->items[idx];
    bracket = seg.find('[', close);
  }
  return n;
}

}  // namespace

void Decoder::FailFromValidator(const Status& st, std::string_view prefix, const Node* base,
                                const std::string& base_path, const Origin& fallback) {
  const std::string& msg = st.message();
  std::string_view rest = msg;
  // "<prefix>.<key.path>: <text>" or "<prefix>: <text>".
  if (rest.substr(0, prefix.size()) == prefix) {
    std::string_view after = rest.substr(prefix.size());
    const size_t colon = after.find(": ");
    if (colon != std::string_view::npos && (colon == 0 || after.front() == '.')) {
      std::string_view rel = colon == 0 ? std::string_view() : after.substr(1, colon - 1);
      std::string_view text = after.substr(colon + 2);
      Origin where = base != nullptr ? base->origin : fallback;
      const Node* cur = base;
      std::string_view walk = rel;
      while (!walk.empty() && cur != nullptr) {
        const size_t dot = walk.find('.');
        std::string_view seg = walk.substr(0, dot);
        // "and" is both the YAML key and the path segment the validator prints.
        cur = Step(cur, seg);
        if (cur != nullptr) where = cur->origin;
        if (dot == std::string_view::npos) break;
        walk.remove_prefix(dot + 1);
      }
      std::string path = base_path;
      if (!rel.empty()) {
        path += (rel.front() == '[' ? "" : ".");
        path += rel;
      }
      Fail(where, path, std::string(text));
      return;
    }
  }
  Fail(base != nullptr ? base->origin : fallback, base_path, msg);
}

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

std::optional<Map> Decoder::SubMap(const Map& m, std::string_view key,
                                   const std::vector<std::string>& allowed) {
  const Origin where = m.KeyOrigin(key);
  std::optional<Map> sub = OpenMap(m.Get(key), m.Path(key), where, allowed);
  if (sub) sub->origin = where;
  return sub;
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

namespace {

// A positive quantity written with units (a bandwidth, a speed): `parse` reads
// the text, `expected` says what is accepted.
bool ReadPositiveQuantity(Decoder& d, const Map& m, std::string_view key, const std::string& expected,
                          StatusOr<double> (*parse)(std::string_view), double* out) {
  const Node* n = m.Get(key);
  if (n == nullptr) return false;
  if (!n->IsScalar()) {
    d.FailExpected(*n, m.Path(key), expected);
    return false;
  }
  StatusOr<double> v = parse(n->scalar);
  if (!v.ok()) {
    d.FailExpected(*n, m.Path(key), expected, v.status().message());
    return false;
  }
  if (!(*v > 0)) {
    d.FailExpected(*n, m.Path(key), expected);
    return false;
  }
  *out = *v;
  return true;
}

}  // namespace

bool Decoder::ReadBandwidth(const Map& m, std::string_view key, double* out) {
  return ReadPositiveQuantity(*this, m, key,
                              "a bandwidth > 0 such as 1Gbps, 100Mbps or 125MBps (a bare number is bytes/s)",
                              ParseBandwidth, out);
}

bool Decoder::ReadSpeed(const Map& m, std::string_view key, double* out) {
  return ReadPositiveQuantity(
      *this, m, key, "a speed > 0 in flop/s such as 1Gf or 500Mf (a bare number is flop/s)", ParseSpeed, out);
}

bool Decoder::ReadStringList(const Map& m, std::string_view key, std::vector<std::string>* out) {
  const Node* n = m.Get(key);
  if (n == nullptr) return false;
  if (n->IsNull()) {
    out->clear();
    return true;
  }
  if (!n->IsSequence()) {
    FailExpected(*n, m.Path(key), "a sequence of strings ([a, b])");
    return false;
  }
  std::vector<std::string> values;
  bool ok = true;
  for (size_t i = 0; i < n->items.size(); ++i) {
    const Node& item = n->items[i];
    if (!item.IsScalar()) {
      FailExpected(item, JoinIndex(m.Path(key), i), "a string");
      ok = false;
      continue;
    }
    values.push_back(item.scalar);
  }
  if (ok) *out = std::move(values);
  return ok;
}

bool Decoder::ReadMemoryMiB(const Map& m, std::string_view key, uint64_t* out) {
  const Node* n = m.Get(key);
  if (n == nullptr) return false;
  const std::string expected = "a memory size > 0: an integer number of MiB or a size such as 512MiB or 2GiB";
  if (!n->IsScalar()) {
    FailExpected(*n, m.Path(key), expected);
    return false;
  }
  int64_t mib = 0;
  if (!n->quoted && ParseIntText(n->scalar, &mib)) {
    if (mib <= 0) {
      FailExpected(*n, m.Path(key), expected);
      return false;
    }
    if (static_cast<uint64_t>(mib) > (std::numeric_limits<uint64_t>::max() >> 20)) {
      FailExpected(*n, m.Path(key), expected, "too large");
      return false;
    }
    *out = static_cast<uint64_t>(mib);
    return true;
  }
  double number = 0;
  if (!n->quoted && ParseDoubleText(n->scalar, &number)) {
    FailExpected(*n, m.Path(key), expected, "a bare number is a whole number of MiB");
    return false;
  }
  StatusOr<uint64_t> bytes = ParseByteSize(n->scalar);
  if (!bytes.ok()) {
    FailExpected(*n, m.Path(key), expected, bytes.status().message());
    return false;
  }
  constexpr uint64_t kMiB = 1024 * 1024;
  if (*bytes == 0) {
    FailExpected(*n, m.Path(key), expected);
    return false;
  }
  if (*bytes % kMiB != 0) {
    FailExpected(*n, m.Path(key), expected,
                 "not a whole number of MiB: " + std::to_string(*bytes) + " bytes");
    return false;
  }
  *out = *bytes / kMiB;
  return true;
}

// ---------------------------------------------------------------------------
// Result

Status Decoder::Finish() const {
  if (errors_.empty()) return Status::Ok();
  std::vector<const DecodeError*> sorted;
  for (const DecodeError& e : errors_) sorted.push_back(&e);
  // File errors in document order, then errors in --set values in command-line order.
  std::stable_sort(sorted.begin(), sorted.end(), [](const DecodeError* a, const DecodeError* b) {
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

}  // namespace tracesim::scenario::internal
