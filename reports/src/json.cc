// results.json (schema tracesim.results/v1): writer and parser. The layout is
// documented field by field in docs/results-schema.md; keep the two in sync.
#include <cmath>
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "json_internal.h"
#include "trace_causes.h"
#include "tracesim/pipeline/drop_observer.h"
#include "tracesim/reports/writers.h"

namespace tracesim::reports {
namespace {

using Json = nlohmann::ordered_json;

// Non-finite doubles are written as null (JSON has no NaN/inf) and read back as NaN.
Json Number(double v) { return internal::JsonNumber(v); }

Json LatencyToJson(const LatencySummary& l) {
  Json j = Json::object();
  j["count"] = l.count;
  j["mean_ms"] = Number(l.mean_ms);
  j["p50_ms"] = Number(l.p50_ms);
  j["p90_ms"] = Number(l.p90_ms);
  j["p99_ms"] = Number(l.p99_ms);
  j["max_ms"] = Number(l.max_ms);
  return j;
}

// Every known cause, in DropCause order (zero when absent), then any other
// key of the map in key order.
Json DroppedToJson(const std::map<std::string, uint64_t>& dropped) {
  Json j = Json::object();
  for (int c = 0; c < static_cast<int>(pipeline::DropCause::kCount); ++c) {
    const std::string name(pipeline::DropCauseName(static_cast<pipeline::DropCause>(c)));
    auto it = dropped.find(name);
    j[name] = it == dropped.end() ? uint64_t{0} : it->second;
  }
  for (const auto& [cause, spans] : dropped) {
    if (!j.contains(cause)) j[cause] = spans;
  }
  return j;
}

// Why broken traces miss spans: every drop cause in DropCause order, then the
// two trace-level causes, each zero when absent, then any other key of the map
// in key order.
Json BrokenByCauseToJson(const std::map<std::string, uint64_t>& broken) {
  Json j = Json::object();
  auto put = [&](const std::string& cause) {
    auto it = broken.find(cause);
    j[cause] = it == broken.end() ? uint64_t{0} : it->second;
  };
  for (int c = 0; c < static_cast<int>(pipeline::DropCause::kCount); ++c) {
    put(std::string(pipeline::DropCauseName(static_cast<pipeline::DropCause>(c))));
  }
  put(internal::kBrokenReroutedSplitTrace);
  put(internal::kBrokenInFlight);
  put(internal::kBrokenUnsampledSpan);
  for (const auto& [cause, traces] : broken) {
    if (!j.contains(cause)) j[cause] = traces;
  }
  return j;
}

Json RedFiguresToJson(double rate_per_s, double error_rate, double p50_ms, double p99_ms) {
  Json j = Json::object();
  j["rate_per_s"] = Number(rate_per_s);
  j["error_rate"] = Number(error_rate);
  j["p50_ms"] = Number(p50_ms);
  j["p99_ms"] = Number(p99_ms);
  return j;
}

Json SamplingToJson(const SamplingQuality& s) {
  Json j = Json::object();
  j["error_traces"] = s.error_traces;
  j["error_traces_kept"] = s.error_traces_kept;
  j["error_traces_kept_fraction"] = Number(s.error_traces_kept_fraction);
  j["slow_threshold_ms"] = Number(s.slow_threshold_ms);
  j["slow_traces"] = s.slow_traces;
  j["slow_traces_kept"] = s.slow_traces_kept;
  j["slow_traces_kept_fraction"] = Number(s.slow_traces_kept_fraction);
  j["operations"] = s.operations;
  j["operations_covered"] = s.operations_covered;
  j["services"] = s.services;
  j["services_covered"] = s.services_covered;
  j["bytes_stored"] = s.bytes_stored;
  j["bytes_per_kept_trace"] = Number(s.bytes_per_kept_trace);
  Json red = Json::array();
  for (const ServiceRed& m : s.red) {
    Json e = Json::object();
    e["service"] = m.service;
    e["true"] = RedFiguresToJson(m.true_rate_per_s, m.true_error_rate, m.true_p50_ms, m.true_p99_ms);
    e["estimated"] = RedFiguresToJson(m.est_rate_per_s, m.est_error_rate, m.est_p50_ms, m.est_p99_ms);
    e["rate_rel_error"] = Number(m.rate_rel_error);
    e["error_rate_abs_error"] = Number(m.error_rate_abs_error);
    e["p50_rel_error"] = Number(m.p50_rel_error);
    e["p99_rel_error"] = Number(m.p99_rel_error);
    red.push_back(std::move(e));
  }
  j["red"] = std::move(red);
  return j;
}

Json CollectorsToJson(const std::vector<CollectorTierStats>& tiers) {
  Json j = Json::array();
  for (const CollectorTierStats& t : tiers) {
    Json e = Json::object();
    e["name"] = t.name;
    e["hosts"] = t.hosts;
    e["cpu_s"] = Number(t.cpu_s);
    e["peak_held_spans"] = t.peak_held_spans;
    e["peak_held_bytes"] = t.peak_held_bytes;
    e["refused_spans"] = t.refused_spans;
    j.push_back(std::move(e));
  }
  return j;
}

Json SaturationToJson(const std::vector<SaturationEvent>& events) {
  Json j = Json::array();
  for (const SaturationEvent& s : events) {
    Json e = Json::object();
    e["component"] = s.component;
    e["what"] = s.what;
    e["at_s"] = Number(s.at_s);
    j.push_back(std::move(e));
  }
  return j;
}

Json TimeSeriesToJson(const std::vector<TimeSample>& samples) {
  Json j = Json::object();
  if (samples.size() >= 2) j["period_s"] = Number(samples[1].t_s - samples[0].t_s);
  Json t = Json::array(), generated = Json::array(), stored = Json::array(), dropped = Json::array(),
       in_flight = Json::array(), sdk_queue = Json::array(), collector = Json::array(),
       requests = Json::array(), traces_sampled = Json::array();
  for (const TimeSample& s : samples) {
    t.push_back(Number(s.t_s));
    generated.push_back(s.spans_generated);
    stored.push_back(s.spans_stored);
    dropped.push_back(s.spans_dropped);
    in_flight.push_back(s.in_flight);
    sdk_queue.push_back(s.sdk_queue_spans);
    collector.push_back(s.collector_buffered_spans);
    requests.push_back(s.requests_completed);
    traces_sampled.push_back(s.traces_sampled);
  }
  j["t_s"] = std::move(t);
  j["spans_generated"] = std::move(generated);
  j["spans_stored"] = std::move(stored);
  j["spans_dropped"] = std::move(dropped);
  j["in_flight"] = std::move(in_flight);
  j["sdk_queue_spans"] = std::move(sdk_queue);
  j["collector_buffered_spans"] = std::move(collector);
  j["requests_completed"] = std::move(requests);
  j["traces_sampled"] = std::move(traces_sampled);
  return j;
}

Json ResultsToJson(const Results& r) {
  Json j = Json::object();
  j["schema"] = kResultsSchema;
  j["scenario"] = {
      {"name", r.scenario_name}, {"source", r.scenario_source}, {"seed", r.seed}, {"fidelity", r.fidelity}};
  j["tracing"] = {{"enabled", r.tracing_enabled}, {"sampler", r.sampler}};
  j["simulated_seconds"] = Number(r.simulated_seconds);

  Json spans = Json::object();
  spans["generated"] = r.spans.generated;
  spans["sampled_out"] = r.spans.sampled_out;
  spans["stored"] = r.spans.stored;
  spans["in_flight"] = r.spans.in_flight;
  spans["dropped"] = DroppedToJson(r.spans.dropped);
  spans["dropped_total"] = r.spans.dropped_total();
  spans["ledger"] = {{"balanced", r.spans.balanced()}, {"imbalance", r.spans.imbalance}};
  j["spans"] = std::move(spans);

  Json traces = Json::object();
  traces["generated"] = r.traces.generated;
  traces["sampled"] = r.traces.sampled;
  traces["kept"] = r.traces.kept;
  traces["complete"] = r.traces.complete;
  traces["incomplete"] = r.traces.incomplete;
  traces["broken"] = r.traces.broken;
  traces["broken_by_cause"] = BrokenByCauseToJson(r.traces.broken_by_cause);
  j["traces"] = std::move(traces);
  j["requests"] = {
      {"started", r.requests.started}, {"completed", r.requests.completed}, {"failed", r.requests.failed}};
  j["latency"] = {{"request", LatencyToJson(r.request_latency)},
                  {"span_delivery", LatencyToJson(r.span_delivery_latency)}};

  Json overhead = Json::object();
  overhead["measured"] = r.overhead.measured;
  overhead["request_latency_p50_pct"] = Number(r.overhead.request_latency_p50_pct);
  overhead["request_latency_p99_pct"] = Number(r.overhead.request_latency_p99_pct);
  overhead["cpu_pct"] = Number(r.overhead.cpu_pct);
  overhead["baseline"] = {{"request_p50_ms", Number(r.overhead.baseline_request_p50_ms)},
                          {"request_p99_ms", Number(r.overhead.baseline_request_p99_ms)},
                          {"service_cpu_s", Number(r.overhead.baseline_service_cpu_s)}};
  j["overhead"] = std::move(overhead);

  j["cpu"] = {{"service_s", Number(r.cpu.service_cpu_s)},
              {"tracing_s", Number(r.cpu.tracing_cpu_s)},
              {"collector_s", Number(r.cpu.collector_cpu_s)},
              {"storage_s", Number(r.cpu.storage_cpu_s)}};
  j["sampling"] = SamplingToJson(r.sampling);
  j["collectors"] = CollectorsToJson(r.collectors);
  j["storage"] = {{"nodes", r.storage.nodes},
                  {"disk",
                   {{"wal_bytes", r.storage.disk_wal_bytes},
                    {"block_bytes", r.storage.disk_block_bytes},
                    {"read_bytes", r.storage.disk_read_bytes}}},
                  {"queries",
                   {{"lookups", r.storage.lookups},
                    {"lookups_failed", r.storage.lookups_failed},
                    {"lookups_complete", r.storage.lookups_complete},
                    {"lookup_latency", LatencyToJson(r.storage.lookup_latency)},
                    {"searches", r.storage.searches},
                    {"searches_failed", r.storage.searches_failed},
                    {"search_latency", LatencyToJson(r.storage.search_latency)}}}};
  j["saturation"] = SaturationToJson(r.saturation);

  Json timeline = Json::array();
  for (const TimelineEvent& e : r.timeline) {
    Json ev = Json::object();
    ev["type"] = e.type;
    ev["target"] = e.target;
    ev["start_s"] = Number(e.start_s);
    ev["end_s"] = e.end_s < 0 ? Json(nullptr) : Number(e.end_s);
    timeline.push_back(std::move(ev));
  }
  j["timeline"] = std::move(timeline);
  j["timeseries"] = TimeSeriesToJson(r.timeseries);
  j["run"] = {{"wall_seconds", Number(r.run.wall_seconds)},
              {"simulated_spans_per_wall_second", Number(r.run.simulated_spans_per_wall_second)},
              {"tracesim_version", r.run.tracesim_version}};
  return j;
}

bool IsScalar(const Json& j) { return !j.is_object() && !j.is_array(); }

// Invalid UTF-8 in a string (e.g. a scenario name) becomes U+FFFD instead of throwing.
std::string Dump(const Json& scalar) { return scalar.dump(-1, ' ', false, Json::error_handler_t::replace); }

// Pretty printer with a 2-space indent; arrays of scalars (the time-series
// columns) stay on one line. Scalars use nlohmann's dump: strings escaped,
// doubles in the shortest form that parses back to the same value.
void Print(const Json& j, int indent, std::string& out) {
  const std::string pad(static_cast<size_t>(indent) + 2, ' ');
  if (j.is_object()) {
    if (j.empty()) {
      out += "{}";
      return;
    }
    out += "{\n";
    bool first = true;
    for (const auto& [key, value] : j.items()) {
      if (!first) out += ",\n";
      first = false;
      out += pad;
      out += Dump(Json(key));
      out += ": ";
      Print(value, indent + 2, out);
    }
    out += "\n" + std::string(static_cast<size_t>(indent), ' ') + "}";
  } else if (j.is_array()) {
    bool all_scalar = true;
    for (const Json& e : j) all_scalar = all_scalar && IsScalar(e);
    if (j.empty() || all_scalar) {
      out += "[";
      bool first = true;
      for (const Json& e : j) {
        if (!first) out += ", ";
        first = false;
        out += Dump(e);
      }
      out += "]";
      return;
    }
    out += "[\n";
    bool first = true;
    for (const Json& e : j) {
      if (!first) out += ",\n";
      first = false;
      out += pad;
      Print(e, indent + 2, out);
    }
    out += "\n" + std::string(static_cast<size_t>(indent), ' ') + "]";
  } else {
    out += Dump(j);
  }
}

// ---- parsing ----

class Parser {
 public:
  explicit Parser(std::string source) : source_(std::move(source)) {}

  Status Error(const std::string& path, const std::string& what) const {
    return Status::InvalidArgument(source_ + ": " + path + ": " + what);
  }

  static std::string Join(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
  }

  Status Field(const Json& obj, const std::string& path, std::string_view key, const Json** out) const {
    auto it = obj.find(std::string(key));
    if (it == obj.end()) return Error(Join(path, key), "missing");
    *out = &*it;
    return Status::Ok();
  }

  Status Object(const Json& obj, const std::string& path, std::string_view key, const Json** out) const {
    if (Status s = Field(obj, path, key, out); !s.ok()) return s;
    if (!(*out)->is_object()) return Error(Join(path, key), "expected an object");
    return Status::Ok();
  }

  Status Array(const Json& obj, const std::string& path, std::string_view key, const Json** out) const {
    if (Status s = Field(obj, path, key, out); !s.ok()) return s;
    if (!(*out)->is_array()) return Error(Join(path, key), "expected an array");
    return Status::Ok();
  }

  Status U64Value(const Json& v, const std::string& path, uint64_t* out) const {
    if (!v.is_number_unsigned()) return Error(path, "expected an unsigned integer");
    *out = v.get<uint64_t>();
    return Status::Ok();
  }

  Status U64(const Json& obj, const std::string& path, std::string_view key, uint64_t* out) const {
    const Json* v = nullptr;
    if (Status s = Field(obj, path, key, &v); !s.ok()) return s;
    return U64Value(*v, Join(path, key), out);
  }

  Status I64(const Json& obj, const std::string& path, std::string_view key, int64_t* out) const {
    const Json* v = nullptr;
    if (Status s = Field(obj, path, key, &v); !s.ok()) return s;
    if (v->is_number_integer() && !v->is_number_unsigned()) {
      *out = v->get<int64_t>();
      return Status::Ok();
    }
    if (v->is_number_unsigned() &&
        v->get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      *out = static_cast<int64_t>(v->get<uint64_t>());
      return Status::Ok();
    }
    return Error(Join(path, key), "expected a signed 64-bit integer");
  }

  // A non-negative integer that fits an int (CollectorTierStats::hosts).
  Status NonNegativeInt(const Json& obj, const std::string& path, std::string_view key, int* out) const {
    const Json* v = nullptr;
    if (Status s = Field(obj, path, key, &v); !s.ok()) return s;
    if (!v->is_number_unsigned() ||
        v->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int>::max())) {
      return Error(Join(path, key), "expected an unsigned integer below 2^31");
    }
    *out = static_cast<int>(v->get<uint64_t>());
    return Status::Ok();
  }

  // A number, or null (a non-finite value) which reads as NaN.
  Status DoubleValue(const Json& v, const std::string& path, double* out) const {
    if (v.is_null()) {
      *out = std::numeric_limits<double>::quiet_NaN();
      return Status::Ok();
    }
    if (!v.is_number()) return Error(path, "expected a number or null");
    *out = v.get<double>();
    return Status::Ok();
  }

  Status Double(const Json& obj, const std::string& path, std::string_view key, double* out) const {
    const Json* v = nullptr;
    if (Status s = Field(obj, path, key, &v); !s.ok()) return s;
    return DoubleValue(*v, Join(path, key), out);
  }

  Status Bool(const Json& obj, const std::string& path, std::string_view key, bool* out) const {
    const Json* v = nullptr;
    if (Status s = Field(obj, path, key, &v); !s.ok()) return s;
    if (!v->is_boolean()) return Error(Join(path, key), "expected true or false");
    *out = v->get<bool>();
    return Status::Ok();
  }

  Status String(const Json& obj, const std::string& path, std::string_view key, std::string* out) const {
    const Json* v = nullptr;
    if (Status s = Field(obj, path, key, &v); !s.ok()) return s;
    if (!v->is_string()) return Error(Join(path, key), "expected a string");
    *out = v->get<std::string>();
    return Status::Ok();
  }

  StatusOr<Results> Parse(const std::string& text) const;

 private:
  Status ParseLatency(const Json& parent, const std::string& parent_path, const std::string& key,
                      LatencySummary* out) const;
  Status ParseStorage(const Json& root, StorageStats* out) const;
  Status ParseSpans(const Json& root, SpanLedger* out) const;
  Status ParseTraces(const Json& root, TraceCounts* out) const;
  Status ParseRedFigures(const Json& entry, const std::string& path, std::string_view key, double* rate_per_s,
                         double* error_rate, double* p50_ms, double* p99_ms) const;
  Status ParseSampling(const Json& root, SamplingQuality* out) const;
  Status ParseCollectors(const Json& root, std::vector<CollectorTierStats>* out) const;
  Status ParseSaturation(const Json& root, std::vector<SaturationEvent>* out) const;
  Status ParseTimeline(const Json& root, std::vector<TimelineEvent>* out) const;
  Status ParseTimeSeries(const Json& root, std::vector<TimeSample>* out) const;

  std::string source_;
};

#define TRACESIM_RETURN_IF_ERROR(expr)                       \
  do {                                                       \
    if (::tracesim::Status _s = (expr); !_s.ok()) return _s; \
  } while (0)

Status Parser::ParseLatency(const Json& parent, const std::string& parent_path, const std::string& key,
                            LatencySummary* out) const {
  const Json* obj = nullptr;
  TRACESIM_RETURN_IF_ERROR(Object(parent, parent_path, key, &obj));
  const std::string p = Join(parent_path, key);
  TRACESIM_RETURN_IF_ERROR(U64(*obj, p, "count", &out->count));
  TRACESIM_RETURN_IF_ERROR(Double(*obj, p, "mean_ms", &out->mean_ms));
  TRACESIM_RETURN_IF_ERROR(Double(*obj, p, "p50_ms", &out->p50_ms));
  TRACESIM_RETURN_IF_ERROR(Double(*obj, p, "p90_ms", &out->p90_ms));
  TRACESIM_RETURN_IF_ERROR(Double(*obj, p, "p99_ms", &out->p99_ms));
  TRACESIM_RETURN_IF_ERROR(Double(*obj, p, "max_ms", &out->max_ms));
  return Status::Ok();
}

Status Parser::ParseSpans(const Json& root, SpanLedger* out) const {
  const Json* spans = nullptr;
  TRACESIM_RETURN_IF_ERROR(Object(root, "", "spans", &spans));
  TRACESIM_RETURN_IF_ERROR(U64(*spans, "spans", "generated", &out->generated));
  TRACESIM_RETURN_IF_ERROR(U64(*spans, "spans", "sampled_out", &out->sampled_out));
  TRACESIM_RETURN_IF_ERROR(U64(*spans, "spans", "stored", &out->stored));
  TRACESIM_RETURN_IF_ERROR(U64(*spans, "spans", "in_flight", &out->in_flight));
  const Json* dropped = nullptr;
  TRACESIM_RETURN_IF_ERROR(Object(*spans, "spans", "dropped", &dropped));
  out->dropped.clear();
  for (const auto& [cause, value] : dropped->items()) {
    uint64_t n = 0;
    TRACESIM_RETURN_IF_ERROR(U64Value(value, "spans.dropped." + cause, &n));
    out->dropped[cause] = n;
  }
  uint64_t dropped_total = 0;
  TRACESIM_RETURN_IF_ERROR(U64(*spans, "spans", "dropped_total", &dropped_total));
  if (dropped_total != out->dropped_total()) {
    return Error("spans.dropped_total", std::to_string(dropped_total) + " is not the sum of spans.dropped (" +
                                            std::to_string(out->dropped_total()) + ")");
  }
  const Json* ledger = nullptr;
  TRACESIM_RETURN_IF_ERROR(Object(*spans, "spans", "ledger", &ledger));
  TRACESIM_RETURN_IF_ERROR(I64(*ledger, "spans.ledger", "imbalance", &out->imbalance));
  bool balanced = false;
  TRACESIM_RETURN_IF_ERROR(Bool(*ledger, "spans.ledger", "balanced", &balanced));
  if (balanced != out->balanced()) {
    return Error("spans.ledger.balanced", std::string(balanced ? "true" : "false") +
                                              " contradicts spans.ledger.imbalance " +
                                              std::to_string(out->imbalance));
  }
  return Status::Ok();
}

Status Parser::ParseTraces(const Json& root, TraceCounts* out) const {
  const Json* traces = nullptr;
  TRACESIM_RETURN_IF_ERROR(Object(root, "", "traces", &traces));
  TRACESIM_RETURN_IF_ERROR(U64(*traces, "traces", "generated", &out->generated));
  TRACESIM_RETURN_IF_ERROR(U64(*traces, "traces", "sampled", &out->sampled));
  TRACESIM_RETURN_IF_ERROR(U64(*traces, "traces", "kept", &out->kept));
  TRACESIM_RETURN_IF_ERROR(U64(*traces, "traces", "complete", &out->complete));
  TRACESIM_RETURN_IF_ERROR(U64(*traces, "traces", "incomplete", &out->incomplete));
  TRACESIM_RETURN_IF_ERROR(U64(*traces, "traces", "broken", &out->broken));
  const Json* by_cause = nullptr;
  TRACESIM_RETURN_IF_ERROR(Object(*traces, "traces", "broken_by_cause", &by_cause));
  out->broken_by_cause.clear();
  for (const auto& [cause, value] : by_cause->items()) {
    uint64_t n = 0;
    TRACESIM_RETURN_IF_ERROR(U64Value(value, "traces.broken_by_cause." + cause, &n));
    out->broken_by_cause[cause] = n;
  }
  return Status::Ok();
}

Status Parser::ParseRedFigures(const Json& entry, const std::string& path, std::string_view key,
                               double* rate_per_s, double* error_rate, double* p50_ms, double* p99_ms) const {
  const Json* obj = nullptr;
  TRACESIM_RETURN_IF_ERROR(Object(entry, path, key, &obj));
  const std::string p = Join(path, key);
  TRACESIM_RETURN_IF_ERROR(Double(*obj, p, "rate_per_s", rate_per_s));
  TRACESIM_RETURN_IF_ERROR(Double(*obj, p, "error_rate", error_rate));
  TRACESIM_RETURN_IF_ERROR(Double(*obj, p, "p50_ms", p50_ms));
  TRACESIM_RETURN_IF_ERROR(Double(*obj, p, "p99_ms", p99_ms));
  return Status::Ok();
}

Status Parser::ParseSampling(const Json& root, SamplingQuality* out) const {
  const Json* s = nullptr;
  TRACESIM_RETURN_IF_ERROR(Object(root, "", "sampling", &s));
  const std::string p = "sampling";
  TRACESIM_RETURN_IF_ERROR(U64(*s, p, "error_traces", &out->error_traces));
  TRACESIM_RETURN_IF_ERROR(U64(*s, p, "error_traces_kept", &out->error_traces_kept));
  TRACESIM_RETURN_IF_ERROR(Double(*s, p, "error_traces_kept_fraction", &out->error_traces_kept_fraction));
  TRACESIM_RETURN_IF_ERROR(Double(*s, p, "slow_threshold_ms", &out->slow_threshold_ms));
  TRACESIM_RETURN_IF_ERROR(U64(*s, p, "slow_traces", &out->slow_traces));
  TRACESIM_RETURN_IF_ERROR(U64(*s, p, "slow_traces_kept", &out->slow_traces_kept));
  TRACESIM_RETURN_IF_ERROR(Double(*s, p, "slow_traces_kept_fraction", &out->slow_traces_kept_fraction));
  TRACESIM_RETURN_IF_ERROR(U64(*s, p, "operations", &out->operations));
  TRACESIM_RETURN_IF_ERROR(U64(*s, p, "operations_covered", &out->operations_covered));
  TRACESIM_RETURN_IF_ERROR(U64(*s, p, "services", &out->services));
  TRACESIM_RETURN_IF_ERROR(U64(*s, p, "services_covered", &out->services_covered));
  TRACESIM_RETURN_IF_ERROR(U64(*s, p, "bytes_stored", &out->bytes_stored));
  TRACESIM_RETURN_IF_ERROR(Double(*s, p, "bytes_per_kept_trace", &out->bytes_per_kept_trace));
  const Json* red = nullptr;
  TRACESIM_RETURN_IF_ERROR(Array(*s, p, "red", &red));
  out->red.clear();
  for (size_t i = 0; i < red->size(); ++i) {
    const Json& e = (*red)[i];
    const std::string ep = "sampling.red[" + std::to_string(i) + "]";
    if (!e.is_object()) return Error(ep, "expected an object");
    ServiceRed m;
    TRACESIM_RETURN_IF_ERROR(String(e, ep, "service", &m.service));
    TRACESIM_RETURN_IF_ERROR(ParseRedFigures(e, ep, "true", &m.true_rate_per_s, &m.true_error_rate,
                                             &m.true_p50_ms, &m.true_p99_ms));
    TRACESIM_RETURN_IF_ERROR(ParseRedFigures(e, ep, "estimated", &m.est_rate_per_s, &m.est_error_rate,
                                             &m.est_p50_ms, &m.est_p99_ms));
    TRACESIM_RETURN_IF_ERROR(Double(e, ep, "rate_rel_error", &m.rate_rel_error));
    TRACESIM_RETURN_IF_ERROR(Double(e, ep, "error_rate_abs_error", &m.error_rate_abs_error));
    TRACESIM_RETURN_IF_ERROR(Double(e, ep, "p50_rel_error", &m.p50_rel_error));
    TRACESIM_RETURN_IF_ERROR(Double(e, ep, "p99_rel_error", &m.p99_rel_error));
    out->red.push_back(std::move(m));
  }
  return Status::Ok();
}

Status Parser::ParseCollectors(const Json& root, std::vector<CollectorTierStats>* out) const {
  const Json* tiers = nullptr;
  TRACESIM_RETURN_IF_ERROR(Array(root, "", "collectors", &tiers));
  out->clear();
  for (size_t i = 0; i < tiers->size(); ++i) {
    const Json& e = (*tiers)[i];
    const std::string p = "collectors[" + std::to_string(i) + "]";
    if (!e.is_object()) return Error(p, "expected an object");
    CollectorTierStats t;
    TRACESIM_RETURN_IF_ERROR(String(e, p, "name", &t.name));
    TRACESIM_RETURN_IF_ERROR(NonNegativeInt(e, p, "hosts", &t.hosts));
    TRACESIM_RETURN_IF_ERROR(Double(e, p, "cpu_s", &t.cpu_s));
    TRACESIM_RETURN_IF_ERROR(U64(e, p, "peak_held_spans", &t.peak_held_spans));
    TRACESIM_RETURN_IF_ERROR(U64(e, p, "peak_held_bytes", &t.peak_held_bytes));
    TRACESIM_RETURN_IF_ERROR(U64(e, p, "refused_spans", &t.refused_spans));
    out->push_back(std::move(t));
  }
  return Status::Ok();
}

Status Parser::ParseStorage(const Json& root, StorageStats* out) const {
  const Json* st = nullptr;
  const Json* disk = nullptr;
  const Json* q = nullptr;
  // Added to v1 later: results written before it have no `storage`.
  if (!root.contains("storage")) return Status::Ok();
  TRACESIM_RETURN_IF_ERROR(Object(root, "", "storage", &st));
  TRACESIM_RETURN_IF_ERROR(NonNegativeInt(*st, "storage", "nodes", &out->nodes));
  TRACESIM_RETURN_IF_ERROR(Object(*st, "storage", "disk", &disk));
  TRACESIM_RETURN_IF_ERROR(U64(*disk, "storage.disk", "wal_bytes", &out->disk_wal_bytes));
  TRACESIM_RETURN_IF_ERROR(U64(*disk, "storage.disk", "block_bytes", &out->disk_block_bytes));
  TRACESIM_RETURN_IF_ERROR(U64(*disk, "storage.disk", "read_bytes", &out->disk_read_bytes));
  TRACESIM_RETURN_IF_ERROR(Object(*st, "storage", "queries", &q));
  const std::string p = "storage.queries";
  TRACESIM_RETURN_IF_ERROR(U64(*q, p, "lookups", &out->lookups));
  TRACESIM_RETURN_IF_ERROR(U64(*q, p, "lookups_failed", &out->lookups_failed));
  TRACESIM_RETURN_IF_ERROR(U64(*q, p, "lookups_complete", &out->lookups_complete));
  TRACESIM_RETURN_IF_ERROR(ParseLatency(*q, p, "lookup_latency", &out->lookup_latency));
  TRACESIM_RETURN_IF_ERROR(U64(*q, p, "searches", &out->searches));
  TRACESIM_RETURN_IF_ERROR(U64(*q, p, "searches_failed", &out->searches_failed));
  TRACESIM_RETURN_IF_ERROR(ParseLatency(*q, p, "search_latency", &out->search_latency));
  return Status::Ok();
}

Status Parser::ParseSaturation(const Json& root, std::vector<SaturationEvent>* out) const {
  const Json* events = nullptr;
  TRACESIM_RETURN_IF_ERROR(Array(root, "", "saturation", &events));
  out->clear();
  for (size_t i = 0; i < events->size(); ++i) {
    const Json& e = (*events)[i];
    const std::string p = "saturation[" + std::to_string(i) + "]";
    if (!e.is_object()) return Error(p, "expected an object");
    SaturationEvent s;
    TRACESIM_RETURN_IF_ERROR(String(e, p, "component", &s.component));
    TRACESIM_RETURN_IF_ERROR(String(e, p, "what", &s.what));
    TRACESIM_RETURN_IF_ERROR(Double(e, p, "at_s", &s.at_s));
    out->push_back(std::move(s));
  }
  return Status::Ok();
}

Status Parser::ParseTimeline(const Json& root, std::vector<TimelineEvent>* out) const {
  const Json* timeline = nullptr;
  TRACESIM_RETURN_IF_ERROR(Array(root, "", "timeline", &timeline));
  out->clear();
  for (size_t i = 0; i < timeline->size(); ++i) {
    const Json& e = (*timeline)[i];
    const std::string p = "timeline[" + std::to_string(i) + "]";
    if (!e.is_object()) return Error(p, "expected an object");
    TimelineEvent ev;
    TRACESIM_RETURN_IF_ERROR(String(e, p, "type", &ev.type));
    TRACESIM_RETURN_IF_ERROR(String(e, p, "target", &ev.target));
    TRACESIM_RETURN_IF_ERROR(Double(e, p, "start_s", &ev.start_s));
    const Json* end = nullptr;
    TRACESIM_RETURN_IF_ERROR(Field(e, p, "end_s", &end));
    if (end->is_null()) {
      ev.end_s = -1;
    } else {
      TRACESIM_RETURN_IF_ERROR(DoubleValue(*end, p + ".end_s", &ev.end_s));
    }
    out->push_back(std::move(ev));
  }
  return Status::Ok();
}

Status Parser::ParseTimeSeries(const Json& root, std::vector<TimeSample>* out) const {
  const Json* ts = nullptr;
  TRACESIM_RETURN_IF_ERROR(Object(root, "", "timeseries", &ts));
  const Json* t = nullptr;
  TRACESIM_RETURN_IF_ERROR(Array(*ts, "timeseries", "t_s", &t));
  out->assign(t->size(), TimeSample{});
  for (size_t i = 0; i < t->size(); ++i) {
    TRACESIM_RETURN_IF_ERROR(
        DoubleValue((*t)[i], "timeseries.t_s[" + std::to_string(i) + "]", &(*out)[i].t_s));
  }
  struct Column {
    const char* name;
    uint64_t TimeSample::*field;
  };
  static const Column kColumns[] = {
      {"spans_generated", &TimeSample::spans_generated},
      {"spans_stored", &TimeSample::spans_stored},
      {"spans_dropped", &TimeSample::spans_dropped},
      {"in_flight", &TimeSample::in_flight},
      {"sdk_queue_spans", &TimeSample::sdk_queue_spans},
      {"collector_buffered_spans", &TimeSample::collector_buffered_spans},
      {"requests_completed", &TimeSample::requests_completed},
      {"traces_sampled", &TimeSample::traces_sampled},
  };
  for (const Column& c : kColumns) {
    const Json* col = nullptr;
    TRACESIM_RETURN_IF_ERROR(Array(*ts, "timeseries", c.name, &col));
    const std::string p = Join("timeseries", c.name);
    if (col->size() != t->size()) {
      return Error(p, "expected " + std::to_string(t->size()) + " values (as many as timeseries.t_s), got " +
                          std::to_string(col->size()));
    }
    for (size_t i = 0; i < col->size(); ++i) {
      TRACESIM_RETURN_IF_ERROR(U64Value((*col)[i], p + "[" + std::to_string(i) + "]", &((*out)[i].*c.field)));
    }
  }
  return Status::Ok();
}

StatusOr<Results> Parser::Parse(const std::string& text) const {
  Json root;
  try {
    root = Json::parse(text);
  } catch (const Json::parse_error& e) {
    std::string what = e.what();
    // Drop nlohmann's "[json.exception.parse_error.101] " tag.
    if (auto pos = what.find("] "); pos != std::string::npos && what.rfind("[json.exception", 0) == 0) {
      what = what.substr(pos + 2);
    }
    return Status::InvalidArgument(source_ + ": not valid JSON: " + what);
  }
  if (!root.is_object())
    return Status::InvalidArgument(source_ + ": expected a JSON object at the top level");

  Results r;
  TRACESIM_RETURN_IF_ERROR(String(root, "", "schema", &r.schema));
  if (r.schema != kResultsSchema) {
    return Error("schema", "expected \"" + std::string(kResultsSchema) + "\", got \"" + r.schema + "\"");
  }
  const Json* obj = nullptr;
  TRACESIM_RETURN_IF_ERROR(Object(root, "", "scenario", &obj));
  TRACESIM_RETURN_IF_ERROR(String(*obj, "scenario", "name", &r.scenario_name));
  TRACESIM_RETURN_IF_ERROR(String(*obj, "scenario", "source", &r.scenario_source));
  TRACESIM_RETURN_IF_ERROR(U64(*obj, "scenario", "seed", &r.seed));
  if (obj->contains("fidelity")) {  // absent in files written before fidelity modes: full
    TRACESIM_RETURN_IF_ERROR(String(*obj, "scenario", "fidelity", &r.fidelity));
    if (r.fidelity != "full" && r.fidelity != "fast") {
      return Error("scenario.fidelity", "expected \"full\" or \"fast\", got \"" + r.fidelity + "\"");
    }
  }

  TRACESIM_RETURN_IF_ERROR(Object(root, "", "tracing", &obj));
  TRACESIM_RETURN_IF_ERROR(Bool(*obj, "tracing", "enabled", &r.tracing_enabled));
  TRACESIM_RETURN_IF_ERROR(String(*obj, "tracing", "sampler", &r.sampler));

  TRACESIM_RETURN_IF_ERROR(Double(root, "", "simulated_seconds", &r.simulated_seconds));
  TRACESIM_RETURN_IF_ERROR(ParseSpans(root, &r.spans));

  TRACESIM_RETURN_IF_ERROR(ParseTraces(root, &r.traces));

  TRACESIM_RETURN_IF_ERROR(Object(root, "", "requests", &obj));
  TRACESIM_RETURN_IF_ERROR(U64(*obj, "requests", "started", &r.requests.started));
  TRACESIM_RETURN_IF_ERROR(U64(*obj, "requests", "completed", &r.requests.completed));
  TRACESIM_RETURN_IF_ERROR(U64(*obj, "requests", "failed", &r.requests.failed));

  TRACESIM_RETURN_IF_ERROR(Object(root, "", "latency", &obj));
  TRACESIM_RETURN_IF_ERROR(ParseLatency(*obj, "latency", "request", &r.request_latency));
  TRACESIM_RETURN_IF_ERROR(ParseLatency(*obj, "latency", "span_delivery", &r.span_delivery_latency));

  TRACESIM_RETURN_IF_ERROR(Object(root, "", "overhead", &obj));
  TRACESIM_RETURN_IF_ERROR(Bool(*obj, "overhead", "measured", &r.overhead.measured));
  TRACESIM_RETURN_IF_ERROR(
      Double(*obj, "overhead", "request_latency_p50_pct", &r.overhead.request_latency_p50_pct));
  TRACESIM_RETURN_IF_ERROR(
      Double(*obj, "overhead", "request_latency_p99_pct", &r.overhead.request_latency_p99_pct));
  TRACESIM_RETURN_IF_ERROR(Double(*obj, "overhead", "cpu_pct", &r.overhead.cpu_pct));
  const Json* baseline = nullptr;
  TRACESIM_RETURN_IF_ERROR(Object(*obj, "overhead", "baseline", &baseline));
  TRACESIM_RETURN_IF_ERROR(
      Double(*baseline, "overhead.baseline", "request_p50_ms", &r.overhead.baseline_request_p50_ms));
  TRACESIM_RETURN_IF_ERROR(
      Double(*baseline, "overhead.baseline", "request_p99_ms", &r.overhead.baseline_request_p99_ms));
  TRACESIM_RETURN_IF_ERROR(
      Double(*baseline, "overhead.baseline", "service_cpu_s", &r.overhead.baseline_service_cpu_s));

  TRACESIM_RETURN_IF_ERROR(Object(root, "", "cpu", &obj));
  TRACESIM_RETURN_IF_ERROR(Double(*obj, "cpu", "service_s", &r.cpu.service_cpu_s));
  TRACESIM_RETURN_IF_ERROR(Double(*obj, "cpu", "tracing_s", &r.cpu.tracing_cpu_s));
  TRACESIM_RETURN_IF_ERROR(Double(*obj, "cpu", "collector_s", &r.cpu.collector_cpu_s));
  TRACESIM_RETURN_IF_ERROR(Double(*obj, "cpu", "storage_s", &r.cpu.storage_cpu_s));

  TRACESIM_RETURN_IF_ERROR(ParseSampling(root, &r.sampling));
  TRACESIM_RETURN_IF_ERROR(ParseCollectors(root, &r.collectors));
  TRACESIM_RETURN_IF_ERROR(ParseStorage(root, &r.storage));
  TRACESIM_RETURN_IF_ERROR(ParseSaturation(root, &r.saturation));
  TRACESIM_RETURN_IF_ERROR(ParseTimeline(root, &r.timeline));
  TRACESIM_RETURN_IF_ERROR(ParseTimeSeries(root, &r.timeseries));

  TRACESIM_RETURN_IF_ERROR(Object(root, "", "run", &obj));
  TRACESIM_RETURN_IF_ERROR(Double(*obj, "run", "wall_seconds", &r.run.wall_seconds));
  TRACESIM_RETURN_IF_ERROR(
      Double(*obj, "run", "simulated_spans_per_wall_second", &r.run.simulated_spans_per_wall_second));
  TRACESIM_RETURN_IF_ERROR(String(*obj, "run", "tracesim_version", &r.run.tracesim_version));
  return r;
}

#undef TRACESIM_RETURN_IF_ERROR

}  // namespace

std::string ToJson(const Results& results) { return internal::PrettyJson(ResultsToJson(results)); }

StatusOr<Results> ParseResultsJson(const std::string& text) {
  return internal::ParseResultsJsonNamed(text, "results.json");
}

namespace internal {

nlohmann::ordered_json JsonNumber(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

std::string PrettyJson(const nlohmann::ordered_json& j) {
  std::string out;
  Print(j, 0, out);
  out += "\n";
  return out;
}

StatusOr<Results> ParseResultsJsonNamed(const std::string& text, const std::string& source) {
  return Parser(source).Parse(text);
}

}  // namespace internal
}  // namespace tracesim::reports
