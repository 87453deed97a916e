#include "tracesim/pipeline/export_queue.h"

#include <cassert>
#include <span>
#include <string>
#include <utility>

namespace tracesim::pipeline {

Status ValidateSendingQueueOptions(const SendingQueueOptions& o) {
  if (!o.enabled) return Status::Ok();
  if (o.num_consumers <= 0) return Status::InvalidArgument("sending_queue.num_consumers: must be positive");
  if (o.queue_size <= 0) return Status::InvalidArgument("sending_queue.queue_size: must be positive");
  return Status::Ok();
}

const char* QueueSizerName(QueueSizer sizer) {
  switch (sizer) {
    case QueueSizer::kRequests:
      return "requests";
    case QueueSizer::kItems:
      return "items";
  }
  return "unknown";
}

StatusOr<QueueSizer> ParseQueueSizer(std::string_view name) {
  if (name == "requests") return QueueSizer::kRequests;
  if (name == "items") return QueueSizer::kItems;
  return Status::InvalidArgument("sending_queue.sizer: unknown sizer \"" + std::string(name) +
                                 "\" (expected requests or items)");
}

ExportQueue::ExportQueue(SendingQueueOptions options, DropObserver* observer)
    : options_(options), observer_(observer), capacity_(options.queue_size > 0 ? options.queue_size : 0) {
  assert(options.queue_size > 0);
}

bool ExportQueue::Fits(size_t spans) const {
  const size_t size = options_.sizer == QueueSizer::kItems ? spans : 1;
  return size <= capacity_ && used() + size <= capacity_;
}

Status ExportQueue::Offer(ExportRequest&& request, TimePoint now) {
  const size_t size = options_.sizer == QueueSizer::kItems ? request.spans.size() : 1;
  if (size == 0) {
    // sizedQueue.Offer: an element of size 0 is accepted and not stored.
    request.spans.clear();
    return Status::Ok();
  }
  const bool too_large = size > capacity_;
  if (too_large || used() + size > capacity_) {
    if (!too_large && options_.block_on_overflow) {
      ++blocked_offers_;
      return Status::Unavailable("sending queue is full, blocking");
    }
    ++rejected_requests_;
    if (observer_ != nullptr && !request.spans.empty()) {
      observer_->OnDrop(Stage::kCollectorExporter, DropCause::kEnqueueFailed,
                        std::span<const SpanData>(request.spans));
    }
    request.spans.clear();
    return Status::ResourceExhausted(too_large ? "element size too large" : "sending queue is full");
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

void ExportQueue::Requeue(ExportRequest&& request) {
  if (request.spans.empty()) return;
  span_count_ += request.spans.size();
  queue_.push_front(std::move(request));
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
