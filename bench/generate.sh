#!/usr/bin/env bash
# Benchmark: national-scale synthetic workforce (about 2.5 million worker records)
# generated into the embedded SQLite store with `cws demo --scale national --no-serve`,
# and written as return files with `cws generate --scale national`.
# Records wall-clock time and peak resident memory (GNU time) for each.
# Usage: bench/generate.sh [SEED]     (figures go to stdout; copy them into BENCHMARKS.md)
set -euo pipefail
cd "$(dirname "$0")/.."
seed=${1:-2025}
if [ ! -x /usr/bin/time ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
fi
cargo build --release -q
bin=$PWD/target/release/cws
work=$(mktemp -d /tmp/cws-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -srm); $(date -u +%Y-%m-%d)"
measure() { # name, then the command
  local name=$1; shift
  (cd "$work" && /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >"$work/out.txt" 2>"$work/err.txt") || {
    cat "$work/err.txt"; exit 1; }
  read -r secs kb <"$work/time.txt"
  printf '%-44s %8.1f s %8.0f MB   %s\n' "$name" "$secs" "$((kb / 1024))" "$(grep -m1 -E 'Generated|Wrote' "$work/out.txt" | cut -c1-90)"
}
measure "demo --scale national (SQLite, cold)" "$bin" demo --scale national --seed "$seed" --no-serve --regenerate
echo "  database file: $(du -sh "$work/cws-data" | cut -f1)"
measure "demo --scale national (reuse)" "$bin" demo --scale national --seed "$seed" --no-serve
measure "generate --scale national (CSV files)" "$bin" generate --scale national --seed "$seed" --out "$work/returns"
echo "  files: $(find "$work/returns" -type f | wc -l), $(du -sh "$work/returns" | cut -f1)"
if [ -n "${CWS_BENCH_POSTGRES_URL:-}" ]; then
  measure "demo --scale national (PostgreSQL, cold)" env DATABASE_URL="$CWS_BENCH_POSTGRES_URL" "$bin" demo --scale national --seed "$seed" --no-serve --regenerate
fi
