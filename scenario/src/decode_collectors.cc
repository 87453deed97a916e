// `collectors:` (one tier or a list of tiers), their processors and
// exporters, and the checks that need every tier: exporter targets, host
// names, failure targets (see decoder.h).
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "decoder.h"
#include "tracesim/pipeline/collector_pipeline.h"
#include "tracesim/scenario/units.h"

namespace tracesim::scenario::internal {
namespace {

const std::vector<std::string>& TierKeys() {
  static const std::vector<std::string> kKeys = {"name",   "profile",    "jaeger",   "count",   "host_speed",
                                                 "memory", "processors", "pipeline", "exporter"};
  return kKeys;
}

const std::vector<std::string>& SupportedProcessors() {
  static const std::vector<std::string> kTypes = {"batch", "memory_limiter", "tail_sampling",
                                                  "probabilistic_sampler"};
  return kTypes;
}

// [a-z][a-z0-9-]*
bool IsValidTierName(std::string_view s) {
  if (s.empty() || s.front() < 'a' || s.front() > 'z') return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

// "<tier>-<i>" split at the last '-': the tier's index in `tiers` and i, or {-1, -1}.
std::pair<int, int64_t> ParseTierHost(std::string_view host, const std::vector<CollectorTierSpec>& tiers) {
  const size_t dash = host.rfind('-');
  if (dash == std::string_view::npos) return {-1, -1};
  const std::string_view tier = host.substr(0, dash);
  for (size_t t = 0; t < tiers.size(); ++t) {
    if (tiers[t].name == tier) {
      const int64_t i = HostIndex(host, host.substr(0, dash + 1));
      return {i >= 0 ? static_cast<int>(t) : -1, i};
    }
  }
  return {-1, -1};
}

std::string HostRange(const std::string& tier, int64_t count) {
  if (count <= 1) return TierHostName(tier, 0);
  return TierHostName(tier, 0) + ".." + TierHostName(tier, static_cast<int>(count - 1));
}

}  // namespace

// ---------------------------------------------------------------------------
// Tiers

void Decoder::DecodeCollectors(const Map& root, std::vector<CollectorTierSpec>* tiers) {
  const Node* n = root.Get("collectors");
  tier_refs_.assign(1, TierRef{nullptr, nullptr, nullptr, "collectors", root.KeyOrigin("collectors")});
  if (n == nullptr || n->IsNull()) return;  // one default tier
  const std::string path = root.Path("collectors");
  if (n->IsMap()) {
    std::optional<Map> m = SubMap(root, "collectors", TierKeys());
    if (!m) return;
    tier_refs_[0].origin = n->origin;
    if (tiers->empty()) tiers->emplace_back();
    DecodeTier(*m, &(*tiers)[0], &tier_refs_[0]);
    return;
  }
  if (!n->IsSequence() || n->items.empty()) {
    FailExpected(*n, path,
                 "a mapping (one collector tier) or a non-empty sequence of tiers (- name: edge ...)");
    return;
  }
  collectors_is_list_ = true;
  tiers->clear();
  tier_refs_.clear();
  for (size_t i = 0; i < n->items.size(); ++i) {
    const Node& item = n->items[i];
    const std::string item_path = JoinIndex(path, i);
    CollectorTierSpec tier;
    TierRef ref{nullptr, nullptr, nullptr, item_path, item.origin};
    std::optional<Map> m = OpenMap(&item, item_path, item.origin, TierKeys(), "a collector tier: a mapping");
    if (m && item.IsNull()) {
      Fail(item.origin, item_path, "empty collector tier; expected a mapping with at least 'name'");
    } else if (m) {
      Require(*m, "name", "in the list form every tier is named, e.g. name: gateway");
      DecodeTier(*m, &tier, &ref);
    }
    tiers->push_back(std::move(tier));
    tier_refs_.push_back(ref);
  }
  for (size_t i = 0; i < tiers->size(); ++i) {
    if (tier_refs_[i].name == nullptr || (*tiers)[i].name.empty()) continue;
    for (size_t j = 0; j < i; ++j) {
      if ((*tiers)[j].name == (*tiers)[i].name && tier_refs_[j].name != nullptr) {
        Fail(tier_refs_[i].name->origin, JoinKey(tier_refs_[i].path, "name"),
             "duplicate tier name '" + (*tiers)[i].name + "' (already used by " + tier_refs_[j].path + ")");
        break;
      }
    }
  }
}

void Decoder::DecodeTier(const Map& m, CollectorTierSpec* tier, TierRef* ref) {
  if (ReadString(m, "name", &tier->name)) {
    ref->name = m.Get("name");
    if (!IsValidTierName(tier->name)) {
      FailExpected(*ref->name, m.Path("name"),
                   "a tier name: lowercase letters, digits and '-', starting with a letter");
      tier->name.clear();
    } else if (tier->name == "storage" || tier->name == "driver") {
      FailExpected(*ref->name, m.Path("name"), "a tier name",
                   "'storage' and 'driver' name the storage tier and the load generator");
      tier->name.clear();
    }
  }
  ReadInt(m, "count", Bound::AtLeast(1), &tier->count);
  ReadSpeed(m, "host_speed", &tier->host_speed_flops);
  ReadMemoryMiB(m, "memory", &tier->memory_mib);
  ReadEnum(
      m, "profile",
      EnumTable<CollectorProfile>{{"otel", CollectorProfile::kOtel}, {"jaeger", CollectorProfile::kJaeger}},
      &tier->profile);
  if (tier->profile == CollectorProfile::kJaeger) {
    DecodeJaegerTier(m, tier);
  } else if (m.Get("jaeger") != nullptr) {
    Fail(m.KeyOrigin("jaeger"), m.Path("jaeger"), "only applies to profile: jaeger");
  }
  DecodeProcessors(m, &tier->processors);
  DecodeExporter(m, &tier->exporter, ref);
}

// profile: jaeger — the Jaeger v1 collector has no OTel processors and no
// exporter queue: its own span queue and workers write to storage.
void Decoder::DecodeJaegerTier(const Map& m, CollectorTierSpec* tier) {
  if (std::optional<Map> jm = SubMap(
          m, "jaeger", {"queue_size", "num_workers", "queue_size_memory_mib", "resize_check_interval"})) {
    pipeline::JaegerCollectorQueueOptions& j = tier->jaeger;
    ReadInt(*jm, "queue_size", Bound::AtLeast(1), &j.queue_size);
    ReadInt(*jm, "num_workers", Bound::AtLeast(1), &j.num_workers);
    int64_t mib = 0;
    if (ReadInt64(*jm, "queue_size_memory_mib", Bound::NonNegative(), &mib)) j.queue_size_memory_mib = mib;
    ReadDuration(*jm, "resize_check_interval", Bound::Positive(), &j.resize_check_interval);
  }
  for (const char* key : {"processors", "pipeline"}) {
    if (m.Get(key) != nullptr) {
      Fail(m.KeyOrigin(key), m.Path(key),
           "the jaeger profile has no OTel processors (remove it, or use profile: otel)");
    }
  }
  if (std::optional<Map> em =
          SubMap(m, "exporter",
                 {"type", "to", "timeout", "sending_queue", "retry_on_failure", "routing_key", "resolver"})) {
    for (const char* key : {"type", "sending_queue", "retry_on_failure", "routing_key", "resolver"}) {
      if (em->Get(key) != nullptr) {
        Fail(em->KeyOrigin(key), em->Path(key),
             "the jaeger profile writes to storage from its span queue (jaeger.queue_size, "
             "jaeger.num_workers); only exporter.to: storage and exporter.timeout apply");
      }
    }
    if (const Node* to = em->Get("to"); to != nullptr && to->IsScalar() && to->scalar != "storage") {
      FailExpected(*to, em->Path("to"), "storage", "a Jaeger collector writes to the span storage");
    }
  }
  tier->processors.clear();
}

// ---------------------------------------------------------------------------
// Processors

void Decoder::DecodeProcessors(const Map& tier, std::vector<pipeline::ProcessorEntry>* out) {
  const Node* procs = tier.Get("processors");
  const Node* order = tier.Get("pipeline");
  if (order != nullptr && order->IsNull()) order = nullptr;  // "pipeline:" / null: the order as written
  const std::string procs_path = tier.Path("processors");
  const std::string order_path = tier.Path("pipeline");
  if (procs == nullptr) {
    // The default chain (one batch) stays; a pipeline needs processors to order.
    if (order != nullptr) {
      Fail(tier.KeyOrigin("pipeline"), order_path,
           "lists the order of `processors`, but this tier has no `processors` mapping (without it the "
           "pipeline is one default batch processor)");
    }
    return;
  }
  if (!procs->IsNull() && !procs->IsMap()) {
    FailExpected(*procs, procs_path,
                 "a mapping of processors by component id (e.g. batch: {send_batch_size: 8192})");
    return;
  }
  const size_t errors_before = errors_.size();

  // Decode every defined processor, in the order written.
  struct Defined {
    const MapEntry* entry;
    std::optional<pipeline::ProcessorConfig> config;
  };
  std::vector<Defined> defined;
  std::vector<std::string> defined_names;
  for (const MapEntry& e : procs->entries) {
    defined.push_back({&e, DecodeProcessor(e, JoinKey(procs_path, e.key))});
    defined_names.push_back(e.key);
  }

  // The order: `pipeline:` (the Collector's service.pipelines.traces.processors), else as written.
  std::vector<size_t> chain;
  if (order == nullptr) {
    for (size_t i = 0; i < defined.size(); ++i) chain.push_back(i);
  } else if (!order->IsSequence()) {
    FailExpected(*order, order_path,
                 "a sequence of processor ids in pipeline order ([memory_limiter, batch])");
    return;
  } else {
    std::vector<bool> listed(defined.size(), false);
    for (size_t k = 0; k < order->items.size(); ++k) {
      const Node& item = order->items[k];
      const std::string item_path = JoinIndex(order_path, k);
      if (!item.IsScalar()) {
        FailExpected(item, item_path, "a processor id");
        continue;
      }
      auto it = std::find(defined_names.begin(), defined_names.end(), item.scalar);
      if (it == defined_names.end()) {
        std::string expected = defined_names.empty()
                                   ? std::string("a processor defined in `processors` (none is)")
                                   : "a processor defined in `processors` (" + JoinNames(defined_names) + ")";
        FailExpected(item, item_path, expected, ClosestNameDetail(item.scalar, defined_names));
        continue;
      }
      const size_t idx = static_cast<size_t>(it - defined_names.begin());
      if (listed[idx]) {
        Fail(item.origin, item_path, "references processor '" + item.scalar + "' multiple times");
        continue;
      }
      listed[idx] = true;
      chain.push_back(idx);
    }
    for (size_t i = 0; i < defined.size(); ++i) {
      if (!listed[i]) {
        Fail(
            defined[i].entry->key_origin, JoinKey(procs_path, defined[i].entry->key),
            "defined but not listed in `pipeline` (" + order_path + "); list it where it runs, or remove it");
      }
    }
  }
  if (errors_.size() != errors_before) return;

  std::vector<pipeline::ProcessorEntry> entries;
  std::vector<const MapEntry*> sources;
  for (size_t idx : chain) {
    entries.push_back({defined[idx].entry->key, std::move(*defined[idx].config)});
    sources.push_back(defined[idx].entry);
  }
  // The pipeline's own check: "processors[i] (<id>): <type>.<key.path>: <text>".
  if (Status st = pipeline::ValidateProcessorEntries(entries); !st.ok()) {
    const std::string& msg = st.message();
    bool mapped = false;
    if (msg.rfind("processors[", 0) == 0) {
      const size_t close = msg.find(']');
      size_t i = 0;
      if (close != std::string::npos) {
        const std::string digits = msg.substr(11, close - 11);
        i = static_cast<size_t>(std::stoul(digits.empty() ? std::string("0") : digits));
      }
      const size_t body = msg.find("): ", close == std::string::npos ? 0 : close);
      if (close != std::string::npos && body != std::string::npos && i < sources.size()) {
        const MapEntry& e = *sources[i];
        const std::string rest = msg.substr(body + 3);
        const std::string type(pipeline::ProcessorTypeFromName(e.key));
        const std::string entry_path = JoinKey(procs_path, e.key);
        if (rest.rfind(type + ".", 0) == 0 || rest.rfind(type + ":", 0) == 0) {
          FailFromValidator(Status::InvalidArgument(rest), type, e.value.IsMap() ? &e.value : nullptr,
                            entry_path, e.key_origin);
        } else {
          Fail(e.key_origin, entry_path, rest);
        }
        mapped = true;
      }
    }
    if (!mapped) Fail(procs->origin, procs_path, msg);
    return;
  }
  *out = std::move(entries);
}

std::optional<pipeline::ProcessorConfig> Decoder::DecodeProcessor(const MapEntry& e,
                                                                  const std::string& path) {
  const std::string type(pipeline::ProcessorTypeFromName(e.key));
  const std::vector<std::string>& supported = SupportedProcessors();
  if (std::find(supported.begin(), supported.end(), type) == supported.end()) {
    std::string msg = "unsupported processor type '" + type + "' (supported: " + JoinNames(supported) + ")";
    if (std::string near = ClosestMatch(type, supported); !near.empty()) {
      msg += "; did you mean '" + near + "'?";
    }
    Fail(e.key_origin, path, msg);
    return std::nullopt;
  }
  if (type == "batch") {
    std::optional<Map> m =
        OpenMap(&e.value, path, e.key_origin, {"send_batch_size", "timeout", "send_batch_max_size"});
    if (!m) return std::nullopt;
    pipeline::BatchProcessorOptions b;
    bool size_ok = ReadInt(*m, "send_batch_size", Bound::NonNegative(), &b.send_batch_size);
    ReadDuration(*m, "timeout", Bound::NonNegative(), &b.timeout);
    bool max_ok = ReadInt(*m, "send_batch_max_size", Bound::NonNegative(), &b.send_batch_max_size);
    if ((size_ok || max_ok) && b.send_batch_max_size != 0 && b.send_batch_max_size < b.send_batch_size) {
      const char* key = max_ok ? "send_batch_max_size" : "send_batch_size";
      const std::string expected =
          max_ok ? "0 (no limit) or an integer >= send_batch_size (" + std::to_string(b.send_batch_size) + ")"
                 : "an integer <= send_batch_max_size (" + std::to_string(b.send_batch_max_size) + ")";
      FailExpected(*m->Get(key), m->Path(key), expected);
    }
    return b;
  }
  if (type == "memory_limiter") {
    std::optional<Map> m = OpenMap(
        &e.value, path, e.key_origin,
        {"check_interval", "limit_mib", "spike_limit_mib", "limit_percentage", "spike_limit_percentage"});
    if (!m) return std::nullopt;
    pipeline::MemoryLimiterConfig c;
    ReadDuration(*m, "check_interval", Bound::Positive(), &c.check_interval);
    ReadUint64(*m, "limit_mib", &c.limit_mib);
    ReadUint64(*m, "spike_limit_mib", &c.spike_limit_mib);
    ReadInt(*m, "limit_percentage", Bound::Closed(0, 100), &c.limit_percentage);
    ReadInt(*m, "spike_limit_percentage", Bound::Closed(0, 100), &c.spike_limit_percentage);
    return c;
  }
  if (type == "tail_sampling") {
    std::optional<Map> m =
        OpenMap(&e.value, path, e.key_origin,
                {"decision_wait", "num_traces", "expected_new_traces_per_sec", "decision_cache", "policies"});
    if (!m) return std::nullopt;
    pipeline::TailSamplingConfig c;
    DecodeTailSampling(*m, &c);
    return c;
  }
  // probabilistic_sampler
  std::optional<Map> m = OpenMap(
      &e.value, path, e.key_origin,
      {"sampling_percentage", "hash_seed", "mode", "fail_closed", "sampling_precision", "attribute_source"});
  if (!m) return std::nullopt;
  pipeline::ProbabilisticSamplerConfig c;
  ReadDouble(*m, "sampling_percentage", Bound::NonNegative(), &c.sampling_percentage);
  ReadInt(*m, "hash_seed", Bound::NonNegative(), &c.hash_seed);
  ReadEnum(*m, "mode",
           EnumTable<std::string>{
               {"hash_seed", "hash_seed"}, {"proportional", "proportional"}, {"equalizing", "equalizing"}},
           &c.mode);
  ReadBool(*m, "fail_closed", &c.fail_closed);
  ReadInt(*m, "sampling_precision", Bound::Closed(1, 14), &c.sampling_precision);
  ReadEnum(*m, "attribute_source", EnumTable<std::string>{{"traceID", "traceID"}, {"record", "record"}},
           &c.attribute_source);
  return c;
}

void Decoder::DecodeTailSampling(const Map& m, pipeline::TailSamplingConfig* c) {
  ReadDuration(m, "decision_wait", Bound::NonNegative(), &c->decision_wait);
  if (ReadUint64(m, "num_traces", &c->num_traces) && c->num_traces == 0) {
    FailExpected(*m.Get("num_traces"), m.Path("num_traces"), "an integer > 0");
  }
  ReadUint64(m, "expected_new_traces_per_sec", &c->expected_new_traces_per_sec);
  if (std::optional<Map> dc = SubMap(m, "decision_cache", {"sampled_cache_size", "non_sampled_cache_size"})) {
    ReadUint64(*dc, "sampled_cache_size", &c->decision_cache.sampled_cache_size);
    ReadUint64(*dc, "non_sampled_cache_size", &c->decision_cache.non_sampled_cache_size);
  }
  if (Require(m, "policies", "at least one sampling policy, e.g. - {name: all, type: always_sample}")) {
    DecodePolicies(m, "policies", &c->policies);
  }
}

void Decoder::DecodePolicies(const Map& parent, std::string_view key,
                             std::vector<pipeline::TailSamplingPolicyConfig>* out) {
  const Node* n = parent.Get(key);
  if (n == nullptr || n->IsNull()) return;
  const std::string path = parent.Path(key);
  if (!n->IsSequence()) {
    FailExpected(*n, path, "a sequence of policies (- {name: ..., type: ..., <type>: {...}})");
    return;
  }
  out->clear();
  for (size_t i = 0; i < n->items.size(); ++i) {
    pipeline::TailSamplingPolicyConfig p;
    DecodePolicy(n->items[i], JoinIndex(path, i), &p);
    out->push_back(std::move(p));
  }
}

void Decoder::DecodePolicy(const Node& n, const std::string& path, pipeline::TailSamplingPolicyConfig* p) {
  static const std::vector<std::string> kTypes = {"always_sample",     "latency",       "numeric_attribute",
                                                  "probabilistic",     "status_code",   "string_attribute",
                                                  "rate_limiting",     "span_count",    "trace_state",
                                                  "boolean_attribute", "and",           "drop",
                                                  "composite",         "ottl_condition"};
  std::vector<std::string> keys = {"name", "type"};
  for (const std::string& t : kTypes) {
    if (t != "always_sample") keys.push_back(t);
  }
  std::optional<Map> m = OpenMap(&n, path, n.origin, keys, "a policy: a mapping");
  if (!m) return;
  if (n.IsNull()) {
    Fail(n.origin, path, "empty policy; expected {name: ..., type: ...}");
    return;
  }
  ReadString(*m, "name", &p->name);
  if (Require(*m, "type", "the policy type, e.g. latency")) {
    EnumTable<std::string> table;
    for (const std::string& t : kTypes) table.emplace_back(t, t);
    ReadEnum(*m, "type", table, &p->type);
  }
  if (const Node* o = m->Get("ottl_condition"); o != nullptr) {
    Fail(m->KeyOrigin("ottl_condition"), m->Path("ottl_condition"),
         "OTTL conditions are not supported by tracesim");
  }
  if (std::optional<Map> b = SubMap(*m, "latency", {"threshold_ms", "upper_threshold_ms"})) {
    ReadInt(*b, "threshold_ms", Bound::Any(), &p->latency.threshold_ms);
    ReadInt(*b, "upper_threshold_ms", Bound::Any(), &p->latency.upper_threshold_ms);
  }
  if (std::optional<Map> b =
          SubMap(*m, "numeric_attribute", {"key", "min_value", "max_value", "invert_match"})) {
    ReadString(*b, "key", &p->numeric_attribute.key);
    int64_t v = 0;
    if (ReadInt64(*b, "min_value", Bound::Any(), &v)) p->numeric_attribute.min_value = v;
    if (ReadInt64(*b, "max_value", Bound::Any(), &v)) p->numeric_attribute.max_value = v;
    ReadBool(*b, "invert_match", &p->numeric_attribute.invert_match);
  }
  if (std::optional<Map> b = SubMap(*m, "probabilistic", {"hash_salt", "sampling_percentage"})) {
    ReadString(*b, "hash_salt", &p->probabilistic.hash_salt);
    ReadDouble(*b, "sampling_percentage", Bound::Any(), &p->probabilistic.sampling_percentage);
  }
  if (std::optional<Map> b = SubMap(*m, "status_code", {"status_codes"})) {
    ReadStringList(*b, "status_codes", &p->status_code.status_codes);
  }
  if (std::optional<Map> b =
          SubMap(*m, "string_attribute",
                 {"key", "values", "enabled_regex_matching", "cache_max_size", "invert_match"})) {
    ReadString(*b, "key", &p->string_attribute.key);
    ReadStringList(*b, "values", &p->string_attribute.values);
    ReadBool(*b, "enabled_regex_matching", &p->string_attribute.enabled_regex_matching);
    ReadInt(*b, "cache_max_size", Bound::Any(), &p->string_attribute.cache_max_size);
    ReadBool(*b, "invert_match", &p->string_attribute.invert_match);
  }
  if (std::optional<Map> b = SubMap(*m, "rate_limiting", {"spans_per_second"})) {
    ReadInt(*b, "spans_per_second", Bound::Any(), &p->rate_limiting.spans_per_second);
  }
  if (std::optional<Map> b = SubMap(*m, "span_count", {"min_spans", "max_spans"})) {
    ReadInt(*b, "min_spans", Bound::Any(), &p->span_count.min_spans);
    ReadInt(*b, "max_spans", Bound::Any(), &p->span_count.max_spans);
  }
  if (std::optional<Map> b = SubMap(*m, "trace_state", {"key", "values"})) {
    ReadString(*b, "key", &p->trace_state.key);
    ReadStringList(*b, "values", &p->trace_state.values);
  }
  if (std::optional<Map> b = SubMap(*m, "boolean_attribute", {"key", "value", "invert_match"})) {
    ReadString(*b, "key", &p->boolean_attribute.key);
    ReadBool(*b, "value", &p->boolean_attribute.value);
    ReadBool(*b, "invert_match", &p->boolean_attribute.invert_match);
  }
  if (std::optional<Map> b = SubMap(*m, "and", {"and_sub_policy"})) {
    DecodePolicies(*b, "and_sub_policy", &p->and_.and_sub_policy);
  }
  if (std::optional<Map> b = SubMap(*m, "drop", {"drop_sub_policy"})) {
    DecodePolicies(*b, "drop_sub_policy", &p->drop.drop_sub_policy);
  }
  if (std::optional<Map> b =
          SubMap(*m, "composite",
                 {"max_total_spans_per_second", "policy_order", "composite_sub_policy", "rate_allocation"})) {
    pipeline::TailSamplingCompositeConfig& c = p->composite;
    ReadInt(*b, "max_total_spans_per_second", Bound::Any(), &c.max_total_spans_per_second);
    ReadStringList(*b, "policy_order", &c.policy_order);
    DecodePolicies(*b, "composite_sub_policy", &c.composite_sub_policy);
    if (const Node* ra = b->Get("rate_allocation"); ra != nullptr && !ra->IsNull()) {
      const std::string ra_path = b->Path("rate_allocation");
      if (!ra->IsSequence()) {
        FailExpected(*ra, ra_path, "a sequence of {policy: <sub-policy name>, percent: <0..100>}");
      } else {
        for (size_t i = 0; i < ra->items.size(); ++i) {
          const Node& item = ra->items[i];
          const std::string item_path = JoinIndex(ra_path, i);
          std::optional<Map> am =
              OpenMap(&item, item_path, item.origin, {"policy", "percent"}, "a rate allocation: a mapping");
          if (!am) continue;
          pipeline::TailSamplingRateAllocationConfig a;
          ReadString(*am, "policy", &a.policy);
          ReadInt(*am, "percent", Bound::Any(), &a.percent);
          c.rate_allocation.push_back(std::move(a));
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Exporter

void Decoder::DecodeExporter(const Map& tier, ExporterSpec* e, TierRef* ref) {
  std::optional<Map> em =
      SubMap(tier, "exporter",
             {"type", "to", "timeout", "sending_queue", "retry_on_failure", "routing_key", "resolver"});
  if (!em) return;
  const bool type_ok = ReadEnum(*em, "type",
                                EnumTable<ExporterType>{{"otlp", ExporterType::kOtlp},
                                                        {"loadbalancing", ExporterType::kLoadBalancing}},
                                &e->type) ||
                       em->Get("type") == nullptr;  // absent: otlp
  ref->type = em->Get("type");
  if (ReadString(*em, "to", &e->to)) ref->to = em->Get("to");
  ReadDuration(*em, "timeout", Bound::Positive(), &e->timeout);
  if (std::optional<Map> q =
          SubMap(*em, "sending_queue",
                 {"enabled", "num_consumers", "queue_size", "sizer", "block_on_overflow", "storage"})) {
    SendingQueueSpec& sq = e->sending_queue;
    ReadBool(*q, "enabled", &sq.enabled);
    ReadInt(*q, "num_consumers", Bound::AtLeast(1), &sq.num_consumers);
    ReadInt(*q, "queue_size", Bound::AtLeast(1), &sq.queue_size);
    ReadEnum(*q, "sizer",
             EnumTable<pipeline::QueueSizer>{{"requests", pipeline::QueueSizer::kRequests},
                                             {"items", pipeline::QueueSizer::kItems}},
             &sq.sizer);
    ReadBool(*q, "block_on_overflow", &sq.block_on_overflow);
    if (ReadString(*q, "storage", &sq.storage) && sq.storage.empty()) {
      FailExpected(*q->Get("storage"), q->Path("storage"),
                   "the id of a storage extension (e.g. file_storage) for a persistent queue");
    }
  }
  if (std::optional<Map> r = SubMap(*em, "retry_on_failure",
                                    {"enabled", "initial_interval", "max_interval", "max_elapsed_time",
                                     "multiplier", "randomization_factor"})) {
    RetrySpec& rs = e->retry_on_failure;
    ReadBool(*r, "enabled", &rs.enabled);
    bool initial_ok = ReadDuration(*r, "initial_interval", Bound::Positive(), &rs.initial_interval);
    bool max_ok = ReadDuration(*r, "max_interval", Bound::Positive(), &rs.max_interval);
    bool elapsed_ok = ReadDuration(*r, "max_elapsed_time", Bound::NonNegative(), &rs.max_elapsed_time);
    ReadDouble(*r, "multiplier", Bound::AtLeast(1), &rs.multiplier);
    ReadDouble(*r, "randomization_factor", Bound::Closed(0, 1), &rs.randomization_factor);
    if ((initial_ok || max_ok) && rs.max_interval < rs.initial_interval) {
      const char* key = max_ok ? "max_interval" : "initial_interval";
      const std::string expected =
          max_ok ? "a duration >= initial_interval (" + FormatDuration(rs.initial_interval) + ")"
                 : "a duration <= max_interval (" + FormatDuration(rs.max_interval) + ")";
      FailExpected(*r->Get(key), r->Path(key), expected);
    } else if ((initial_ok || elapsed_ok) && rs.max_elapsed_time.count() != 0 &&
               rs.max_elapsed_time < rs.initial_interval) {
      const char* key = elapsed_ok ? "max_elapsed_time" : "initial_interval";
      const std::string expected =
          elapsed_ok ? "0 (retry forever) or a duration >= initial_interval (" +
                           FormatDuration(rs.initial_interval) + ")"
                     : "a duration <= max_elapsed_time (" + FormatDuration(rs.max_elapsed_time) + ")";
      FailExpected(*r->Get(key), r->Path(key), expected);
    }
  }
  const bool balancing = e->type == ExporterType::kLoadBalancing;
  // The loadbalancing exporter's spelling: routing_key "traceID" (default) or "service".
  if (ReadEnum(*em, "routing_key",
               EnumTable<RoutingKey>{{"traceID", RoutingKey::kTraceId}, {"service", RoutingKey::kService}},
               &e->routing_key) &&
      type_ok && !balancing) {
    Fail(em->KeyOrigin("routing_key"), em->Path("routing_key"),
         "only the loadbalancing exporter routes; set type: loadbalancing or remove routing_key");
  }
  if (std::optional<Map> rm = SubMap(*em, "resolver", {"interval"})) {
    ReadDuration(*rm, "interval", Bound::Positive(), &e->resolver_interval);
    if (rm->node != nullptr && type_ok && !balancing) {
      Fail(em->KeyOrigin("resolver"), em->Path("resolver"),
           "only the loadbalancing exporter resolves its backends; set type: loadbalancing or remove "
           "resolver");
    }
  }
}

// ---------------------------------------------------------------------------
// Checks over every tier

void Decoder::CheckTiers(const Scenario& s) {
  const std::vector<CollectorTierSpec>& tiers = s.collector_tiers;
  // Tier names against service names, and service names against tier hosts.
  for (size_t t = 0; t < tiers.size() && t < tier_refs_.size(); ++t) {
    for (const ServiceSpec& svc : s.services) {
      if (svc.name == tiers[t].name && tier_refs_[t].name != nullptr) {
        FailExpected(*tier_refs_[t].name, JoinKey(tier_refs_[t].path, "name"), "a tier name",
                     "'" + svc.name + "' is a service");
      }
    }
  }
  for (size_t i = 0; i < s.services.size() && i < service_name_nodes_.size(); ++i) {
    const auto [t, index] = ParseTierHost(s.services[i].name, tiers);
    if (t < 0 || service_name_nodes_[i] == nullptr) continue;
    FailExpected(*service_name_nodes_[i], JoinKey(JoinIndex("services", i), "name"), "a service name",
                 tiers[static_cast<size_t>(t)].name + "-<i> names the hosts of collector tier '" +
                     tiers[static_cast<size_t>(t)].name + "'");
  }

  // Exporter targets: a later tier or storage; data flows forward only.
  std::vector<bool> receives(tiers.size(), false);
  if (!receives.empty()) receives[0] = true;  // the SDKs export to the first tier
  for (size_t t = 0; t < tiers.size() && t < tier_refs_.size(); ++t) {
    const ExporterSpec& e = tiers[t].exporter;
    const TierRef& ref = tier_refs_[t];
    const std::string to_path = JoinKey(JoinKey(ref.path, "exporter"), "to");
    std::vector<std::string> later;
    for (size_t u = t + 1; u < tiers.size(); ++u) later.push_back(tiers[u].name);
    std::vector<std::string> valid = later;
    valid.push_back("storage");
    if (e.to == "storage") {
      if (e.type == ExporterType::kLoadBalancing && ref.type != nullptr) {
        FailExpected(*ref.type, JoinKey(JoinKey(ref.path, "exporter"), "type"),
                     "otlp when exporting to storage",
                     "spans reach storage through storage.partitioner; the loadbalancing exporter balances "
                     "over a later collector tier");
      }
      continue;
    }
    size_t target = tiers.size();
    for (size_t u = 0; u < tiers.size(); ++u) {
      if (tiers[u].name == e.to) target = u;
    }
    if (ref.to == nullptr) continue;
    if (target < tiers.size() && target > t) {
      receives[target] = true;
      continue;
    }
    std::string detail;
    if (target == t) {
      detail = "a tier cannot export to itself";
    } else if (target < t) {
      detail = "tier '" + e.to + "' comes before '" + tiers[t].name +
               "' in `collectors`: spans flow down the list, towards storage";
    } else {
      detail = ClosestNameDetail(e.to, valid);
    }
    FailExpected(*ref.to, to_path, "the name of a later tier or storage (one of " + JoinNames(valid) + ")",
                 detail);
  }
  for (size_t t = 1; t < tiers.size() && t < tier_refs_.size(); ++t) {
    if (receives[t]) continue;
    const TierRef& ref = tier_refs_[t];
    Fail(ref.name != nullptr ? ref.name->origin : ref.origin, ref.path,
         "tier '" + tiers[t].name +
             "' receives no spans: no earlier tier exports to it (the SDKs export to '" + tiers[0].name +
             "'; set exporter.to: " + tiers[t].name + " in an earlier tier)");
  }
}

// A host_crash at a fixed time or a scale_in: the events whose order per
// host is checked (stochastic crashes and the other faults are not).
static bool IsScheduledHostEvent(const FailureSpec& f) {
  return (f.type == FailureType::kHostCrash && f.mtbf_s <= 0) || f.type == FailureType::kScaleIn;
}

bool Decoder::CheckFaultTarget(const Scenario& s, const FailureSpec& f, const FailureRef& ref,
                               const std::string& hosts, const std::vector<std::string>& host_candidates,
                               const std::vector<std::string>& tier_names) {
  const std::string target_path = JoinKey(ref.path, "target");
  auto is_host = [&](const std::string& name) {
    if (std::find(host_candidates.begin(), host_candidates.end(), name) != host_candidates.end()) return true;
    const auto [t, index] = ParseTierHost(name, s.collector_tiers);
    const int64_t si = HostIndex(name, "storage-");
    return (t >= 0 && index < s.collector_tiers[static_cast<size_t>(t)].count) ||
           (si >= 0 && si < s.storage.nodes);
  };
  switch (f.type) {
    case FailureType::kLinkDown:
    case FailureType::kBandwidthDrop:
    case FailureType::kLatencySpike:
    case FailureType::kLossBurst: {
      std::vector<std::string> links;
      for (const auto& h : host_candidates) links.push_back(h + "-link");
      links.push_back("driver-link");
      if (s.platform.topology == Topology::kTwoTier) {
        for (int r = 0; r < 4; ++r) links.push_back("rack" + std::to_string(r) + "-uplink");
      }
      if (s.platform.topology == Topology::kMultiRegion) {
        for (size_t a = 0; a < s.platform.regions.size(); ++a) {
          for (size_t b = a + 1; b < s.platform.regions.size(); ++b) {
            std::string x = s.platform.regions[a].name, y = s.platform.regions[b].name;
            if (y < x) std::swap(x, y);
            links.push_back("wan-" + x + "-" + y);
          }
        }
      }
      const bool host_link = f.target.size() > 5 && f.target.ends_with("-link") &&
                             (is_host(f.target.substr(0, f.target.size() - 5)) || f.target == "driver-link");
      if (host_link || std::find(links.begin(), links.end(), f.target) != links.end()) return true;
      FailExpected(*ref.target, target_path,
                   "a link: <host>-link for a host (" + hosts + ")" +
                       (s.platform.topology == Topology::kTwoTier ? ", rack0-uplink..rack3-uplink" : "") +
                       (s.platform.topology == Topology::kMultiRegion ? ", wan-<region>-<region>" : ""),
                   ClosestNameDetail(f.target, links));
      return false;
    }
    case FailureType::kCpuSlowdown:
      if (is_host(f.target)) return true;
      FailExpected(*ref.target, target_path, "a host: " + hosts,
                   ClosestNameDetail(f.target, host_candidates));
      return false;
    case FailureType::kStorageOutage: {
      const int64_t si = HostIndex(f.target, "storage-");
      if (si >= 0 && si < s.storage.nodes) return true;
      FailExpected(*ref.target, target_path,
                   "a storage node, storage-0..storage-" + std::to_string(s.storage.nodes - 1));
      return false;
    }
    case FailureType::kRollingRestart:
      if (f.target == "storage" ||
          std::find(tier_names.begin(), tier_names.end(), f.target) != tier_names.end()) {
        return true;
      }
      FailExpected(*ref.target, target_path, "a collector tier (" + JoinNames(tier_names) + ") or storage",
                   ClosestNameDetail(f.target, tier_names));
      return false;
    case FailureType::kPartition: {
      bool ok = true;
      std::vector<std::string> seen;
      const std::string gpath = JoinKey(ref.path, "groups");
      for (size_t g = 0; g < f.groups.size(); ++g) {
        for (const std::string& h : f.groups[g]) {
          if (!is_host(h) && h != "driver") {
            FailExpected(*ref.groups, JoinIndex(gpath, g), "host names: " + hosts + " or driver",
                         "'" + h + "' is not a host" +
                             (ClosestNameDetail(h, host_candidates).empty()
                                  ? std::string()
                                  : " (" + ClosestNameDetail(h, host_candidates) + ")"));
            ok = false;
          } else if (std::find(seen.begin(), seen.end(), h) != seen.end()) {
            FailExpected(*ref.groups, JoinIndex(gpath, g), "each host in one group at most",
                         "'" + h + "' is in two groups");
            ok = false;
          }
          seen.push_back(h);
        }
      }
      return ok;
    }
    default:
      return true;
  }
}

void Decoder::CheckFailures(const Scenario& s) {
  const std::vector<CollectorTierSpec>& tiers = s.collector_tiers;
  std::vector<std::string> services;  // service hosts: a replicated service's are <name>-<i>
  for (const ServiceSpec& svc : s.services) {
    for (int r = 0; r < std::min(svc.replicas, 64); ++r) services.push_back(ServiceHostName(svc, r));
  }
  const double horizon = s.duration_s + s.drain_s;
  const auto count_path = [&](size_t t) {
    return JoinKey(collectors_is_list_ ? JoinIndex("collectors", t) : std::string("collectors"), "count");
  };

  std::string hosts = "a service (" + JoinNames(services) + ")";
  std::vector<std::string> host_candidates = services;
  std::vector<std::string> tier_names;
  for (const CollectorTierSpec& t : tiers) {
    hosts += ", " + HostRange(t.name, t.count);
    tier_names.push_back(t.name);
    for (int i = 0; i < std::min(t.count, 64); ++i) host_candidates.push_back(TierHostName(t.name, i));
  }
  hosts += " or " + (s.storage.nodes == 1 ? StorageHostName(0)
                                          : StorageHostName(0) + ".." + StorageHostName(s.storage.nodes - 1));
  for (int i = 0; i < std::min(s.storage.nodes, 64); ++i) host_candidates.push_back(StorageHostName(i));

  // Whether event j happens before event i (time, then list order).
  const auto before = [&](size_t j, size_t i) {
    return s.failures[j].at_s < s.failures[i].at_s || (s.failures[j].at_s == s.failures[i].at_s && j < i);
  };
  // Hosts tier t has at event i: count + scale_outs before it.
  const auto hosts_at = [&](size_t t, size_t i) {
    int64_t n = tiers[t].count;
    for (size_t j = 0; j < s.failures.size(); ++j) {
      if (j != i && s.failures[j].type == FailureType::kScaleOut && s.failures[j].target == tiers[t].name &&
          before(j, i)) {
        ++n;
      }
    }
    return n;
  };

  bool targets_ok = true;
  for (size_t i = 0; i < s.failures.size() && i < failure_refs_.size(); ++i) {
    const FailureSpec& f = s.failures[i];
    const FailureRef& ref = failure_refs_[i];
    if (ref.at != nullptr && f.at_s > horizon) {
      FailExpected(*ref.at, JoinKey(ref.path, "at"),
                   "a time in [0s, " + FormatSeconds(horizon) + "] (duration + drain)");
    }
    if (f.type == FailureType::kPartition) {
      if (ref.groups == nullptr || !CheckFaultTarget(s, f, ref, hosts, host_candidates, tier_names)) {
        targets_ok = false;
      }
      continue;
    }
    if (ref.target == nullptr) {
      targets_ok = false;
      continue;
    }
    const std::string target_path = JoinKey(ref.path, "target");
    const auto [t, index] = ParseTierHost(f.target, tiers);
    if (f.type != FailureType::kHostCrash && f.type != FailureType::kScaleOut &&
        f.type != FailureType::kScaleIn) {
      if (!CheckFaultTarget(s, f, ref, hosts, host_candidates, tier_names)) targets_ok = false;
      continue;
    }
    if (f.type == FailureType::kHostCrash) {
      const int64_t si = HostIndex(f.target, "storage-");
      const bool known = std::find(services.begin(), services.end(), f.target) != services.end() ||
                         (t >= 0 && index < tiers[static_cast<size_t>(t)].count) ||
                         (si >= 0 && si < s.storage.nodes);
      if (known) continue;
      std::string detail;
      if (t >= 0) {
        detail =
            count_path(static_cast<size_t>(t)) + " is " + std::to_string(tiers[static_cast<size_t>(t)].count);
      } else if (si >= 0) {
        detail = "storage.nodes is " + std::to_string(s.storage.nodes);
      } else if (std::find(tier_names.begin(), tier_names.end(), f.target) != tier_names.end()) {
        detail = "'" + f.target + "' is a tier; a host_crash names one of its hosts";
      } else {
        detail = ClosestNameDetail(f.target, host_candidates);
      }
      FailExpected(*ref.target, target_path, "a host: " + hosts, detail);
      targets_ok = false;
    } else if (f.type == FailureType::kScaleOut) {
      if (std::find(tier_names.begin(), tier_names.end(), f.target) != tier_names.end()) continue;
      std::string detail = t >= 0 ? "a scale_out adds a host to a tier: name the tier, '" +
                                        tiers[static_cast<size_t>(t)].name + "'"
                                  : ClosestNameDetail(f.target, tier_names);
      FailExpected(*ref.target, target_path, "the name of a collector tier (" + JoinNames(tier_names) + ")",
                   detail);
      targets_ok = false;
    } else {  // kScaleIn
      if (t >= 0 && index < hosts_at(static_cast<size_t>(t), i)) continue;
      std::string expected = "a collector host (";
      for (size_t u = 0; u < tiers.size(); ++u) {
        expected += (u > 0 ? ", " : "") + HostRange(tiers[u].name, hosts_at(u, i));
      }
      expected += " at " + FormatSeconds(f.at_s) + ")";
      std::string detail;
      if (t >= 0) {
        const int64_t n = hosts_at(static_cast<size_t>(t), i);
        const int64_t outs = n - tiers[static_cast<size_t>(t)].count;
        detail = "tier '" + tiers[static_cast<size_t>(t)].name + "' has " + std::to_string(n) + " host" +
                 (n == 1 ? "" : "s") + " then: " + count_path(static_cast<size_t>(t)) + " is " +
                 std::to_string(tiers[static_cast<size_t>(t)].count) + ", plus " + std::to_string(outs) +
                 " earlier scale_out" + (outs == 1 ? "" : "s");
      } else if (std::find(tier_names.begin(), tier_names.end(), f.target) != tier_names.end()) {
        detail = "'" + f.target + "' is a tier; a scale_in names the host it removes, e.g. '" +
                 TierHostName(f.target, 0) + "'";
      } else {
        detail = ClosestNameDetail(f.target, host_candidates);
      }
      FailExpected(*ref.target, target_path, expected, detail);
      targets_ok = false;
    }
  }
  if (!targets_ok) return;

  // Per host, in time order: a host cannot crash while it is down or after it
  // was removed, cannot be removed twice or while down, and a tier keeps at
  // least one host.
  std::vector<size_t> order;
  for (size_t i = 0; i < s.failures.size() && i < failure_refs_.size(); ++i) {
    if (failure_refs_[i].at != nullptr) order.push_back(i);
  }
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return before(a, b); });
  for (size_t k = 0; k < order.size(); ++k) {
    const size_t i = order[k];
    const FailureSpec& f = s.failures[i];
    if (!IsScheduledHostEvent(f)) continue;
    const Node* at_node = failure_refs_[i].at;
    const std::string at_path = JoinKey(failure_refs_[i].path, "at");
    bool reported = false;
    for (size_t q = 0; q < k && !reported; ++q) {
      const size_t j = order[q];
      const FailureSpec& earlier = s.failures[j];
      if (earlier.target != f.target || !IsScheduledHostEvent(earlier)) continue;
      if (earlier.type == FailureType::kScaleIn) {
        Fail(at_node->origin, at_path,
             "'" + f.target + "' was removed at " + FormatSeconds(earlier.at_s) + " by " +
                 JoinIndex("failures", j) + " (scale_in)");
        reported = true;
      } else if (earlier.type == FailureType::kHostCrash) {
        const bool never_restarts = earlier.restart_after_s <= 0;
        const double up_at = earlier.at_s + earlier.restart_after_s;
        if (never_restarts || f.at_s < up_at) {
          Fail(at_node->origin, at_path,
               "'" + f.target + "' is still down at " + FormatSeconds(f.at_s) + ": " +
                   JoinIndex("failures", j) + " crashes it at " + FormatSeconds(earlier.at_s) +
                   (never_restarts ? " and it never restarts"
                                   : " and it restarts at " + FormatSeconds(up_at)) +
                   (f.type == FailureType::kScaleIn ? " (a host is scaled in while it runs)" : ""));
          reported = true;
        }
      }
    }
    if (reported || f.type != FailureType::kScaleIn) continue;
    // The tier must keep a host.
    const auto [t, index] = ParseTierHost(f.target, tiers);
    if (t < 0) continue;
    int64_t members = hosts_at(static_cast<size_t>(t), i);
    for (size_t q = 0; q < k; ++q) {
      const FailureSpec& earlier = s.failures[order[q]];
      if (earlier.type == FailureType::kScaleIn && ParseTierHost(earlier.target, tiers).first == t) --members;
    }
    if (members <= 1) {
      Fail(at_node->origin, at_path,
           "removing '" + f.target + "' at " + FormatSeconds(f.at_s) + " would leave tier '" +
               tiers[static_cast<size_t>(t)].name + "' with no host");
    }
  }
}

}  // namespace tracesim::scenario::internal
