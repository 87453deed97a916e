#include "tracesim/pipeline/collector_pipeline.h"

#include <algorithm>
#include <cassert>
#include <iterator>
#include <span>
#include <string>
#include <utility>

#include "tracesim/pipeline/probabilistic_sampler_processor.h"
#include "tracesim/pipeline/tail_sampling.h"

namespace tracesim::pipeline {
namespace {

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

std::string EntryPrefix(size_t i, std::string_view name) {
  return "processors[" + std::to_string(i) + "] (" + std::string(name) + "): ";
}

Status WithPrefix(const Status& s, size_t i, std::string_view name) {
  return Status(s.code(), EntryPrefix(i, name) + s.message());
}

Status ValidateConfig(const ProcessorConfig& config) {
  return std::visit(
      Overloaded{
          [](const BatchProcessorOptions& c) { return ValidateBatchProcessorOptions(c); },
          [](const MemoryLimiterConfig& c) { return ValidateMemoryLimiterConfig(c); },
          [](const TailSamplingConfig& c) { return ValidateTailSamplingConfig(c); },
          [](const ProbabilisticSamplerConfig& c) { return ValidateProbabilisticSamplerConfig(c); },
      },
      config);
}

}  // namespace

std::string_view ProcessorConfigType(const ProcessorConfig& config) noexcept {
  return std::visit(
      Overloaded{
          [](const BatchProcessorOptions&) { return std::string_view("batch"); },
          [](const MemoryLimiterConfig&) { return std::string_view("memory_limiter"); },
          [](const TailSamplingConfig&) { return std::string_view("tail_sampling"); },
          [](const ProbabilisticSamplerConfig&) { return std::string_view("probabilistic_sampler"); },
      },
      config);
}

std::string_view ProcessorTypeFromName(std::string_view name) noexcept {
  const size_t slash = name.find('/');
  return slash == std::string_view::npos ? name : name.substr(0, slash);
}

Status ValidateProcessorEntries(const std::vector<ProcessorEntry>& entries) {
  for (size_t i = 0; i < entries.size(); ++i) {
    const std::string& name = entries[i].name;
    const std::string_view type = ProcessorTypeFromName(name);
    if (type.empty()) {
      return Status::InvalidArgument(EntryPrefix(i, name) + "the component type must not be empty");
    }
    if (type.size() != name.size() && type.size() + 1 == name.size()) {
      return Status::InvalidArgument(EntryPrefix(i, name) + "the name after '/' must not be empty");
    }
    const std::string_view want = ProcessorConfigType(entries[i].config);
    if (type != want) {
      return Status::InvalidArgument(EntryPrefix(i, name) + "component type \"" + std::string(type) +
                                     "\" does not match its configuration (a " + std::string(want) +
                                     " config)");
    }
    for (size_t j = 0; j < i; ++j) {
      if (entries[j].name == name) {
        return Status::InvalidArgument(EntryPrefix(i, name) + "references processor \"" + name +
                                       "\" multiple times");
      }
    }
    if (Status s = ValidateConfig(entries[i].config); !s.ok()) return WithPrefix(s, i, name);
  }
  return Status::Ok();
}

// --- BatchProcessorStage ---------------------------------------------------------------------

BatchProcessorStage::BatchProcessorStage(BatchProcessorOptions options, TimePoint start)
    : batch_(options, start) {}

Status BatchProcessorStage::Consume(SpanBatch& spans, TimePoint now, std::vector<SpanBatch>& out) noexcept {
  std::vector<SpanBatch> ready = batch_.Add(std::move(spans), now);
  spans.clear();
  for (auto& b : ready) out.push_back(std::move(b));
  return Status::Ok();
}

void BatchProcessorStage::OnTimer(TimePoint now, std::vector<SpanBatch>& out) noexcept {
  std::vector<SpanBatch> ready = batch_.OnTimer(now);
  for (auto& b : ready) out.push_back(std::move(b));
}

// --- CollectorPipeline -----------------------------------------------------------------------

StatusOr<CollectorPipeline> CollectorPipeline::Create(const std::vector<ProcessorEntry>& entries,
                                                      DropObserver* observer, const Interner* interner,
                                                      TimePoint start, MemoryUsageFn memory_usage,
                                                      uint64_t total_memory_bytes) {
  CollectorPipelineEnv env;
  env.observer = observer;
  env.interner = interner;
  env.memory_usage = std::move(memory_usage);
  env.total_memory_bytes = total_memory_bytes;
  return Create(entries, std::move(env), start);
}

StatusOr<CollectorPipeline> CollectorPipeline::Create(const std::vector<ProcessorEntry>& entries,
                                                      CollectorPipelineEnv env, TimePoint start) {
  if (Status s = ValidateProcessorEntries(entries); !s.ok()) return s;
  CollectorPipeline p;
  p.observer_ = env.observer;
  p.stages_.reserve(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    const ProcessorEntry& e = entries[i];
    Link stage;
    stage.name = e.name;
    if (const auto* c = std::get_if<BatchProcessorOptions>(&e.config)) {
      stage.processor = std::make_unique<BatchProcessorStage>(*c, start);
    } else if (const auto* c = std::get_if<MemoryLimiterConfig>(&e.config)) {
      if (!env.memory_usage) {
        return Status::InvalidArgument(EntryPrefix(i, e.name) +
                                       "memory_limiter needs a memory usage source (none was given)");
      }
      StatusOr<MemoryLimiter> limiter = MemoryLimiter::Create(*c, env.total_memory_bytes, start);
      if (!limiter.ok()) return WithPrefix(limiter.status(), i, e.name);
      stage.processor = std::make_unique<MemoryLimiterProcessor>(std::move(*limiter), env.memory_usage);
      stage.synchronous = true;
    } else if (const auto* c = std::get_if<TailSamplingConfig>(&e.config)) {
      if (env.interner == nullptr) {
        return Status::InvalidArgument(EntryPrefix(i, e.name) +
                                       "tail_sampling needs the span name interner (none was given)");
      }
      StatusOr<std::unique_ptr<TailSamplingProcessor>> ts =
          TailSamplingProcessor::Create(*c, env.interner, env.observer, start);
      if (!ts.ok()) return WithPrefix(ts.status(), i, e.name);
      stage.processor = std::move(*ts);
    } else {
      const auto& ps = std::get<ProbabilisticSamplerConfig>(e.config);
      stage.processor = std::make_unique<ProbabilisticSamplerProcessor>(ps, env.observer);
      stage.synchronous = true;
    }
    p.stages_.push_back(std::move(stage));
  }
  return p;
}

void CollectorPipeline::ReportRefused(const SpanBatch& batch) noexcept {
  refused_in_chain_spans_ += batch.size();
  if (observer_ != nullptr && !batch.empty()) {
    observer_->OnDrop(Stage::kCollectorProcessor, DropCause::kMemoryLimiterRefused,
                      std::span<const SpanData>(batch));
  }
}

void CollectorPipeline::RunFrom(size_t from, std::vector<SpanBatch>& batches, TimePoint now,
                                std::vector<SpanBatch>& out) {
  std::vector<SpanBatch> next;
  for (size_t i = from; i < stages_.size() && !batches.empty(); ++i) {
    next.clear();
    for (SpanBatch& b : batches) {
      if (b.empty()) continue;
      // The sender is an asynchronous processor: an error from here on is logged and the data
      // dropped by that sender.
      if (!stages_[i].processor->Consume(b, now, next).ok()) ReportRefused(b);
    }
    batches.swap(next);
  }
  for (SpanBatch& b : batches) {
    if (!b.empty()) out.push_back(std::move(b));
  }
  batches.clear();
}

Status CollectorPipeline::Consume(SpanBatch& spans, TimePoint now, std::vector<SpanBatch>& out) noexcept {
  if (spans.empty()) return Status::Ok();
  // Synchronous prefix: each such processor passes at most one batch on, inline; a refusal goes
  // back to the caller with the spans that reached the refusing processor.
  SpanBatch carried;  // the spans in flight once the first processor has taken `spans`
  SpanBatch* current = &spans;
  size_t i = 0;
  std::vector<SpanBatch> emitted;
  for (; i < stages_.size() && stages_[i].synchronous; ++i) {
    emitted.clear();
    Status s = stages_[i].processor->Consume(*current, now, emitted);
    if (!s.ok()) {
      if (current != &spans) spans = std::move(carried);
      return s;
    }
    if (emitted.empty()) return Status::Ok();  // everything sampled out (reported by the sampler)
    if (emitted.size() > 1) {
      // Not produced by the synchronous processors of this chain; treat as asynchronous.
      spans.clear();
      RunFrom(i + 1, emitted, now, out);
      return Status::Ok();
    }
    carried = std::move(emitted.front());
    current = &carried;
  }
  if (i == stages_.size()) {
    out.push_back(std::move(*current));
    spans.clear();
    return Status::Ok();
  }
  // The first asynchronous processor buffers and returns nil.
  emitted.clear();
  Status s = stages_[i].processor->Consume(*current, now, emitted);
  if (!s.ok()) {
    if (current != &spans) spans = std::move(carried);
    return s;
  }
  spans.clear();
  RunFrom(i + 1, emitted, now, out);
  return Status::Ok();
}

TimePoint CollectorPipeline::NextDeadline() const noexcept {
  TimePoint d = kTimeInfinite;
  for (const Link& s : stages_) d = std::min(d, s.processor->NextDeadline());
  return d;
}

void CollectorPipeline::OnTimer(TimePoint now, std::vector<SpanBatch>& out) noexcept {
  std::vector<SpanBatch> emitted;
  for (size_t i = 0; i < stages_.size(); ++i) {
    if (stages_[i].processor->NextDeadline() > now) continue;
    emitted.clear();
    stages_[i].processor->OnTimer(now, emitted);
    RunFrom(i + 1, emitted, now, out);
  }
}

size_t CollectorPipeline::held_spans() const noexcept {
  size_t n = 0;
  for (const Link& s : stages_) n += s.processor->held_spans();
  return n;
}

size_t CollectorPipeline::held_bytes() const noexcept {
  size_t n = 0;
  for (const Link& s : stages_) n += s.processor->held_bytes();
  return n;
}

SpanBatch CollectorPipeline::DrainAll() {
  SpanBatch all;
  for (Link& s : stages_) {
    SpanBatch b = s.processor->DrainAll();
    all.insert(all.end(), std::make_move_iterator(b.begin()), std::make_move_iterator(b.end()));
  }
  return all;
}

}  // namespace tracesim::pipeline
