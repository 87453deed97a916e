// Link behaviour that SimGrid does not model: latency jitter, TCP throughput
// under packet loss, UDP datagram loss, and datagram packing of an export.
// Pure C++ (no SimGrid): the simulator's actors call these to decide how long
// a message takes and whether a datagram arrives. All randomness comes from an
// injected pipeline::Rng, so the same seed gives the same decisions.
// User-facing reference: docs/network-model.md.
//
// Units: seconds, bytes, bytes per second; probabilities in [0, 1].
// Thread-safety: the free functions are pure; objects are not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "tracesim/pipeline/random.h"
#include "tracesim/status.h"

namespace tracesim::sim {

// ---------------------------------------------------------------------------
// Latency distributions (jitter)
// ---------------------------------------------------------------------------

// A one-way latency drawn per message. `base_s` is the link's written
// latency; each kind reads it as its location parameter, so a user who adds
// `jitter:` to a link keeps the latency they wrote as the centre or floor:
//   kConstant   latency = base_s
//   kUniform    uniform on [base_s, max_s]
//   kNormal     normal(mean = base_s, stddev_s), truncated at 0 by resampling
//               (a draw < 0 is rejected and redrawn; no mass piles up at 0)
//   kLogNormal  base_s * exp(sigma * Z): base_s is the median, or the mean
//               when `base_is_mean` (then median = base_s * exp(-sigma^2 / 2))
//   kPareto     scale (minimum) base_s, shape alpha > 1 (finite mean):
//               base_s / U^(1/alpha); heavy tail, P(X > x) = (base_s / x)^alpha
struct LatencyDistribution {
  enum class Kind { kConstant, kUniform, kNormal, kLogNormal, kPareto };
  Kind kind = Kind::kConstant;
  double base_s = 0.0;        // >= 0; kLogNormal and kPareto: > 0
  double max_s = 0.0;         // kUniform: >= base_s
  double stddev_s = 0.0;      // kNormal: >= 0
  double sigma = 0.0;         // kLogNormal: >= 0, sigma of the underlying normal
  bool base_is_mean = false;  // kLogNormal: base_s is the mean instead of the median
  double alpha = 0.0;         // kPareto: > 1

  // A draw >= 0 seconds. REQUIRES: ValidateLatencyDistribution(*this).ok().
  double Sample(pipeline::Rng& rng) const;
  // The exact mean of Sample() (for kNormal, of the normal truncated at 0).
  // REQUIRES: valid.
  double Mean() const;
};

// InvalidArgument naming the offending parameter and the accepted range.
Status ValidateLatencyDistribution(const LatencyDistribution& d);

// "constant", "uniform", "normal", "lognormal", "pareto".
const char* LatencyDistributionKindName(LatencyDistribution::Kind kind);
// Inverse of the above; InvalidArgument listing the accepted names otherwise.
StatusOr<LatencyDistribution::Kind> ParseLatencyDistributionKind(std::string_view name);

// A standard normal variate (Marsaglia's polar method; uses one accepted pair
// per call and discards the second value, so a call's draws depend only on
// the generator's state).
double StandardNormal(pipeline::Rng& rng);

// ---------------------------------------------------------------------------
// TCP over a lossy path (Mathis, Semke, Mahdavi, Ott 1997)
// ---------------------------------------------------------------------------

// The constant of the periodic-loss derivation, sqrt(3/2).
inline constexpr double kMathisPeriodicC = 1.2247448713915890491;

// Steady-state congestion-avoidance throughput, bytes/s:
//   MSS / (RTT * sqrt(p)) * C.
// Loss 0 gives +infinity (the window is then bounded by something else).
// REQUIRES: mss_bytes > 0, rtt_s > 0, 0 <= loss <= 1, c > 0.
double MathisThroughput(double mss_bytes, double rtt_s, double loss, double c = kMathisPeriodicC);

// What a TCP flow gets on a link of capacity `link_bytes_per_s` with loss
// `loss`: min(link, Mathis). Same REQUIRES, and link_bytes_per_s > 0.
double TcpEffectiveRate(double link_bytes_per_s, double mss_bytes, double rtt_s, double loss);

// Options of the packet-level AIMD simulator that validates the formula.
struct TcpAimdOptions {
  enum class LossMode {
    kBernoulli,  // every segment lost independently with probability `loss`
    kPeriodic,   // deterministic: exactly one segment in every 1/loss is lost
  };
  double mss_bytes = 1460;
  double rtt_s = 0.1;
  double loss = 0.01;  // in (0, 1)
  LossMode loss_mode = LossMode::kBernoulli;
  uint64_t rounds = 200000;       // measured rounds (one RTT each), > 0
  uint64_t warmup_rounds = 2000;  // run first, not measured
  double initial_cwnd = 2;        // segments, >= 1
};

Status ValidateTcpAimdOptions(const TcpAimdOptions& o);

struct TcpAimdResult {
  double throughput_bytes_per_s = 0;  // delivered bytes / measured time
  uint64_t segments_sent = 0;         // transmissions in the measured rounds
  uint64_t segments_lost = 0;
  uint64_t window_reductions = 0;  // loss events that halved cwnd
  double mean_cwnd = 0;            // segments, averaged over measured rounds
  // throughput / MathisThroughput(mss, rtt, loss, 1): the measured constant C.
  double measured_c = 0;
};

// Congestion avoidance only (no slow start, no timeouts): each round is one
// RTT in which floor(cwnd) segments are sent (at least 1). Each ACKed segment
// adds 1/cwnd; the first loss of a round halves cwnd (floor 1 segment) and
// the rest of that round's ACKs do not grow it (fast recovery): at most one
// window reduction per round. A lost segment is resent later and counts only
// when delivered, so throughput is goodput.
// REQUIRES: ValidateTcpAimdOptions(o).ok(). `rng` is used in kBernoulli only.
TcpAimdResult SimulateTcpAimd(const TcpAimdOptions& o, pipeline::Rng& rng);

// ---------------------------------------------------------------------------
// UDP datagram loss
// ---------------------------------------------------------------------------

struct LossSpec {
  enum class Model { kNone, kBernoulli, kGilbertElliott };
  Model model = Model::kNone;
  double p = 0.0;          // kBernoulli: loss probability; kGilbertElliott: P(good -> bad) per datagram
  double r = 0.0;          // kGilbertElliott: P(bad -> good) per datagram, > 0
  double loss_good = 0.0;  // kGilbertElliott: loss probability in the good state (1 - k)
  double loss_bad = 1.0;   // kGilbertElliott: loss probability in the bad state (1 - h)
};

// InvalidArgument naming the offending parameter and the accepted range.
Status ValidateLossSpec(const LossSpec& spec);

// "none", "bernoulli", "gilbert_elliott" (and the inverse).
const char* LossModelName(LossSpec::Model model);
StatusOr<LossSpec::Model> ParseLossModelName(std::string_view name);

// Per-datagram loss decisions. For Gilbert–Elliott each call decides loss in
// the current state, then steps the two-state chain. The initial state is
// drawn from the stationary distribution on the first call, so the process is
// stationary from the first datagram. Not thread-safe.
class LossModel {
 public:
  // REQUIRES: ValidateLossSpec(spec).ok().
  explicit LossModel(const LossSpec& spec);

  // True when this datagram is lost. kNone draws nothing.
  bool Lost(pipeline::Rng& rng);

  // Long-run fraction of datagrams lost. Gilbert–Elliott:
  //   pi_B = p / (p + r), pi_G = 1 - pi_B, rate = pi_G * loss_good + pi_B * loss_bad.
  double StationaryLossRate() const;
  // Mean length of a run of consecutive lost datagrams in the stationary
  // process: rate / P(lost, then next not lost). Bernoulli: 1 / (1 - p);
  // Gilbert (loss_good 0, loss_bad 1): 1 / r. 0 when nothing is ever lost,
  // +infinity when every datagram is lost.
  double MeanBurstLength() const;

  const LossSpec& spec() const { return spec_; }
  // Gilbert–Elliott only: the state the next datagram is sent in (false
  // before the first call).
  bool in_bad_state() const { return bad_; }

 private:
  LossSpec spec_;
  bool started_ = false;
  bool bad_ = false;
};

// ---------------------------------------------------------------------------
// Datagram packing of an export (Jaeger agent UDP)
// ---------------------------------------------------------------------------

// The Jaeger agent's default maximum UDP packet (reporter max packet size).
inline constexpr uint64_t kJaegerUdpMaxPacketBytes = 65000;

// Packs spans, in order, into datagrams of at most max_packet_bytes, each
// datagram costing envelope_bytes (emitBatch framing + Process) plus its
// spans' bytes — the way Jaeger clients fill a UDP packet: a span that does
// not fit closes the current datagram and starts the next. Returns the number
// of spans in each datagram (their sum is span_bytes.size(); no datagram is
// empty). A span with envelope_bytes + bytes > max_packet_bytes cannot be sent
// at all: it goes alone in its own datagram, and that datagram's index is
// appended to *oversized (if given, after clearing it); the caller drops it
// as too large instead of sending it. Empty input gives no datagrams.
std::vector<size_t> SplitIntoDatagrams(const std::vector<uint64_t>& span_bytes, uint64_t max_packet_bytes,
                                       uint64_t envelope_bytes, std::vector<size_t>* oversized = nullptr);

}  // namespace tracesim::sim
