#include "tracesim/pipeline/batch_processor.h"

#include <algorithm>
#include <cassert>
#include <iterator>
#include <utility>

namespace tracesim::pipeline {
namespace {

// Upper bound on the pending buffer pre-allocation (spans).
constexpr size_t kMaxReserveSpans = 16384;

}  // namespace

Status ValidateBatchProcessorOptions(const BatchProcessorOptions& o) {
  if (o.send_batch_max_size > 0 && o.send_batch_max_size < o.send_batch_size) {
    return Status::InvalidArgument(
        "batch.send_batch_max_size: must be greater or equal to send_batch_size (or 0 for no maximum)");
  }
  if (o.timeout < Duration::zero()) {
    return Status::InvalidArgument("batch.timeout: must be greater or equal to 0");
  }
  return Status::Ok();
}

BatchProcessor::BatchProcessor(BatchProcessorOptions options, TimePoint start)
    : options_(options),
      has_timer_(options.timeout != Duration::zero() && options.send_batch_size != 0),
      deadline_(kTimeInfinite) {
  assert(ValidateBatchProcessorOptions(options).ok());
  ResetTimer(start);
}

void BatchProcessor::ResetTimer(TimePoint now) {
  if (!has_timer_) return;
  deadline_ = now >= kTimeInfinite - options_.timeout ? kTimeInfinite : now + options_.timeout;
}

std::vector<SpanData> BatchProcessor::TakeOne() {
  size_t n = pending_spans();
  if (options_.send_batch_max_size > 0 && n > options_.send_batch_max_size) n = options_.send_batch_max_size;
  std::vector<SpanData> batch;
  if (head_ == 0 && n == pending_.size()) {
    // Everything goes: hand the buffer over without moving spans.
    batch.swap(pending_);
    pending_bytes_ = 0;
    return batch;
  }
  batch.reserve(n);
  for (size_t i = head_; i < head_ + n; ++i) {
    pending_bytes_ -= EstimateWireBytes(pending_[i]);
    batch.push_back(std::move(pending_[i]));
  }
  head_ += n;
  if (head_ == pending_.size()) {
    pending_.clear();
    head_ = 0;
  }
  return batch;
}

void BatchProcessor::Compact() {
  if (head_ == 0) return;
  pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(head_));
  head_ = 0;
}

std::vector<std::vector<SpanData>> BatchProcessor::Add(std::vector<SpanData>&& spans, TimePoint now) {
  for (const auto& span : spans) pending_bytes_ += EstimateWireBytes(span);
  if (pending_.empty()) {
    pending_.swap(spans);
    // A timer shard accumulates up to send_batch_size spans: size the buffer once instead of
    // growing it by doubling (bounded, so a huge send_batch_size does not pre-allocate).
    if (has_timer_ && pending_.size() < options_.send_batch_size) {
      pending_.reserve(std::min<size_t>(options_.send_batch_size, kMaxReserveSpans));
    }
  } else {
    pending_.insert(pending_.end(), std::make_move_iterator(spans.begin()),
                    std::make_move_iterator(spans.end()));
  }
  spans.clear();
  std::vector<std::vector<SpanData>> out;
  while (pending_spans() > 0 && (!has_timer_ || pending_spans() >= options_.send_batch_size)) {
    out.push_back(TakeOne());
  }
  Compact();
  if (!out.empty()) ResetTimer(now);
  return out;
}

std::vector<std::vector<SpanData>> BatchProcessor::OnTimer(TimePoint now) {
  std::vector<std::vector<SpanData>> out;
  if (!has_timer_ || now < deadline_) return out;
  if (pending_spans() > 0) out.push_back(TakeOne());
  Compact();
  ResetTimer(now);
  return out;
}

std::vector<SpanData> BatchProcessor::DrainAll() {
  Compact();
  std::vector<SpanData> out;
  out.swap(pending_);
  pending_bytes_ = 0;
  return out;
}

}  // namespace tracesim::pipeline
