#!/usr/bin/env bash
# Simulation-speed benchmarks of tracesim (docs/performance-sim.md):
#   (a) scenarios/quickstart.yaml, tracing on, N runs, against the bare SimGrid
#       program doing the same messages and executions (tracesim_bare_simgrid_bench),
#       N runs: median wall times and their ratio;
#   (b) scenarios/generated-1000.yaml (1000 services), when it exists;
#   (c) scenarios/scale-10k-hosts.yaml (10 001 hosts): wall time, peak RSS per host;
#   (d) memory per in-flight span: the quickstart at sampling ratio 1.0 with both
#       storage nodes down from 1 s to the end (every span stays in the SDK and
#       collector queues) against the same run at ratio 0 (no spans at all); and
#       per stored span (ratio 1.0, healthy);
#   (e) fidelity: fast — the quickstart as written and at 10x its rate, the
#       1000-service scenario (always_on as written; head-sampled at 10 %, as
#       written and at 10x its rate) and the 10 000-host scenario: simulated
#       spans per wall second (the target is >= 1 M on one core) and peak RSS.
#
# Usage: scripts/bench-sim.sh [BUILD_DIR] [--runs N] [--out DIR] [--skip-10k]
#   BUILD_DIR   build tree with cli/tracesim and bench/tracesim_bare_simgrid_bench
#               (default build/release; configure with -DTRACESIM_BUILD_BENCHMARKS=ON)
# Needs /usr/bin/time (GNU time, for peak RSS) and python3 (to read results.json).
set -euo pipefail
cd "$(dirname "$0")/.."

build=build/release
runs=3
out=out/bench-sim
skip_10k=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --skip-10k) skip_10k=1; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    -*) echo "bench-sim: unknown option $1" >&2; exit 2 ;;
    *) build="$1"; shift ;;
  esac
done
tracesim="$build/cli/tracesim"
bare="$build/bench/tracesim_bare_simgrid_bench"
for exe in "$tracesim" "$bare"; do
  if [[ ! -x "$exe" ]]; then
    echo "bench-sim: $exe not found (build with -DTRACESIM_BUILD_BENCHMARKS=ON)" >&2
    exit 1
  fi
done
if [[ ! -x /usr/bin/time ]]; then
  echo "bench-sim: /usr/bin/time (GNU time) is needed for peak RSS" >&2
  exit 1
fi
if ! [[ "$runs" =~ ^[1-9][0-9]*$ ]]; then
  echo "bench-sim: --runs needs a positive integer, got '$runs'" >&2
  exit 2
fi
mkdir -p "$out"

# timed NAME CMD...: runs CMD under GNU time; leaves $out/NAME.time and NAME.stdout.
timed() {
  local name="$1"; shift
  if ! /usr/bin/time -v -o "$out/$name.time" "$@" >"$out/$name.stdout" 2>"$out/$name.stderr"; then
    echo "bench-sim: '$*' failed; see $out/$name.stderr" >&2
    tail -5 "$out/$name.stderr" >&2
    return 1
  fi
}
rss_kib() { awk -F': ' '/Maximum resident set size/ {print $2}' "$out/$1.time"; }
elapsed_s() {
  awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; ++i) s = s * 60 + p[i]; print s}' \
    "$out/$1.time"
}
# json FILE EXPR: a value from a results.json (EXPR is Python over `d`).
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
hosts_of() { json "$1" "d['sampling']['services'] + sum(c['hosts'] for c in d['collectors']) + d['storage']['nodes'] + 1"; }

echo "== tracesim simulation benchmarks ($(date -u +%FT%TZ), $(nproc) CPUs)"
echo "load before: $(uptime | sed 's/.*load average: //')"

# ---------------------------------------------------------------- (a) quickstart vs bare SimGrid
echo
echo "-- (a) quickstart, $runs runs each"
ts_wall=(); ts_proc=(); ts_rate=(); bare_wall=(); bare_proc=(); bare_rate=()
for i in $(seq 1 "$runs"); do
  timed "qs-$i" "$tracesim" run scenarios/quickstart.yaml --no-baseline --quiet --out "$out/qs-$i"
  r="$out/qs-$i/results.json"
  ts_wall+=("$(json "$r" "d['run']['wall_seconds']")")
  ts_rate+=("$(json "$r" "d['run']['simulated_spans_per_wall_second']")")
  ts_proc+=("$(elapsed_s "qs-$i")")
  timed "bare-$i" "$bare"
  bare_wall+=("$(awk '/^wall_seconds/ {print $2}' "$out/bare-$i.stdout")")
  bare_rate+=("$(awk '/^spans_per_wall_second/ {print $2}' "$out/bare-$i.stdout")")
  bare_proc+=("$(elapsed_s "bare-$i")")
  echo "run $i: tracesim ${ts_wall[-1]} s (process ${ts_proc[-1]} s, $(rss_kib "qs-$i") KiB)   bare ${bare_wall[-1]} s (process ${bare_proc[-1]} s, $(rss_kib "bare-$i") KiB)"
done
r="$out/qs-1/results.json"
echo "tracesim counts: requests $(json "$r" "d['requests']['started']")  spans $(json "$r" "d['spans']['generated']")  sampled traces $(json "$r" "d['traces']['sampled']")  stored $(json "$r" "d['spans']['stored']")"
echo "bare counts:     $(awk '/^(requests|spans|spans_stored|executions|app_transfers|mailbox_messages) / {printf "%s %s  ", $1, $2}' "$out/bare-1.stdout")"
m_ts=$(median "${ts_wall[@]}"); m_bare=$(median "${bare_wall[@]}")
m_tsp=$(median "${ts_proc[@]}"); m_barep=$(median "${bare_proc[@]}")
echo "median wall: tracesim $m_ts s, bare $m_bare s, ratio $(awk -v a="$m_ts" -v b="$m_bare" 'BEGIN {printf "%.2f", a / b}')x"
echo "median process wall (load, run, report): tracesim $m_tsp s, bare $m_barep s, ratio $(awk -v a="$m_tsp" -v b="$m_barep" 'BEGIN {printf "%.2f", a / b}')x"
echo "median simulated spans per wall second: tracesim $(median "${ts_rate[@]}"), bare $(median "${bare_rate[@]}")"

# ---------------------------------------------------------------- (b) 1000 services
echo
echo "-- (b) 1000-service scenario"
if [[ -f scenarios/generated-1000.yaml ]]; then
  timed gen1000 "$tracesim" run scenarios/generated-1000.yaml --no-baseline --quiet --out "$out/gen1000"
  r="$out/gen1000/results.json"
  h=$(hosts_of "$r")
  echo "wall $(json "$r" "d['run']['wall_seconds']") s (process $(elapsed_s gen1000) s), simulated $(json "$r" "d['simulated_seconds']") s"
  echo "spans $(json "$r" "d['spans']['generated']"), simulated spans per wall second $(json "$r" "round(d['run']['simulated_spans_per_wall_second'])")"
  echo "hosts $h, peak RSS $(rss_kib gen1000) KiB, $(awk -v k="$(rss_kib gen1000)" -v h="$h" 'BEGIN {printf "%.1f", k / h}') KiB per host"
else
  echo "skipped: scenarios/generated-1000.yaml does not exist"
fi

# ---------------------------------------------------------------- (c) 10 000 hosts
echo
echo "-- (c) 10 000-host scenario"
if [[ "$skip_10k" == 1 ]]; then
  echo "skipped (--skip-10k)"
elif timed scale10k "$tracesim" run scenarios/scale-10k-hosts.yaml --no-baseline --quiet --out "$out/scale10k"; then
  r="$out/scale10k/results.json"
  h=$(hosts_of "$r")
  echo "wall $(json "$r" "d['run']['wall_seconds']") s (process $(elapsed_s scale10k) s), simulated $(json "$r" "d['simulated_seconds']") s"
  echo "spans $(json "$r" "d['spans']['generated']"), stored $(json "$r" "d['spans']['stored']"), simulated spans per wall second $(json "$r" "round(d['run']['simulated_spans_per_wall_second'])")"
  echo "hosts $h, peak RSS $(rss_kib scale10k) KiB, $(awk -v k="$(rss_kib scale10k)" -v h="$h" 'BEGIN {printf "%.1f", k / h}') KiB per host"
else
  echo "FAILED: see $out/scale10k.stderr"
fi

# ---------------------------------------------------------------- (d) memory per in-flight span
# Three runs of the quickstart that differ only in where the spans are at the end:
#   none     sampler ratio 0: no span is recorded (the per-request bookkeeping remains);
#   held     ratio 1, both storage nodes down from 1 s to the end: every span stays
#            in flight (SDK and collector queues, retrying exports) until the run ends;
#   stored   ratio 1, no outage: every span reaches the store (which keeps it).
# bytes per in-flight span = (RSS(held) - RSS(none)) / peak in-flight spans;
# bytes per stored span    = (RSS(stored) - RSS(none)) / stored spans.
echo
echo "-- (d) memory per in-flight span (quickstart: sampler ratio 0; ratio 1 with storage down from 1 s to the end; ratio 1)"
outage='failures=[{type: storage_outage, target: storage-0, at: 1s}, {type: storage_outage, target: storage-1, at: 1s}]'
timed mem-none "$tracesim" run scenarios/quickstart.yaml --no-baseline --quiet \
  --set tracing.sampler.ratio=0.0 --out "$out/mem-none"
timed mem-held "$tracesim" run scenarios/quickstart.yaml --no-baseline --quiet \
  --set tracing.sampler.ratio=1.0 --set "$outage" --out "$out/mem-held"
timed mem-stored "$tracesim" run scenarios/quickstart.yaml --no-baseline --quiet \
  --set tracing.sampler.ratio=1.0 --out "$out/mem-stored"
rss_none=$(rss_kib mem-none); rss_held=$(rss_kib mem-held); rss_stored=$(rss_kib mem-stored)
peak_held=$(json "$out/mem-held/results.json" "max(d['timeseries']['in_flight'])")
stored=$(json "$out/mem-stored/results.json" "d['spans']['stored']")
echo "ratio 0 (no spans):          peak RSS $rss_none KiB"
echo "ratio 1, storage down:       peak RSS $rss_held KiB, peak in-flight $peak_held spans, stored $(json "$out/mem-held/results.json" "d['spans']['stored']"), dropped $(json "$out/mem-held/results.json" "d['spans']['dropped_total']")"
echo "ratio 1, healthy:            peak RSS $rss_stored KiB, stored $stored spans, peak in-flight $(json "$out/mem-stored/results.json" "max(d['timeseries']['in_flight'])")"
awk -v a="$rss_held" -v b="$rss_none" -v p="$peak_held" \
  'BEGIN {printf "memory per in-flight span: %.0f bytes ((%d - %d) KiB / %d spans)\n", (a - b) * 1024 / p, a, b, p}'
awk -v a="$rss_stored" -v b="$rss_none" -v p="$stored" \
  'BEGIN {printf "memory per stored span:    %.0f bytes ((%d - %d) KiB / %d spans)\n", (a - b) * 1024 / p, a, b, p}'

# ---------------------------------------------------------------- (e) fidelity: fast
echo
echo "-- (e) fidelity: fast, $runs runs each where repeated"
fast_rate() { json "$1" "round(d['run']['simulated_spans_per_wall_second'])"; }
for variant in "qs:" "qs10x:--set workload.rate=2000"; do
  name="${variant%%:*}"; extra="${variant#*:}"
  rates=(); walls=()
  for i in $(seq 1 "$runs"); do
    # shellcheck disable=SC2086  # $extra is a list of words
    timed "fast-$name-$i" "$tracesim" run scenarios/quickstart.yaml --no-baseline --quiet --set fidelity=fast \
      $extra --out "$out/fast-$name-$i"
    rates+=("$(fast_rate "$out/fast-$name-$i/results.json")")
    walls+=("$(json "$out/fast-$name-$i/results.json" "d['run']['wall_seconds']")")
  done
  r="$out/fast-$name-1/results.json"
  echo "quickstart ${extra:-as written}: spans $(json "$r" "d['spans']['generated']"), median wall $(median "${walls[@]}") s, median simulated spans per wall second $(median "${rates[@]}") (runs: ${rates[*]}), peak RSS $(rss_kib "fast-$name-1") KiB"
done
if [[ -f scenarios/generated-1000.yaml ]]; then
  timed fast-gen1000 "$tracesim" run scenarios/generated-1000.yaml --no-baseline --quiet --set fidelity=fast \
    --out "$out/fast-gen1000"
  r="$out/fast-gen1000/results.json"
  echo "generated-1000: spans $(json "$r" "d['spans']['generated']"), wall $(json "$r" "d['run']['wall_seconds']") s, simulated spans per wall second $(fast_rate "$r"), peak RSS $(rss_kib fast-gen1000) KiB"
  # The same graph head-sampled at 10 % (parent-based), as written and at 10x the rate.
  for variant in "gen1000-r10:" "gen1000-r10-x10:--set workload.rate=200"; do
    name="${variant%%:*}"; extra="${variant#*:}"
    # shellcheck disable=SC2086  # $extra is a list of words
    timed "fast-$name" "$tracesim" run scenarios/generated-1000.yaml --no-baseline --quiet --set fidelity=fast \
      --set 'tracing.sampler={type: parentbased_traceidratio, ratio: 0.1}' $extra --out "$out/fast-$name"
    r="$out/fast-$name/results.json"
    echo "generated-1000, ratio 0.1 ${extra:-as written}: spans $(json "$r" "d['spans']['generated']"), stored $(json "$r" "d['spans']['stored']"), wall $(json "$r" "d['run']['wall_seconds']") s, simulated spans per wall second $(fast_rate "$r"), peak RSS $(rss_kib "fast-$name") KiB"
  done
fi
if [[ "$skip_10k" != 1 ]] && timed fast-scale10k "$tracesim" run scenarios/scale-10k-hosts.yaml --no-baseline --quiet \
    --set fidelity=fast --out "$out/fast-scale10k"; then
  r="$out/fast-scale10k/results.json"
  h=$(hosts_of "$r")
  echo "scale-10k-hosts: spans $(json "$r" "d['spans']['generated']"), wall $(json "$r" "d['run']['wall_seconds']") s, simulated spans per wall second $(fast_rate "$r"), hosts $h, peak RSS $(rss_kib fast-scale10k) KiB, $(awk -v k="$(rss_kib fast-scale10k)" -v h="$h" 'BEGIN {printf "%.1f", k / h}') KiB per host"
fi

echo
echo "load after: $(uptime | sed 's/.*load average: //')"
echo "outputs in $out"
