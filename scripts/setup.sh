#!/usr/bin/env bash
# Installs tracesim's build and test dependencies from Debian 12 packages.
# Idempotent: packages already installed are left alone. Needs root (or sudo).
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libsimgrid-dev            # SimGrid 3.32: the discrete-event simulator
  libboost-graph-dev        # call graph and topology graphs
  libyaml-cpp-dev           # scenario files
  nlohmann-json3-dev        # results.json
  libcli11-dev              # the command line
  libfmt-dev
  libgtest-dev libgmock-dev # tests
  libbenchmark-dev          # benchmarks
  zlib1g-dev
  clang-format
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "setup: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
