#!/usr/bin/env bash
# Crash test for longer than CI does: `cws import` of a whole area's changed returns is killed
# (SIGKILL) at random moments, KILLS times; after each kill SQLite's integrity check must pass,
# every organisation must have one current return and no return may be stored in part; run
# again, the import must end exactly where an uninterrupted one ends.
# Usage: bench/crash.sh [KILLS]   (default 50)
set -euo pipefail
cd "$(dirname "$0")/.."
kills=${1:-50}
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -srm); $(date -u +%Y-%m-%d)"
started=$(date +%s)
CWS_CRASH_KILLS=$kills cargo test --release -q -p cws --test cli \
  an_import_killed_at_any_moment_leaves_no_half_return -- --exact --nocapture 2>&1 | grep -E 'returns stored when killed|test result|panicked|left|right'
echo "$kills kills survived in $(( $(date +%s) - started )) s (build included)"
