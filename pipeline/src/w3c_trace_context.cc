#include "tracesim/pipeline/w3c_trace_context.h"

#include <algorithm>
#include <array>

namespace tracesim::pipeline {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

// Position of each field in a traceparent ("vv-<trace-id>-<parent-id>-ff").
constexpr size_t kTraceIdPos = 3;
constexpr size_t kTraceIdLen = 32;
constexpr size_t kParentIdPos = kTraceIdPos + kTraceIdLen + 1;  // 36
constexpr size_t kParentIdLen = 16;
constexpr size_t kFlagsPos = kParentIdPos + kParentIdLen + 1;  // 53

// RFC 7230 OWS: spaces and horizontal tabs.
bool IsOws(char c) { return c == ' ' || c == '\t'; }

std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && IsOws(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsOws(s.back())) s.remove_suffix(1);
  return s;
}

// W3C HEXDIGLC: lowercase only. A table: every propagated call parses 50 digits.
constexpr std::array<int8_t, 256> kLowerHexValue = [] {
  std::array<int8_t, 256> t{};
  t.fill(-1);
  for (int c = '0'; c <= '9'; ++c) t[c] = static_cast<int8_t>(c - '0');
  for (int c = 'a'; c <= 'f'; ++c) t[c] = static_cast<int8_t>(c - 'a' + 10);
  return t;
}();

int LowerHexValue(char c) { return kLowerHexValue[static_cast<unsigned char>(c)]; }

bool ParseLowerHex(std::string_view hex, uint64_t& out) {
  uint64_t v = 0;
  for (char c : hex) {
    const int d = LowerHexValue(c);
    if (d < 0) return false;
    v = (v << 4) | static_cast<uint64_t>(d);
  }
  out = v;
  return true;
}

void AppendHex(uint64_t v, int digits, std::string& out) {
  for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4) out.push_back(kHexDigits[(v >> shift) & 0xF]);
}

// Writes `digits` lowercase hex digits of v at p; returns the end.
char* WriteHex(uint64_t v, int digits, char* p) {
  for (int i = digits - 1; i >= 0; --i) {
    p[i] = kHexDigits[v & 0xF];
    v >>= 4;
  }
  return p + digits;
}

uint64_t Fnv1a64(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

// Quotes `s` for an error message, shortened if long.
std::string Quote(std::string_view s) {
  constexpr size_t kMax = 60;
  std::string q = "'";
  if (s.size() <= kMax) {
    q.append(s);
  } else {
    q.append(s.substr(0, kMax));
    q.append("...' (" + std::to_string(s.size()) + " characters)");
    return q;
  }
  q.push_back('\'');
  return q;
}

Status TraceParentError(std::string_view header, std::string what) {
  return Status::InvalidArgument("invalid traceparent " + Quote(header) + ": " + what);
}

bool IsLcAlpha(char c) { return c >= 'a' && c <= 'z'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsKeyChar(char c) { return IsLcAlpha(c) || IsDigit(c) || c == '_' || c == '-' || c == '*' || c == '/'; }

// Checks the characters after the first of a key part; returns the index of
// the first bad one or npos.
size_t FirstBadKeyChar(std::string_view part) {
  for (size_t i = 1; i < part.size(); ++i) {
    if (!IsKeyChar(part[i])) return i;
  }
  return std::string_view::npos;
}

std::string DescribeChar(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u >= 0x21 && u <= 0x7E) return std::string("'") + c + "'";
  std::string s = "0x";
  AppendHex(u, 2, s);
  return s;
}

Status KeyError(std::string_view key, std::string what) {
  return Status::InvalidArgument("key " + Quote(key) + " " + what);
}

}  // namespace

// ---------------------------------------------------------------- traceparent

StatusOr<TraceParent> ParseTraceParent(std::string_view header) {
  const std::string_view h = TrimOws(header);
  if (h.empty()) return TraceParentError(header, "empty value");

  uint64_t version = 0;
  if (h.size() < 3 || !ParseLowerHex(h.substr(0, 2), version) || h[2] != '-') {
    return TraceParentError(header, "the version must be 2 lowercase hex digits followed by '-'");
  }
  if (version == 0xff) return TraceParentError(header, "version ff is forbidden");
  if (h.size() < kTraceParentLength) {
    return TraceParentError(header, "too short: " + std::to_string(h.size()) + " characters, at least " +
                                        std::to_string(kTraceParentLength) + " expected");
  }
  if (version == 0 && h.size() != kTraceParentLength) {
    return TraceParentError(header, "version 00 must be exactly " + std::to_string(kTraceParentLength) +
                                        " characters, got " + std::to_string(h.size()));
  }
  if (version != 0 && h.size() > kTraceParentLength && h[kTraceParentLength] != '-') {
    return TraceParentError(header, "the trace-flags of a version " + std::string(h.substr(0, 2)) +
                                        " traceparent must be followed by the end of the value or '-'");
  }

  TraceParent tp;
  tp.version = static_cast<uint8_t>(version);
  if (!ParseLowerHex(h.substr(kTraceIdPos, 16), tp.trace_id.hi) ||
      !ParseLowerHex(h.substr(kTraceIdPos + 16, 16), tp.trace_id.lo)) {
    return TraceParentError(header, "the trace-id must be 32 lowercase hex digits");
  }
  if (h[kParentIdPos - 1] != '-') return TraceParentError(header, "expected '-' after the trace-id");
  if (!ParseLowerHex(h.substr(kParentIdPos, kParentIdLen), tp.parent_id.value)) {
    return TraceParentError(header, "the parent-id must be 16 lowercase hex digits");
  }
  if (h[kFlagsPos - 1] != '-') return TraceParentError(header, "expected '-' after the parent-id");
  uint64_t flags = 0;
  if (!ParseLowerHex(h.substr(kFlagsPos, 2), flags)) {
    return TraceParentError(header, "the trace-flags must be 2 lowercase hex digits");
  }
  tp.trace_flags = static_cast<uint8_t>(flags);
  if (!tp.trace_id.IsValid()) return TraceParentError(header, "the trace-id is all zeros");
  if (!tp.parent_id.IsValid()) return TraceParentError(header, "the parent-id is all zeros");
  return tp;
}

std::string FormatTraceParent(const TraceParent& tp) {
  std::string s;
  FormatTraceParentInto(tp, &s);
  return s;
}

void FormatTraceParentInto(const TraceParent& tp, std::string* out) {
  out->assign(kTraceParentLength, '-');  // reuses the string's capacity
  char* p = out->data();
  p[0] = '0';
  p[1] = '0';
  WriteHex(tp.trace_id.hi, 16, p + kTraceIdPos);
  WriteHex(tp.trace_id.lo, 16, p + kTraceIdPos + 16);
  WriteHex(tp.parent_id.value, 16, p + kParentIdPos);
  WriteHex(tp.trace_flags, 2, p + kFlagsPos);
}

// ----------------------------------------------------------------- tracestate

Status ValidateTraceStateKey(std::string_view key) {
  if (key.empty()) return Status::InvalidArgument("key is empty");
  const size_t at = key.find('@');
  if (at == std::string_view::npos) {
    if (key.size() > kTraceStateMaxKeyLength) {
      return KeyError(key, "is " + std::to_string(key.size()) + " characters long, at most " +
                               std::to_string(kTraceStateMaxKeyLength) + " allowed");
    }
    if (!IsLcAlpha(key[0])) {
      return KeyError(key, "must start with a lowercase letter a-z, not " + DescribeChar(key[0]));
    }
    if (const size_t bad = FirstBadKeyChar(key); bad != std::string_view::npos) {
      return KeyError(key, "contains " + DescribeChar(key[bad]) + " at position " + std::to_string(bad) +
                               "; allowed are a-z 0-9 _ - * / (and one @ in a multi-tenant key)");
    }
    return Status::Ok();
  }
  const std::string_view tenant = key.substr(0, at);
  const std::string_view system = key.substr(at + 1);
  if (system.find('@') != std::string_view::npos) return KeyError(key, "contains more than one '@'");
  if (tenant.empty()) return KeyError(key, "has an empty tenant-id before '@'");
  if (system.empty()) return KeyError(key, "has an empty system-id after '@'");
  if (tenant.size() > kTraceStateMaxTenantLength) {
    return KeyError(key, "has a tenant-id of " + std::to_string(tenant.size()) + " characters, at most " +
                             std::to_string(kTraceStateMaxTenantLength) + " allowed");
  }
  if (system.size() > kTraceStateMaxSystemLength) {
    return KeyError(key, "has a system-id of " + std::to_string(system.size()) + " characters, at most " +
                             std::to_string(kTraceStateMaxSystemLength) + " allowed");
  }
  if (!IsLcAlpha(tenant[0]) && !IsDigit(tenant[0])) {
    return KeyError(
        key, "has a tenant-id starting with " + DescribeChar(tenant[0]) + "; it must start with a-z or 0-9");
  }
  if (!IsLcAlpha(system[0])) {
    return KeyError(key,
                    "has a system-id starting with " + DescribeChar(system[0]) + "; it must start with a-z");
  }
  if (const size_t bad = FirstBadKeyChar(tenant); bad != std::string_view::npos) {
    return KeyError(key, "contains " + DescribeChar(tenant[bad]) + " at position " + std::to_string(bad) +
                             "; allowed are a-z 0-9 _ - * /");
  }
  if (const size_t bad = FirstBadKeyChar(system); bad != std::string_view::npos) {
    return KeyError(key, "contains " + DescribeChar(system[bad]) + " at position " +
                             std::to_string(at + 1 + bad) + "; allowed are a-z 0-9 _ - * /");
  }
  return Status::Ok();
}

Status ValidateTraceStateValue(std::string_view value) {
  if (value.empty()) return Status::InvalidArgument("value is empty");
  if (value.size() > kTraceStateMaxValueLength) {
    return Status::InvalidArgument("value " + Quote(value) + " is " + std::to_string(value.size()) +
                                   " characters long, at most " + std::to_string(kTraceStateMaxValueLength) +
                                   " allowed");
  }
  for (size_t i = 0; i < value.size(); ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (c < 0x20 || c > 0x7E || c == ',' || c == '=') {
      return Status::InvalidArgument("value " + Quote(value) + " contains " + DescribeChar(value[i]) +
                                     " at position " + std::to_string(i) +
                                     "; allowed are printable ASCII 0x20-0x7E except ',' and '='");
    }
  }
  if (value.back() == ' ') return Status::InvalidArgument("value " + Quote(value) + " ends with a space");
  return Status::Ok();
}

StatusOr<TraceState> TraceState::Parse(std::string_view header) {
  TraceState ts;
  ts.members_.reserve(std::min<size_t>(static_cast<size_t>(std::count(header.begin(), header.end(), ',')) + 1,
                                       kTraceStateMaxMembers));
  uint64_t key_hashes[kTraceStateMaxMembers];
  size_t ordinal = 0;  // 1-based position of the list-member in the header, empty ones included
  size_t pos = 0;
  while (pos <= header.size()) {
    size_t comma = header.find(',', pos);
    if (comma == std::string_view::npos) comma = header.size();
    const std::string_view member = TrimOws(header.substr(pos, comma - pos));
    pos = comma + 1;
    ++ordinal;
    if (member.empty()) continue;

    auto fail = [&](const std::string& what) {
      return Status::InvalidArgument("invalid tracestate: list-member " + std::to_string(ordinal) + " " +
                                     Quote(member) + ": " + what);
    };
    if (ts.members_.size() == kTraceStateMaxMembers) {
      return fail("more than " + std::to_string(kTraceStateMaxMembers) + " list-members");
    }
    const size_t eq = member.find('=');
    if (eq == std::string_view::npos) return fail("no '=' between key and value");
    const std::string_view key = member.substr(0, eq);
    const std::string_view value = member.substr(eq + 1);
    if (Status s = ValidateTraceStateKey(key); !s.ok()) return fail(s.message());
    if (Status s = ValidateTraceStateValue(value); !s.ok()) return fail(s.message());
    // Duplicate check on a key hash first: up to 32*31/2 comparisons of
    // keys that often share a long prefix.
    const uint64_t hash = Fnv1a64(key);
    const size_t n = ts.members_.size();
    for (size_t i = 0; i < n; ++i) {
      if (key_hashes[i] == hash && ts.members_[i].first == key) return fail("duplicate key " + Quote(key));
    }
    key_hashes[n] = hash;
    ts.members_.emplace_back(key, value);
  }
  return ts;
}

std::string TraceState::ToString() const {
  size_t n = 0;
  for (const auto& [k, v] : members_) n += k.size() + v.size() + 2;
  std::string s;
  s.reserve(n);
  for (const auto& [k, v] : members_) {
    if (!s.empty()) s.push_back(',');
    s.append(k);
    s.push_back('=');
    s.append(v);
  }
  return s;
}

std::optional<std::string_view> TraceState::Get(std::string_view key) const {
  for (const auto& [k, v] : members_) {
    if (k == key) return std::string_view(v);
  }
  return std::nullopt;
}

Status TraceState::Set(std::string_view key, std::string_view value) {
  if (Status s = ValidateTraceStateKey(key); !s.ok()) return s;
  if (Status s = ValidateTraceStateValue(value); !s.ok()) return s;
  auto it = std::find_if(members_.begin(), members_.end(), [&](const auto& m) { return m.first == key; });
  if (it != members_.end()) {
    // Update and move to the front, keeping the others' order.
    it->second.assign(value);
    std::rotate(members_.begin(), it, it + 1);
    return Status::Ok();
  }
  if (members_.size() >= kTraceStateMaxMembers) {
    return Status::ResourceExhausted("tracestate already holds " + std::to_string(kTraceStateMaxMembers) +
                                     " list-members; erase one before adding key " + Quote(key));
  }
  members_.emplace(members_.begin(), key, value);
  return Status::Ok();
}

void TraceState::Erase(std::string_view key) {
  auto it = std::find_if(members_.begin(), members_.end(), [&](const auto& m) { return m.first == key; });
  if (it != members_.end()) members_.erase(it);
}

// ---------------------------------------------------------------- propagation

std::optional<SpanContext> ExtractContext(std::string_view traceparent, std::string_view tracestate) {
  StatusOr<TraceParent> tp = ParseTraceParent(traceparent);
  if (!tp.ok()) return std::nullopt;
  SpanContext ctx;
  ctx.trace_id = tp->trace_id;
  ctx.span_id = tp->parent_id;
  ctx.trace_flags = tp->trace_flags & kTraceFlagSampled;
  ctx.is_remote = true;
  if (!TrimOws(tracestate).empty()) {
    StatusOr<TraceState> ts = TraceState::Parse(tracestate);
    if (ts.ok()) ctx.trace_state = ts->ToString();
  }
  return ctx;
}

void InjectContext(const SpanContext& ctx, std::string* traceparent, std::string* tracestate) {
  if (!ctx.IsValid()) {
    traceparent->clear();
    tracestate->clear();
    return;
  }
  TraceParent tp;
  tp.trace_id = ctx.trace_id;
  tp.parent_id = ctx.span_id;
  tp.trace_flags = ctx.trace_flags & kTraceFlagSampled;
  FormatTraceParentInto(tp, traceparent);
  *tracestate = ctx.trace_state;
}

}  // namespace tracesim::pipeline
