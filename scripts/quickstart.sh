#!/usr/bin/env bash
# README command 1: install, build, run the default scenario.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
./build/release/cli/tracesim run scenarios/quickstart.yaml --out out/quickstart "$@"
