#include "tracesim/pipeline/export_queue.h"

#include <cassert>
#include <span>
#include <utility>

namespace tracesim::pipeline {

Status ValidateSendingQueueOptions(const SendingQueueOptions& o) {
  if (!o.enabled) return Status::Ok();
  if (o.num_consumers <= 0) return Status::InvalidArgument("sending_queue.num_consumers: must be positive");
  if (o.queue_size <= 0) return Status::InvalidArgument("sending_queue.queue_size: must be positive");
  return Status::Ok();
}

ExportQueue::ExportQueue(SendingQueueOptions options, DropObserver* observer)
    : options_(options), observer_(observer), capacity_(options.queue_size > 0 ? options.queue_size : 0) {
  assert(options.queue_size > 0);
}

Status ExportQueue::Offer(ExportRequest&& request, TimePoint now) {
  if (queue_.size() >= capacity_) {
    ++rejected_requests_;
    if (observer_ != nullptr && !request.spans.empty()) {
      observer_->OnDrop(Stage::kCollectorExporter, DropCause::kEnqueueFailed,
                        std::span<const SpanData>(request.spans));
    }
    request.spans.clear();
    return Status::ResourceExhausted("sending queue is full");
  }
  request.enqueued_at = now;
  span_count_ += request.spans.size();
  queue_.push_back(std::move(request));
  return Status::Ok();
}

std::optional<ExportRequest> ExportQueue::Take() {
  if (queue_.empty()) return std::nullopt;
  ExportRequest request = std::move(queue_.front());
  queue_.pop_front();
  span_count_ -= request.spans.size();
  return request;
}

std::vector<ExportRequest> ExportQueue::DrainAll() {
  std::vector<ExportRequest> out;
  out.reserve(queue_.size());
  for (auto& r : queue_) out.push_back(std::move(r));
  queue_.clear();
  span_count_ = 0;
  return out;
}

}  // namespace tracesim::pipeline
