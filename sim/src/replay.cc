#include "replay.h"

#include <algorithm>
#include <functional>
#include <map>

#include "tracesim/sim/trace_import.h"
#include "tracesim/sim/workload_derive.h"

namespace tracesim::sim {

namespace {

// Self time: the span's interval minus the union of its children's
// intervals clipped to it.
double SelfSeconds(const RecordedSpan& span, const std::vector<const RecordedSpan*>& children) {
  const int64_t begin = span.start_ns, end = span.start_ns + span.duration_ns;
  std::vector<std::pair<int64_t, int64_t>> parts;
  for (const RecordedSpan* c : children) {
    const int64_t b = std::max(begin, c->start_ns), e = std::min(end, c->start_ns + c->duration_ns);
    if (b < e) parts.emplace_back(b, e);
  }
  std::sort(parts.begin(), parts.end());
  int64_t covered = 0, cursor = begin;
  for (const auto& [b, e] : parts) {
    const int64_t from = std::max(b, cursor);
    if (e > from) {
      covered += e - from;
      cursor = e;
    }
  }
  return static_cast<double>(span.duration_ns - covered) * 1e-9;
}

}  // namespace

StatusOr<ReplayLoad> LoadReplay(const scenario::Scenario& sc, pipeline::Interner& interner) {
  const auto& r = sc.workload.replay;
  StatusOr<TraceFormat> format = r.format.empty() ? DetectTraceFormat(r.file) : ParseTraceFormat(r.format);
  if (!format.ok()) return Status::InvalidArgument("workload.replay: " + format.status().message());
  std::map<std::string, int> service_of;
  for (size_t i = 0; i < sc.services.size(); ++i) service_of[sc.services[i].name] = static_cast<int>(i);

  ReplayLoad load;
  std::vector<std::pair<int64_t, ReplayNode>> roots;
  Status st = ImportTraces(r.file, *format, [&](RecordedTrace&& trace) -> Status {
    std::map<std::string, std::vector<const RecordedSpan*>> children;  // by parent span id
    for (const RecordedSpan& s : trace.spans) children[s.parent_span_id].push_back(&s);
    for (auto& [parent, list] : children) {
      std::stable_sort(list.begin(), list.end(), [](const RecordedSpan* a, const RecordedSpan* b) {
        return a->start_ns < b->start_ns;
      });
    }
    // Roots: spans whose parent is not in the trace.
    std::vector<const RecordedSpan*> trace_roots;
    std::map<std::string, bool> present;
    for (const RecordedSpan& s : trace.spans) present[s.span_id] = true;
    for (const RecordedSpan& s : trace.spans) {
      if (s.parent_span_id.empty() || !present.count(s.parent_span_id)) trace_roots.push_back(&s);
    }
    if (trace_roots.empty()) return Status::Ok();
    std::stable_sort(trace_roots.begin(), trace_roots.end(),
                     [](const RecordedSpan* a, const RecordedSpan* b) { return a->start_ns < b->start_ns; });
    load.extra_roots += trace_roots.size() - 1;
    Status error = Status::Ok();
    std::function<ReplayNode(const RecordedSpan&)> build = [&](const RecordedSpan& s) {
      ReplayNode n;
      auto it = service_of.find(s.service);
      if (it == service_of.end()) it = service_of.find(SanitizeServiceName(s.service));
      if (it == service_of.end()) {
        if (error.ok()) {
          error = Status::InvalidArgument("workload.replay: " + r.file + ": trace " + trace.trace_id +
                                          ": service '" + s.service +
                                          "' is not a scenario service (`tracesim workload derive` writes a "
                                          "scenario with the recorded services)");
        }
        return n;
      }
      ++load.spans;
      n.service = it->second;
      n.operation = interner.Intern(s.operation);
      n.error = s.status == pipeline::SpanStatus::kError;
      n.async = s.kind == pipeline::SpanKind::kConsumer;
      const auto& kids = children[s.span_id];
      n.self_s = SelfSeconds(s, kids) * r.time_scale;
      for (const RecordedSpan* c : kids) n.children.push_back(build(*c));
      return n;
    };
    ReplayNode root = build(*trace_roots.front());
    if (!error.ok()) return error;
    roots.emplace_back(trace_roots.front()->start_ns, std::move(root));
    return Status::Ok();
  });
  if (!st.ok())
    return Status(st.code(), st.message().rfind("workload.replay", 0) == 0
                                 ? st.message()
                                 : "workload.replay: " + st.message());
  if (roots.empty()) return Status::InvalidArgument("workload.replay: " + r.file + ": no trace to replay");
  std::stable_sort(roots.begin(), roots.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  const int64_t first = roots.front().first;
  for (auto& [start, node] : roots) {
    load.traces.push_back({static_cast<double>(start - first) * 1e-9 / r.rate_scale, std::move(node)});
  }
  return load;
}

}  // namespace tracesim::sim
