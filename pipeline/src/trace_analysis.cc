#include "tracesim/pipeline/trace_analysis.h"

#include <algorithm>
#include <boost/graph/topological_sort.hpp>
#include <cmath>
#include <iterator>
#include <string>
#include <unordered_map>

namespace tracesim::pipeline {
namespace {

bool StartThenSpanIdLess(const SpanData& a, const SpanData& b) {
  if (a.start != b.start) return a.start < b.start;
  return a.span_id < b.span_id;
}

Status CheckWeights(std::span<const double> weights, size_t n, const char* what) {
  if (!weights.empty() && weights.size() != n) {
    return Status::InvalidArgument(std::string(what) + ": " + std::to_string(weights.size()) +
                                   " weights for " + std::to_string(n) + " spans");
  }
  for (size_t i = 0; i < weights.size(); ++i) {
    if (!std::isfinite(weights[i]) || weights[i] <= 0) {
      return Status::InvalidArgument(std::string(what) + ": weight " + std::to_string(i) +
                                     " must be finite and > 0 (got " + std::to_string(weights[i]) + ")");
    }
  }
  return Status::Ok();
}

bool IsBlocking(const SpanData& span) {
  return span.kind != SpanKind::kProducer && span.kind != SpanKind::kConsumer;
}

}  // namespace

std::vector<size_t> AssembledTrace::Tops() const {
  std::vector<size_t> tops = roots;
  tops.insert(tops.end(), orphans.begin(), orphans.end());
  return tops;
}

StatusOr<AssembledTrace> AssembleTrace(std::span<const SpanData> spans) {
  AssembledTrace t;
  if (spans.empty()) return t;
  const TraceId trace_id = spans.front().trace_id;
  for (const SpanData& s : spans) {
    if (s.trace_id != trace_id) {
      return Status::InvalidArgument("assemble trace: spans of traces " + trace_id.ToHex() + " and " +
                                     s.trace_id.ToHex() + " mixed");
    }
  }
  // Order by (start, span id), stable so that of duplicate span ids the first given wins ties.
  std::vector<size_t> order(spans.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return StartThenSpanIdLess(spans[a], spans[b]); });
  std::unordered_map<uint64_t, size_t> index_of;
  index_of.reserve(spans.size());
  t.spans.reserve(spans.size());
  for (size_t i : order) {
    if (!index_of.emplace(spans[i].span_id.value, t.spans.size()).second) {
      ++t.duplicates;
      continue;
    }
    t.spans.push_back(spans[i]);
  }
  const size_t n = t.spans.size();
  t.parent.assign(n, kNoSpan);
  t.children.assign(n, {});
  std::vector<uint64_t> missing;
  std::vector<bool> orphan(n, false);
  for (size_t i = 0; i < n; ++i) {
    const SpanData& s = t.spans[i];
    if (!s.parent_span_id.IsValid()) continue;
    auto it = index_of.find(s.parent_span_id.value);
    if (it == index_of.end()) {
      orphan[i] = true;
      missing.push_back(s.parent_span_id.value);
    } else {
      t.parent[i] = it->second;
    }
  }
  std::sort(missing.begin(), missing.end());
  t.missing_parents = static_cast<size_t>(std::unique(missing.begin(), missing.end()) - missing.begin());

  // Cut cycles: a span whose chain of parents never reaches a root or an orphan
  // is on (or hangs below) a cycle. Walking spans in order, the first span found
  // on each cycle loses its parent link and becomes an orphan.
  enum : uint8_t { kUnknown, kOnPath, kAnchored };
  std::vector<uint8_t> state(n, kUnknown);
  std::vector<size_t> path;
  for (size_t i = 0; i < n; ++i) {
    path.clear();
    size_t j = i;
    while (j != kNoSpan && state[j] == kUnknown) {
      state[j] = kOnPath;
      path.push_back(j);
      j = t.parent[j];
    }
    if (j != kNoSpan && state[j] == kOnPath) {
      // j is on a cycle reached from i: cut the cycle at its earliest-ordered span.
      size_t cut = j;
      for (size_t k = t.parent[j]; k != j; k = t.parent[k]) cut = std::min(cut, k);
      t.parent[cut] = kNoSpan;
      orphan[cut] = true;
      ++t.cycle_links_cut;
    }
    for (size_t k : path) state[k] = kAnchored;
  }

  for (size_t i = 0; i < n; ++i) {
    if (t.parent[i] != kNoSpan) {
      t.children[t.parent[i]].push_back(i);  // ascending index = (start, span id) order
    } else if (orphan[i]) {
      t.orphans.push_back(i);
    } else {
      t.roots.push_back(i);
    }
  }
  return t;
}

TraceCompleteness CheckCompleteness(const AssembledTrace& trace) {
  TraceCompleteness c;
  c.missing_parents = trace.missing_parents;
  c.roots = trace.roots.size();
  c.complete = c.missing_parents == 0 && c.roots == 1 && trace.cycle_links_cut == 0;
  return c;
}

// --- Critical path ------------------------------------------------------------------

std::vector<CriticalPathSection> CriticalPath(const AssembledTrace& trace) {
  const size_t n = trace.spans.size();
  std::vector<CriticalPathSection> out;
  // Clipped interval of each kept span (Jaeger's sanitizeOverFlowingChildren),
  // kept children per span.
  std::vector<int64_t> start(n), end(n);
  std::vector<bool> kept(n, false);
  std::vector<std::vector<size_t>> children(n);
  std::vector<size_t> preorder;
  std::vector<CriticalPathSection> sections;
  for (size_t top : trace.Tops()) {
    // Pre-order from the top so that each parent is clipped before its children.
    preorder.clear();
    std::vector<size_t> stack{top};
    while (!stack.empty()) {
      const size_t s = stack.back();
      stack.pop_back();
      preorder.push_back(s);
      for (auto it = trace.children[s].rbegin(); it != trace.children[s].rend(); ++it) stack.push_back(*it);
    }
    for (size_t s : preorder) {
      start[s] = ToNanos(trace.spans[s].start);
      end[s] = std::max(start[s], ToNanos(trace.spans[s].end));
      children[s].clear();
      kept[s] = false;
      if (s == top) {
        kept[s] = true;
        continue;
      }
      const size_t p = trace.parent[s];
      if (!kept[p] || !IsBlocking(trace.spans[s])) continue;  // dropped with its parent / non-blocking
      if (start[s] >= start[p]) {
        if (start[s] >= end[p]) continue;   // starts after the parent ended
        end[s] = std::min(end[s], end[p]);  // ends after the parent: truncate
      } else {
        if (end[s] <= start[p]) continue;  // ended before the parent started
        start[s] = start[p];               // started before the parent: truncate
        end[s] = std::min(end[s], end[p]);
      }
      kept[s] = true;
      children[p].push_back(s);  // in (start, span id) order
    }

    // Jaeger's computeCriticalPath, iteratively: `bound` is returningChildStartTime.
    sections.clear();
    size_t cur = top;
    bool has_bound = false;
    int64_t bound = 0;
    while (true) {
      size_t lfc = kNoSpan;
      for (size_t c : children[cur]) {
        if (has_bound && end[c] >= bound) continue;
        if (lfc == kNoSpan || end[c] > end[lfc]) lfc = c;  // first of equal ends wins
      }
      const int64_t section_end = has_bound ? bound : end[cur];
      const int64_t section_start = lfc != kNoSpan ? end[lfc] : start[cur];
      if (section_start != section_end) {
        sections.push_back(CriticalPathSection{cur, trace.spans[cur].span_id, FromNanos(section_start),
                                               FromNanos(section_end)});
      }
      if (lfc != kNoSpan) {
        cur = lfc;
        has_bound = false;
      } else {
        if (cur == top) break;
        has_bound = true;
        bound = start[cur];
        cur = trace.parent[cur];
      }
    }
    out.insert(out.end(), sections.rbegin(), sections.rend());
  }
  return out;
}

// --- Service dependency graph ----------------------------------------------------

std::optional<size_t> ServiceDependencyGraph::VertexOf(ServiceId service) const {
  auto it = std::lower_bound(vertex_of_.begin(), vertex_of_.end(), std::pair<ServiceId, size_t>(service, 0));
  if (it == vertex_of_.end() || it->first != service) return std::nullopt;
  return it->second;
}

size_t ServiceDependencyGraph::VertexFor(ServiceId service) {
  auto it = std::lower_bound(vertex_of_.begin(), vertex_of_.end(), std::pair<ServiceId, size_t>(service, 0));
  if (it != vertex_of_.end() && it->first == service) return it->second;
  const size_t v = boost::add_vertex(ServiceVertex{service}, graph_);
  vertex_of_.insert(it, {service, v});
  return v;
}

Status ServiceDependencyGraph::AddTrace(const AssembledTrace& trace, std::span<const double> weights) {
  if (Status s = CheckWeights(weights, trace.spans.size(), "dependency graph"); !s.ok()) return s;
  for (size_t i = 0; i < trace.spans.size(); ++i) {
    const size_t p = trace.parent[i];
    if (p == kNoSpan) continue;
    const SpanData& child = trace.spans[i];
    const ServiceId caller = trace.spans[p].service;
    if (options_.skip_self_calls && caller == child.service) continue;
    const size_t u = VertexFor(caller);
    const size_t v = VertexFor(child.service);
    auto [e, exists] = boost::edge(u, v, graph_);
    if (!exists) e = boost::add_edge(u, v, graph_).first;
    ServiceEdge& edge = graph_[e];
    const double w = weights.empty() ? 1.0 : weights[i];
    ++edge.calls;
    edge.adjusted_calls += w;
    if (child.status == SpanStatus::kError) {
      ++edge.errors;
      edge.adjusted_errors += w;
    }
  }
  return Status::Ok();
}

const ServiceEdge* ServiceDependencyGraph::Edge(ServiceId caller, ServiceId callee) const {
  const auto u = VertexOf(caller), v = VertexOf(callee);
  if (!u || !v) return nullptr;
  auto [e, exists] = boost::edge(*u, *v, graph_);
  return exists ? &graph_[e] : nullptr;
}

std::vector<ServiceDependencyGraph::EdgeView> ServiceDependencyGraph::Edges() const {
  std::vector<EdgeView> edges;
  for (auto [it, last] = boost::edges(graph_); it != last; ++it) {
    edges.push_back(EdgeView{graph_[boost::source(*it, graph_)].service,
                             graph_[boost::target(*it, graph_)].service, graph_[*it]});
  }
  std::sort(edges.begin(), edges.end(), [](const EdgeView& a, const EdgeView& b) {
    return std::pair(a.caller, a.callee) < std::pair(b.caller, b.callee);
  });
  return edges;
}

StatusOr<std::vector<ServiceId>> ServiceDependencyGraph::TopologicalOrder() const {
  // Copy without self-loops (a service calling itself does not order anything).
  using Plain = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
  const size_t nv = boost::num_vertices(graph_);
  Plain plain(nv);
  for (auto [it, last] = boost::edges(graph_); it != last; ++it) {
    const size_t u = boost::source(*it, graph_), v = boost::target(*it, graph_);
    if (u != v) boost::add_edge(u, v, plain);
  }
  std::vector<size_t> reversed;
  try {
    boost::topological_sort(plain, std::back_inserter(reversed));
  } catch (const boost::not_a_dag&) {
    // Name a service on a cycle: one whose vertex reaches itself.
    for (size_t s = 0; s < nv; ++s) {
      std::vector<bool> seen(nv, false);
      std::vector<size_t> stack;
      for (auto [a, b] = boost::adjacent_vertices(s, plain); a != b; ++a) stack.push_back(*a);
      while (!stack.empty()) {
        const size_t x = stack.back();
        stack.pop_back();
        if (x == s) {
          return Status::FailedPrecondition("service graph has a cycle through service " +
                                            std::to_string(graph_[s].service));
        }
        if (seen[x]) continue;
        seen[x] = true;
        for (auto [a, b] = boost::adjacent_vertices(x, plain); a != b; ++a) stack.push_back(*a);
      }
    }
    return Status::FailedPrecondition("service graph has a cycle");
  }
  std::vector<ServiceId> order;
  for (auto it = reversed.rbegin(); it != reversed.rend(); ++it) order.push_back(graph_[*it].service);
  return order;
}

// --- RED metrics ------------------------------------------------------------------

int64_t WeightedQuantile(std::vector<std::pair<int64_t, double>>& value_weight, double q) {
  std::sort(value_weight.begin(), value_weight.end());
  double total = 0;
  for (const auto& [v, w] : value_weight) total += w;
  const double target = q * total;
  double cumulative = 0;
  for (const auto& [v, w] : value_weight) {
    cumulative += w;
    // Relative tolerance so that e.g. 0.99 * 100 reaches 99 despite rounding.
    if (cumulative >= target * (1 - 1e-12)) return v;
  }
  return value_weight.back().first;
}

StatusOr<std::vector<ServiceRed>> ComputeRedMetrics(std::span<const SpanData> spans,
                                                    std::span<const double> weights, Duration window,
                                                    RedOptions options) {
  if (window <= Duration::zero()) {
    return Status::InvalidArgument("red metrics: window must be > 0 (got " + std::to_string(window.count()) +
                                   " ns)");
  }
  if (Status s = CheckWeights(weights, spans.size(), "red metrics"); !s.ok()) return s;
  struct Acc {
    ServiceRed red;
    std::vector<std::pair<int64_t, double>> durations;
  };
  std::vector<std::pair<ServiceId, size_t>> index;  // service -> acc, sorted
  std::vector<Acc> accs;
  for (size_t i = 0; i < spans.size(); ++i) {
    const SpanData& s = spans[i];
    const bool entry = s.kind == SpanKind::kServer || s.kind == SpanKind::kConsumer || s.IsRoot();
    if (options.entry_spans_only && !entry) continue;
    auto it = std::lower_bound(index.begin(), index.end(), std::pair<ServiceId, size_t>(s.service, 0));
    if (it == index.end() || it->first != s.service) {
      it = index.insert(it, {s.service, accs.size()});
      accs.emplace_back().red.service = s.service;
    }
    Acc& acc = accs[it->second];
    const double w = weights.empty() ? 1.0 : weights[i];
    ++acc.red.spans;
    acc.red.requests += w;
    if (s.status == SpanStatus::kError) acc.red.errors += w;
    acc.durations.emplace_back(s.duration().count(), w);
  }
  std::vector<ServiceRed> out;
  out.reserve(index.size());
  const double seconds = ToSeconds(window);
  for (const auto& [service, k] : index) {
    Acc& acc = accs[k];
    acc.red.rate_per_second = acc.red.requests / seconds;
    acc.red.error_rate = acc.red.errors / acc.red.requests;
    acc.red.p50 = Duration(WeightedQuantile(acc.durations, 0.50));
    acc.red.p99 = Duration(WeightedQuantile(acc.durations, 0.99));
    out.push_back(acc.red);
  }
  return out;
}

}  // namespace tracesim::pipeline
