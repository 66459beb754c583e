#!/usr/bin/env bash
# Benchmark: the full profile of every area — every docs/definitions.md §6 measure for each of the 153 areas
# by role group, by sector, by contract type and in total — on the national synthetic data
# (about 2.5 million posts), cold (snapshot built from the SQLite store) and warm (snapshot
# held, as the web server holds it), with peak memory; then, in the same run, DuckDB
# computing the same aggregates with SQL over the same stored posts (bench/figures_peer.py):
# once counting distinct people as cws does, once counting posts (a lower bound).
# Usage: bench/figures.sh [DIR]   — DIR holding cws-data/ from a national import to reuse;
# without it the national returns are generated and imported first (about a minute).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/time ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
fi
cargo build --release -q
repo=$PWD
bin=$repo/target/release/cws
export CWS_LOG=warn
work=${1:-}
if [ -z "$work" ]; then
  work=$(mktemp -d /tmp/cws-bench-figures.XXXXXX)
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && "$bin" generate --scale national --out returns >/dev/null &&
    "$bin" org import returns/manifest.csv >/dev/null &&
    "$bin" collection create --census 2025-09-30 >/dev/null &&
    "$bin" import --manifest returns/manifest.csv >/dev/null) || true
fi
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -srm); $(date -u +%Y-%m-%d)"
run() { # name, then the command (run in $work)
  local name=$1; shift
  (cd "$work" && /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >"$work/out.txt" 2>"$work/err.txt") || {
    tail -n 5 "$work/out.txt" "$work/err.txt"; exit 1; }
  read -r secs kb <"$work/time.txt"
  printf '%-34s process %6.1f s, peak %6.0f MB\n  %s\n' "$name" "$secs" "$((kb / 1024))" "$(tail -n 1 "$work/out.txt")"
}
run "cws (snapshot + engine)" "$bin" bench-figures --repeat 5
python3 -m pip install -q duckdb pandas
run "DuckDB SQL, distinct people" python3 "$repo/bench/figures_peer.py" cws-data/cws.db "$repo/data/cws/roles.csv" 2025-09-30 3
run "DuckDB SQL, posts (lower bound)" python3 "$repo/bench/figures_peer.py" cws-data/cws.db "$repo/data/cws/roles.csv" 2025-09-30 5 --posts
