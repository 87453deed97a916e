// A small, seeded, deterministic PRNG (xoshiro256**, seeded by splitmix64).
// Every random choice in tracesim flows from one scenario seed through these.
#pragma once

#include <cstdint>

namespace tracesim::pipeline {

class Rng {
 public:
  explicit Rng(uint64_t seed);

  uint64_t NextU64();
  // Uniform in [0, 1).
  double NextDouble() { return static_cast<double>(NextU64() >> 11) * 0x1.0p-53; }
  // Uniform in [0, n). REQUIRES: n > 0.
  uint64_t Uniform(uint64_t n);
  // Exponential with the given mean (> 0).
  double Exponential(double mean);
  // A new generator whose stream is independent of this one's for practical
  // purposes; `stream` distinguishes several forks from one parent.
  Rng Fork(uint64_t stream) const;

 private:
  uint64_t s_[4];
};

// splitmix64 step, also a good 64-bit mixer.
uint64_t SplitMix64(uint64_t& state);

}  // namespace tracesim::pipeline
