#include "tracesim/calibrate/calibration.h"

#include <map>
#include <memory>
#include <utility>

#include "tracesim/calibrate/collector_paths.h"
#include "tracesim/calibrate/sdk_paths.h"

namespace tracesim::calibrate {
namespace {

constexpr const char* kAlwaysOnKey = "always_on_decision_ns";
constexpr const char* kLifecycleKey = "span_lifecycle_ns";

struct PathSpec {
  const char* key;
  const char* code_path;
  std::function<std::unique_ptr<CostPath>(const CalibrationOptions&)> make;
};

std::vector<PathSpec> Paths() {
  return {
      {"span_start_ns", "Tracer::StartSpan, root + child per handler (AlwaysOn, BSP behind)",
       [](const CalibrationOptions&) { return std::make_unique<SpanStartPath>(); }},
      {"span_end_ns", "Tracer::EndSpan (no processor behind: the hand-off is bsp_enqueue_ns)",
       [](const CalibrationOptions&) { return std::make_unique<SpanEndPath>(); }},
      {"sampler_decision_ns", "Sampler::ShouldSample (scenario default sampler), root/remote/local parents",
       [](const CalibrationOptions& o) { return std::make_unique<SamplerDecisionPath>(o.sampler); }},
      {kAlwaysOnKey, "Sampler::ShouldSample (always_on), subtracted from span_start_ns",
       [](const CalibrationOptions&) {
         pipeline::HeadSamplerConfig c;
         c.type = "always_on";
         return std::make_unique<SamplerDecisionPath>(c);
       }},
      {"attribute_set_ns", "Span::SetAttribute, 4 distinct keys per recording span",
       [](const CalibrationOptions&) { return std::make_unique<AttributeSetPath>(); }},
      {"bsp_enqueue_ns", "BatchSpanProcessor::OnEnd + TakeBatch/OnExportDone every 512 spans",
       [](const CalibrationOptions&) { return std::make_unique<BspEnqueuePath>(); }},
      {"export_serialize_per_span_ns", "EncodeSpans (span codec, OTLP stand-in), 512-span batches",
       [](const CalibrationOptions&) { return std::make_unique<ExportSerializePath>(); }},
      {"collector_receive_per_span_ns", "DecodeSpans (span codec, OTLP stand-in), 512-span requests",
       [](const CalibrationOptions&) { return std::make_unique<CollectorReceivePath>(); }},
      {"collector_batch_per_span_ns", "BatchProcessor::Add (+ OnTimer), 512-span requests, default options",
       [](const CalibrationOptions&) { return std::make_unique<CollectorBatchPath>(); }},
      {"collector_export_per_span_ns", "EncodeSpans (span codec, OTLP stand-in), 8192-span batches",
       [](const CalibrationOptions&) { return std::make_unique<CollectorExportPath>(); }},
      {"store_insert_per_span_ns", "SpanStore::AppendBatch, 8192-span batches, block cuts included",
       [](const CalibrationOptions&) { return std::make_unique<StoreInsertPath>(); }},
      {"store_lookup_ns", "SpanStore::FindTrace of a present trace, 2^18-span store",
       [](const CalibrationOptions&) { return std::make_unique<StoreLookupPath>(); }},
      {"store_search_per_span_ns",
       "SpanStore::SearchTraces (service, min duration, last minute, limit 20) / spans in a 2^18-span store",
       [](const CalibrationOptions&) { return std::make_unique<StoreSearchPath>(); }},
      {kLifecycleKey, "Tracer::StartSpan + EndSpan per handler, root + child, AlwaysOn, BSP behind",
       [](const CalibrationOptions&) { return std::make_unique<SpanLifecyclePath>(); }},
  };
}

// `total - part`, which must stay positive.
StatusOr<double> Difference(const char* field, double total, const char* total_what, double part,
                            const char* part_what) {
  const double d = total - part;
  if (!(d > 0)) {
    return Status::FailedPrecondition(
        std::string(field) + ": " + total_what + " measured " + std::to_string(total) +
        " ns, not more than " + part_what + " (" + std::to_string(part) +
        " ns): the measurements are too noisy; calibrate on a quieter machine or with more repetitions");
  }
  return d;
}

}  // namespace

CalibrationOptions QuickCalibrationOptions() {
  CalibrationOptions o;
  o.measure.ops_per_run = 4096;
  o.measure.repetitions = 5;
  o.measure.warmup_runs = 1;
  return o;
}

const PathFigure* FindPath(const Calibration& c, std::string_view key) {
  for (const PathFigure& p : c.paths) {
    if (p.key == key) return &p;
  }
  return nullptr;
}

StatusOr<Calibration> Calibrate(const CalibrationOptions& options,
                                const std::function<void(std::string_view key)>& progress) {
  if (options.profile_name.empty()) return Status::InvalidArgument("profile name: expected a non-empty name");
  if (Status st = ValidateMeasureOptions(options.measure); !st.ok()) return st;
  if (Status st = pipeline::ValidateHeadSamplerConfig(options.sampler); !st.ok()) return st;

  Calibration c;
  c.measure = options.measure;
  std::map<std::string, double> median;
  for (const PathSpec& spec : Paths()) {
    if (progress) progress(spec.key);
    std::unique_ptr<CostPath> path = spec.make(options);
    if (Status st = path->status(); !st.ok())
      return Status(st.code(), std::string(spec.key) + ": " + st.message());
    StatusOr<Measurement> m = Measure(*path, options.measure);
    if (!m.ok()) return Status(m.status().code(), std::string(spec.key) + ": " + m.status().message());
    median[spec.key] = m->median_ns_per_op;
    c.paths.push_back(PathFigure{spec.key, spec.code_path, std::move(m).value()});
  }

  scenario::CostProfile& p = c.profile;
  p.name = options.profile_name;
  p.reference_flops = 1e9;
  StatusOr<double> start = Difference("span_start_ns", median["span_start_ns"], "StartSpan",
                                      median[kAlwaysOnKey], "the AlwaysOn decision it makes");
  if (!start.ok()) return start.status();
  p.span_start_ns = *start;
  p.span_end_ns = median["span_end_ns"];
  p.sampler_decision_ns = median["sampler_decision_ns"];
  p.attribute_set_ns = median["attribute_set_ns"];
  p.bsp_enqueue_ns = median["bsp_enqueue_ns"];
  p.export_serialize_per_span_ns = median["export_serialize_per_span_ns"];
  p.collector_receive_per_span_ns = median["collector_receive_per_span_ns"];
  p.collector_batch_per_span_ns = median["collector_batch_per_span_ns"];
  p.collector_export_per_span_ns = median["collector_export_per_span_ns"];
  p.store_insert_per_span_ns = median["store_insert_per_span_ns"];
  p.store_lookup_ns = median["store_lookup_ns"];
  p.store_search_per_span_ns = median["store_search_per_span_ns"];
  return c;
}

}  // namespace tracesim::calibrate
