#include "tracesim/pipeline/wal.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tracesim/pipeline/crc32.h"
#include "tracesim/pipeline/random.h"
#include "tracesim/pipeline/span_codec.h"

namespace tracesim::pipeline {
namespace {

std::vector<SpanData> Batch(Rng& rng, size_t n) {
  std::vector<SpanData> spans;
  const TraceId trace{rng.NextU64(), rng.NextU64()};
  for (size_t i = 0; i < n; ++i) {
    SpanData s;
    s.trace_id = rng.Uniform(3) == 0 ? TraceId{rng.NextU64(), rng.NextU64()} : trace;
    s.span_id = SpanId{rng.NextU64()};
    if (i > 0) s.parent_span_id = spans.back().span_id;
    s.service = static_cast<ServiceId>(rng.Uniform(20));
    s.operation = static_cast<OperationId>(rng.Uniform(100));
    s.kind = static_cast<SpanKind>(rng.Uniform(5));
    s.status = static_cast<SpanStatus>(rng.Uniform(3));
    s.start = FromNanos(static_cast<int64_t>(rng.Uniform(uint64_t{1} << 50)));
    s.end = s.start + Duration(static_cast<int64_t>(rng.Uniform(1u << 25)));
    s.attributes = {Attribute{1, static_cast<int64_t>(rng.Uniform(600))}};
    if (rng.Uniform(4) == 0) s.trace_state = "k=v" + std::to_string(i);
    spans.push_back(std::move(s));
  }
  return spans;
}

// Span identity for comparisons.
std::vector<std::tuple<TraceId, uint64_t, uint64_t, int64_t, int64_t, ServiceId, std::string>> Keys(
    const std::vector<SpanData>& spans) {
  std::vector<std::tuple<TraceId, uint64_t, uint64_t, int64_t, int64_t, ServiceId, std::string>> keys;
  for (const SpanData& s : spans) {
    keys.emplace_back(s.trace_id, s.span_id.value, s.parent_span_id.value, ToNanos(s.start), ToNanos(s.end),
                      s.service, s.trace_state);
  }
  return keys;
}

TEST(WalTest, OptionsAreValidated) {
  EXPECT_TRUE(WriteAheadLog::Create({}).ok());
  WalOptions tiny;
  tiny.max_record_bytes = 16;
  const auto bad = WriteAheadLog::Create(tiny);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("max_record_bytes"), std::string::npos);
  WalOptions huge;
  huge.max_record_bytes = size_t{1} << 31;
  EXPECT_FALSE(WriteAheadLog::Create(huge).ok());
}

TEST(WalTest, RecordLayoutIsLengthCrcSequencePayload) {
  WriteAheadLog wal;
  Rng rng(1);
  const std::vector<SpanData> batch = Batch(rng, 3);
  const auto r = wal.Append(batch);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->sequence, 1u);
  EXPECT_EQ(r->begin_offset, 0u);
  const std::span<const uint8_t> seg = wal.segment();
  ASSERT_EQ(seg.size(), r->end_offset);
  std::vector<uint8_t> payload;
  EncodeSpans(batch, payload);
  const uint32_t body = 8 + static_cast<uint32_t>(payload.size());
  ASSERT_EQ(seg.size(), kWalHeaderBytes + body);
  EXPECT_EQ(seg[0] | seg[1] << 8 | seg[2] << 16 | uint32_t(seg[3]) << 24, body);
  const uint32_t crc = seg[4] | seg[5] << 8 | seg[6] << 16 | uint32_t(seg[7]) << 24;
  EXPECT_EQ(crc, Crc32Ieee(seg.subspan(8)));
  EXPECT_EQ(seg[8], 1);  // sequence 1, little-endian u64
  for (int i = 9; i < 16; ++i) EXPECT_EQ(seg[i], 0);
  EXPECT_TRUE(std::equal(payload.begin(), payload.end(), seg.begin() + 16));
}

TEST(WalTest, BatchesAreAcknowledgedOnlyOnceTheirRecordIsDurable) {
  WriteAheadLog wal;
  Rng rng(2);
  const auto a = wal.Append(Batch(rng, 5)).value();
  const auto b = wal.Append(Batch(rng, 5)).value();
  EXPECT_EQ(b.sequence, 2u);
  EXPECT_EQ(b.begin_offset, a.end_offset);
  EXPECT_EQ(wal.PendingBytes().size(), b.end_offset);
  EXPECT_EQ(wal.acknowledged_sequence(), 0u);
  EXPECT_FALSE(wal.IsAcknowledged(1));
  // Half of record a is on the medium: nothing is acknowledged.
  ASSERT_TRUE(wal.Acknowledge(a.end_offset / 2).ok());
  EXPECT_FALSE(wal.IsAcknowledged(1));
  EXPECT_EQ(wal.PendingBytes().size(), b.end_offset - a.end_offset / 2);
  ASSERT_TRUE(wal.Acknowledge(a.end_offset + 1).ok());
  EXPECT_TRUE(wal.IsAcknowledged(1));
  EXPECT_FALSE(wal.IsAcknowledged(2));
  EXPECT_EQ(wal.pending_records(), 1u);
  ASSERT_TRUE(wal.Acknowledge(10).ok());  // durability never goes back
  EXPECT_EQ(wal.durable_offset(), a.end_offset + 1);
  EXPECT_EQ(wal.Acknowledge(b.end_offset + 1).code(), StatusCode::kOutOfRange);
  ASSERT_TRUE(wal.Acknowledge(b.end_offset).ok());
  EXPECT_EQ(wal.acknowledged_sequence(), 2u);
  EXPECT_TRUE(wal.PendingBytes().empty());
  EXPECT_EQ(wal.Append(std::vector<SpanData>{}).status().code(), StatusCode::kInvalidArgument);
  WalOptions small;
  small.max_record_bytes = 200;
  WriteAheadLog limited(small);
  EXPECT_EQ(limited.Append(Batch(rng, 50)).status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(limited.end_offset(), 0u);
}

TEST(WalTest, ReplayAfterACrashRestoresExactlyTheAcknowledgedSpans) {
  Rng rng(3);
  for (int trial = 0; trial < 60; ++trial) {
    WriteAheadLog wal;
    std::vector<std::vector<SpanData>> batches;
    std::vector<WalAppendResult> records;
    for (int k = 0; k < 12; ++k) {
      batches.push_back(Batch(rng, 1 + rng.Uniform(20)));
      records.push_back(wal.Append(batches.back()).value());
      if (rng.Uniform(2) == 0) {  // the driver's write reaches some point of the pending bytes
        const uint64_t pending = wal.end_offset() - wal.durable_offset();
        ASSERT_TRUE(wal.Acknowledge(wal.durable_offset() + 1 + rng.Uniform(pending)).ok());
      }
    }
    std::vector<SpanData> acknowledged;
    for (uint64_t seq = 1; seq <= wal.acknowledged_sequence(); ++seq) {
      ASSERT_LE(records[seq - 1].end_offset, wal.durable_offset());
      acknowledged.insert(acknowledged.end(), batches[seq - 1].begin(), batches[seq - 1].end());
    }
    // Crash with nothing beyond the durable offset: replay gives exactly the acknowledged spans.
    WriteAheadLog copy = wal;  // copyable: models the same medium twice
    const std::vector<uint8_t> medium(copy.Crash(0).begin(), copy.Crash(0).end());
    const WalReplayResult replay = WriteAheadLog::Replay(medium);
    ASSERT_EQ(replay.spans.size(), acknowledged.size()) << "trial " << trial;
    EXPECT_EQ(Keys(replay.spans), Keys(acknowledged)) << "trial " << trial;
    EXPECT_EQ(replay.records, wal.acknowledged_sequence());
    EXPECT_EQ(replay.last_sequence, wal.acknowledged_sequence());
    // The durable offset may sit inside a record whose write was cut short: torn, not corrupt.
    EXPECT_EQ(replay.tail, medium.size() > replay.valid_bytes ? WalTail::kTorn : WalTail::kClean)
        << replay.detail;

    // A torn write: a prefix of the pending bytes reached the medium too. Records
    // that got there whole are replayed (not acknowledged: their sender may retry),
    // the partial one is dropped.
    const size_t pending = wal.PendingBytes().size();
    const size_t torn = pending == 0 ? 0 : rng.Uniform(pending + 1);
    const std::vector<uint8_t> torn_medium(wal.Crash(torn).begin(), wal.Crash(torn).end());
    const WalReplayResult torn_replay = WriteAheadLog::Replay(torn_medium);
    std::vector<SpanData> whole;
    size_t whole_records = 0;
    for (size_t k = 0; k < records.size() && records[k].end_offset <= torn_medium.size();
         ++k, ++whole_records) {
      whole.insert(whole.end(), batches[k].begin(), batches[k].end());
    }
    ASSERT_EQ(torn_replay.spans.size(), whole.size()) << "trial " << trial;
    EXPECT_EQ(Keys(torn_replay.spans), Keys(whole));
    EXPECT_EQ(torn_replay.records, whole_records);
    EXPECT_GE(torn_replay.records, replay.records);
    EXPECT_EQ(torn_replay.tail,
              torn_medium.size() > torn_replay.valid_bytes ? WalTail::kTorn : WalTail::kClean);
  }
}

TEST(WalTest, EveryTornTailIsDetectedAndDropped) {
  WriteAheadLog wal;
  Rng rng(4);
  const std::vector<SpanData> first = Batch(rng, 4);
  const auto a = wal.Append(first).value();
  const auto b = wal.Append(Batch(rng, 4)).value();
  const std::vector<uint8_t> bytes(wal.segment().begin(), wal.segment().end());
  for (size_t cut = a.end_offset + 1; cut < b.end_offset; ++cut) {
    const WalReplayResult r = WriteAheadLog::Replay(std::span<const uint8_t>(bytes).first(cut));
    ASSERT_EQ(r.tail, WalTail::kTorn) << "cut " << cut << ": " << r.detail;
    EXPECT_EQ(r.records, 1u);
    EXPECT_EQ(r.valid_bytes, a.end_offset);
    EXPECT_EQ(Keys(r.spans), Keys(first));
  }
  const WalReplayResult whole = WriteAheadLog::Replay(bytes);
  EXPECT_EQ(whole.tail, WalTail::kClean);
  EXPECT_EQ(whole.records, 2u);
  EXPECT_TRUE(whole.detail.empty());
  const WalReplayResult empty = WriteAheadLog::Replay({});
  EXPECT_EQ(empty.tail, WalTail::kClean);
  EXPECT_EQ(empty.records, 0u);
}

TEST(WalTest, CrcMismatchIsDetectedAsCorruption) {
  WriteAheadLog wal;
  Rng rng(5);
  const std::vector<SpanData> first = Batch(rng, 6);
  const auto a = wal.Append(first).value();
  wal.Append(Batch(rng, 6)).value();
  wal.Append(Batch(rng, 6)).value();
  const std::vector<uint8_t> good(wal.segment().begin(), wal.segment().end());
  // Flip every bit of the second record's CRC and body, one at a time.
  size_t corrupt = 0, checked = 0;
  const auto b_end = a.end_offset + 8 + (good[a.end_offset] | good[a.end_offset + 1] << 8);
  for (size_t at = a.end_offset + 4; at < b_end; ++at) {
    for (int bit = 0; bit < 8; ++bit) {
      std::vector<uint8_t> bad = good;
      bad[at] ^= static_cast<uint8_t>(1u << bit);
      const WalReplayResult r = WriteAheadLog::Replay(bad);
      ++checked;
      corrupt += r.tail == WalTail::kCorrupt;
      ASSERT_EQ(r.records, 1u);
      ASSERT_EQ(Keys(r.spans), Keys(first));
    }
  }
  EXPECT_EQ(corrupt, checked);  // CRC-32 detects every single-bit error
  std::vector<uint8_t> bad = good;
  bad[a.end_offset + 20] ^= 0x10;
  const WalReplayResult r = WriteAheadLog::Replay(bad);
  EXPECT_NE(r.detail.find("CRC mismatch"), std::string::npos);
  // A length field below the minimum is corrupt, not torn.
  bad = good;
  bad[a.end_offset] = 3;
  bad[a.end_offset + 1] = 0;
  EXPECT_EQ(WriteAheadLog::Replay(bad).tail, WalTail::kCorrupt);
}

TEST(WalTest, ReplayRejectsOutOfOrderSequencesAndUndecodablePayloads) {
  Rng rng(6);
  WriteAheadLog one, two;
  one.Append(Batch(rng, 2)).value();
  two.Append(Batch(rng, 2)).value();
  // Record 1 followed by another record 1: a duplicated or misplaced record.
  std::vector<uint8_t> bytes(one.segment().begin(), one.segment().end());
  bytes.insert(bytes.end(), two.segment().begin(), two.segment().end());
  const WalReplayResult r = WriteAheadLog::Replay(bytes);
  EXPECT_EQ(r.tail, WalTail::kCorrupt);
  EXPECT_EQ(r.records, 1u);
  EXPECT_NE(r.detail.find("sequence"), std::string::npos);
  // A record with a valid CRC over a payload that is not a span sequence.
  std::vector<uint8_t> body{2, 0, 0, 0, 0, 0, 0, 0, 0x05, 0x00};  // sequence 2, "5 spans", nothing
  std::vector<uint8_t> rec(8);
  rec[0] = static_cast<uint8_t>(body.size());
  const uint32_t crc = Crc32Ieee(body);
  for (int i = 0; i < 4; ++i) rec[4 + i] = static_cast<uint8_t>(crc >> (8 * i));
  rec.insert(rec.end(), body.begin(), body.end());
  std::vector<uint8_t> with_bad(one.segment().begin(), one.segment().end());
  with_bad.insert(with_bad.end(), rec.begin(), rec.end());
  const WalReplayResult u = WriteAheadLog::Replay(with_bad);
  EXPECT_EQ(u.tail, WalTail::kCorrupt);
  EXPECT_EQ(u.records, 1u);
  EXPECT_EQ(u.spans.size(), 2u);
  EXPECT_NE(u.detail.find("undecodable"), std::string::npos);
}

TEST(WalTest, TruncateReleasesFlushedRecordsAndOffsetsKeepGrowing) {
  WriteAheadLog wal;
  Rng rng(7);
  std::vector<std::vector<SpanData>> batches;
  for (int k = 0; k < 4; ++k) {
    batches.push_back(Batch(rng, 3));
    wal.Append(batches.back()).value();
  }
  EXPECT_EQ(wal.Truncate(9).code(), StatusCode::kOutOfRange);
  EXPECT_EQ(wal.Truncate(1).code(), StatusCode::kFailedPrecondition);  // not durable yet
  ASSERT_TRUE(wal.Acknowledge(wal.end_offset()).ok());
  const uint64_t end = wal.end_offset();
  ASSERT_TRUE(wal.Truncate(2).ok());
  EXPECT_EQ(wal.end_offset(), end);
  EXPECT_GT(wal.base_offset(), 0u);
  EXPECT_EQ(wal.segment().size(), end - wal.base_offset());
  ASSERT_TRUE(wal.Truncate(1).ok());  // already released: no-op
  const WalReplayResult r = WriteAheadLog::Replay(wal.segment());
  EXPECT_EQ(r.first_sequence, 3u);
  std::vector<SpanData> expected = batches[2];
  expected.insert(expected.end(), batches[3].begin(), batches[3].end());
  EXPECT_EQ(Keys(r.spans), Keys(expected));
  // Appends after a truncation land at the logical end.
  const auto next = wal.Append(Batch(rng, 1)).value();
  EXPECT_EQ(next.sequence, 5u);
  EXPECT_EQ(next.begin_offset, end);
  EXPECT_EQ(wal.PendingBytes().size(), next.end_offset - next.begin_offset);
  ASSERT_TRUE(wal.Acknowledge(next.end_offset).ok());
  ASSERT_TRUE(wal.Truncate(5).ok());
  EXPECT_TRUE(wal.segment().empty());
}

TEST(WalTest, RecoverDropsTheTornTailAndAppendingResumes) {
  WriteAheadLog wal;
  Rng rng(8);
  const std::vector<SpanData> kept = Batch(rng, 3);
  wal.Append(kept).value();
  ASSERT_TRUE(wal.Acknowledge(wal.end_offset()).ok());
  const auto lost = wal.Append(Batch(rng, 3)).value();
  wal.Crash(10);  // 10 bytes of record 2 reached the medium
  EXPECT_EQ(wal.end_offset(), lost.begin_offset + 10);
  const WalReplayResult r = wal.Recover();
  EXPECT_EQ(r.tail, WalTail::kTorn);
  EXPECT_EQ(Keys(r.spans), Keys(kept));
  EXPECT_EQ(wal.end_offset(), lost.begin_offset);
  EXPECT_EQ(wal.durable_offset(), wal.end_offset());
  const auto next = wal.Append(Batch(rng, 2)).value();
  EXPECT_EQ(next.sequence, 3u);  // the lost batch's number is not reused
  ASSERT_TRUE(wal.Acknowledge(next.end_offset).ok());
  const WalReplayResult again = WriteAheadLog::Replay(wal.segment());
  EXPECT_EQ(again.tail, WalTail::kClean);
  EXPECT_EQ(again.records, 2u);
  EXPECT_STREQ(WalTailName(WalTail::kTorn), "torn");
}

}  // namespace
}  // namespace tracesim::pipeline
