#include "network_model.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numbers>
#include <string>

namespace tracesim::sim {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// OK when v is finite and lo <= v <= hi (open ends when the flags say so).
bool InRange(double v, double lo, double hi, bool lo_open = false, bool hi_open = false) {
  if (!std::isfinite(v)) return false;
  if (lo_open ? !(v > lo) : !(v >= lo)) return false;
  if (hi_open ? !(v < hi) : !(v <= hi)) return false;
  return true;
}

Status Bad(std::string_view what, std::string_view param, std::string_view expected, double got) {
  return Status::InvalidArgument(std::string(what) + ": " + std::string(param) + " must be " +
                                 std::string(expected) + ", got " + Num(got));
}

}  // namespace

// ---------------------------------------------------------------------------
// Latency distributions
// ---------------------------------------------------------------------------

double StandardNormal(pipeline::Rng& rng) {
  double u, v, s;
  do {
    u = 2.0 * rng.NextDouble() - 1.0;
    v = 2.0 * rng.NextDouble() - 1.0;
    s = u * u + v * v;
  } while (s >= 1.0 || s == 0.0);
  return u * std::sqrt(-2.0 * std::log(s) / s);
}

const char* LatencyDistributionKindName(LatencyDistribution::Kind kind) {
  switch (kind) {
    case LatencyDistribution::Kind::kConstant:
      return "constant";
    case LatencyDistribution::Kind::kUniform:
      return "uniform";
    case LatencyDistribution::Kind::kNormal:
      return "normal";
    case LatencyDistribution::Kind::kLogNormal:
      return "lognormal";
    case LatencyDistribution::Kind::kPareto:
      return "pareto";
  }
  return "unknown";
}

StatusOr<LatencyDistribution::Kind> ParseLatencyDistributionKind(std::string_view name) {
  using K = LatencyDistribution::Kind;
  for (K k : {K::kConstant, K::kUniform, K::kNormal, K::kLogNormal, K::kPareto}) {
    if (name == LatencyDistributionKindName(k)) return k;
  }
  return Status::InvalidArgument(
      "latency distribution: expected constant, uniform, normal, lognormal or pareto, got '" +
      std::string(name) + "'");
}

Status ValidateLatencyDistribution(const LatencyDistribution& d) {
  using K = LatencyDistribution::Kind;
  const std::string what = std::string("latency distribution (") + LatencyDistributionKindName(d.kind) + ")";
  switch (d.kind) {
    case K::kConstant:
      if (!InRange(d.base_s, 0, kInf))
        return Bad(what, "latency", "a finite number of seconds >= 0", d.base_s);
      return Status::Ok();
    case K::kUniform:
      if (!InRange(d.base_s, 0, kInf)) return Bad(what, "min", "a finite number of seconds >= 0", d.base_s);
      if (!InRange(d.max_s, d.base_s, kInf))
        return Bad(what, "max", "finite and >= min (" + Num(d.base_s) + " s)", d.max_s);
      return Status::Ok();
    case K::kNormal:
      if (!InRange(d.base_s, 0, kInf)) return Bad(what, "mean", "a finite number of seconds >= 0", d.base_s);
      if (!InRange(d.stddev_s, 0, kInf))
        return Bad(what, "stddev", "a finite number of seconds >= 0", d.stddev_s);
      return Status::Ok();
    case K::kLogNormal:
      if (!InRange(d.base_s, 0, kInf, /*lo_open=*/true))
        return Bad(what, d.base_is_mean ? "mean" : "median", "a finite number of seconds > 0", d.base_s);
      // sigma > ~26 overflows exp(sigma^2 / 2) in Mean(); no real jitter is near that.
      if (!InRange(d.sigma, 0, 10)) return Bad(what, "sigma", "in [0, 10]", d.sigma);
      return Status::Ok();
    case K::kPareto:
      if (!InRange(d.base_s, 0, kInf, /*lo_open=*/true))
        return Bad(what, "scale", "a finite number of seconds > 0 (the minimum latency)", d.base_s);
      if (!InRange(d.alpha, 1, kInf, /*lo_open=*/true))
        return Bad(what, "alpha", "finite and > 1 (the mean is infinite for alpha <= 1)", d.alpha);
      return Status::Ok();
  }
  return Status::InvalidArgument("latency distribution: unknown kind");
}

double LatencyDistribution::Sample(pipeline::Rng& rng) const {
  switch (kind) {
    case Kind::kConstant:
      return base_s;
    case Kind::kUniform:
      return base_s + (max_s - base_s) * rng.NextDouble();
    case Kind::kNormal: {
      if (stddev_s == 0) return base_s;
      // Truncation at 0 by rejection: with mean >= 0 at least half the draws are accepted.
      double x;
      do {
        x = base_s + stddev_s * StandardNormal(rng);
      } while (x < 0);
      return x;
    }
    case Kind::kLogNormal: {
      const double median = base_is_mean ? base_s * std::exp(-0.5 * sigma * sigma) : base_s;
      return median * std::exp(sigma * StandardNormal(rng));
    }
    case Kind::kPareto: {
      const double u = 1.0 - rng.NextDouble();  // (0, 1]
      return base_s / std::pow(u, 1.0 / alpha);
    }
  }
  return base_s;
}

double LatencyDistribution::Mean() const {
  switch (kind) {
    case Kind::kConstant:
      return base_s;
    case Kind::kUniform:
      return 0.5 * (base_s + max_s);
    case Kind::kNormal: {
      if (stddev_s == 0) return base_s;
      // Normal(mu, s) truncated to [0, inf): mu + s * phi(a) / (1 - Phi(a)), a = -mu / s.
      const double a = -base_s / stddev_s;
      const double phi = std::exp(-0.5 * a * a) / std::sqrt(2.0 * std::numbers::pi);
      const double tail = 0.5 * std::erfc(a / std::sqrt(2.0));
      return base_s + stddev_s * phi / tail;
    }
    case Kind::kLogNormal:
      return base_is_mean ? base_s : base_s * std::exp(0.5 * sigma * sigma);
    case Kind::kPareto:
      return alpha * base_s / (alpha - 1.0);
  }
  return base_s;
}

// ---------------------------------------------------------------------------
// TCP under loss
// ---------------------------------------------------------------------------

double MathisThroughput(double mss_bytes, double rtt_s, double loss, double c) {
  assert(mss_bytes > 0 && rtt_s > 0 && loss >= 0 && loss <= 1 && c > 0);
  if (loss <= 0) return kInf;
  return mss_bytes / (rtt_s * std::sqrt(loss)) * c;
}

double TcpEffectiveRate(double link_bytes_per_s, double mss_bytes, double rtt_s, double loss) {
  assert(link_bytes_per_s > 0);
  return std::min(link_bytes_per_s, MathisThroughput(mss_bytes, rtt_s, loss));
}

Status ValidateTcpAimdOptions(const TcpAimdOptions& o) {
  constexpr std::string_view kWhat = "tcp aimd";
  if (!InRange(o.mss_bytes, 0, kInf, true)) return Bad(kWhat, "mss_bytes", "finite and > 0", o.mss_bytes);
  if (!InRange(o.rtt_s, 0, kInf, true)) return Bad(kWhat, "rtt_s", "finite and > 0", o.rtt_s);
  if (!InRange(o.loss, 0, 1, true, true)) return Bad(kWhat, "loss", "in (0, 1)", o.loss);
  if (o.rounds == 0) return Status::InvalidArgument("tcp aimd: rounds must be > 0");
  if (!InRange(o.initial_cwnd, 1, 1e9))
    return Bad(kWhat, "initial_cwnd", "in [1, 1e9] segments", o.initial_cwnd);
  if (o.loss_mode != TcpAimdOptions::LossMode::kBernoulli &&
      o.loss_mode != TcpAimdOptions::LossMode::kPeriodic)
    return Status::InvalidArgument("tcp aimd: unknown loss_mode");
  return Status::Ok();
}

TcpAimdResult SimulateTcpAimd(const TcpAimdOptions& o, pipeline::Rng& rng) {
  assert(ValidateTcpAimdOptions(o).ok());
  const bool periodic = o.loss_mode == TcpAimdOptions::LossMode::kPeriodic;
  uint64_t transmissions = 0;  // all rounds, drives the periodic pattern
  auto segment_lost = [&]() {
    ++transmissions;
    if (!periodic) return rng.NextDouble() < o.loss;
    // Segment k is lost when floor(k * p) steps up: one loss per 1/p segments, no drift.
    const double k = static_cast<double>(transmissions);
    return std::floor(k * o.loss) > std::floor((k - 1.0) * o.loss);
  };

  TcpAimdResult res;
  double cwnd = o.initial_cwnd;
  uint64_t delivered = 0;
  double cwnd_sum = 0;
  const uint64_t total = o.warmup_rounds + o.rounds;
  for (uint64_t round = 0; round < total; ++round) {
    const bool measured = round >= o.warmup_rounds;
    if (measured) cwnd_sum += cwnd;
    const uint64_t n = std::max<uint64_t>(1, static_cast<uint64_t>(std::floor(cwnd)));
    bool reduced = false;
    uint64_t round_delivered = 0, round_lost = 0;
    for (uint64_t i = 0; i < n; ++i) {
      if (segment_lost()) {
        ++round_lost;
        if (!reduced) {
          cwnd = std::max(1.0, cwnd / 2.0);
          reduced = true;
          if (measured) ++res.window_reductions;
        }
      } else {
        ++round_delivered;
        if (!reduced) cwnd += 1.0 / cwnd;
      }
    }
    if (measured) {
      delivered += round_delivered;
      res.segments_sent += n;
      res.segments_lost += round_lost;
    }
  }
  const double seconds = static_cast<double>(o.rounds) * o.rtt_s;
  res.throughput_bytes_per_s = static_cast<double>(delivered) * o.mss_bytes / seconds;
  res.mean_cwnd = cwnd_sum / static_cast<double>(o.rounds);
  res.measured_c = res.throughput_bytes_per_s / MathisThroughput(o.mss_bytes, o.rtt_s, o.loss, 1.0);
  return res;
}

// ---------------------------------------------------------------------------
// UDP datagram loss
// ---------------------------------------------------------------------------

const char* LossModelName(LossSpec::Model model) {
  switch (model) {
    case LossSpec::Model::kNone:
      return "none";
    case LossSpec::Model::kBernoulli:
      return "bernoulli";
    case LossSpec::Model::kGilbertElliott:
      return "gilbert_elliott";
  }
  return "unknown";
}

StatusOr<LossSpec::Model> ParseLossModelName(std::string_view name) {
  using M = LossSpec::Model;
  for (M m : {M::kNone, M::kBernoulli, M::kGilbertElliott}) {
    if (name == LossModelName(m)) return m;
  }
  return Status::InvalidArgument("loss model: expected none, bernoulli or gilbert_elliott, got '" +
                                 std::string(name) + "'");
}

Status ValidateLossSpec(const LossSpec& s) {
  switch (s.model) {
    case LossSpec::Model::kNone:
      return Status::Ok();
    case LossSpec::Model::kBernoulli:
      if (!InRange(s.p, 0, 1)) return Bad("loss (bernoulli)", "p", "a probability in [0, 1]", s.p);
      return Status::Ok();
    case LossSpec::Model::kGilbertElliott: {
      constexpr std::string_view kWhat = "loss (gilbert_elliott)";
      if (!InRange(s.p, 0, 1)) return Bad(kWhat, "p (good -> bad)", "a probability in [0, 1]", s.p);
      if (!InRange(s.r, 0, 1, /*lo_open=*/true))
        return Bad(kWhat, "r (bad -> good)", "a probability in (0, 1] (r = 0 makes the bad state absorbing)",
                   s.r);
      if (!InRange(s.loss_good, 0, 1)) return Bad(kWhat, "loss_good", "a probability in [0, 1]", s.loss_good);
      if (!InRange(s.loss_bad, 0, 1)) return Bad(kWhat, "loss_bad", "a probability in [0, 1]", s.loss_bad);
      return Status::Ok();
    }
  }
  return Status::InvalidArgument("loss: unknown model");
}

LossModel::LossModel(const LossSpec& spec) : spec_(spec) { assert(ValidateLossSpec(spec).ok()); }

bool LossModel::Lost(pipeline::Rng& rng) {
  switch (spec_.model) {
    case LossSpec::Model::kNone:
      return false;
    case LossSpec::Model::kBernoulli:
      return rng.NextDouble() < spec_.p;
    case LossSpec::Model::kGilbertElliott: {
      if (!started_) {
        started_ = true;
        bad_ = rng.NextDouble() < spec_.p / (spec_.p + spec_.r);
      }
      const bool lost = rng.NextDouble() < (bad_ ? spec_.loss_bad : spec_.loss_good);
      const double u = rng.NextDouble();
      bad_ = bad_ ? !(u < spec_.r) : (u < spec_.p);
      return lost;
    }
  }
  return false;
}

double LossModel::StationaryLossRate() const {
  switch (spec_.model) {
    case LossSpec::Model::kNone:
      return 0.0;
    case LossSpec::Model::kBernoulli:
      return spec_.p;
    case LossSpec::Model::kGilbertElliott: {
      const double pi_b = spec_.p / (spec_.p + spec_.r);
      return (1.0 - pi_b) * spec_.loss_good + pi_b * spec_.loss_bad;
    }
  }
  return 0.0;
}

double LossModel::MeanBurstLength() const {
  const double rate = StationaryLossRate();
  if (rate <= 0) return 0.0;
  // P(datagram t lost and datagram t+1 delivered) in the stationary process.
  double ends = 0;
  if (spec_.model == LossSpec::Model::kBernoulli) {
    ends = spec_.p * (1.0 - spec_.p);
  } else {
    const double pi_b = spec_.p / (spec_.p + spec_.r);
    const double pi_g = 1.0 - pi_b;
    const double kg = 1.0 - spec_.loss_good, kb = 1.0 - spec_.loss_bad;  // delivery probabilities
    ends = pi_g * spec_.loss_good * ((1.0 - spec_.p) * kg + spec_.p * kb) +
           pi_b * spec_.loss_bad * (spec_.r * kg + (1.0 - spec_.r) * kb);
  }
  return ends > 0 ? rate / ends : kInf;
}

// ---------------------------------------------------------------------------
// Datagram packing
// ---------------------------------------------------------------------------

std::vector<size_t> SplitIntoDatagrams(const std::vector<uint64_t>& span_bytes, uint64_t max_packet_bytes,
                                       uint64_t envelope_bytes, std::vector<size_t>* oversized) {
  std::vector<size_t> out;
  if (oversized != nullptr) oversized->clear();
  // A span fits a datagram of its own iff envelope + bytes <= max.
  const bool envelope_fits = envelope_bytes <= max_packet_bytes;
  const uint64_t room = envelope_fits ? max_packet_bytes - envelope_bytes : 0;  // span bytes per datagram
  size_t count = 0;
  uint64_t used = 0;  // span bytes in the open datagram
  for (uint64_t b : span_bytes) {
    if (!envelope_fits || b > room) {
      if (count > 0) out.push_back(count);
      count = 0;
      used = 0;
      if (oversized != nullptr) oversized->push_back(out.size());
      out.push_back(1);
      continue;
    }
    if (count > 0 && b > room - used) {
      out.push_back(count);
      count = 0;
      used = 0;
    }
    used += b;
    ++count;
  }
  if (count > 0) out.push_back(count);
  return out;
}

}  // namespace tracesim::sim
