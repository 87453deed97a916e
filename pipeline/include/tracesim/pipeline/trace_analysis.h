// Analysis on stored traces: trace assembly and completeness, the service
// dependency graph (Boost.Graph), the critical path of a trace, and RED
// metrics per service with sampling-adjusted counts. Algorithms and their
// provenance are documented in docs/storage.md.
//
// All functions are pure (no state, no I/O) and deterministic; thread-safe as
// long as the inputs are not mutated concurrently. ServiceDependencyGraph is
// not thread-safe (one owner).
#pragma once

#include <boost/graph/adjacency_list.hpp>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "tracesim/pipeline/span.h"
#include "tracesim/status.h"
#include "tracesim/time.h"

namespace tracesim::pipeline {

// --- Trace assembly -----------------------------------------------------------------

inline constexpr size_t kNoSpan = std::numeric_limits<size_t>::max();

// The span tree of one trace. Indices refer to `spans`.
struct AssembledTrace {
  // The distinct spans, ordered by (start, span id); of several spans with the
  // same span id (exporter retries) only the first in that order is kept.
  std::vector<SpanData> spans;
  std::vector<size_t> parent;                 // parent index, or kNoSpan (root, orphan, cycle cut)
  std::vector<std::vector<size_t>> children;  // by (start, span id)
  std::vector<size_t> roots;                  // spans without a parent id, by (start, span id)
  // Spans whose parent id is set but not among the spans (their parent was
  // lost or not sampled), and spans whose parent link closed a cycle (malformed
  // data; the link is cut so the structure stays a forest). By (start, span id).
  std::vector<size_t> orphans;
  size_t missing_parents = 0;  // distinct absent parent ids
  size_t duplicates = 0;       // spans dropped as repeated span ids
  size_t cycle_links_cut = 0;  // orphans made by cutting a cycle

  // Tops of the forest: roots, then orphans (as Jaeger's UI shows orphans at the top level).
  std::vector<size_t> Tops() const;
};

// Assembles the spans of one trace. InvalidArgument if they do not all carry
// the same trace id. An empty input gives an empty trace.
StatusOr<AssembledTrace> AssembleTrace(std::span<const SpanData> spans);

struct TraceCompleteness {
  bool complete = false;       // missing_parents == 0 && roots == 1 && no parent cycle
  size_t missing_parents = 0;  // distinct parent ids referenced but absent
  size_t roots = 0;            // spans without a parent id
};
// Structural completeness: a complete trace has exactly one root and every
// referenced parent present (spans lost below a leaf cannot be seen this way).
TraceCompleteness CheckCompleteness(const AssembledTrace& trace);

// --- Critical path ------------------------------------------------------------------

struct CriticalPathSection {
  size_t span = kNoSpan;  // index into AssembledTrace::spans
  SpanId span_id;
  TimePoint start{};
  TimePoint end{};
};

// The critical path of the trace, Jaeger UI's algorithm (ported exactly; see
// docs/storage.md): spans ending before they start count as zero-length;
// producer/consumer children are non-blocking and removed with their subtree;
// children are clipped to their parent's interval (a child entirely outside it
// is dropped with its subtree); then from each top span walk to
// the last-finishing child, and on the way back choose the child that finished
// last before the previously chosen child started; the uncovered parts of each
// span are its sections. Sections are returned in time order per top, tops in
// Tops() order. For a single-root trace the sections tile [root start, root end]
// without overlap, so their lengths sum to the root's duration.
std::vector<CriticalPathSection> CriticalPath(const AssembledTrace& trace);

// --- Service dependency graph ----------------------------------------------------

struct ServiceVertex {
  ServiceId service = 0;
};
struct ServiceEdge {
  uint64_t calls = 0;          // parent->child span pairs
  double adjusted_calls = 0;   // sum of the child spans' weights
  uint64_t errors = 0;         // pairs whose child span has status error
  double adjusted_errors = 0;  // sum of those child spans' weights
};
using ServiceGraph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, ServiceVertex, ServiceEdge>;

// Jaeger's dependency links (spark-dependencies SpansToDependencyLinks): for
// every span whose parent is present in the trace, a call parent service ->
// child service, including calls within one service (self-loop edges, as Jaeger
// counts them; see skip_self_calls). With OTel span kinds this is exactly the
// client -> server (and producer -> consumer) pairs across services, plus
// in-process parent links.
struct DependencyOptions {
  bool skip_self_calls = false;  // drop edges whose caller and callee are the same service
};

class ServiceDependencyGraph {
 public:
  explicit ServiceDependencyGraph(DependencyOptions options = {}) : options_(options) {}

  // Adds the calls of one assembled trace. `weights[i]` is the adjusted count
  // (1 / sampling probability) of trace.spans[i]; empty means 1 for every span.
  // InvalidArgument if weights has the wrong size or a weight is not finite and > 0.
  Status AddTrace(const AssembledTrace& trace, std::span<const double> weights = {});

  const ServiceGraph& graph() const { return graph_; }
  // The vertex of `service` in graph(), or nullopt if no call involved it.
  std::optional<size_t> VertexOf(ServiceId service) const;
  // The caller -> callee edge, or nullptr.
  const ServiceEdge* Edge(ServiceId caller, ServiceId callee) const;
  struct EdgeView {
    ServiceId caller = 0, callee = 0;
    ServiceEdge edge;
  };
  // Every edge, sorted by (caller, callee).
  std::vector<EdgeView> Edges() const;
  // Services in a topological order of the call graph (callers before callees);
  // FailedPrecondition naming a service on a cycle if the graph has one
  // (self-loops are ignored).
  StatusOr<std::vector<ServiceId>> TopologicalOrder() const;

 private:
  size_t VertexFor(ServiceId service);
  DependencyOptions options_;
  ServiceGraph graph_;
  std::vector<std::pair<ServiceId, size_t>> vertex_of_;  // sorted by service
};

// --- RED metrics ------------------------------------------------------------------

struct RedOptions {
  // Which spans are a service's requests: entry spans (server and consumer
  // spans, and root spans of any kind) — the default, as "requests served" — or
  // every span of the service (OTel spanmetrics counts every span).
  bool entry_spans_only = true;
};

struct ServiceRed {
  ServiceId service = 0;
  uint64_t spans = 0;          // counted spans (unweighted)
  double requests = 0;         // sum of weights (sampling-adjusted request count)
  double errors = 0;           // sum of weights of spans with status error
  double rate_per_second = 0;  // requests / window
  double error_rate = 0;       // errors / requests
  Duration p50{0}, p99{0};     // weighted nearest-rank duration percentiles
};

// RED metrics per service, sorted by service id, over `spans` observed during
// a window of length `window` (the caller selects the spans). `weights[i]` is
// the adjusted count of spans[i] (e.g. 1/p for head sampling with probability
// p, the OTel consistent-probability adjusted count 2^56/(2^56-T), or 1);
// empty means 1 for every span. The weighted q-quantile is the smallest
// duration d such that the weight of spans with duration <= d is >= q * total.
// InvalidArgument if window <= 0, weights has the wrong size, or a weight is
// not finite and > 0.
StatusOr<std::vector<ServiceRed>> ComputeRedMetrics(std::span<const SpanData> spans,
                                                    std::span<const double> weights, Duration window,
                                                    RedOptions options = {});

// The weighted nearest-rank q-quantile (q in [0, 1]) of (value, weight) pairs
// as defined above; sorts the pairs. REQUIRES: non-empty, every weight > 0.
int64_t WeightedQuantile(std::vector<std::pair<int64_t, double>>& value_weight, double q);

}  // namespace tracesim::pipeline
