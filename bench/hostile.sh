#!/usr/bin/env bash
# Benchmark: refusing (or reading) the hostile workbooks of issue 18 — a single far cell,
# shared strings claiming 2^32-1 and 2^64-1 strings, a zip bomb, a sheet-wide merge, a million
# rows without row numbers — with `cws import --dry-run` on the embedded SQLite store: wall
# time, peak memory (GNU time) and the rule that answered. Usage: bench/hostile.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/time ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq time >/dev/null
fi
cargo build --release -q
bin=$PWD/target/release/cws
work=$(mktemp -d /tmp/cws-bench-hostile.XXXXXX)
trap 'rm -rf "$work"' EXIT
export CWS_LOG=warn
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -srm); $(date -u +%Y-%m-%d)"
python3 bench/hostile.py "$work"
(cd "$work" && "$bin" demo --no-serve >/dev/null)
for f in "$work"/*.xlsx; do
  (cd "$work" && /usr/bin/time -f "%e %M" -o "$work/time.txt" "$bin" import "$f" --area 318 --dry-run --json >"$work/out.json" 2>"$work/err.txt") || true
  read -r secs kb < <(tail -n 1 "$work/time.txt")
  rule=$(python3 -c "import json,sys; r=json.load(open('$work/out.json')); ms=r['messages'] if isinstance(r,dict) else r[0]['messages']; print(', '.join(sorted({m['rule'] for m in ms if m['severity']=='error'})) or 'none')" 2>/dev/null || head -c 120 "$work/err.txt")
  printf '%-32s %8s KB packed  %6.2f s  %5s MB peak  errors: %s\n' "$(basename "$f")" "$(( $(stat -c %s "$f") / 1024 ))" "$secs" "$((kb / 1024))" "$rule"
done
