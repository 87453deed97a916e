#!/usr/bin/env bash
# Builds the layers that do not use SimGrid (pipeline, scenario, reports) with
# AddressSanitizer + UBSan and runs their tests. (SimGrid's context switching
# confuses ASan, so sim/ and the end-to-end tests run in the release build.)
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build/sanitize -G Ninja -DCMAKE_BUILD_TYPE=Debug -DTRACESIM_SANITIZE=ON \
  -DTRACESIM_LAYERS="pipeline;scenario;reports" -DTRACESIM_BUILD_BENCHMARKS=OFF >/dev/null
cmake --build build/sanitize -j "$(nproc)"
ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  ctest --test-dir build/sanitize -j "$(nproc)" --output-on-failure
