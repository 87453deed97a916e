// Components report what they drop through this observer: never by printing.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "tracesim/pipeline/span.h"

namespace tracesim::pipeline {

// Why spans were lost. Names (DropCauseName) are the keys of
// results.json `spans.dropped`.
enum class DropCause : uint8_t {
  kSdkQueueFull,           // BatchSpanProcessor queue at maxQueueSize
  kExportFailed,           // an export attempt failed and is not retried
  kNetworkLost,            // datagram lost on the wire (UDP-like transports)
  kMemoryLimiterRefused,   // collector memory_limiter refused, upstream did not retry
  kEnqueueFailed,          // exporter sending_queue full
  kRetryExhausted,         // retry_on_failure gave up (max_elapsed_time)
  kCrashLost,              // held in memory by a process that crashed
  kDroppedTooEarly,        // tail_sampling evicted an undecided trace
  kTailSampledOut,         // tail_sampling decided not to sample
  kStorageRejected,        // the span store refused the write
  kCount,
};

std::string_view DropCauseName(DropCause cause);

// Where in the pipeline the drop happened.
enum class Stage : uint8_t {
  kSdkProcessor,
  kSdkExporter,
  kCollectorReceiver,
  kCollectorProcessor,
  kCollectorExporter,
  kNetwork,
  kStorage,
  kCount,
};

std::string_view StageName(Stage stage);

// Injected into components. Called synchronously from the component's method
// that decided the drop; `spans` is valid only during the call.
class DropObserver {
 public:
  virtual ~DropObserver() = default;
  virtual void OnDrop(Stage stage, DropCause cause, std::span<const SpanData> spans) noexcept = 0;
};

// Counts drops per cause; handy as a test double and as a building block.
class CountingDropObserver : public DropObserver {
 public:
  void OnDrop(Stage stage, DropCause cause, std::span<const SpanData> spans) noexcept override {
    counts_[static_cast<int>(cause)] += spans.size();
    total_ += spans.size();
  }
  uint64_t count(DropCause cause) const { return counts_[static_cast<int>(cause)]; }
  uint64_t total() const { return total_; }

 private:
  uint64_t counts_[static_cast<int>(DropCause::kCount)] = {};
  uint64_t total_ = 0;
};

}  // namespace tracesim::pipeline
