#include "tracesim/pipeline/w3c_trace_context.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace tracesim::pipeline {
namespace {

using ::testing::HasSubstr;

constexpr const char* kSpecExample = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
constexpr const char* kTid = "12345678901234567890123456789012";
constexpr const char* kPid = "1234567890123456";

std::string Tp(std::string version, std::string trace_id, std::string parent_id, std::string flags,
               std::string rest = "") {
  return version + "-" + trace_id + "-" + parent_id + "-" + flags + rest;
}

// ------------------------------------------------------------ traceparent

TEST(ParseTraceParentTest, SpecExampleSampled) {
  auto tp = ParseTraceParent(kSpecExample);
  ASSERT_TRUE(tp.ok()) << tp.status().ToString();
  EXPECT_EQ(tp->version, 0);
  EXPECT_EQ(tp->trace_id.hi, 0x4bf92f3577b34da6ULL);
  EXPECT_EQ(tp->trace_id.lo, 0xa3ce929d0e0e4736ULL);
  EXPECT_EQ(tp->parent_id.value, 0x00f067aa0ba902b7ULL);
  EXPECT_EQ(tp->trace_flags, 0x01);
}

TEST(ParseTraceParentTest, SpecExampleNotSampled) {
  auto tp = ParseTraceParent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
  ASSERT_TRUE(tp.ok());
  EXPECT_EQ(tp->trace_flags, 0x00);
}

TEST(ParseTraceParentTest, UnknownFlagsArePreservedByTheParse) {
  auto tp = ParseTraceParent(Tp("00", kTid, kPid, "09"));
  ASSERT_TRUE(tp.ok());
  EXPECT_EQ(tp->trace_flags, 0x09);
}

TEST(ParseTraceParentTest, SurroundingOwsIsIgnored) {
  for (const std::string pad_l : {"", " ", "\t", "\t "}) {
    for (const std::string pad_r : {"", " ", "\t", " \t"}) {
      auto tp = ParseTraceParent(pad_l + Tp("00", kTid, kPid, "01") + pad_r);
      ASSERT_TRUE(tp.ok()) << "'" << pad_l << "' / '" << pad_r << "': " << tp.status().ToString();
      EXPECT_EQ(tp->trace_id.ToHex(), kTid);
    }
  }
}

struct InvalidCase {
  const char* name;
  std::string header;
  const char* message_part;
};

// Mirrors the W3C conformance suite (test/test.py) and the spec's rules.
TEST(ParseTraceParentTest, RejectsInvalidHeaders) {
  const std::string zeros32(32, '0'), zeros16(16, '0');
  const InvalidCase cases[] = {
      {"empty", "", "empty"},
      {"only OWS", " \t ", "empty"},
      {"uppercase trace-id", Tp("00", "4BF92F3577B34DA6A3CE929D0E0E4736", "00f067aa0ba902b7", "01"),
       "trace-id"},
      {"uppercase parent-id", Tp("00", kTid, "00F067AA0BA902B7", "01"), "parent-id"},
      {"uppercase flags", Tp("00", kTid, kPid, "0A"), "trace-flags"},
      {"uppercase version", Tp("0A", kTid, kPid, "01"), "version"},
      {"trace-id all zero", Tp("00", zeros32, kPid, "01"), "trace-id is all zeros"},
      {"parent-id all zero", Tp("00", kTid, zeros16, "01"), "parent-id is all zeros"},
      {"version ff", Tp("ff", kTid, kPid, "01"), "version ff"},
      {"version illegal char 1", Tp(".0", kTid, kPid, "01"), "version"},
      {"version illegal char 2", Tp("0.", kTid, kPid, "01"), "version"},
      {"version too long 3", Tp("000", kTid, kPid, "01"), "version"},
      {"version too long 4", Tp("0000", kTid, kPid, "01"), "version"},
      {"version too short", Tp("0", kTid, kPid, "01"), "version"},
      {"trace-id illegal first", Tp("00", ".2345678901234567890123456789012", kPid, "01"), "trace-id"},
      {"trace-id illegal last", Tp("00", "1234567890123456789012345678901.", kPid, "01"), "trace-id"},
      {"trace-id too long", Tp("00", "123456789012345678901234567890123", kPid, "01"), "exactly 55"},
      {"trace-id too short", Tp("00", "1234567890123456789012345678901", kPid, "01"), "too short"},
      {"parent-id illegal first", Tp("00", kTid, ".234567890123456", "01"), "parent-id"},
      {"parent-id illegal last", Tp("00", kTid, "123456789012345.", "01"), "parent-id"},
      {"parent-id too long", Tp("00", kTid, "12345678901234567", "01"), "exactly 55"},
      {"parent-id too short", Tp("00", kTid, "123456789012345", "01"), "too short"},
      {"flags illegal first", Tp("00", kTid, kPid, ".0"), "trace-flags"},
      {"flags illegal last", Tp("00", kTid, kPid, "0."), "trace-flags"},
      {"flags too long", Tp("00", kTid, kPid, "001"), "exactly 55"},
      {"flags too short", Tp("00", kTid, kPid, "1"), "too short"},
      {"version 00 trailing dot", Tp("00", kTid, kPid, "01", "."), "exactly 55"},
      {"version 00 extra fields", Tp("00", kTid, kPid, "01", "-what-the-future-will-be-like"), "exactly 55"},
      {"higher version bad trailer", Tp("cc", kTid, kPid, "01", ".what-the-future-will-be-like"),
       "followed by the end of the value or '-'"},
      {"higher version too short", Tp("cc", kTid, kPid, "1"), "too short"},
      {"underscore separators", "00_" + std::string(kTid) + "_" + kPid + "_01", "version"},
      {"bad separator after trace-id", "00-" + std::string(kTid) + "_" + kPid + "-01", "after the trace-id"},
      {"bad separator after parent-id", "00-" + std::string(kTid) + "-" + kPid + "_01",
       "after the parent-id"},
      {"inner whitespace", Tp("00", kTid, kPid, " 1"), "trace-flags"},
      {"wrong field order", Tp("00", kPid, kTid, "01"), "trace-id"},
  };
  for (const auto& c : cases) {
    auto tp = ParseTraceParent(c.header);
    EXPECT_FALSE(tp.ok()) << c.name << ": '" << c.header << "' was accepted";
    if (!tp.ok()) {
      EXPECT_EQ(tp.status().code(), StatusCode::kInvalidArgument) << c.name;
      EXPECT_THAT(tp.status().message(), HasSubstr(c.message_part)) << c.name;
      EXPECT_THAT(tp.status().message(), HasSubstr("invalid traceparent")) << c.name;
    }
  }
}

TEST(ParseTraceParentTest, HigherVersionIsParsedByItsPrefix) {
  // W3C test_traceparent_version_0xcc.
  for (const std::string rest : {"", "-what-the-future-will-be-like", "-"}) {
    auto tp = ParseTraceParent(Tp("cc", kTid, kPid, "01", rest));
    ASSERT_TRUE(tp.ok()) << "rest '" << rest << "': " << tp.status().ToString();
    EXPECT_EQ(tp->version, 0xcc);
    EXPECT_EQ(tp->trace_id.ToHex(), kTid);
    EXPECT_EQ(tp->parent_id.ToHex(), kPid);
    EXPECT_EQ(tp->trace_flags, 0x01);
  }
  auto v01 = ParseTraceParent(Tp("01", kTid, kPid, "03", "-00aa"));
  ASSERT_TRUE(v01.ok());
  EXPECT_EQ(v01->version, 1);
  EXPECT_EQ(v01->trace_flags, 0x03);
}

TEST(ParseTraceParentTest, HigherVersionStillValidatesIds) {
  EXPECT_FALSE(ParseTraceParent(Tp("01", std::string(32, '0'), kPid, "01", "-x")).ok());
  EXPECT_FALSE(ParseTraceParent(Tp("01", kTid, std::string(16, '0'), "01", "-x")).ok());
  EXPECT_FALSE(ParseTraceParent(Tp("01", "4BF92F3577B34DA6A3CE929D0E0E4736", kPid, "01")).ok());
  EXPECT_FALSE(ParseTraceParent(Tp("fe", kTid, kPid, "0g")).ok());
  EXPECT_TRUE(ParseTraceParent(Tp("fe", kTid, kPid, "00")).ok());
}

TEST(FormatTraceParentTest, FormatsSpecExampleAndRoundTrips) {
  TraceParent tp;
  tp.trace_id = {0x4bf92f3577b34da6ULL, 0xa3ce929d0e0e4736ULL};
  tp.parent_id = {0x00f067aa0ba902b7ULL};
  tp.trace_flags = 0x01;
  const std::string s = FormatTraceParent(tp);
  EXPECT_EQ(s, kSpecExample);
  EXPECT_EQ(s.size(), kTraceParentLength);
  auto back = ParseTraceParent(s);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, tp);
}

TEST(FormatTraceParentTest, RoundTripsEdgeValues) {
  const TraceParent cases[] = {
      {0, {0, 1}, {1}, 0x00},
      {0, {~0ULL, ~0ULL}, {~0ULL}, 0xff},
      {0, {0x8000000000000000ULL, 0}, {0x8000000000000000ULL}, 0x01},
  };
  for (const auto& tp : cases) {
    auto back = ParseTraceParent(FormatTraceParent(tp));
    ASSERT_TRUE(back.ok()) << FormatTraceParent(tp);
    EXPECT_EQ(*back, tp);
  }
}

TEST(FormatTraceParentTest, DowngradesHigherVersionTo00) {
  auto tp = ParseTraceParent(Tp("cc", kTid, kPid, "01", "-future"));
  ASSERT_TRUE(tp.ok());
  EXPECT_EQ(FormatTraceParent(*tp), Tp("00", kTid, kPid, "01"));
}

// ------------------------------------------------------------- tracestate

TEST(TraceStateTest, ParsesSpecExamplesInOrder) {
  auto ts = TraceState::Parse("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
  ASSERT_TRUE(ts.ok()) << ts.status().ToString();
  ASSERT_EQ(ts->size(), 2u);
  EXPECT_EQ(ts->members()[0].first, "rojo");
  EXPECT_EQ(ts->members()[1].first, "congo");
  EXPECT_EQ(ts->Get("rojo"), "00f067aa0ba902b7");
  EXPECT_EQ(ts->Get("congo"), "t61rcWkgMzE");
  EXPECT_FALSE(ts->Get("missing").has_value());
  EXPECT_EQ(ts->ToString(), "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
}

TEST(TraceStateTest, EmptyHeaderAndEmptyMembersAreAllowed) {
  for (const char* h : {"", " ", ",", " , \t,", ",,,"}) {
    auto ts = TraceState::Parse(h);
    ASSERT_TRUE(ts.ok()) << "'" << h << "': " << ts.status().ToString();
    EXPECT_TRUE(ts->empty());
    EXPECT_EQ(ts->ToString(), "");
  }
  auto ts = TraceState::Parse(",foo=1, ,\t,bar=2,");
  ASSERT_TRUE(ts.ok()) << ts.status().ToString();
  EXPECT_EQ(ts->size(), 2u);
  EXPECT_EQ(ts->ToString(), "foo=1,bar=2");
}

TEST(TraceStateTest, OwsAroundMembersIsIgnored) {
  // W3C test_tracestate_ows_handling.
  for (const char* h : {"foo=1 \t , \t bar=2, \t baz=3", "foo=1\t \t,\t \tbar=2,\t \tbaz=3"}) {
    auto ts = TraceState::Parse(h);
    ASSERT_TRUE(ts.ok()) << h;
    EXPECT_EQ(ts->ToString(), "foo=1,bar=2,baz=3");
  }
  for (const char* h : {" foo=1", "\tfoo=1", "foo=1 ", "foo=1\t", "\t foo=1 \t"}) {
    auto ts = TraceState::Parse(h);
    ASSERT_TRUE(ts.ok()) << h;
    EXPECT_EQ(ts->Get("foo"), "1");
  }
}

TEST(TraceStateTest, LeadingSpacesOfAValueArePartOfIt) {
  auto ts = TraceState::Parse("foo=  x y");
  ASSERT_TRUE(ts.ok());
  EXPECT_EQ(ts->Get("foo"), "  x y");
}

TEST(TraceStateTest, AllAllowedCharacters) {
  // W3C test_tracestate_all_allowed_characters.
  std::string key;
  for (char c = 'a'; c <= 'z'; ++c) key.push_back(c);
  key += "0123456789_-*/";
  const std::string vendor_key = key + "@a-z0-9_-*/";
  std::string value;
  for (int c = 0x20; c <= 0x7E; ++c) {
    if (c != ',' && c != '=') value.push_back(static_cast<char>(c));
  }
  for (const std::string& k : {key, vendor_key}) {
    auto ts = TraceState::Parse(k + "=" + value);
    ASSERT_TRUE(ts.ok()) << ts.status().ToString();
    EXPECT_EQ(ts->Get(k), value);
  }
}

TEST(TraceStateTest, MemberCountLimit) {
  std::string h32;
  for (int i = 1; i <= 32; ++i) h32 += (i > 1 ? "," : "") + std::string("bar") + std::to_string(i) + "=x";
  auto ok = TraceState::Parse(h32);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->size(), 32u);

  // Empty members do not count.
  EXPECT_TRUE(TraceState::Parse(h32 + ",, ,").ok());

  auto bad = TraceState::Parse(h32 + ",bar33=x");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("more than 32 list-members"));
  EXPECT_THAT(bad.status().message(), HasSubstr("bar33"));
}

TEST(TraceStateTest, KeyLengthLimits) {
  // W3C test_tracestate_key_length_limit.
  EXPECT_TRUE(TraceState::Parse(std::string(256, 'z') + "=1").ok());
  auto long_key = TraceState::Parse("foo=1," + std::string(257, 'z') + "=1");
  ASSERT_FALSE(long_key.ok());
  EXPECT_THAT(long_key.status().message(), HasSubstr("257 characters long, at most 256"));

  EXPECT_TRUE(TraceState::Parse(std::string(241, 't') + "@" + std::string(14, 'v') + "=1").ok());
  auto long_tenant = TraceState::Parse(std::string(242, 't') + "@v=1");
  ASSERT_FALSE(long_tenant.ok());
  EXPECT_THAT(long_tenant.status().message(), HasSubstr("tenant-id of 242 characters"));
  auto long_system = TraceState::Parse("t@" + std::string(15, 'v') + "=1");
  ASSERT_FALSE(long_system.ok());
  EXPECT_THAT(long_system.status().message(), HasSubstr("system-id of 15 characters"));
}

TEST(TraceStateTest, MultiTenantKeys) {
  auto ts = TraceState::Parse("0tenant@vendor=1,fw529a3039@dt=2,a@b=3");
  ASSERT_TRUE(ts.ok()) << ts.status().ToString();
  EXPECT_EQ(ts->Get("0tenant@vendor"), "1");
  EXPECT_EQ(ts->Get("fw529a3039@dt"), "2");
  EXPECT_EQ(ts->Get("a@b"), "3");
}

TEST(TraceStateTest, RejectsBadKeys) {
  const std::pair<const char*, const char*> cases[] = {
      {"foo =1", "0x20"},                   // W3C test_tracestate_key_illegal_characters
      {"FOO=1", "lowercase"},               //
      {"foo.bar=1", "'.'"},                 //
      {"foo@=1,bar=2", "empty system-id"},  // W3C test_tracestate_key_illegal_vendor_format
      {"@foo=1,bar=2", "empty tenant-id"},
      {"foo@@bar=1,bar=2", "more than one '@'"},
      {"foo@bar@baz=1,bar=2", "more than one '@'"},
      {"1foo=1", "must start with a lowercase letter"},  // simple keys may not start with a digit
      {"_foo=1", "must start with a lowercase letter"},
      {"foo@1vendor=1", "system-id starting with '1'"},
      {"_t@vendor=1", "tenant-id starting with '_'"},
      {"t.x@vendor=1", "'.'"},
      {"t@ven.dor=1", "'.'"},
      {"=1", "key is empty"},
  };
  for (const auto& [h, part] : cases) {
    auto ts = TraceState::Parse(h);
    ASSERT_FALSE(ts.ok()) << h;
    EXPECT_EQ(ts.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(ts.status().message(), HasSubstr(part)) << h;
    EXPECT_THAT(ts.status().message(), HasSubstr("invalid tracestate: list-member")) << h;
  }
}

TEST(TraceStateTest, RejectsBadValues) {
  const std::pair<std::string, const char*> cases[] = {
      {"foo=bar=baz", "contains '='"},  // W3C test_tracestate_value_illegal_characters
      {"foo=,bar=3", "value is empty"},
      {"foo", "no '='"},
      {"foo=a\x01"
       "b",
       "0x01"},
      {"foo=a\x7f", "0x7f"},
      {"foo=caf\xc3\xa9", "0xc3"},
      {"foo=a\tb", "0x09"},
      {"foo=" + std::string(257, 'v'), "257 characters long, at most 256"},
  };
  for (const auto& [h, part] : cases) {
    auto ts = TraceState::Parse(h);
    ASSERT_FALSE(ts.ok()) << h;
    EXPECT_THAT(ts.status().message(), HasSubstr(part)) << h;
  }
  EXPECT_TRUE(TraceState::Parse("foo=" + std::string(256, 'v')).ok());
}

TEST(TraceStateTest, DuplicateKeysVoidTheWholeHeader) {
  // W3C test_tracestate_duplicated_keys.
  for (const char* h : {"foo=1,foo=1", "foo=1,foo=2", "foo=1,bar=2,foo=3"}) {
    auto ts = TraceState::Parse(h);
    ASSERT_FALSE(ts.ok()) << h;
    EXPECT_THAT(ts.status().message(), HasSubstr("duplicate key 'foo'"));
  }
}

TEST(TraceStateTest, ErrorNamesTheMemberPosition) {
  auto ts = TraceState::Parse("a=1,,b=2,C=3");
  ASSERT_FALSE(ts.ok());
  EXPECT_THAT(ts.status().message(), HasSubstr("list-member 4 'C=3'"));
}

TEST(TraceStateTest, SetAddsToTheFrontAndMovesUpdatedKeysToTheFront) {
  auto ts = TraceState::Parse("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
  ASSERT_TRUE(ts.ok());
  ASSERT_TRUE(ts->Set("congo", "ucfJifl5GOE").ok());
  EXPECT_EQ(ts->ToString(), "congo=ucfJifl5GOE,rojo=00f067aa0ba902b7");
  ASSERT_TRUE(ts->Set("new", "1").ok());
  EXPECT_EQ(ts->ToString(), "new=1,congo=ucfJifl5GOE,rojo=00f067aa0ba902b7");
  ASSERT_TRUE(ts->Set("rojo", "2").ok());
  EXPECT_EQ(ts->ToString(), "rojo=2,new=1,congo=ucfJifl5GOE");
  ASSERT_TRUE(ts->Set("rojo", "3").ok());  // already at the front
  EXPECT_EQ(ts->ToString(), "rojo=3,new=1,congo=ucfJifl5GOE");
}

TEST(TraceStateTest, SetValidatesKeyAndValue) {
  TraceState ts;
  EXPECT_EQ(ts.Set("Bad", "1").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ts.Set("ok", "a,b").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ts.Set("ok", "trailing ").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ts.Set("ok", "").code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(ts.Set("ok", "trailing ").message(), HasSubstr("ends with a space"));
  EXPECT_TRUE(ts.empty());
  EXPECT_TRUE(ts.Set("ok", " leading").ok());
  EXPECT_EQ(ts.Get("ok"), " leading");
}

TEST(TraceStateTest, SetOnAFullListRefusesNewKeysAndEvictsNothing) {
  TraceState ts;
  for (int i = 0; i < 32; ++i) ASSERT_TRUE(ts.Set("k" + std::to_string(i), "v").ok());
  const std::string before = ts.ToString();
  Status s = ts.Set("extra", "v");
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(s.message(), HasSubstr("32 list-members"));
  EXPECT_EQ(ts.size(), 32u);
  EXPECT_EQ(ts.ToString(), before);
  // Updating an existing key of a full list is fine.
  EXPECT_TRUE(ts.Set("k0", "w").ok());
  EXPECT_EQ(ts.members().front().first, "k0");
  EXPECT_EQ(ts.size(), 32u);
  ts.Erase("k5");
  EXPECT_TRUE(ts.Set("extra", "v").ok());
  EXPECT_EQ(ts.members().front().first, "extra");
}

TEST(TraceStateTest, EraseKeepsOrder) {
  auto ts = TraceState::Parse("a=1,b=2,c=3");
  ASSERT_TRUE(ts.ok());
  ts->Erase("b");
  EXPECT_EQ(ts->ToString(), "a=1,c=3");
  ts->Erase("missing");
  EXPECT_EQ(ts->size(), 2u);
  ts->Erase("a");
  ts->Erase("c");
  EXPECT_TRUE(ts->empty());
}

TEST(TraceStateTest, ToStringRoundTrips) {
  const char* h = "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7,t@v= sp ace";
  auto ts = TraceState::Parse(h);
  ASSERT_TRUE(ts.ok());
  EXPECT_EQ(ts->ToString(), h);
  auto again = TraceState::Parse(ts->ToString());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *ts);
}

// ------------------------------------------------------------- propagation

TEST(ExtractContextTest, ValidHeaders) {
  auto ctx = ExtractContext(kSpecExample, "rojo=00f067aa0ba902b7 , congo=t61rcWkgMzE");
  ASSERT_TRUE(ctx.has_value());
  EXPECT_EQ(ctx->trace_id.ToHex(), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(ctx->span_id.ToHex(), "00f067aa0ba902b7");
  EXPECT_TRUE(ctx->IsSampled());
  EXPECT_TRUE(ctx->is_remote);
  EXPECT_TRUE(ctx->IsValid());
  EXPECT_EQ(ctx->trace_state, "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
}

TEST(ExtractContextTest, BadTraceparentVoidsTracestate) {
  EXPECT_FALSE(ExtractContext("", "foo=1").has_value());
  EXPECT_FALSE(ExtractContext(Tp("00", std::string(32, '0'), kPid, "01"), "foo=1").has_value());
  EXPECT_FALSE(ExtractContext(Tp("ff", kTid, kPid, "01"), "foo=1").has_value());
  EXPECT_FALSE(ExtractContext(Tp("00", kTid, kPid, "01", "-x"), "foo=1").has_value());
}

TEST(ExtractContextTest, BadTracestateKeepsTraceparent) {
  for (const char* bad : {"foo=1,foo=2", "FOO=1", "foo=", "foo=bar=baz"}) {
    auto ctx = ExtractContext(Tp("00", kTid, kPid, "00"), bad);
    ASSERT_TRUE(ctx.has_value()) << bad;
    EXPECT_EQ(ctx->trace_id.ToHex(), kTid);
    EXPECT_FALSE(ctx->IsSampled());
    EXPECT_EQ(ctx->trace_state, "") << bad;
  }
}

TEST(ExtractContextTest, KeepsOnlyTheSampledFlag) {
  auto ctx = ExtractContext(Tp("00", kTid, kPid, "ff"), "");
  ASSERT_TRUE(ctx.has_value());
  EXPECT_EQ(ctx->trace_flags, kTraceFlagSampled);
  auto unsampled = ExtractContext(Tp("00", kTid, kPid, "08"), "");
  ASSERT_TRUE(unsampled.has_value());
  EXPECT_EQ(unsampled->trace_flags, 0);
}

TEST(ExtractContextTest, HigherVersion) {
  auto ctx = ExtractContext(Tp("cc", kTid, kPid, "01", "-future"), "foo=1");
  ASSERT_TRUE(ctx.has_value());
  EXPECT_TRUE(ctx->IsSampled());
  EXPECT_EQ(ctx->trace_state, "foo=1");
}

TEST(InjectContextTest, InjectsAndRoundTripsThroughExtract) {
  SpanContext ctx;
  ctx.trace_id = {0x4bf92f3577b34da6ULL, 0xa3ce929d0e0e4736ULL};
  ctx.span_id = {0x00f067aa0ba902b7ULL};
  ctx.trace_flags = kTraceFlagSampled | 0x80;  // an undefined flag is not sent
  ctx.trace_state = "congo=t61rcWkgMzE";
  std::string tp, ts;
  InjectContext(ctx, &tp, &ts);
  EXPECT_EQ(tp, kSpecExample);
  EXPECT_EQ(ts, "congo=t61rcWkgMzE");
  auto back = ExtractContext(tp, ts);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->trace_id, ctx.trace_id);
  EXPECT_EQ(back->span_id, ctx.span_id);
  EXPECT_EQ(back->trace_flags, kTraceFlagSampled);
  EXPECT_EQ(back->trace_state, ctx.trace_state);
  EXPECT_TRUE(back->is_remote);
}

TEST(InjectContextTest, InvalidContextClearsBothHeaders) {
  std::string tp = "stale", ts = "stale";
  InjectContext(SpanContext{}, &tp, &ts);
  EXPECT_EQ(tp, "");
  EXPECT_EQ(ts, "");
}

}  // namespace
}  // namespace tracesim::pipeline
