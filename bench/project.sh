#!/usr/bin/env bash
# Benchmark: the projection of England (docs/definitions.md §7) — every area × role group ×
# age band × qualification tier of the national synthetic workforce, 15 years ahead (2025 to
# 2040), 1,000 seeded Monte Carlo runs, joined draw by draw — timed apart from loading and
# measuring the returns, with peak memory; then, in the same run, the same model as
# vectorised NumPy on the same measured inputs (bench/project_peer.py), its P50 set beside
# cws's year by year.
# Usage: bench/project.sh [DIR]   — DIR holding cws-data/ from `cws demo --scale national`
# to reuse; without it the national demo is generated first (about 20 s).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/time ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
fi
cargo build --release -q -p cws
repo=$PWD
bin=$repo/target/release/cws
export CWS_LOG=warn
work=${1:-}
if [ -z "$work" ]; then
  work=$(mktemp -d /tmp/cws-bench-project.XXXXXX)
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && "$bin" demo --scale national --no-serve >/dev/null)
fi
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -srm); $(date -u +%Y-%m-%d)"
run() { # name, then the command (run in $work)
  local name=$1; shift
  (cd "$work" && /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >"$work/out.txt" 2>"$work/err.txt") || {
    tail -n 5 "$work/out.txt" "$work/err.txt"; exit 1; }
  read -r secs kb <"$work/time.txt"
  printf '%-30s process %6.1f s, peak %6.0f MB\n' "$name" "$secs" "$((kb / 1024))"
  cat "$work/out.txt"
}
run "cws bench-project" "$bin" bench-project --runs 1000 --horizon 2040 --inputs-out "$work/inputs.json"
python3 -m pip install -q numpy
run "NumPy peer" python3 "$repo/bench/project_peer.py" "$work/inputs.json"
