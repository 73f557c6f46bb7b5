#!/usr/bin/env bash
# Run every cargo-fuzz target in fuzz/ (or the TARGETs named) for SECONDS each
# (default 60) and print, per target, the executions, executions per second, seconds
# and crashes. Usage: bench/fuzz.sh [SECONDS] [TARGET...]
# FUZZ_RUNS=N stops a target after N executions instead (SECONDS stays the upper bound).
#
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz --locked`).
# Not part of scripts/test.sh: it is a time-boxed run, like the benchmarks.
# New inputs go to a scratch corpus; the seed corpus in fuzz/corpus/<target>/ is only read.
# A crash leaves its input in fuzz/artifacts/<target>/ and is counted.
set -uo pipefail
SECONDS_PER_TARGET="${1:-60}"
shift || true
cd "$(dirname "$0")/../fuzz"
command -v cargo-fuzz >/dev/null || { echo "cargo-fuzz is missing: cargo install cargo-fuzz --locked" >&2; exit 2; }
# -s none: the targets are safe Rust, what they look for are panics (no need for ASan's
# slowdown); -a: debug assertions on, so integer overflow panics too.
FLAGS=(-s none -a)
cargo +nightly fuzz build "${FLAGS[@]}" >&2 || exit 2
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
printf '%-16s %12s %10s %8s %8s\n' target execs exec/s seconds crashes
status=0
targets=("$@")
[ ${#targets[@]} -gt 0 ] || mapfile -t targets < <(cargo +nightly fuzz list)
for t in "${targets[@]}"; do
  mkdir -p "$scratch/$t" "artifacts/$t"
  before=$(find "artifacts/$t" -type f | wc -l)
  log="$scratch/$t.log"
  start=$(date +%s)
  cargo +nightly fuzz run "${FLAGS[@]}" "$t" "$scratch/$t" "corpus/$t" -- \
    -max_total_time="$SECONDS_PER_TARGET" ${FUZZ_RUNS:+-runs=$FUZZ_RUNS} -print_final_stats=1 >"$log" 2>&1
  rc=$?
  took=$(( $(date +%s) - start ))
  after=$(find "artifacts/$t" -type f | wc -l)
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  crashes=$(( after - before ))
  if [ "$rc" -ne 0 ] && [ "$crashes" -eq 0 ]; then crashes=1; fi
  if [ "$crashes" -ne 0 ]; then status=1; grep -m5 -E 'panicked|ERROR' "$log" >&2; fi
  printf '%-16s %12s %10s %8s %8s\n' "$t" "${execs:-?}" "${rate:-?}" "$took" "$crashes"
done
exit $status
