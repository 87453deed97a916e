// The scenario's sections and the whole-scenario checks (see decoder.h).
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "decoder.h"
#include "read_file.h"
#include "tracesim/pipeline/partitioner.h"
#include "tracesim/pipeline/replication.h"
#include "tracesim/scenario/units.h"

namespace tracesim::scenario::internal {
namespace {

const std::vector<std::string>& RootKeys() {
  static const std::vector<std::string> kKeys = {
      "name",     "seed",    "duration",   "drain",   "fidelity", "platform",    "services",
      "workload", "tracing", "collectors", "storage", "failures", "measurement", "variants"};
  return kKeys;
}

bool IsServiceNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

bool IsValidServiceName(std::string_view s) {
  if (s.empty() || s.front() == '_' || s.front() == '-') return false;
  return std::all_of(s.begin(), s.end(), IsServiceNameChar);
}

std::vector<std::string> ServiceNames(const Scenario& s) {
  std::vector<std::string> names;
  for (const ServiceSpec& svc : s.services) names.push_back(svc.name);
  return names;
}

}  // namespace

void Decoder::Decode(const Node& root, Scenario* s, bool decode_variants) {
  std::optional<Map> m = OpenMap(&root, "", root.origin, RootKeys(), "a scenario: a mapping");
  if (!m) return;
  if (root.IsNull()) {
    Fail(root.origin, "", "the scenario is empty; expected a mapping with keys " + JoinNames(RootKeys()));
    return;
  }
  if (Require(*m, "name", "a non-empty scenario name") && ReadString(*m, "name", &s->name) &&
      s->name.empty()) {
    FailExpected(*m->Get("name"), "name", "a non-empty string");
  }
  ReadUint64(*m, "seed", &s->seed);
  ReadSeconds(*m, "duration", Bound::Positive(), &s->duration_s);
  ReadSeconds(*m, "drain", Bound::NonNegative(), &s->drain_s);
  ReadEnum(*m, "fidelity", EnumTable<Fidelity>{{"full", Fidelity::kFull}, {"fast", Fidelity::kFast}},
           &s->fidelity);
  fidelity_ = s->fidelity;
  DecodePlatform(*m, &s->platform);
  DecodeServices(*m, &s->services);
  DecodeWorkload(*m, &s->workload);
  DecodeTracing(*m, &s->tracing);
  DecodeCollectors(*m, &s->collector_tiers);
  DecodeStorage(*m, &s->storage);
  DecodeFailures(*m, &s->failures);
  DecodeMeasurement(*m, &s->measurement);

  // Cross-references only make sense once every part decoded cleanly;
  // otherwise they would repeat the errors above in other words.
  if (errors_.empty()) {
    CheckReferences(*s);
    if (errors_.empty()) {
      CheckCallGraph(*s);
      CheckTiers(*s);
      CheckTopology(*s);
      if (errors_.empty()) CheckFailures(*s);
    }
  }
  // Variants are decoded in any case (their own mistakes are independent) but
  // only validated against a valid base scenario.
  if (decode_variants) DecodeVariants(root, *m, &s->variants);
}

void Decoder::DecodePlatform(const Map& root, PlatformSpec* p) {
  std::optional<Map> m = SubMap(
      root, "platform", {"topology", "network_model", "host_link", "backbone", "regions", "wan", "fat_tree"});
  if (!m) return;
  ReadEnum(*m, "topology",
           EnumTable<Topology>{{"star", Topology::kStar},
                               {"two_tier", Topology::kTwoTier},
                               {"multi_region", Topology::kMultiRegion},
                               {"fat_tree", Topology::kFatTree}},
           &p->topology);
  DecodeTopology(*m, p);  // regions, wan, fat_tree: decode_platform.cc
  if (const Node* model = m->Get("network_model");
      model != nullptr && model->IsScalar() && model->scalar == "constant") {
    // SimGrid 3.32's Constant model refuses to create links (it stops the
    // process), and every tracesim topology is made of links.
    FailExpected(*model, m->Path("network_model"), "LV08 or CM02",
                 "SimGrid's constant model has no links, and every topology here has them; CM02 gives "
                 "textbook timings (latency + size / bandwidth)");
  } else {
    ReadEnum(*m, "network_model", EnumTable<std::string>{{"LV08", "LV08"}, {"CM02", "CM02"}},
             &p->network_model);
  }
  DecodeLink(*m, "host_link", &p->host_link);
  DecodeLink(*m, "backbone", &p->backbone);
}

void Decoder::DecodeLink(const Map& parent, std::string_view key, LinkSpec* link) {
  const Node* n = parent.Get(key);
  if (n == nullptr) return;  // absent: the default link
  std::optional<Map> m = SubMap(parent, key, {"bandwidth", "latency", "sharing", "jitter", "loss"});
  if (!m) return;
  if (std::optional<Map> jm =
          SubMapIfPresent(*m, "jitter", {"distribution", "max", "stddev", "sigma", "alpha"})) {
    JitterSpec& j = link->jitter;
    using K = JitterSpec::Kind;
    if (Require(*jm, "distribution", "uniform, normal, lognormal or pareto")) {
      ReadEnum(*jm, "distribution",
               EnumTable<K>{{"uniform", K::kUniform},
                            {"normal", K::kNormal},
                            {"lognormal", K::kLogNormal},
                            {"pareto", K::kPareto}},
               &j.kind);
    }
    const std::pair<const char*, K> params[] = {
        {"max", K::kUniform}, {"stddev", K::kNormal}, {"sigma", K::kLogNormal}, {"alpha", K::kPareto}};
    for (const auto& [param, kind] : params) {
      if (j.kind != kind) {
        if (jm->Get(param) != nullptr && j.kind != K::kNone) {
          Fail(jm->KeyOrigin(param), jm->Path(param), "does not apply to this distribution");
        }
        continue;
      }
      if (!Require(*jm, param, "the distribution's parameter")) continue;
      if (kind == K::kUniform) ReadSeconds(*jm, param, Bound::NonNegative(), &j.max_s);
      if (kind == K::kNormal) ReadSeconds(*jm, param, Bound::Positive(), &j.stddev_s);
      if (kind == K::kLogNormal) ReadDouble(*jm, param, Bound::Positive(), &j.sigma);
      if (kind == K::kPareto) ReadDouble(*jm, param, Bound::LeftOpen(1, 1e9), &j.alpha);
    }
  }
  DecodeLoss(*m, "loss", &link->loss);
  // A link written out must say how fast it is: a silent default bandwidth
  // would make capacity results meaningless.
  if (Require(*m, "bandwidth", "e.g. 1Gbps")) ReadBandwidth(*m, "bandwidth", &link->bandwidth_bytes_per_s);
  ReadSeconds(*m, "latency", Bound::NonNegative(), &link->latency_s);
  ReadEnum(*m, "sharing",
           EnumTable<LinkSpec::Sharing>{{"shared", LinkSpec::Sharing::kShared},
                                        {"fatpipe", LinkSpec::Sharing::kFatpipe},
                                        {"split_duplex", LinkSpec::Sharing::kSplitDuplex}},
           &link->sharing);
  if (link->jitter.kind == JitterSpec::Kind::kUniform && link->jitter.max_s < link->latency_s &&
      m->Get("jitter") != nullptr) {
    Fail(m->KeyOrigin("jitter"), m->Path("jitter") + ".max",
         "expected a duration >= the link's latency (" + FormatSeconds(link->latency_s) + ")");
  }
  if ((link->jitter.kind == JitterSpec::Kind::kLogNormal || link->jitter.kind == JitterSpec::Kind::kPareto) &&
      link->latency_s <= 0) {
    Fail(m->KeyOrigin("jitter"), m->Path("jitter"), "lognormal and pareto jitter need a latency > 0");
  }
}

// A loss model mapping: {model: bernoulli, p} or {model: gilbert_elliott, p, r, loss_good, loss_bad}.
void Decoder::DecodeLoss(const Map& parent, std::string_view key, LossSpec* loss) {
  std::optional<Map> lm = SubMapIfPresent(parent, key, {"model", "p", "r", "loss_good", "loss_bad"});
  if (!lm) return;
  using M = LossSpec::Model;
  if (!Require(*lm, "model", "bernoulli or gilbert_elliott")) return;
  ReadEnum(*lm, "model", EnumTable<M>{{"bernoulli", M::kBernoulli}, {"gilbert_elliott", M::kGilbertElliott}},
           &loss->model);
  if (Require(*lm, "p",
              loss->model == M::kBernoulli ? "the loss probability" : "P(good -> bad) per datagram")) {
    ReadDouble(*lm, "p", Bound::Closed(0, 1), &loss->p);
  }
  if (loss->model == M::kGilbertElliott) {
    if (Require(*lm, "r", "P(bad -> good) per datagram"))
      ReadDouble(*lm, "r", Bound::LeftOpen(0, 1), &loss->r);
    ReadDouble(*lm, "loss_good", Bound::Closed(0, 1), &loss->loss_good);
    ReadDouble(*lm, "loss_bad", Bound::Closed(0, 1), &loss->loss_bad);
  } else {
    for (const char* k : {"r", "loss_good", "loss_bad"}) {
      if (lm->Get(k) != nullptr)
        Fail(lm->KeyOrigin(k), lm->Path(k), "only applies to model: gilbert_elliott");
    }
  }
}

const std::vector<std::string>& ServiceKeys() {
  static const std::vector<std::string> kKeys = {
      "name",           "host_speed",          "work",    "error_rate",  "calls",   "request_bytes",
      "response_bytes", "attributes_per_span", "sampler", "concurrency", "replicas"};
  return kKeys;
}

void Decoder::DecodeServices(const Map& root, std::vector<ServiceSpec>* services) {
  if (!Require(root, "services", "a list of services, each with at least a name")) return;
  const Node& n = *root.Get("services");
  const std::string path = root.Path("services");
  if (n.IsMap()) {
    // services: {generate: {...}} — a synthetic call graph (decode_generated.cc).
    services->clear();
    call_refs_.clear();
    service_name_nodes_.clear();
    DecodeGeneratedServices(n, path, services);
    call_refs_.resize(services->size());
    service_name_nodes_.resize(services->size(), nullptr);
    return;
  }
  if (!n.IsSequence() || n.items.empty()) {
    FailExpected(n, path, "a non-empty sequence of services (- name: ...)");
    return;
  }
  services->clear();
  call_refs_.clear();
  service_name_nodes_.clear();
  for (size_t i = 0; i < n.items.size(); ++i) {
    ServiceSpec spec;
    std::vector<CallRef> refs;
    DecodeService(n.items[i], JoinIndex(path, i), &spec, &refs);
    services->push_back(std::move(spec));
    call_refs_.push_back(std::move(refs));
    service_name_nodes_.push_back(n.items[i].IsMap() ? n.items[i].Find("name") : nullptr);
  }
  // Names: unique, and not a name the simulator gives to its own hosts.
  for (size_t i = 0; i < services->size(); ++i) {
    const std::string& name = (*services)[i].name;
    const Node* name_node = n.items[i].IsMap() ? n.items[i].Find("name") : nullptr;
    if (name.empty() || name_node == nullptr) continue;
    const std::string name_path = JoinKey(JoinIndex(path, i), "name");
    if (HostIndex(name, "storage-") >= 0 || name == "driver") {
      FailExpected(*name_node, name_path, "a service name",
                   "storage-<i> and driver are reserved for the storage hosts and the load generator");
      continue;
    }
    for (size_t j = 0; j < i; ++j) {
      if ((*services)[j].name == name) {
        Fail(name_node->origin, name_path,
             "duplicate service name '" + name + "' (already used by " + JoinIndex(path, j) + ")");
        break;
      }
    }
  }
}

void Decoder::DecodeService(const Node& n, const std::string& path, ServiceSpec* s,
                            std::vector<CallRef>* call_refs) {
  std::optional<Map> m = OpenMap(&n, path, n.origin, ServiceKeys(), "a service: a mapping");
  if (!m) return;
  if (n.IsNull()) {
    Fail(n.origin, path, "empty service; expected a mapping with at least 'name'");
    return;
  }
  if (Require(*m, "name") && ReadString(*m, "name", &s->name) && !IsValidServiceName(s->name)) {
    FailExpected(*m->Get("name"), m->Path("name"),
                 "a service name: lowercase letters, digits, '_' and '-', starting with a letter or digit");
    s->name.clear();
  }
  ReadSpeed(*m, "host_speed", &s->host_speed_flops);
  if (std::optional<Map> work = SubMap(*m, "work", {"mean", "distribution", "sigma"})) {
    ReadSeconds(*work, "mean", Bound::NonNegative(), &s->work_mean_s);
    ReadEnum(*work, "distribution",
             EnumTable<Distribution>{{"constant", Distribution::kConstant},
                                     {"exponential", Distribution::kExponential},
                                     {"lognormal", Distribution::kLogNormal}},
             &s->work_distribution);
    ReadDouble(*work, "sigma", Bound::NonNegative(), &s->work_sigma);
  }
  ReadDouble(*m, "error_rate", Bound::Closed(0, 1), &s->error_rate);
  if (const Node* calls = m->Get("calls"); calls != nullptr) {
    const std::string calls_path = m->Path("calls");
    if (calls->IsNull()) {
      // "calls:" with nothing: a leaf service.
    } else if (!calls->IsSequence()) {
      FailExpected(*calls, calls_path, "a sequence of calls ({service: <name>, count: <n>} or <name>)");
    } else {
      for (size_t i = 0; i < calls->items.size(); ++i) {
        const Node& item = calls->items[i];
        const std::string item_path = JoinIndex(calls_path, i);
        CallSpec call;
        if (item.IsScalar()) {  // shorthand: "- checkout"
          call.service = item.scalar;
          s->calls.push_back(call);
          call_refs->push_back({&item, item_path});
          continue;
        }
        std::optional<Map> cm = OpenMap(&item, item_path, item.origin, {"service", "count", "async"},
                                        "a call: a service name or a mapping");
        if (!cm) continue;
        if (item.IsNull()) {
          Fail(item.origin, item_path, "empty call; expected {service: <name>, count: <n>}");
          continue;
        }
        if (!Require(*cm, "service", "the name of the called service")) continue;
        if (!ReadString(*cm, "service", &call.service)) continue;
        ReadInt(*cm, "count", Bound::AtLeast(1), &call.count);
        ReadBool(*cm, "async", &call.async);
        s->calls.push_back(call);
        call_refs->push_back({cm->Get("service"), cm->Path("service")});
      }
    }
  }
  ReadInt(*m, "request_bytes", Bound::NonNegative(), &s->request_bytes);
  ReadInt(*m, "response_bytes", Bound::NonNegative(), &s->response_bytes);
  // OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT defaults to 128.
  ReadInt(*m, "attributes_per_span", Bound::Closed(0, 128), &s->attributes_per_span);
  ReadInt(*m, "concurrency", Bound::NonNegative(), &s->concurrency);
  CheckConcurrencyFidelity(*m, s->concurrency);
  ReadInt(*m, "replicas", Bound::Closed(1, 10000), &s->replicas);
  // A service's own sampler: absent or null = tracing.sampler.
  if (const Node* sn = m->Get("sampler"); sn != nullptr && !sn->IsNull()) {
    SamplerSpec own;
    DecodeSampler(*m, &own);
    s->sampler = std::move(own);
  }
}

void Decoder::DecodeWorkload(const Map& root, WorkloadSpec* w) {
  std::optional<Map> m = SubMap(root, "workload",
                                {"entry", "arrival", "rate", "rate_steps", "on_off", "diurnal", "rate_file",
                                 "rate_file_interpolation", "replay"});
  if (!m) return;
  if (std::optional<Map> rm = SubMapIfPresent(*m, "replay", {"file", "format", "time_scale", "rate_scale"})) {
    if (Require(*rm, "file", "recorded traces: OTLP JSON, Jaeger JSON, Zipkin v2 JSON or Alibaba CSV") &&
        ReadString(*rm, "file", &w->replay.file)) {
      std::filesystem::path file(w->replay.file);
      if (file.is_relative()) file = std::filesystem::path(source_).parent_path() / file;
      w->replay.file = file.lexically_normal().string();
      if (!std::filesystem::exists(file)) {
        FailExpected(*rm->Get("file"), rm->Path("file"), "an existing file",
                     w->replay.file + " does not exist");
      }
    }
    ReadEnum(*rm, "format",
             EnumTable<std::string>{{"otlp_json", "otlp_json"},
                                    {"jaeger_json", "jaeger_json"},
                                    {"zipkin_json", "zipkin_json"},
                                    {"alibaba_csv", "alibaba_csv"}},
             &w->replay.format);
    ReadDouble(*rm, "time_scale", Bound::Positive(), &w->replay.time_scale);
    ReadDouble(*rm, "rate_scale", Bound::Positive(), &w->replay.rate_scale);
  }
  if (Require(*m, "entry", "the service that receives the requests") &&
      ReadString(*m, "entry", &w->entry_service)) {
    entry_node_ = m->Get("entry");
    entry_path_ = m->Path("entry");
  }
  ReadEnum(*m, "arrival",
           EnumTable<ArrivalProcess>{{"poisson", ArrivalProcess::kPoisson},
                                     {"constant", ArrivalProcess::kConstant},
                                     {"on_off", ArrivalProcess::kOnOff},
                                     {"diurnal", ArrivalProcess::kDiurnal},
                                     {"rate_file", ArrivalProcess::kRateFile}},
           &w->arrival);
  ReadDouble(*m, "rate", Bound::Positive(), &w->rate_per_s);
  DecodeArrivalShapes(*m, w);

  // rate_steps: [{at: 60s, rate: 400}, ...], strictly increasing `at`.
  const Node* steps = m->Get("rate_steps");
  if (steps == nullptr || steps->IsNull()) return;
  const std::string path = m->Path("rate_steps");
  if (!steps->IsSequence()) {
    FailExpected(*steps, path, "a sequence of rate steps (- {at: 60s, rate: 400})");
    return;
  }
  w->rate_steps.clear();
  for (size_t i = 0; i < steps->items.size(); ++i) {
    const Node& item = steps->items[i];
    const std::string item_path = JoinIndex(path, i);
    std::optional<Map> sm = OpenMap(&item, item_path, item.origin, {"at", "rate"}, "a rate step: a mapping");
    if (!sm) continue;
    WorkloadSpec::RateStep step;
    Duration at{};
    const bool has_at =
        Require(*sm, "at", "when the rate changes") && ReadDuration(*sm, "at", Bound::NonNegative(), &at);
    const bool has_rate = Require(*sm, "rate", "the new rate in requests per second") &&
                          ReadDouble(*sm, "rate", Bound::NonNegative(), &step.rate_per_s);
    if (!has_at || !has_rate) continue;
    step.at_s = ToSeconds(at);
    if (!w->rate_steps.empty() && step.at_s <= w->rate_steps.back().at_s) {
      Fail(sm->Get("at")->origin, sm->Path("at"), "rate steps must be in increasing order of `at`");
      continue;
    }
    w->rate_steps.push_back(step);
  }
}

// The parameters of the on_off, diurnal and rate_file processes; each
// belongs to its `arrival` only.
void Decoder::DecodeArrivalShapes(const Map& m, WorkloadSpec* w) {
  const std::pair<const char*, ArrivalProcess> owners[] = {
      {"on_off", ArrivalProcess::kOnOff},
      {"diurnal", ArrivalProcess::kDiurnal},
      {"rate_file", ArrivalProcess::kRateFile},
      {"rate_file_interpolation", ArrivalProcess::kRateFile},
      {"rate_steps", ArrivalProcess::kPoisson}};
  for (const auto& [key, kind] : owners) {
    const Node* n = m.Get(key);
    if (n == nullptr || w->arrival == kind) continue;
    if (kind == ArrivalProcess::kPoisson && w->arrival == ArrivalProcess::kConstant) continue;
    const std::string expected = kind == ArrivalProcess::kPoisson   ? "poisson or constant"
                                 : kind == ArrivalProcess::kOnOff   ? "on_off"
                                 : kind == ArrivalProcess::kDiurnal ? "diurnal"
                                                                    : "rate_file";
    Fail(m.KeyOrigin(key), m.Path(key), std::string("only applies to arrival: ") + expected);
  }
  if (w->arrival == ArrivalProcess::kOnOff) {
    auto& o = w->on_off;
    if (std::optional<Map> om =
            SubMap(m, "on_off", {"rate_on", "rate_off", "mean_on", "mean_off", "periods"})) {
      ReadDouble(*om, "rate_on", Bound::NonNegative(), &o.rate_on_per_s);
      ReadDouble(*om, "rate_off", Bound::NonNegative(), &o.rate_off_per_s);
      ReadSeconds(*om, "mean_on", Bound::Positive(), &o.mean_on_s);
      ReadSeconds(*om, "mean_off", Bound::Positive(), &o.mean_off_s);
      ReadEnum(*om, "periods", EnumTable<bool>{{"exponential", true}, {"constant", false}},
               &o.exponential_periods);
    }
  }
  if (w->arrival == ArrivalProcess::kDiurnal) {
    auto& d = w->diurnal;
    if (std::optional<Map> dm = SubMap(m, "diurnal", {"mean_rate", "amplitude", "period", "phase"})) {
      ReadDouble(*dm, "mean_rate", Bound::Positive(), &d.mean_rate_per_s);
      ReadDouble(*dm, "amplitude", Bound::Closed(0, 1), &d.amplitude);
      ReadSeconds(*dm, "period", Bound::Positive(), &d.period_s);
      ReadSeconds(*dm, "phase", Bound::NonNegative(), &d.phase_s);
    }
  }
  if (w->arrival == ArrivalProcess::kRateFile) {
    ReadEnum(m, "rate_file_interpolation", EnumTable<bool>{{"linear", true}, {"step", false}},
             &w->rate_file_linear);
    if (Require(m, "rate_file", "the path of a CSV file with columns time_s,rate_per_s") &&
        ReadString(m, "rate_file", &w->rate_file)) {
      std::filesystem::path file(w->rate_file);
      if (file.is_relative()) file = std::filesystem::path(source_).parent_path() / file;
      StatusOr<std::vector<RatePoint>> points = LoadRateFile(file.lexically_normal().string());
      if (!points.ok()) {
        Fail(m.Get("rate_file")->origin, m.Path("rate_file"), points.status().message());
      } else {
        w->rate_points = std::move(points).value();
      }
    }
  }
}

void Decoder::DecodeTracing(const Map& root, TracingSpec* t) {
  std::optional<Map> m =
      SubMap(root, "tracing", {"enabled", "sampler", "batch_span_processor", "exporter", "costs"});
  if (!m) return;
  ReadBool(*m, "enabled", &t->enabled);
  DecodeSampler(*m, &t->sampler);
  if (std::optional<Map> em = SubMap(*m, "exporter", {"protocol", "max_packet_size"})) {
    using P = SdkExporterSpec::Protocol;
    ReadEnum(*em, "protocol", EnumTable<P>{{"otlp_grpc", P::kOtlpGrpc}, {"jaeger_udp", P::kJaegerUdp}},
             &t->exporter.protocol);
    int64_t bytes = 0;
    if (ReadInt64(*em, "max_packet_size", Bound::Closed(512, 65507), &bytes)) {
      t->exporter.max_packet_bytes = static_cast<uint64_t>(bytes);
    }
  }
  if (std::optional<Map> bm =
          SubMap(*m, "batch_span_processor",
                 {"max_queue_size", "schedule_delay", "max_export_batch_size", "export_timeout"})) {
    BatchSpanProcessorSpec& b = t->batch_span_processor;
    bool queue_ok = ReadInt(*bm, "max_queue_size", Bound::AtLeast(1), &b.max_queue_size);
    ReadDuration(*bm, "schedule_delay", Bound::Positive(), &b.schedule_delay);
    bool batch_ok = ReadInt(*bm, "max_export_batch_size", Bound::AtLeast(1), &b.max_export_batch_size);
    ReadDuration(*bm, "export_timeout", Bound::Positive(), &b.export_timeout);
    if ((queue_ok || batch_ok) && b.max_export_batch_size > b.max_queue_size) {
      const char* key = batch_ok ? "max_export_batch_size" : "max_queue_size";
      const std::string expected =
          batch_ok ? "an integer <= max_queue_size (" + std::to_string(b.max_queue_size) + ")"
                   : "an integer >= max_export_batch_size (" + std::to_string(b.max_export_batch_size) + ")";
      FailExpected(*bm->Get(key), bm->Path(key), expected);
    }
  }
  DecodeCosts(*m, &t->costs);
}

bool Decoder::DecodeSampler(const Map& parent, SamplerSpec* s) {
  if (parent.Get("sampler") == nullptr) return false;
  const size_t errors_before = errors_.size();
  std::optional<Map> m =
      SubMap(parent, "sampler", {"type", "ratio", "ratio_hash", "max_traces_per_second", "adaptive"});
  if (!m) return true;
  ReadEnum(
      *m, "type",
      EnumTable<std::string>{{"always_on", "always_on"},
                             {"always_off", "always_off"},
                             {"traceidratio", "traceidratio"},
                             {"parentbased_always_on", "parentbased_always_on"},
                             {"parentbased_always_off", "parentbased_always_off"},
                             {"parentbased_traceidratio", "parentbased_traceidratio"},
                             {"jaeger_ratelimiting", "jaeger_ratelimiting"},
                             {"parentbased_jaeger_ratelimiting", "parentbased_jaeger_ratelimiting"},
                             {"consistent_probability", "consistent_probability"},
                             {"parentbased_consistent_probability", "parentbased_consistent_probability"},
                             {"jaeger_adaptive", "jaeger_adaptive"}},
      &s->type);
  // Every key is checked whatever the type, so that switching the type with
  // --set or in a variant cannot expose a bad value.
  ReadDouble(*m, "ratio", Bound::Closed(0, 1), &s->ratio);
  ReadEnum(*m, "ratio_hash", EnumTable<std::string>{{"go", "go"}, {"java", "java"}, {"cpp", "cpp"}},
           &s->ratio_hash);
  ReadDouble(*m, "max_traces_per_second", Bound::Positive(), &s->max_traces_per_second);
  if (std::optional<Map> a =
          SubMap(*m, "adaptive",
                 {"target_samples_per_second", "delta_tolerance", "initial_sampling_probability",
                  "percentage_increase_cap", "min_sampling_probability", "min_samples_per_second",
                  "calculation_interval", "aggregation_buckets", "buckets_for_calculation", "delay",
                  "strategy_delivery_delay", "max_operations"})) {
    SamplerSpec::Adaptive& ad = s->adaptive;
    ReadDouble(*a, "target_samples_per_second", Bound::Positive(), &ad.target_samples_per_second);
    ReadDouble(*a, "delta_tolerance", Bound::NonNegative(), &ad.delta_tolerance);
    ReadDouble(*a, "initial_sampling_probability", Bound::LeftOpen(0, 1), &ad.initial_sampling_probability);
    ReadDouble(*a, "percentage_increase_cap", Bound::Positive(), &ad.percentage_increase_cap);
    ReadDouble(*a, "min_sampling_probability", Bound::LeftOpen(0, 1), &ad.min_sampling_probability);
    ReadDouble(*a, "min_samples_per_second", Bound::NonNegative(), &ad.min_samples_per_second);
    ReadDuration(*a, "calculation_interval", Bound::Positive(), &ad.calculation_interval);
    ReadInt(*a, "aggregation_buckets", Bound::AtLeast(1), &ad.aggregation_buckets);
    ReadInt(*a, "buckets_for_calculation", Bound::AtLeast(1), &ad.buckets_for_calculation);
    ReadDuration(*a, "delay", Bound::NonNegative(), &ad.delay);
    ReadDuration(*a, "strategy_delivery_delay", Bound::NonNegative(), &ad.strategy_delivery_delay);
    ReadInt(*a, "max_operations", Bound::AtLeast(1), &ad.max_operations);
  }
  // The pipeline's own check has the last word (its key names are the YAML's).
  if (errors_.size() == errors_before) {
    if (Status st = pipeline::ValidateHeadSamplerConfig(*s); !st.ok()) {
      FailFromValidator(st, "sampler", m->node, m->path, m->origin);
    }
  }
  return true;
}

// ---------------------------------------------------------------------------
// tracing.costs: a cost profile (built-in `default`, or a file written by
// `tracesim calibrate`), then single fields overriding it.

namespace {

struct CostField {
  const char* key;
  double CostProfile::*field;
};

const std::vector<CostField>& CostFields() {
  static const std::vector<CostField> kFields = {
      {"span_start_ns", &CostProfile::span_start_ns},
      {"span_end_ns", &CostProfile::span_end_ns},
      {"sampler_decision_ns", &CostProfile::sampler_decision_ns},
      {"attribute_set_ns", &CostProfile::attribute_set_ns},
      {"bsp_enqueue_ns", &CostProfile::bsp_enqueue_ns},
      {"export_serialize_per_span_ns", &CostProfile::export_serialize_per_span_ns},
      {"collector_receive_per_span_ns", &CostProfile::collector_receive_per_span_ns},
      {"collector_batch_per_span_ns", &CostProfile::collector_batch_per_span_ns},
      {"collector_export_per_span_ns", &CostProfile::collector_export_per_span_ns},
      {"store_insert_per_span_ns", &CostProfile::store_insert_per_span_ns},
  };
  return kFields;
}

// Fields added after the first profile format: optional in profile files
// (older profiles keep their in-code defaults), overridable like the others.
const std::vector<CostField>& OptionalCostFields() {
  static const std::vector<CostField> kFields = {
      {"store_lookup_ns", &CostProfile::store_lookup_ns},
      {"store_search_per_span_ns", &CostProfile::store_search_per_span_ns},
  };
  return kFields;
}

bool HasProfileFileSuffix(std::string_view s) {
  auto ends_with = [s](std::string_view suffix) {
    return s.size() > suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
  };
  return ends_with(".yaml") || ends_with(".yml");
}

// The whole file, or an error message naming it.
StatusOr<std::string> ReadProfileFile(const std::string& path) {
  std::string text;
  if (ReadFailure failure; !ReadWholeFile(path, &text, &failure)) {
    const std::string msg = std::string("cannot ") + failure.step + " cost profile file " + path + ": " +
                            std::strerror(failure.error);
    return std::string(failure.step) == "open" ? Status::NotFound(msg) : Status::InvalidArgument(msg);
  }
  return text;
}

// Decodes a cost profile document (the format of calibrate/profile_writer.h)
// with `d`, whose source is the profile file. Every cost field, `name` and
// `reference_flops` are required; `machine` and `method` describe where and
// how the figures were measured and are only checked.
void DecodeProfileDocument(Decoder& d, const Node& root, CostProfile* c) {
  std::vector<std::string> allowed = {"name", "reference_flops"};
  for (const CostField& f : CostFields()) allowed.emplace_back(f.key);
  for (const CostField& f : OptionalCostFields()) allowed.emplace_back(f.key);
  allowed.insert(allowed.end(), {"machine", "method"});
  std::optional<Map> m = d.OpenMap(&root, "", root.origin, allowed, "a cost profile: a mapping");
  if (!m) return;
  if (root.IsNull()) {
    d.Fail(root.origin, "", "the cost profile is empty; expected a mapping with keys " + JoinNames(allowed));
    return;
  }
  if (d.Require(*m, "name", "the profile's name") && d.ReadString(*m, "name", &c->name) && c->name.empty()) {
    d.FailExpected(*m->Get("name"), "name", "a non-empty string");
  }
  if (d.Require(*m, "reference_flops", "the speed the figures correspond to, e.g. 1Gf")) {
    d.ReadSpeed(*m, "reference_flops", &c->reference_flops);
  }
  for (const CostField& f : CostFields()) {
    if (d.Require(*m, f.key, "ns per operation")) {
      d.ReadDouble(*m, f.key, Bound::NonNegative(), &(c->*f.field));
    }
  }
  for (const CostField& f : OptionalCostFields())
    d.ReadDouble(*m, f.key, Bound::NonNegative(), &(c->*f.field));
  std::string text;
  int64_t number = 0;
  bool flag = false;
  if (std::optional<Map> mm = d.SubMap(
          *m, "machine",
          {"cpu_model", "cores", "compiler", "compiler_flags", "build_type", "date", "load_average"})) {
    for (const char* key :
         {"cpu_model", "compiler", "compiler_flags", "build_type", "date", "load_average"}) {
      d.ReadString(*mm, key, &text);
    }
    d.ReadInt64(*mm, "cores", Bound::AtLeast(0), &number);
  }
  if (std::optional<Map> mm =
          d.SubMap(*m, "method", {"clock", "repetitions", "warmup_runs", "ops_per_run", "warm_heap"})) {
    d.ReadString(*mm, "clock", &text);
    d.ReadInt64(*mm, "repetitions", Bound::AtLeast(1), &number);
    d.ReadInt64(*mm, "warmup_runs", Bound::AtLeast(0), &number);
    d.ReadInt64(*mm, "ops_per_run", Bound::AtLeast(1), &number);
    d.ReadBool(*mm, "warm_heap", &flag);
  }
}

}  // namespace

void Decoder::DecodeCosts(const Map& tracing, CostProfile* c) {
  std::vector<std::string> allowed = {"profile", "mode", "reference_flops"};
  for (const CostField& f : CostFields()) allowed.emplace_back(f.key);
  for (const CostField& f : OptionalCostFields()) allowed.emplace_back(f.key);
  std::optional<Map> m = SubMap(tracing, "costs", allowed);
  if (!m) return;

  if (const Node* n = m->Get("profile")) {
    const std::string path = m->Path("profile");
    const std::string detail = "or the path of a cost profile file, ending in .yaml or .yml";
    if (!n->IsScalar()) {
      FailExpected(*n, path, "one of default", detail);
    } else if (n->scalar == "default") {
      // The built-in profile: CostProfile's in-code defaults (scenarios/profiles/default.yaml).
      *c = CostProfile{};
    } else if (!HasProfileFileSuffix(n->scalar)) {
      const std::string near = ClosestNameDetail(n->scalar, {"default"});
      FailExpected(*n, path, "one of default", near.empty() ? detail : near + " " + detail);
    } else {
      // Relative to the scenario file's folder (to the working directory for
      // a scenario that is not a file).
      std::filesystem::path file(n->scalar);
      if (file.is_relative()) file = std::filesystem::path(source_).parent_path() / file;
      const std::string file_name = file.lexically_normal().string();
      StatusOr<std::string> text = ReadProfileFile(file_name);
      StatusOr<Node> doc = text.ok() ? ParseDocument(*text, file_name) : StatusOr<Node>(text.status());
      if (!doc.ok()) {
        Fail(n->origin, path, doc.status().message());
      } else {
        // Errors inside the profile point into the profile file; they sort
        // where the scenario names it.
        Decoder sub(file_name, overrides_, context_ + "cost profile: ");
        CostProfile profile;
        DecodeProfileDocument(sub, *doc, &profile);
        for (const DecodeError& e : sub.errors()) errors_.push_back({n->origin, e.text});
        if (sub.errors().empty()) *c = profile;
      }
    }
  }
  // Single fields override the profile's, wherever they are written.
  ReadEnum(*m, "mode", EnumTable<bool>{{"calibrated", false}, {"measured", true}}, &c->measured);
  ReadSpeed(*m, "reference_flops", &c->reference_flops);
  for (const CostField& f : CostFields()) ReadDouble(*m, f.key, Bound::NonNegative(), &(c->*f.field));
  for (const CostField& f : OptionalCostFields()) ReadDouble(*m, f.key, Bound::NonNegative(), &(c->*f.field));
}

void Decoder::DecodeStorage(const Map& root, StorageSpec* st) {
  std::optional<Map> m = SubMap(
      root, "storage",
      {"nodes", "host_speed", "partitioner", "replication_factor", "write_quorum", "wal", "disk", "queries"});
  if (!m) return;
  const size_t errors_before = errors_.size();
  ReadBool(*m, "wal", &st->wal);
  if (std::optional<Map> dm = SubMap(*m, "disk", {"read_bandwidth", "write_bandwidth"})) {
    ReadBandwidth(*dm, "read_bandwidth", &st->disk.read_bytes_per_s);
    ReadBandwidth(*dm, "write_bandwidth", &st->disk.write_bytes_per_s);
  }
  if (std::optional<Map> qm = SubMap(*m, "queries", {"trace_lookups_per_s", "searches_per_s", "timeout"})) {
    ReadDouble(*qm, "trace_lookups_per_s", Bound::NonNegative(), &st->queries.trace_lookups_per_s);
    ReadDouble(*qm, "searches_per_s", Bound::NonNegative(), &st->queries.searches_per_s);
    ReadDuration(*qm, "timeout", Bound::Positive(), &st->queries.timeout);
  }
  bool nodes_ok = ReadInt(*m, "nodes", Bound::AtLeast(1), &st->nodes) || m->Get("nodes") == nullptr;
  ReadSpeed(*m, "host_speed", &st->host_speed_flops);

  // partitioner: a type name, or a mapping.
  const EnumTable<std::string> kTypes = {{"otel_ring", "otel_ring"},
                                         {"jump", "jump"},
                                         {"rendezvous", "rendezvous"},
                                         {"bounded_load", "bounded_load"}};
  if (const Node* p = m->Get("partitioner"); p != nullptr) {
    const size_t before = errors_.size();
    std::optional<Map> pm;
    if (p->IsMap() || p->IsNull()) {
      pm = SubMap(*m, "partitioner", {"type", "points_per_endpoint", "bounded_load_epsilon"});
      if (pm) {
        ReadEnum(*pm, "type", kTypes, &st->partitioner.type);
        ReadInt(*pm, "points_per_endpoint", Bound::Closed(1, 256), &st->partitioner.points_per_endpoint);
        ReadDouble(*pm, "bounded_load_epsilon", Bound::Positive(), &st->partitioner.bounded_load_epsilon);
      }
    } else if (p->IsScalar()) {
      ReadEnum(*m, "partitioner", kTypes, &st->partitioner.type);
    } else {
      FailExpected(*p, m->Path("partitioner"),
                   "a partitioner type (otel_ring, jump, rendezvous, bounded_load) or a mapping with keys "
                   "type, points_per_endpoint, bounded_load_epsilon");
    }
    if (errors_.size() == before) {
      if (Status s = pipeline::ValidatePartitionerConfig(st->partitioner); !s.ok()) {
        FailFromValidator(s, "partitioner", p->IsMap() ? p : nullptr, m->Path("partitioner"), p->origin);
      }
    }
  }

  // Replication: RF copies on distinct nodes, write quorum (Tempo's ingesters).
  bool rf_ok = ReadInt(*m, "replication_factor", Bound::AtLeast(1), &st->replication_factor);
  if (rf_ok && nodes_ok && st->replication_factor > st->nodes) {
    Fail(m->Get("replication_factor")->origin, m->Path("replication_factor"),
         "expected <= storage.nodes (" + std::to_string(st->nodes) + "), got " +
             std::to_string(st->replication_factor) + " (every copy of a span needs its own node)");
    rf_ok = false;
  }
  const bool rf_valid = rf_ok || m->Get("replication_factor") == nullptr;
  if (ReadInt(*m, "write_quorum", Bound::NonNegative(), &st->write_quorum) && rf_valid &&
      st->write_quorum > st->replication_factor) {
    FailExpected(*m->Get("write_quorum"), m->Path("write_quorum"),
                 "0 (the default: floor(replication_factor/2)+1) or an integer in [1, replication_factor (" +
                     std::to_string(st->replication_factor) + ")]",
                 "a quorum of " + std::to_string(st->write_quorum) + " acknowledgements cannot be met by " +
                     std::to_string(st->replication_factor) + " replica" +
                     (st->replication_factor == 1 ? "" : "s"));
  }
  if (errors_.size() == errors_before) {
    pipeline::ReplicationConfig rc;
    rc.replication_factor = static_cast<uint32_t>(st->replication_factor);
    rc.write_quorum = static_cast<uint32_t>(st->write_quorum);
    if (Status s = pipeline::ValidateReplicationConfig(rc, static_cast<size_t>(st->nodes)); !s.ok()) {
      FailFromValidator(s, "storage", m->node, m->path, m->origin);
    }
  }
}

void Decoder::DecodeFailures(const Map& root, std::vector<FailureSpec>* failures) {
  const Node* n = root.Get("failures");
  if (n == nullptr || n->IsNull()) return;
  const std::string path = root.Path("failures");
  if (!n->IsSequence()) {
    FailExpected(*n, path, "a sequence of failures (- {type: host_crash, target: ..., at: ...})");
    return;
  }
  const EnumTable<FailureType> kTypes = {{"host_crash", FailureType::kHostCrash},
                                         {"scale_out", FailureType::kScaleOut},
                                         {"scale_in", FailureType::kScaleIn},
                                         {"link_down", FailureType::kLinkDown},
                                         {"bandwidth_drop", FailureType::kBandwidthDrop},
                                         {"latency_spike", FailureType::kLatencySpike},
                                         {"cpu_slowdown", FailureType::kCpuSlowdown},
                                         {"storage_outage", FailureType::kStorageOutage},
                                         {"rolling_restart", FailureType::kRollingRestart},
                                         {"partition", FailureType::kPartition},
                                         {"loss_burst", FailureType::kLossBurst}};
  failures->clear();
  failure_refs_.clear();
  for (size_t i = 0; i < n->items.size(); ++i) {
    const Node& item = n->items[i];
    const std::string item_path = JoinIndex(path, i);
    std::optional<Map> m = OpenMap(&item, item_path, item.origin,
                                   {"type", "target", "at", "restart_after", "duration", "factor", "latency",
                                    "repeat", "period", "interval", "mtbf", "mttr", "groups", "loss"},
                                   "a failure: a mapping");
    if (!m) continue;
    if (item.IsNull()) {
      Fail(item.origin, item_path, "empty failure; expected {type: host_crash, target: <host>, at: <time>}");
      continue;
    }
    FailureSpec f;
    bool type_ok = false;
    if (Require(*m, "type",
                "host_crash, scale_out, scale_in, link_down, bandwidth_drop, latency_spike, "
                "cpu_slowdown, storage_outage, rolling_restart or partition")) {
      type_ok = ReadEnum(*m, "type", kTypes, &f.type);
    }
    const FailureType t = f.type;
    FailureRef ref;
    ref.path = item_path;
    // Which keys each type takes (anything else is an error, not ignored).
    auto takes = [&](std::string_view key) {
      if (key == "restart_after") return t == FailureType::kHostCrash || t == FailureType::kRollingRestart;
      if (key == "mtbf" || key == "mttr") return t == FailureType::kHostCrash;
      if (key == "duration")
        return t == FailureType::kLinkDown || t == FailureType::kBandwidthDrop ||
               t == FailureType::kLatencySpike || t == FailureType::kCpuSlowdown ||
               t == FailureType::kStorageOutage || t == FailureType::kPartition ||
               t == FailureType::kLossBurst;
      if (key == "factor") return t == FailureType::kBandwidthDrop || t == FailureType::kCpuSlowdown;
      if (key == "latency") return t == FailureType::kLatencySpike;
      if (key == "repeat" || key == "period") return t == FailureType::kLinkDown;
      if (key == "interval") return t == FailureType::kRollingRestart;
      if (key == "groups") return t == FailureType::kPartition;
      if (key == "loss") return t == FailureType::kLossBurst;
      if (key == "target") return t != FailureType::kPartition;
      return true;
    };
    bool keys_ok = true;
    if (type_ok) {
      for (const char* key : {"restart_after", "duration", "factor", "latency", "repeat", "period",
                              "interval", "mtbf", "mttr", "groups", "target"}) {
        if (m->Get(key) != nullptr && !takes(key)) {
          const std::string type_name = m->Get("type")->scalar;
          Fail(m->KeyOrigin(key), m->Path(key),
               (std::string_view(key) == "restart_after" ? "only a host_crash (or rolling_restart) restarts; "
                                                         : "") +
                   std::string("a ") + type_name + " has no " + key);
          keys_ok = false;
        }
      }
    }
    const bool stochastic =
        t == FailureType::kHostCrash && (m->Get("mtbf") != nullptr || m->Get("mttr") != nullptr);
    const char* target_hint =
        !type_ok                            ? "a host, a collector tier or a link"
        : t == FailureType::kScaleOut       ? "the name of a collector tier"
        : t == FailureType::kScaleIn        ? "a collector host, <tier>-<i>"
        : t == FailureType::kRollingRestart ? "a collector tier name or storage"
        : t == FailureType::kStorageOutage  ? "a storage node, storage-<i>"
        : t == FailureType::kLinkDown || t == FailureType::kBandwidthDrop || t == FailureType::kLatencySpike
            ? "a link: <host>-link, rack<i>-uplink or wan-<a>-<b>"
            : "a host: a service name, <tier>-<i> or storage-<i>";
    if (t == FailureType::kPartition) {
      if (Require(*m, "groups", "two or more lists of hosts, e.g. [[web, api], [collector-0]]")) {
        const Node* g = m->Get("groups");
        const std::string gpath = m->Path("groups");
        if (!g->IsSequence() || g->items.size() < 2) {
          FailExpected(*g, gpath, "two or more lists of host names");
        } else {
          for (size_t k = 0; k < g->items.size(); ++k) {
            const Node& side = g->items[k];
            std::vector<std::string> hosts;
            if (!side.IsSequence() || side.items.empty()) {
              FailExpected(side, JoinIndex(gpath, k), "a non-empty list of host names");
              continue;
            }
            for (const Node& h : side.items) {
              if (!h.IsScalar()) {
                FailExpected(h, JoinIndex(gpath, k), "host names");
                continue;
              }
              hosts.push_back(h.scalar);
            }
            f.groups.push_back(std::move(hosts));
          }
          ref.groups = g;
        }
      }
    } else if ((!type_ok || keys_ok) && Require(*m, "target", target_hint) &&
               ReadString(*m, "target", &f.target)) {
      ref.target = m->Get("target");
    }
    if (stochastic) {
      ReadSeconds(*m, "at", Bound::NonNegative(), &f.at_s);  // optional: from then on
      if (m->Get("at") != nullptr) ref.at = m->Get("at");
      if (Require(*m, "mtbf", "the mean time between failures, e.g. 60s")) {
        ReadSeconds(*m, "mtbf", Bound::Positive(), &f.mtbf_s);
      }
      if (Require(*m, "mttr", "the mean time to repair, e.g. 10s")) {
        ReadSeconds(*m, "mttr", Bound::Positive(), &f.mttr_s);
      }
    } else if (Require(*m, "at", "the simulated time of the event, e.g. 20s") &&
               ReadSeconds(*m, "at", Bound::NonNegative(), &f.at_s)) {
      ref.at = m->Get("at");
    }
    if (takes("restart_after") && ReadSeconds(*m, "restart_after", Bound::Positive(), &f.restart_after_s)) {
      ref.restart_after = m->Get("restart_after");
    }
    if (takes("duration")) ReadSeconds(*m, "duration", Bound::Positive(), &f.duration_s);
    if (takes("factor")) ReadDouble(*m, "factor", Bound::LeftOpen(0, 1), &f.factor);
    if (t == FailureType::kBandwidthDrop || t == FailureType::kCpuSlowdown) {
      if (type_ok) Require(*m, "factor", "the fraction left, e.g. 0.1");
    }
    if (t == FailureType::kLatencySpike && type_ok &&
        Require(*m, "latency", "the latency added to the link, e.g. 50ms")) {
      ReadSeconds(*m, "latency", Bound::Positive(), &f.extra_latency_s);
    }
    if (takes("repeat")) ReadInt(*m, "repeat", Bound::AtLeast(1), &f.repeat);
    if (takes("period") && ReadSeconds(*m, "period", Bound::Positive(), &f.period_s) && f.duration_s > 0 &&
        f.period_s <= f.duration_s) {
      FailExpected(*m->Get("period"), m->Path("period"),
                   "a period longer than duration (" + FormatSeconds(f.duration_s) + ")");
    }
    if (t == FailureType::kLinkDown && f.repeat > 1 && m->Get("period") == nullptr) {
      Fail(m->KeyOrigin("repeat"), m->Path("repeat"), "a flap (repeat > 1) needs `period` and `duration`");
    }
    if (t == FailureType::kLinkDown && f.repeat > 1 && f.duration_s <= 0 && m->Get("duration") == nullptr) {
      Fail(m->KeyOrigin("repeat"), m->Path("repeat"), "a flap (repeat > 1) needs `period` and `duration`");
    }
    if (t == FailureType::kLossBurst && type_ok &&
        Require(*m, "loss", "the link's loss during the burst, e.g. {model: bernoulli, p: 0.3}")) {
      DecodeLoss(*m, "loss", &f.loss);
    }
    if (t == FailureType::kRollingRestart && type_ok) {
      if (Require(*m, "interval", "the time from one host's crash to the next's, e.g. 30s")) {
        ReadSeconds(*m, "interval", Bound::Positive(), &f.interval_s);
      }
      if (m->Get("restart_after") == nullptr) Require(*m, "restart_after", "each host's downtime, e.g. 10s");
    }
    failures->push_back(std::move(f));
    failure_refs_.push_back(ref);
  }
}

void Decoder::CheckConcurrencyFidelity(const Map& m, int concurrency) {
  if (fidelity_ != Fidelity::kFast || concurrency <= 0) return;
  FailExpected(*m.Get("concurrency"), m.Path("concurrency"), "0 (no limit) with fidelity: fast",
               "fast mode computes each request's timings without queueing; a concurrency limit needs "
               "fidelity: full");
}

void Decoder::DecodeMeasurement(const Map& root, MeasurementSpec* ms) {
  std::optional<Map> m =
      SubMap(root, "measurement", {"sample_period", "overhead_baseline", "slow_threshold"});
  if (!m) return;
  ReadSeconds(*m, "sample_period", Bound::Positive(), &ms->sample_period_s);
  ReadBool(*m, "overhead_baseline", &ms->overhead_baseline);
  ReadDuration(*m, "slow_threshold", Bound::NonNegative(), &ms->slow_threshold);
}

// ---------------------------------------------------------------------------
// Whole-scenario checks

void Decoder::CheckReferences(const Scenario& s) {
  const std::vector<std::string> names = ServiceNames(s);
  auto check = [&](const Node* node, const std::string& path, const std::string& name) {
    if (std::find(names.begin(), names.end(), name) != names.end()) return;
    FailExpected(*node, path, "the name of a service (one of " + JoinNames(names) + ")",
                 ClosestNameDetail(name, names));
  };
  for (size_t i = 0; i < s.services.size() && i < call_refs_.size(); ++i) {
    for (size_t j = 0; j < s.services[i].calls.size() && j < call_refs_[i].size(); ++j) {
      check(call_refs_[i][j].node, call_refs_[i][j].path, s.services[i].calls[j].service);
    }
  }
  if (entry_node_ != nullptr) check(entry_node_, entry_path_, s.workload.entry_service);
}

void Decoder::CheckCallGraph(const Scenario& s) {
  const size_t n = s.services.size();
  auto index_of = [&](const std::string& name) -> size_t {
    for (size_t i = 0; i < n; ++i) {
      if (s.services[i].name == name) return i;
    }
    return n;
  };
  // Iterative depth-first search, in file order so the reported cycle is deterministic.
  enum class Color { kWhite, kGray, kBlack };
  std::vector<Color> color(n, Color::kWhite);
  struct Frame {
    size_t service;
    size_t next_call;
  };
  for (size_t start = 0; start < n; ++start) {
    if (color[start] != Color::kWhite) continue;
    std::vector<Frame> stack{{start, 0}};
    color[start] = Color::kGray;
    while (!stack.empty()) {
      Frame& top = stack.back();
      const ServiceSpec& svc = s.services[top.service];
      if (top.next_call == svc.calls.size()) {
        color[top.service] = Color::kBlack;
        stack.pop_back();
        continue;
      }
      const size_t call = top.next_call++;
      const size_t to = index_of(svc.calls[call].service);
      if (to == n || color[to] == Color::kBlack) continue;
      if (color[to] == Color::kWhite) {
        color[to] = Color::kGray;
        stack.push_back({to, 0});
        continue;
      }
      // A back edge: the cycle is the stack from `to` up to here, then `to` again.
      std::string cycle;
      bool in_cycle = false;
      for (const Frame& f : stack) {
        if (f.service == to) in_cycle = true;
        if (in_cycle) cycle += s.services[f.service].name + " -> ";
      }
      cycle += s.services[to].name;
      const CallRef& ref = call_refs_[top.service][call];
      Fail(ref.node->origin, ref.path,
           "the call graph must be acyclic, but these calls form a cycle: " + cycle);
      return;  // one cycle is enough to act on
    }
  }
}

}  // namespace tracesim::scenario::internal
