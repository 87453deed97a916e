#include "tracesim/calibrate/span_stream.h"

#include <cassert>
#include <chrono>
#include <utility>

namespace tracesim::calibrate {

using pipeline::Attribute;
using pipeline::InternedString;
using pipeline::SpanData;

SpanStream::SpanStream(uint64_t seed, SpanStreamOptions options) : options_(options), rng_(seed) {
  assert(options_.active_traces > 0 && options_.spans_per_trace > 0 && options_.services > 0 &&
         options_.operations > 0 && options_.attributes >= 0 && options_.error_one_in > 0);
  active_.reserve(options_.active_traces);
  for (size_t i = 0; i < options_.active_traces; ++i) active_.push_back(NewTrace());
}

SpanStream::Active SpanStream::NewTrace() {
  Active a;
  a.id = pipeline::TraceId{rng_.NextU64(), rng_.NextU64() | 1};
  a.span_ids.reserve(static_cast<size_t>(options_.spans_per_trace));
  return a;
}

SpanData SpanStream::Next(TimePoint start) {
  Active& t = active_[rng_.Uniform(active_.size())];
  SpanData s;
  s.trace_id = t.id;
  s.span_id = pipeline::SpanId{rng_.NextU64() | 1};
  if (!t.span_ids.empty()) s.parent_span_id = t.span_ids[rng_.Uniform(t.span_ids.size())];
  t.span_ids.push_back(s.span_id);
  s.service = static_cast<pipeline::ServiceId>(rng_.Uniform(options_.services));
  s.operation = static_cast<pipeline::OperationId>(rng_.Uniform(options_.operations));
  s.kind = s.IsRoot() || rng_.Uniform(2) == 0 ? pipeline::SpanKind::kServer : pipeline::SpanKind::kClient;
  s.status =
      rng_.Uniform(options_.error_one_in) == 0 ? pipeline::SpanStatus::kError : pipeline::SpanStatus::kUnset;
  s.trace_flags = pipeline::kTraceFlagSampled;
  s.start = start;
  s.end = start + FromMillis(rng_.Exponential(options_.mean_duration_ms));
  s.attributes.reserve(static_cast<size_t>(options_.attributes));
  // sim/'s request attributes: http.method, http.route, peer.service, then generic ints.
  for (int i = 0; i < options_.attributes; ++i) {
    const auto key = static_cast<pipeline::AttributeKeyId>(i + 1);
    switch (i) {
      case 0:
        s.attributes.push_back(Attribute{key, InternedString{1}});
        break;
      case 1:
      case 2:
        s.attributes.push_back(Attribute{key, InternedString{2 + s.service}});
        break;
      default:
        s.attributes.push_back(Attribute{key, int64_t{i}});
        break;
    }
  }
  if (++t.emitted == options_.spans_per_trace) t = NewTrace();
  return s;
}

std::vector<SpanData> SpanStream::Take(size_t n, TimePoint first, Duration spacing) {
  std::vector<SpanData> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) out.push_back(Next(first + spacing * static_cast<int64_t>(i)));
  return out;
}

}  // namespace tracesim::calibrate
