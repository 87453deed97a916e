#include "arrival_process.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <numbers>
#include <utility>

namespace tracesim::sim {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Shortest spelling of `v` that reads back as the same double.
std::string Num(double v) {
  char buf[32];
  const auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, ec == std::errc() ? ptr : buf);
}

// cur + gap, but never <= cur (a zero gap, or a gap lost to rounding at large
// cur, would otherwise repeat a time): arrivals are strictly increasing.
double After(double cur, double gap) { return std::max(cur + gap, std::nextafter(cur, kInf)); }

Status Invalid(const std::string& key, double value, const std::string& problem,
               const std::string& expected) {
  return Status::InvalidArgument(key + ": " + Num(value) + " " + problem + " (expected " + expected + ")");
}

// A rate in requests per second: finite and >= 0.
Status CheckRate(const std::string& key, double v) {
  if (!std::isfinite(v)) return Invalid(key, v, "is not a finite number", "a rate >= 0 requests/s");
  if (v < 0) return Invalid(key, v, "is negative", "a rate >= 0 requests/s");
  return Status::Ok();
}

// A time in seconds: finite and >= 0.
Status CheckTime(const std::string& key, double v) {
  if (!std::isfinite(v)) return Invalid(key, v, "is not a finite number", "a time >= 0 seconds");
  if (v < 0) return Invalid(key, v, "is negative", "a time >= 0 seconds");
  return Status::Ok();
}

// A duration in seconds: finite and > 0.
Status CheckPositive(const std::string& key, double v, const std::string& what) {
  if (!std::isfinite(v)) return Invalid(key, v, "is not a finite number", what + " > 0 seconds");
  if (v <= 0) return Invalid(key, v, "is not positive", what + " > 0 seconds");
  return Status::Ok();
}

// ---------------------------------------------------------------------------
// Constant and Poisson with piecewise-constant rate steps.

struct Segment {
  double start = 0;
  double rate = 0;
};

std::vector<Segment> Segments(const ArrivalOptions& o) {
  std::vector<Segment> segs;
  if (o.rate_steps.empty() || o.rate_steps.front().at_s > 0) segs.push_back({0, o.rate_per_s});
  for (const RateStep& s : o.rate_steps) segs.push_back({s.at_s, s.rate_per_s});
  return segs;
}

// Index of the last segment starting at or before t (segs[0].start == 0 <= t).
size_t SegmentAt(const std::vector<Segment>& segs, double t) {
  const auto it =
      std::upper_bound(segs.begin(), segs.end(), t, [](double v, const Segment& s) { return v < s.start; });
  return it == segs.begin() ? 0 : static_cast<size_t>(it - segs.begin()) - 1;
}

std::string DescribeSteps(const std::vector<RateStep>& steps) {
  if (steps.empty()) return "";
  std::string s = ", steps=[";
  for (size_t i = 0; i < steps.size(); ++i) {
    if (i > 0) s += ", ";
    s += Num(steps[i].rate_per_s) + "/s@" + Num(steps[i].at_s) + "s";
  }
  return s + "]";
}

class PoissonProcess final : public ArrivalProcess {
 public:
  explicit PoissonProcess(const ArrivalOptions& o)
      : segs_(Segments(o)), end_s_(o.end_s), steps_(o.rate_steps), rate_(o.rate_per_s) {}

  std::optional<double> Next(double t, pipeline::Rng& rng) noexcept override {
    double cur = std::max(t, 0.0);
    for (size_t i = SegmentAt(segs_, cur);; ++i) {
      if (cur >= end_s_) return std::nullopt;
      const double seg_end = i + 1 < segs_.size() ? segs_[i + 1].start : kInf;
      if (segs_[i].rate > 0) {
        const double cand = After(cur, rng.Exponential(1.0 / segs_[i].rate));
        if (cand < seg_end) return cand < end_s_ ? std::optional<double>(cand) : std::nullopt;
      }
      // No arrival before the rate changes: restart at the change, which is
      // exact because exponential gaps are memoryless.
      if (seg_end >= end_s_) return std::nullopt;
      cur = seg_end;
    }
  }

  std::string Describe() const override {
    return "poisson(rate=" + Num(rate_) + "/s" + DescribeSteps(steps_) + ", end=" + Num(end_s_) + "s)";
  }

 private:
  std::vector<Segment> segs_;
  double end_s_;
  std::vector<RateStep> steps_;
  double rate_;
};

class ConstantProcess final : public ArrivalProcess {
 public:
  explicit ConstantProcess(const ArrivalOptions& o)
      : segs_(Segments(o)), end_s_(o.end_s), steps_(o.rate_steps), rate_(o.rate_per_s) {}

  // Arrivals of a segment starting at `a` with rate r are at a + k/r, k >= 1:
  // the first one a full gap after the segment starts (after t = 0, and after
  // every rate change). Computed from k, so no rounding error accumulates.
  std::optional<double> Next(double t, pipeline::Rng&) noexcept override {
    double cur = std::max(t, 0.0);
    for (size_t i = SegmentAt(segs_, cur);; ++i) {
      if (cur >= end_s_) return std::nullopt;
      const double seg_end = i + 1 < segs_.size() ? segs_[i + 1].start : kInf;
      const double rate = segs_[i].rate;
      if (rate > 0) {
        const double anchor = segs_[i].start;
        auto at = [&](double k) { return anchor + k / rate; };
        // The smallest k >= 1 with at(k) > cur; the floor is off by at most
        // one either way through rounding.
        double k = std::floor((cur - anchor) * rate) + 1;
        if (at(k) <= cur) k += 1;
        if (k > 1 && at(k - 1) > cur) k -= 1;
        // Beyond double resolution (1/rate below the spacing of doubles near
        // cur) the grid cannot be represented: keep times strictly increasing.
        const double cand = std::max(at(k), std::nextafter(cur, kInf));
        if (cand < seg_end) return cand < end_s_ ? std::optional<double>(cand) : std::nullopt;
      }
      if (seg_end >= end_s_) return std::nullopt;
      cur = seg_end;
    }
  }

  std::string Describe() const override {
    return "constant(rate=" + Num(rate_) + "/s" + DescribeSteps(steps_) + ", end=" + Num(end_s_) + "s)";
  }

 private:
  std::vector<Segment> segs_;
  double end_s_;
  std::vector<RateStep> steps_;
  double rate_;
};

// ---------------------------------------------------------------------------
// On-off (MMPP-2 with exponential periods).

class OnOffProcess final : public ArrivalProcess {
 public:
  explicit OnOffProcess(const ArrivalOptions& o) : opt_(o.on_off), end_s_(o.end_s) {}

  std::optional<double> Next(double t, pipeline::Rng& rng) noexcept override {
    if (opt_.rate_on_per_s <= 0 && opt_.rate_off_per_s <= 0) return std::nullopt;  // never any arrival
    if (!started_) {
      // The first ON period starts at t = 0.
      started_ = true;
      on_ = true;
      period_start_ = 0;
      period_end_ = PeriodLength(true, rng);
    }
    double cur = std::max({t, 0.0, period_start_});
    while (true) {
      while (cur >= period_end_) Advance(rng);
      if (cur >= end_s_) return std::nullopt;
      const double rate = on_ ? opt_.rate_on_per_s : opt_.rate_off_per_s;
      if (rate > 0) {
        const double cand = After(cur, rng.Exponential(1.0 / rate));
        if (cand < period_end_) return cand < end_s_ ? std::optional<double>(cand) : std::nullopt;
      }
      if (period_end_ >= end_s_) return std::nullopt;
      cur = period_end_;
    }
  }

  std::string Describe() const override {
    return "on_off(rate_on=" + Num(opt_.rate_on_per_s) + "/s, rate_off=" + Num(opt_.rate_off_per_s) +
           "/s, mean_on=" + Num(opt_.mean_on_s) + "s, mean_off=" + Num(opt_.mean_off_s) +
           "s, periods=" + (opt_.periods == PeriodDistribution::kExponential ? "exponential" : "constant") +
           ", end=" + Num(end_s_) + "s)";
  }

 private:
  double PeriodLength(bool on, pipeline::Rng& rng) const {
    const double mean = on ? opt_.mean_on_s : opt_.mean_off_s;
    return opt_.periods == PeriodDistribution::kExponential ? rng.Exponential(mean) : mean;
  }

  void Advance(pipeline::Rng& rng) {
    on_ = !on_;
    if (opt_.periods == PeriodDistribution::kConstant) {
      // Boundaries from the cycle count: cycle n is ON on [nP, nP + mean_on)
      // and OFF on [nP + mean_on, (n+1)P), without accumulated rounding.
      const double cycle = opt_.mean_on_s + opt_.mean_off_s;
      if (on_) ++cycles_;
      period_start_ = cycles_ * cycle + (on_ ? 0 : opt_.mean_on_s);
      period_end_ = on_ ? period_start_ + opt_.mean_on_s : (cycles_ + 1) * cycle;
      return;
    }
    period_start_ = period_end_;
    period_end_ = period_start_ + PeriodLength(on_, rng);
  }

  OnOffOptions opt_;
  double end_s_;
  bool started_ = false;
  bool on_ = true;
  double cycles_ = 0;  // constant periods: completed ON+OFF cycles
  double period_start_ = 0;
  double period_end_ = 0;
};

// ---------------------------------------------------------------------------
// Diurnal: sinusoidal non-homogeneous Poisson, Lewis–Shedler thinning.

class DiurnalProcess final : public ArrivalProcess {
 public:
  explicit DiurnalProcess(const ArrivalOptions& o)
      : opt_(o.diurnal), end_s_(o.end_s), max_rate_(o.diurnal.mean_rate_per_s * (1 + o.diurnal.amplitude)) {}

  std::optional<double> Next(double t, pipeline::Rng& rng) noexcept override {
    if (max_rate_ <= 0) return std::nullopt;
    double cur = std::max(t, 0.0);
    while (true) {
      // Candidates from a homogeneous process at the peak rate; each is kept
      // with probability rate(cand) / peak.
      cur = After(cur, rng.Exponential(1.0 / max_rate_));
      if (cur >= end_s_) return std::nullopt;
      if (rng.NextDouble() * max_rate_ < Rate(cur)) return cur;
    }
  }

  std::string Describe() const override {
    return "diurnal(mean_rate=" + Num(opt_.mean_rate_per_s) + "/s, amplitude=" + Num(opt_.amplitude) +
           ", period=" + Num(opt_.period_s) + "s, phase=" + Num(opt_.phase_s) + "s, end=" + Num(end_s_) +
           "s)";
  }

 private:
  double Rate(double t) const {
    return opt_.mean_rate_per_s *
           (1 + opt_.amplitude * std::sin(2 * std::numbers::pi * (t - opt_.phase_s) / opt_.period_s));
  }

  DiurnalOptions opt_;
  double end_s_;
  double max_rate_;
};

// ---------------------------------------------------------------------------
// Rate file: piecewise-linear or step rate, thinning per piece.

class RateFileProcess final : public ArrivalProcess {
 public:
  explicit RateFileProcess(const ArrivalOptions& o)
      : end_s_(o.end_s), linear_(o.rate_file.interpolation == RateInterpolation::kLinear) {
    const auto& p = o.rate_file.points;
    if (p.front().time_s > 0)
      pieces_.push_back({0, p.front().time_s, p.front().rate_per_s, p.front().rate_per_s});
    for (size_t i = 0; i + 1 < p.size(); ++i) {
      pieces_.push_back(
          {p[i].time_s, p[i + 1].time_s, p[i].rate_per_s, linear_ ? p[i + 1].rate_per_s : p[i].rate_per_s});
    }
    pieces_.push_back({p.back().time_s, kInf, p.back().rate_per_s, p.back().rate_per_s});
    description_ = "rate_file(" + std::to_string(p.size()) + " points, " + (linear_ ? "linear" : "step") +
                   ", t=" + Num(p.front().time_s) + ".." + Num(p.back().time_s) + "s, end=" + Num(end_s_) +
                   "s)";
  }

  std::optional<double> Next(double t, pipeline::Rng& rng) noexcept override {
    double cur = std::max(t, 0.0);
    const auto it = std::upper_bound(pieces_.begin(), pieces_.end(), cur,
                                     [](double v, const Piece& p) { return v < p.start; });
    for (size_t i = it == pieces_.begin() ? 0 : static_cast<size_t>(it - pieces_.begin()) - 1;; ++i) {
      if (cur >= end_s_) return std::nullopt;
      const Piece& piece = pieces_[i];
      const double peak = std::max(piece.rate_start, piece.rate_end);
      if (peak > 0) {
        while (true) {
          cur = After(cur, rng.Exponential(1.0 / peak));
          if (cur >= piece.end) break;  // memoryless: restart at the next piece
          if (cur >= end_s_) return std::nullopt;
          if (piece.rate_start == piece.rate_end || rng.NextDouble() * peak < piece.RateAt(cur)) return cur;
        }
      }
      if (piece.end >= end_s_) return std::nullopt;
      cur = piece.end;
    }
  }

  std::string Describe() const override { return description_; }

 private:
  struct Piece {
    double start;
    double end;  // +inf for the last piece
    double rate_start;
    double rate_end;  // == rate_start for a constant piece
    double RateAt(double t) const {
      return rate_start + (rate_end - rate_start) * (t - start) / (end - start);
    }
  };

  double end_s_;
  bool linear_;
  std::vector<Piece> pieces_;
  std::string description_;
};

}  // namespace

const char* ArrivalKindName(ArrivalKind kind) {
  switch (kind) {
    case ArrivalKind::kPoisson:
      return "poisson";
    case ArrivalKind::kConstant:
      return "constant";
    case ArrivalKind::kOnOff:
      return "on_off";
    case ArrivalKind::kDiurnal:
      return "diurnal";
    case ArrivalKind::kRateFile:
      return "rate_file";
  }
  return "unknown";
}

Status ValidateArrivalOptions(const ArrivalOptions& o) {
  if (std::isnan(o.end_s) || o.end_s <= 0) {
    return Invalid("end_s", o.end_s, "is not positive", "the end of the workload > 0 seconds");
  }
  const bool stepped = o.kind == ArrivalKind::kPoisson || o.kind == ArrivalKind::kConstant;
  if (!stepped && !o.rate_steps.empty()) {
    return Status::InvalidArgument(
        std::string("rate_steps: only the poisson and constant arrivals take rate steps "
                    "(arrival is ") +
        ArrivalKindName(o.kind) + ")");
  }
  switch (o.kind) {
    case ArrivalKind::kPoisson:
    case ArrivalKind::kConstant: {
      if (Status s = CheckRate("rate", o.rate_per_s); !s.ok()) return s;
      for (size_t i = 0; i < o.rate_steps.size(); ++i) {
        const std::string key = "rate_steps[" + std::to_string(i) + "]";
        if (Status s = CheckTime(key + ".at", o.rate_steps[i].at_s); !s.ok()) return s;
        if (Status s = CheckRate(key + ".rate", o.rate_steps[i].rate_per_s); !s.ok()) return s;
        if (i > 0 && o.rate_steps[i].at_s <= o.rate_steps[i - 1].at_s) {
          return Invalid(key + ".at", o.rate_steps[i].at_s,
                         "is not after the previous step's " + Num(o.rate_steps[i - 1].at_s),
                         "rate steps in strictly increasing order of `at`");
        }
      }
      return Status::Ok();
    }
    case ArrivalKind::kOnOff: {
      const OnOffOptions& p = o.on_off;
      if (Status s = CheckRate("on_off.rate_on", p.rate_on_per_s); !s.ok()) return s;
      if (Status s = CheckRate("on_off.rate_off", p.rate_off_per_s); !s.ok()) return s;
      if (Status s = CheckPositive("on_off.mean_on", p.mean_on_s, "a mean ON period"); !s.ok()) return s;
      if (Status s = CheckPositive("on_off.mean_off", p.mean_off_s, "a mean OFF period"); !s.ok()) return s;
      return Status::Ok();
    }
    case ArrivalKind::kDiurnal: {
      const DiurnalOptions& d = o.diurnal;
      if (Status s = CheckRate("diurnal.mean_rate", d.mean_rate_per_s); !s.ok()) return s;
      if (!(d.amplitude >= 0 && d.amplitude <= 1)) {
        return Invalid("diurnal.amplitude", d.amplitude, "is out of range", "0 <= amplitude <= 1");
      }
      if (Status s = CheckPositive("diurnal.period", d.period_s, "a period"); !s.ok()) return s;
      if (!std::isfinite(d.phase_s)) {
        return Invalid("diurnal.phase", d.phase_s, "is not a finite number", "a phase in seconds");
      }
      return Status::Ok();
    }
    case ArrivalKind::kRateFile: {
      const auto& points = o.rate_file.points;
      if (points.empty()) {
        return Status::InvalidArgument(
            "rate_file: no rate points (expected at least one (time, rate) point)");
      }
      for (size_t i = 0; i < points.size(); ++i) {
        const std::string key = "rate_file.points[" + std::to_string(i) + "]";
        if (Status s = CheckTime(key + ".time_s", points[i].time_s); !s.ok()) return s;
        if (Status s = CheckRate(key + ".rate_per_s", points[i].rate_per_s); !s.ok()) return s;
        if (i > 0 && points[i].time_s <= points[i - 1].time_s) {
          return Invalid(key + ".time_s", points[i].time_s,
                         "is not after the previous point's " + Num(points[i - 1].time_s),
                         "strictly increasing times");
        }
      }
      return Status::Ok();
    }
  }
  return Status::InvalidArgument(
      "arrival: unknown arrival kind (expected poisson, constant, on_off, diurnal or rate_file)");
}

StatusOr<std::unique_ptr<ArrivalProcess>> MakeArrivalProcess(const ArrivalOptions& options) {
  if (Status s = ValidateArrivalOptions(options); !s.ok()) return s;
  std::unique_ptr<ArrivalProcess> p;
  switch (options.kind) {
    case ArrivalKind::kPoisson:
      p = std::make_unique<PoissonProcess>(options);
      break;
    case ArrivalKind::kConstant:
      p = std::make_unique<ConstantProcess>(options);
      break;
    case ArrivalKind::kOnOff:
      p = std::make_unique<OnOffProcess>(options);
      break;
    case ArrivalKind::kDiurnal:
      p = std::make_unique<DiurnalProcess>(options);
      break;
    case ArrivalKind::kRateFile:
      p = std::make_unique<RateFileProcess>(options);
      break;
  }
  return p;
}

}  // namespace tracesim::sim
