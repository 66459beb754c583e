#!/usr/bin/env bash
# Load benchmark: 50 concurrent users reading area dashboards on the national synthetic data
# (about 2.5 million posts in 153 areas), served by `cws serve` on loopback, driven by wrk in a
# second process. Each request is a random dashboard (overview, composition, recruitment, age,
# diversity, qualifications) of a random area, by a signed-in national analyst — the heaviest
# case, as every table is then protected by disclosure control. Records throughput and p50/p99
# latency and counts errors, on SQLite and on PostgreSQL (installed and started here, like
# .ci/run does).
# Usage: bench/web_load.sh [sqlite|postgres|both] [DURATION, default 30s] [CONNECTIONS, default 50]
set -euo pipefail
cd "$(dirname "$0")/.."
which=${1:-both}
duration=${2:-30s}
connections=${3:-50}
export DEBIAN_FRONTEND=noninteractive
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
cargo build --release -q
bin=$PWD/target/release/cws
export CWS_LOG=warn
work=$(mktemp -d /tmp/cws-bench-web.XXXXXX)
server=
pgctl=
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  [ -n "$pgctl" ] && $pgctl stop -m fast >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -srm); $(date -u +%Y-%m-%d)"

# Signs in through the real forms; prints the session cookie.
session() { # site email password
  local site=$1 email=$2 password=$3 jar=$work/jar page csrf
  rm -f "$jar"
  page=$(curl -s -c "$jar" "$site/sign-in")
  csrf=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' <<<"$page" | head -n 1)
  curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "csrf=$csrf" \
    --data-urlencode "email=$email" --data-urlencode "password=$password" "$site/sign-in"
  awk '$6 == "cws_session" {print $7}' "$jar"
}

run() { # backend-name database-url
  local name=$1 url=$2 port=18080 site link page csrf cookie
  site=http://127.0.0.1:$port
  echo "== $name: loading the national synthetic workforce"
  local started=$SECONDS
  (cd "$work" && "$bin" demo --scale national --no-serve --database-url "$url" >/dev/null)
  echo "   loaded in $((SECONDS - started)) s"
  link=$(cd "$work" && "$bin" user invite --database-url "$url" --email "bench-$name@example.org" \
    --name Bench --role national --site "$site" | tail -n 1)
  (cd "$work" && exec "$bin" serve --database-url "$url" --listen "127.0.0.1:$port" >/dev/null 2>&1) &
  server=$!
  for _ in $(seq 1 100); do curl -sf "$site/healthz" >/dev/null && break; sleep 0.2; done
  # set the password through the invitation link, then sign in
  page=$(curl -s -c "$work/jar" "$link")
  csrf=$(sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' <<<"$page" | head -n 1)
  curl -s -b "$work/jar" -o /dev/null --data-urlencode "csrf=$csrf" \
    --data-urlencode "password=benchmark password" --data-urlencode "confirm=benchmark password" "$link"
  cookie=$(session "$site" "bench-$name@example.org" "benchmark password")
  [ -n "$cookie" ] || { echo "could not sign in"; exit 1; }
  # every live area's dashboards, as wrk's list of paths
  curl -s -H "Cookie: cws_session=$cookie" "$site/api/areas" | python3 -c '
import json, sys
areas = [a["code"] for a in json.load(sys.stdin) if a["closed"] is None and not a["joint"]]
topics = ["overview", "composition", "recruitment", "age", "diversity", "qualifications"]
paths = ["/areas/%s/dashboard/%s" % (a, t) for a in areas for t in topics]
print("paths = {" + ", ".join("\"%s\"" % p for p in paths) + "}")
print("math.randomseed(42)")
print("request = function() return wrk.format(\"GET\", paths[math.random(#paths)]) end")
' >"$work/paths.lua"
  echo "   $(grep -o '/areas/' "$work/paths.lua" | wc -l) dashboard pages"
  # the first request builds the snapshot (cold); the benchmark measures the warm server
  echo "   first dashboard (snapshot built): $(curl -s -o /dev/null -w '%{time_total}' \
    -H "Cookie: cws_session=$cookie" "$site/areas/E09000027/dashboard/overview") s"
  # two passes: in the first, each dashboard is computed on its first view (and cached until
  # a return is accepted); the second is the server in its steady state
  for pass in "first views (dashboards computed)" "steady state (dashboards cached)"; do
    echo "== $name: wrk, $connections connections, $duration — $pass"
    wrk -t2 -c"$connections" -d"$duration" --latency -H "Cookie: cws_session=$cookie" \
      -s "$work/paths.lua" "$site" | sed 's/^/   /'
  done
  echo "   server peak memory: $(awk '/VmHWM/ {print $2/1024 " MB"}' /proc/$server/status)"
  kill "$server"; wait "$server" 2>/dev/null || true; server=
}

if [ "$which" = sqlite ] || [ "$which" = both ]; then
  run sqlite "sqlite://$work/cws.db"
fi
if [ "$which" = postgres ] || [ "$which" = both ]; then
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq postgresql >/dev/null
  fi
  pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  chmod 755 "$work"; mkdir -p "$work/pg"
  as=()
  if [ "$(id -u)" = 0 ]; then chown postgres "$work/pg"; as=(runuser -u postgres --); fi
  "${as[@]}" "$pgbin/initdb" -D "$work/pg/data" -A trust -U cws >/dev/null
  "${as[@]}" "$pgbin/pg_ctl" -D "$work/pg/data" -l "$work/pg/log" -w \
    -o "-p 55439 -k $work/pg -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
  pgctl="${as[*]} $pgbin/pg_ctl -D $work/pg/data"
  run postgres "postgres://cws@127.0.0.1:55439/postgres"
fi
