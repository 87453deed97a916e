// The SDK of one simulated service as the calibration paths run it: a Tracer
// with the AlwaysOn sampler and, optionally, a BatchSpanProcessor (default
// OTel options) behind it, plus the BSP's driver (sim/'s SDK exporter actor,
// with exports that finish at once).
//
// Thread-safety: not thread-safe. Not movable (the tracer points into it).
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "tracesim/pipeline/batch_span_processor.h"
#include "tracesim/pipeline/drop_observer.h"
#include "tracesim/pipeline/id_generator.h"
#include "tracesim/pipeline/random.h"
#include "tracesim/pipeline/sampler.h"
#include "tracesim/pipeline/samplers.h"
#include "tracesim/pipeline/span.h"
#include "tracesim/pipeline/tracer.h"
#include "tracesim/time.h"

namespace tracesim::calibrate::internal {

struct TracerRig {
  explicit TracerRig(bool with_bsp)
      : sampler(pipeline::MakeAlwaysOnSampler()),
        ids(pipeline::Rng(0x5eed)),
        tracer(/*service=*/1, sampler.get(), &ids,
               with_bsp ? &bsp.emplace(pipeline::BatchSpanProcessorOptions{}, &drops, kTimeZero) : nullptr) {}
  TracerRig(const TracerRig&) = delete;
  TracerRig& operator=(const TracerRig&) = delete;

  // The exporter's loop at `now`: while an export is due, take the batch and
  // report the export done (the batch goes to `taken`).
  void Drive(TimePoint now) {
    while (bsp->ExportDue(now)) {
      taken.push_back(bsp->TakeBatch(now));
      bsp->OnExportDone(now);
    }
  }
  // Drive() only when OnEnd asked for an export (the cheap check sim/ makes
  // after every span end).
  void DriveIfRequested(TimePoint now) {
    if (bsp->export_requested()) Drive(now);
  }

  std::unique_ptr<pipeline::Sampler> sampler;
  pipeline::IdGenerator ids;
  pipeline::CountingDropObserver drops;
  std::optional<pipeline::BatchSpanProcessor> bsp;
  pipeline::Tracer tracer;
  std::vector<std::vector<pipeline::SpanData>> taken;  // exported batches, disposed of untimed
  TimePoint now = kTimeZero;
};

}  // namespace tracesim::calibrate::internal
