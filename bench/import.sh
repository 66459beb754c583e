#!/usr/bin/env bash
# Benchmark: import the national synthetic returns (about 2.5 million worker rows in 115,000
# organisation files, from `cws generate --scale national`) into the embedded SQLite store
# with `cws import --manifest`, validated and stored; then, on the same files in the same run,
# the peers in bench/import_peers.py (DuckDB read_csv into a typed table; pandas read_csv
# with the same code-list checks and to_sql into SQLite). Wall time and peak memory by GNU time.
# Usage: bench/import.sh [--no-peers]
set -euo pipefail
cd "$(dirname "$0")/.."
peers=yes
[ "${1:-}" = "--no-peers" ] && peers=no
if [ ! -x /usr/bin/time ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
fi
cargo build --release -q
repo=$PWD
bin=$repo/target/release/cws
work=$(mktemp -d /tmp/cws-bench-import.XXXXXX)
trap 'rm -rf "$work"' EXIT
export CWS_LOG=warn
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -srm); $(date -u +%Y-%m-%d)"
(cd "$work" && "$bin" generate --scale national --out returns >/dev/null)
echo "files: $(find "$work/returns" -name '*.csv' | wc -l) CSV, $(du -sh "$work/returns" | cut -f1)"
(cd "$work" && "$bin" org import returns/manifest.csv >/dev/null && "$bin" collection create --census 2025-09-30 >/dev/null)

measure() { # name, then the command (run in $work)
  local name=$1; shift
  (cd "$work" && /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >"$work/out.txt" 2>"$work/err.txt") || {
    tail -n 5 "$work/out.txt" "$work/err.txt"; exit 1; }
  read -r secs kb <"$work/time.txt"
  # rows per second of the whole process (start-up and closing included), from its row count
  local rows
  rows=$(tail -n 1 "$work/out.txt" | grep -o '[0-9]* rows in' | grep -o '[0-9]*' || echo 0)
  printf '%-40s %7.1f s %7.0f MB %9.0f rows/s   %s\n' "$name" "$secs" "$((kb / 1024))" \
    "$(awk -v r="$rows" -v s="$secs" 'BEGIN { print r / s }')" "$(tail -n 1 "$work/out.txt" | cut -c1-100)"
}
measure "cws import (SQLite, first import)" "$bin" import --manifest returns/manifest.csv
measure "cws import (same files again: unchanged)" "$bin" import --manifest returns/manifest.csv
echo "  database: $(du -sh "$work/cws-data" | cut -f1)"
if [ "$peers" = yes ]; then
  python3 -m pip install -q duckdb pandas
  measure "DuckDB read_csv (typed, no checks)" python3 "$repo/bench/import_peers.py" duckdb returns/manifest.csv "$repo/data/cws/roles.csv" "$work"
  measure "pandas read_csv + checks + to_sql" python3 "$repo/bench/import_peers.py" pandas returns/manifest.csv "$repo/data/cws/roles.csv" "$work"
fi
