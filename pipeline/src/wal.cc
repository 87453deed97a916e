#include "tracesim/pipeline/wal.h"

#include <algorithm>

#include "tracesim/pipeline/crc32.h"
#include "tracesim/pipeline/span_codec.h"

namespace tracesim::pipeline {
namespace {

constexpr size_t kSequenceBytes = 8;
constexpr size_t kMaxRecordLimit = (size_t{1} << 31) - 1;

void PutU32(std::vector<uint8_t>& out, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) out[at + i] = static_cast<uint8_t>(v >> (8 * i));
}
uint32_t GetU32(std::span<const uint8_t> b, size_t at) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(b[at + i]) << (8 * i);
  return v;
}
uint64_t GetU64(std::span<const uint8_t> b, size_t at) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(b[at + i]) << (8 * i);
  return v;
}

}  // namespace

const char* WalTailName(WalTail tail) {
  switch (tail) {
    case WalTail::kClean:
      return "clean";
    case WalTail::kTorn:
      return "torn";
    case WalTail::kCorrupt:
      return "corrupt";
  }
  return "unknown";
}

Status ValidateWalOptions(const WalOptions& options) {
  if (options.max_record_bytes < kWalHeaderBytes + kSequenceBytes + 1 ||
      options.max_record_bytes > kMaxRecordLimit) {
    return Status::InvalidArgument("wal: max_record_bytes must be in [17, 2147483647] (got " +
                                   std::to_string(options.max_record_bytes) + ")");
  }
  return Status::Ok();
}

StatusOr<WriteAheadLog> WriteAheadLog::Create(WalOptions options) {
  if (Status s = ValidateWalOptions(options); !s.ok()) return s;
  return WriteAheadLog(options);
}

WriteAheadLog::WriteAheadLog(WalOptions options) : options_(options) {}

StatusOr<WalAppendResult> WriteAheadLog::Append(std::span<const SpanData> spans) {
  if (spans.empty()) return Status::InvalidArgument("wal: refusing an empty batch");
  const size_t record_bytes = kWalHeaderBytes + kSequenceBytes + EncodedSize(spans);
  if (record_bytes > options_.max_record_bytes) {
    return Status::ResourceExhausted("wal: record of " + std::to_string(record_bytes) +
                                     " bytes exceeds max_record_bytes " +
                                     std::to_string(options_.max_record_bytes));
  }
  const size_t at = segment_.size();
  const uint64_t sequence = next_sequence_++;
  segment_.resize(at + kWalHeaderBytes);
  for (int i = 0; i < 8; ++i) segment_.push_back(static_cast<uint8_t>(sequence >> (8 * i)));
  EncodeSpans(spans, segment_);
  const size_t body = segment_.size() - at - kWalHeaderBytes;
  PutU32(segment_, at, static_cast<uint32_t>(body));
  PutU32(segment_, at + 4, Crc32Ieee(std::span<const uint8_t>(segment_).subspan(at + kWalHeaderBytes, body)));
  WalAppendResult result{sequence, base_offset_ + at, end_offset()};
  records_.push_back(RecordInfo{sequence, result.end_offset});
  return result;
}

std::span<const uint8_t> WriteAheadLog::PendingBytes() const {
  return std::span<const uint8_t>(segment_).subspan(durable_offset_ - base_offset_);
}

Status WriteAheadLog::Acknowledge(uint64_t offset) {
  if (offset > end_offset()) {
    return Status::OutOfRange("wal: acknowledged offset " + std::to_string(offset) + " beyond the end " +
                              std::to_string(end_offset()));
  }
  if (offset <= durable_offset_) return Status::Ok();
  durable_offset_ = offset;
  while (durable_records_ < records_.size() && records_[durable_records_].end_offset <= offset) {
    acknowledged_sequence_ = records_[durable_records_].sequence;
    ++durable_records_;
  }
  return Status::Ok();
}

Status WriteAheadLog::Truncate(uint64_t sequence) {
  if (sequence >= next_sequence_) {
    return Status::OutOfRange("wal: cannot truncate through sequence " + std::to_string(sequence) +
                              ", the last appended is " + std::to_string(next_sequence_ - 1));
  }
  size_t n = 0;
  while (n < records_.size() && records_[n].sequence <= sequence) ++n;
  if (n == 0) return Status::Ok();
  if (n > durable_records_) {
    return Status::FailedPrecondition("wal: record " + std::to_string(records_[durable_records_].sequence) +
                                      " is not durable yet and cannot be truncated");
  }
  const uint64_t new_base = records_[n - 1].end_offset;
  segment_.erase(segment_.begin(), segment_.begin() + static_cast<std::ptrdiff_t>(new_base - base_offset_));
  base_offset_ = new_base;
  records_.erase(records_.begin(), records_.begin() + static_cast<std::ptrdiff_t>(n));
  durable_records_ -= n;
  return Status::Ok();
}

std::span<const uint8_t> WriteAheadLog::Crash(size_t torn_bytes) {
  const size_t durable = durable_offset_ - base_offset_;
  const size_t kept = durable + std::min(torn_bytes, segment_.size() - durable);
  segment_.resize(kept);
  records_.resize(durable_records_);
  return segment_;
}

WalReplayResult WriteAheadLog::Recover() {
  WalReplayResult result = Replay(segment_);
  segment_.resize(result.valid_bytes);
  records_.clear();
  for (size_t at = 0; at < segment_.size();) {
    const size_t end = at + kWalHeaderBytes + GetU32(segment_, at);
    records_.push_back(RecordInfo{GetU64(segment_, at + kWalHeaderBytes), base_offset_ + end});
    at = end;
  }
  durable_records_ = records_.size();
  durable_offset_ = end_offset();
  if (!records_.empty()) {
    acknowledged_sequence_ = std::max(acknowledged_sequence_, records_.back().sequence);
    next_sequence_ = std::max(next_sequence_, records_.back().sequence + 1);
  }
  return result;
}

WalReplayResult WriteAheadLog::Replay(std::span<const uint8_t> bytes) {
  WalReplayResult result;
  size_t at = 0;
  auto stop = [&](WalTail tail, std::string detail) {
    result.tail = tail;
    result.detail = "record at byte " + std::to_string(at) + ": " + std::move(detail);
  };
  while (at < bytes.size()) {
    const size_t left = bytes.size() - at;
    if (left < kWalHeaderBytes) {
      stop(WalTail::kTorn, "incomplete header (" + std::to_string(left) + " bytes)");
      break;
    }
    const uint32_t body = GetU32(bytes, at);
    const uint32_t crc = GetU32(bytes, at + 4);
    if (body < kSequenceBytes + 1 || body > kMaxRecordLimit) {
      stop(WalTail::kCorrupt, "invalid length " + std::to_string(body));
      break;
    }
    if (left - kWalHeaderBytes < body) {
      stop(WalTail::kTorn, "incomplete body (" + std::to_string(left - kWalHeaderBytes) + " of " +
                               std::to_string(body) + " bytes)");
      break;
    }
    const std::span<const uint8_t> record = bytes.subspan(at + kWalHeaderBytes, body);
    if (Crc32Ieee(record) != crc) {
      stop(WalTail::kCorrupt, "CRC mismatch");
      break;
    }
    const uint64_t sequence = GetU64(record, 0);
    if (sequence == 0 || sequence <= result.last_sequence) {
      stop(WalTail::kCorrupt, "sequence " + std::to_string(sequence) + " does not follow " +
                                  std::to_string(result.last_sequence));
      break;
    }
    const size_t before = result.spans.size();
    if (Status s = DecodeSpans(record.subspan(kSequenceBytes), result.spans); !s.ok()) {
      result.spans.resize(before);
      stop(WalTail::kCorrupt, "undecodable payload: " + s.message());
      break;
    }
    if (result.records == 0) result.first_sequence = sequence;
    result.last_sequence = sequence;
    ++result.records;
    at += kWalHeaderBytes + body;
    result.valid_bytes = at;
  }
  return result;
}

}  // namespace tracesim::pipeline
