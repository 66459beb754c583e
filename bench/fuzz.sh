#!/usr/bin/env bash
# Fuzzing every reader for longer than CI does: random bytes and structured mutations of a
# template CSV, an XLSX workbook, a census XML return and a bulk-upload file, each imported as
# a dry run and for real (the verdicts must agree; only accepted returns are stored), under a
# 3 GB address-space limit. Prints the cases run, wall time and peak memory.
# Usage: bench/fuzz.sh [CASES] [FIRST_SEED]   (default 20000 cases from seed 100000)
# A failure prints the case's seed: CWS_FUZZ_SEED=N CWS_FUZZ_CASES=1 replays it.
set -euo pipefail
cd "$(dirname "$0")/.."
cases=${1:-20000}
seed=${2:-100000}
if [ ! -x /usr/bin/time ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
fi
cargo test --release -q -p cws-collect --test fuzz --no-run 2>/dev/null
bin=$(ls -t target/release/deps/fuzz-* | grep -v '\.d$' | head -n 1)
work=$(mktemp -d /tmp/cws-bench-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -srm); $(date -u +%Y-%m-%d)"
status=0
CWS_FUZZ_CASES=$cases CWS_FUZZ_SEED=$seed RUST_BACKTRACE=0 \
  /usr/bin/time -f "%e %M" -o "$work/time.txt" \
  prlimit --as=$((3 << 30)) -- "$bin" fuzz_corpus --exact --ignored --nocapture \
  >"$work/out.txt" 2>&1 || status=$?
read -r secs kb < <(tail -n 1 "$work/time.txt")
if [ "$status" -ne 0 ]; then
  grep -v '^case ' "$work/out.txt" | tail -n 20
  echo "FAILED after $(grep -c '^case ' "$work/out.txt") cases; last: $(grep '^case ' "$work/out.txt" | tail -n 1)"
  exit 1
fi
grep 'cases from seed' "$work/out.txt"
printf 'wall %.1f s, peak memory %d MB (limit 3 GB of address space)\n' "$secs" "$((kb / 1024))"
