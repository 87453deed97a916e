#include "tracesim/pipeline/tail_sampling.h"

#include <algorithm>
#include <cassert>
#include <chrono>
#include <utility>

namespace tracesim::pipeline {
namespace {

constexpr Duration kTickerFrequency = std::chrono::seconds(1);

}  // namespace

// ------------------------------------------------------------ decision cache

bool TailSamplingDecisionCache::Get(const TraceId& id) {
  auto it = index_.find(id.lo);
  if (it == index_.end()) return false;
  order_.splice(order_.begin(), order_, it->second);
  return true;
}

void TailSamplingDecisionCache::Put(const TraceId& id) {
  auto it = index_.find(id.lo);
  if (it != index_.end()) {
    order_.splice(order_.begin(), order_, it->second);
    return;
  }
  order_.push_front(id.lo);
  index_.emplace(id.lo, order_.begin());
  if (index_.size() > capacity_) {
    index_.erase(order_.back());
    order_.pop_back();
  }
}

void TailSamplingDecisionCache::Clear() {
  order_.clear();
  index_.clear();
}

// ------------------------------------------------------------------ processor

StatusOr<std::unique_ptr<TailSamplingProcessor>> TailSamplingProcessor::Create(TailSamplingConfig config,
                                                                               const Interner* interner,
                                                                               DropObserver* observer,
                                                                               TimePoint start) {
  if (Status s = ValidateTailSamplingConfig(config); !s.ok()) return s;
  if (interner == nullptr) return Status::InvalidArgument("tail_sampling: an Interner is required");
  return std::make_unique<TailSamplingProcessor>(std::move(config), interner, observer, start);
}

TailSamplingProcessor::TailSamplingProcessor(TailSamplingConfig config, const Interner* interner,
                                             DropObserver* observer, TimePoint start)
    : config_(std::move(config)),
      interner_(interner),
      observer_(observer),
      start_(start),
      next_tick_(start + kTickerFrequency) {
  assert(ValidateTailSamplingConfig(config_).ok());
  assert(interner_ != nullptr);
  // numDecisionBatches := math.Max(1, cfg.DecisionWait.Seconds()), converted with uint64().
  const double wait_s = ToSeconds(config_.decision_wait);
  num_batches_ = static_cast<size_t>(std::max(1.0, wait_s));
  ring_.resize(static_cast<size_t>(config_.num_traces));
  BuildPolicies();
  ResetState();
}

void TailSamplingProcessor::BuildPolicies() {
  policies_.clear();
  for (const auto& p : config_.policies) {
    auto policy = MakeTailSamplingPolicy(p, interner_);
    assert(policy.ok());
    if (policy.ok()) policies_.push_back(std::move(policy).value());
  }
}

void TailSamplingProcessor::ResetState() {
  traces_.clear();
  const size_t expected = static_cast<size_t>(std::min<uint64_t>(
      config_.num_traces, std::max<uint64_t>(config_.expected_new_traces_per_sec * 2, 1024)));
  traces_.reserve(expected);
  ring_head_ = 0;
  ring_size_ = 0;
  pipe_.clear();
  for (size_t i = 0; i < num_batches_; ++i) pipe_.emplace_back();  // the batcher's initial empty batches
  current_batch_.clear();
  current_batch_.reserve(static_cast<size_t>(config_.expected_new_traces_per_sec));
  sampled_cache_.reset();
  non_sampled_cache_.reset();
  if (config_.decision_cache.sampled_cache_size > 0) {
    sampled_cache_ = std::make_unique<TailSamplingDecisionCache>(config_.decision_cache.sampled_cache_size);
  }
  if (config_.decision_cache.non_sampled_cache_size > 0) {
    non_sampled_cache_ =
        std::make_unique<TailSamplingDecisionCache>(config_.decision_cache.non_sampled_cache_size);
  }
  held_spans_ = 0;
  held_bytes_ = 0;
  for (auto& p : policies_) p->Reset();
}

void TailSamplingProcessor::ReportDrop(DropCause cause, std::span<const SpanData> spans) {
  if (observer_ != nullptr && !spans.empty()) observer_->OnDrop(Stage::kCollectorProcessor, cause, spans);
}

void TailSamplingProcessor::DropTrace(const TraceId& id) {
  auto it = traces_.find(id);
  if (it == traces_.end()) return;  // "Attempt to delete trace ID not on table"
  Trace& t = it->second;
  if (t.decision == Final::kUndecided && !t.data.spans.empty()) {
    ++evicted_undecided_traces_;
    dropped_too_early_spans_ += t.data.spans.size();
    held_spans_ -= t.data.spans.size();
    held_bytes_ -= t.held_bytes;
    ReportDrop(DropCause::kDroppedTooEarly, t.data.spans);
  } else if (t.decision == Final::kUndecided) {
    ++evicted_undecided_traces_;
  }
  traces_.erase(it);
}

Status TailSamplingProcessor::Consume(SpanBatch& spans, TimePoint now, std::vector<SpanBatch>& out) noexcept {
  const size_t n = spans.size();
  if (n == 0) return Status::Ok();
  // groupSpansByTraceKey, in first-appearance order (a counting sort of span indices).
  group_index_.clear();
  group_ids_.clear();
  span_group_.resize(n);
  for (size_t i = 0; i < n; ++i) {
    auto [it, inserted] =
        group_index_.try_emplace(spans[i].trace_id, static_cast<uint32_t>(group_ids_.size()));
    if (inserted) group_ids_.push_back(spans[i].trace_id);
    span_group_[i] = it->second;
  }
  const size_t groups = group_ids_.size();
  group_offset_.assign(groups + 1, 0);
  for (size_t i = 0; i < n; ++i) ++group_offset_[span_group_[i] + 1];
  for (size_t g = 0; g < groups; ++g) group_offset_[g + 1] += group_offset_[g];
  order_.resize(n);
  group_cursor_.assign(group_offset_.begin(), group_offset_.end() - 1);
  for (size_t i = 0; i < n; ++i) order_[group_cursor_[span_group_[i]]++] = static_cast<uint32_t>(i);
  for (size_t g = 0; g < groups; ++g) {
    ProcessGroup(group_ids_[g], spans, order_.data() + group_offset_[g],
                 group_offset_[g + 1] - group_offset_[g], now, out);
  }
  spans.clear();
  return Status::Ok();
}

void TailSamplingProcessor::ProcessGroup(const TraceId& id, SpanBatch& spans, const uint32_t* idx, size_t n,
                                         TimePoint now, std::vector<SpanBatch>& out) {
  auto take = [&]() {
    SpanBatch batch;
    batch.reserve(n);
    for (size_t k = 0; k < n; ++k) batch.push_back(std::move(spans[idx[k]]));
    return batch;
  };
  // Decision caches short-circuit.
  if (sampled_cache_ && sampled_cache_->Get(id)) {
    late_spans_ += n;
    sampled_spans_ += n;
    out.push_back(take());
    // releaseSampledTrace: Put, then drop from the map when cached.
    sampled_cache_->Put(id);
    DropTrace(id);
    return;
  }
  if (non_sampled_cache_ && non_sampled_cache_->Get(id)) {
    late_spans_ += n;
    not_sampled_spans_ += n;
    SpanBatch dropped = take();
    ReportDrop(DropCause::kTailSampledOut, dropped);
    return;
  }

  auto it = traces_.find(id);
  if (it == traces_.end()) {
    it = traces_.try_emplace(id).first;
    it->second.data.trace_id = id;
    ++new_traces_;
    current_batch_.push_back(id);  // decisionBatcher.AddToCurrentBatch
    // deleteChan: push, evicting the oldest id when the buffer is full.
    if (ring_size_ == ring_.size()) {
      const TraceId oldest = ring_[ring_head_];
      ring_head_ = (ring_head_ + 1) % ring_.size();
      --ring_size_;
      if (oldest == id) {
        // The oldest id is this very trace, re-created after it left the map: the Collector's
        // dropTrace deletes the entry it has just stored, and the spans appended to it are never
        // reachable again (its batch entry will count dropped_too_early).
        traces_.erase(it);
        ++evicted_undecided_traces_;
        dropped_too_early_spans_ += n;
        SpanBatch dropped = take();
        ReportDrop(DropCause::kDroppedTooEarly, dropped);
        ring_[(ring_head_ + ring_size_) % ring_.size()] = id;
        ++ring_size_;
        return;
      }
      DropTrace(oldest);
      it = traces_.find(id);
    }
    ring_[(ring_head_ + ring_size_) % ring_.size()] = id;
    ++ring_size_;
  }

  Trace& t = it->second;
  t.data.span_count += static_cast<int64_t>(n);
  switch (t.decision) {
    case Final::kUndecided: {
      t.data.spans.reserve(t.data.spans.size() + n);
      for (size_t k = 0; k < n; ++k) {
        SpanData& s = spans[idx[k]];
        const size_t bytes = EstimateWireBytes(s);
        t.held_bytes += bytes;
        held_bytes_ += bytes;
        t.data.spans.push_back(std::move(s));
      }
      held_spans_ += n;
      return;
    }
    case Final::kSampled:
      late_spans_ += n;
      sampled_spans_ += n;
      out.push_back(take());
      if (sampled_cache_) {
        sampled_cache_->Put(id);
        DropTrace(id);
      }
      return;
    case Final::kNotSampled: {
      late_spans_ += n;
      not_sampled_spans_ += n;
      SpanBatch dropped = take();
      ReportDrop(DropCause::kTailSampledOut, dropped);
      if (non_sampled_cache_) {
        non_sampled_cache_->Put(id);
        DropTrace(id);
      }
      return;
    }
  }
}

TailSamplingProcessor::Final TailSamplingProcessor::MakeDecision(const Trace& trace, TimePoint now) {
  bool dropped = false, invert_not_sampled = false, sampled = false, invert_sampled = false,
       not_sampled = false;
  for (auto& p : policies_) {
    const TailSamplingDecision d = p->Evaluate(trace.data, now);
    switch (d) {
      case TailSamplingDecision::kDropped:
        dropped = true;
        break;
      case TailSamplingDecision::kInvertNotSampled:
        invert_not_sampled = true;
        break;
      case TailSamplingDecision::kSampled:
        sampled = true;
        break;
      case TailSamplingDecision::kInvertSampled:
        invert_sampled = true;
        break;
      case TailSamplingDecision::kNotSampled:
        not_sampled = true;
        break;
      case TailSamplingDecision::kUnspecified:
        break;
    }
    if (dropped) break;  // "Break early if dropped"
  }
  if (dropped || invert_not_sampled) return Final::kNotSampled;
  if (sampled) return Final::kSampled;
  if (invert_sampled && !not_sampled) return Final::kSampled;
  return Final::kNotSampled;
}

void TailSamplingProcessor::Tick(TimePoint now, std::vector<SpanBatch>& out) {
  // CloseCurrentAndTakeFirstBatch
  std::vector<TraceId> batch = std::move(pipe_.front());
  pipe_.pop_front();
  pipe_.push_back(std::move(current_batch_));
  current_batch_ = std::vector<TraceId>();
  current_batch_.reserve(static_cast<size_t>(config_.expected_new_traces_per_sec));

  for (const TraceId& id : batch) {
    auto it = traces_.find(id);
    if (it == traces_.end()) {
      ++dropped_too_early_;
      continue;
    }
    Trace& t = it->second;
    const Final decision = MakeDecision(t, now);
    SpanBatch all = std::move(t.data.spans);
    t.data.spans = SpanBatch();
    held_spans_ -= all.size();
    held_bytes_ -= t.held_bytes;
    t.held_bytes = 0;
    t.decision = decision;
    if (decision == Final::kSampled) {
      ++sampled_traces_;
      sampled_spans_ += all.size();
      if (!all.empty()) out.push_back(std::move(all));
      if (sampled_cache_) {
        sampled_cache_->Put(id);
        DropTrace(id);
      }
    } else {
      ++not_sampled_traces_;
      not_sampled_spans_ += all.size();
      ReportDrop(DropCause::kTailSampledOut, all);
      if (non_sampled_cache_) {
        non_sampled_cache_->Put(id);
        DropTrace(id);
      }
    }
  }
}

void TailSamplingProcessor::OnTimer(TimePoint now, std::vector<SpanBatch>& out) noexcept {
  if (now < next_tick_) return;
  Tick(now, out);
  // Next tick: the first start + k s strictly after now.
  const int64_t elapsed = (now - start_).count();
  const int64_t period = kTickerFrequency.count();
  next_tick_ = start_ + Duration((elapsed / period + 1) * period);
}

SpanBatch TailSamplingProcessor::DrainAll() {
  SpanBatch all;
  all.reserve(held_spans_);
  // Oldest first: walk the circular buffer.
  for (size_t k = 0; k < ring_size_; ++k) {
    auto it = traces_.find(ring_[(ring_head_ + k) % ring_.size()]);
    if (it == traces_.end()) continue;
    auto& spans = it->second.data.spans;
    for (auto& s : spans) all.push_back(std::move(s));
    spans.clear();
  }
  ResetState();
  return all;
}

}  // namespace tracesim::pipeline
