#include "tracesim/pipeline/drop_observer.h"

namespace tracesim::pipeline {

std::string_view DropCauseName(DropCause cause) {
  switch (cause) {
    case DropCause::kSdkQueueFull: return "sdk_queue_full";
    case DropCause::kExportFailed: return "export_failed";
    case DropCause::kNetworkLost: return "network_lost";
    case DropCause::kMemoryLimiterRefused: return "memory_limiter_refused";
    case DropCause::kEnqueueFailed: return "enqueue_failed";
    case DropCause::kRetryExhausted: return "retry_exhausted";
    case DropCause::kCrashLost: return "crash_lost";
    case DropCause::kDroppedTooEarly: return "dropped_too_early";
    case DropCause::kTailSampledOut: return "tail_sampled_out";
    case DropCause::kStorageRejected: return "storage_rejected";
    case DropCause::kCount: break;
  }
  return "unknown";
}

std::string_view StageName(Stage stage) {
  switch (stage) {
    case Stage::kSdkProcessor: return "sdk_processor";
    case Stage::kSdkExporter: return "sdk_exporter";
    case Stage::kCollectorReceiver: return "collector_receiver";
    case Stage::kCollectorProcessor: return "collector_processor";
    case Stage::kCollectorExporter: return "collector_exporter";
    case Stage::kNetwork: return "network";
    case Stage::kStorage: return "storage";
    case Stage::kCount: break;
  }
  return "unknown";
}

}  // namespace tracesim::pipeline
