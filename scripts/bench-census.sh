#!/usr/bin/env bash
# Where a message's CPU goes below saturation (issues #14, #15): for each size in BENCH_CENSUS_SIZES, a fresh
# scripts/cluster.sh cluster (its own PostgreSQL, N nodes on loopback), seed-000 1:1 traffic at one fixed rate with the
# harness's sockets spread round-robin over the nodes, and a census of every node thread from /proc
# (scripts/thread-census.py) over a window idle and one under that traffic: CPU, voluntary and involuntary context
# switches and run-queue wait per kind of thread, and switches and CPU per message. Also records what one context switch
# costs on this machine (`perf bench sched pipe`, when perf is installed). A size written `Ni` (e.g. 3i) is N separate
# one-node clusters instead, each with its own PostgreSQL, a Nth of the users and a Nth of the rate from a harness of
# its own: as many processes on the box as N nodes, but no message crossing nodes, which tells what the cross-node hop
# costs apart from what splitting one node into N processes costs. Writes CENSUS.md and keeps the harness's results
# in BENCH_RESULTS; never writes docs/.
#
#   scripts/bench.sh census [--quick]      (or scripts/bench-census.sh [--quick])
#
# Environment overrides (defaults in brackets; --quick: 1 node, 100 users, short windows, for checking the script):
#   BENCH_CENSUS_SIZES ["1 3"]   node counts, one cluster each (Ni: N one-node clusters), in this order
#   BENCH_CENSUS_RATE [250]      msgs/s of the measured traffic (and of the warm-up)
#   BENCH_CENSUS_USERS [800]     users (one socket each, friend pairs)
#   BENCH_CENSUS_WARMUP [30]     seconds of traffic before the windows: fresh nodes compile their hot paths first
#   BENCH_CENSUS_SECONDS [20]    seconds of each census window (the traffic runs 12 s longer on each side)
#   BENCH_CLUSTER_HTTP_BASE [18200]  BENCH_CLUSTER_REMOTE_BASE [18230]  BENCH_CLUSTER_PG_PORT [18260]
#   BENCH_RESULTS [bench-results/census-<UTC time>]   BENCH_OUT [$BENCH_RESULTS/CENSUS.md]
# Extra node settings pass through the environment as for scripts/cluster.sh (DOTNET_gcServer, DOTNET_*).
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
source scripts/findmax.sh

findmax_quick_or_help bench-census.sh "$@"
if [ "$quick" = 1 ]; then
  : "${BENCH_CENSUS_SIZES:=1}" "${BENCH_CENSUS_USERS:=100}" "${BENCH_CENSUS_WARMUP:=5}" "${BENCH_CENSUS_SECONDS:=4}"
fi
sizes="${BENCH_CENSUS_SIZES:-1 3}"
rate="${BENCH_CENSUS_RATE:-250}"
users="${BENCH_CENSUS_USERS:-800}"
warmup="${BENCH_CENSUS_WARMUP:-30}"
window="${BENCH_CENSUS_SECONDS:-20}"
kept="${BENCH_RESULTS:-$repo/bench-results/census-$(date -u +%Y%m%dT%H%M%SZ)}"
out="${BENCH_OUT:-$kept/CENSUS.md}"
findmax_report_outside_docs bench-census.sh "$out"
for n in $sizes; do [[ "$n" =~ ^[1-9]i?$ ]] || { echo "BENCH_CENSUS_SIZES: node counts from 1 to 9 (3i: three one-node clusters), not '$n'" >&2; exit 1; }; done
for v in "$rate" "$users" "$warmup" "$window"; do
  [[ "$v" =~ ^[1-9][0-9]*$ ]] || { echo "bench-census.sh: rates, counts and seconds are whole numbers above 0, not '$v'" >&2; exit 1; }
done
command -v python3 >/dev/null || { echo "bench-census.sh: needs python3" >&2; exit 1; }

export AKKACHAT_CLUSTER_HTTP_BASE="${BENCH_CLUSTER_HTTP_BASE:-18200}"
export AKKACHAT_CLUSTER_REMOTE_BASE="${BENCH_CLUSTER_REMOTE_BASE:-18230}"
export AKKACHAT_CLUSTER_PG_PORT="${BENCH_CLUSTER_PG_PORT:-18260}"
findmax_harness_environment

work="$(mktemp -d /tmp/akkachat-bench-census.XXXXXX)"
chmod 0755 "$work" # run as root, scripts/pg.sh runs PostgreSQL as `postgres`, which must reach its directory in here
clusters="" # the running clusters' directories
cleanup() {
  local dir pid
  for pid in $(cat "$work"/harness-*.pid 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
  for dir in $clusters; do AKKACHAT_CLUSTER_DIR="$dir" bash scripts/cluster.sh stop || true; done
  echo "==> results kept in $kept; cluster logs in $work"
}
trap cleanup EXIT
mkdir -p "$kept"

started="$(date -u '+%Y-%m-%d %H:%M UTC')"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
echo "==> building the harness (Release, into artifacts/bench)"
dotnet build src/LoadTest/LoadTest.csproj -c Release --artifacts-path artifacts/bench -nologo -v quiet
loadtest_dll="$repo/artifacts/bench/bin/LoadTest/release/akkachat-loadtest.dll"

# Harness runs at the census rate for $2 seconds, results in $1.json and $1.log: one against the cluster's URLs, or,
# for separate one-node clusters, one per node with its share of users and rate (results $1-K.*). Fixtures are reused.
traffic() {
  local k=0 url pid runs=()
  for url in ${targets//;/ }; do
    k=$((k + 1))
    pid="$(cut -d';' -f"$k" <<<"$target_pids")"
    local name="$1${independent:+-$k}"
    dotnet "$loadtest_dll" direct --url "$url" --server-pid "$pid" --label "$name" --users "$share_users" \
      --rate "$share_rate" --duration "$2" --warmup 0 --max-socket-rate 45 --progress plain \
      --fixture "$current/fixture-$k.json" --out "$kept/$name.json" >"$kept/$name.log" 2>&1 &
    runs+=("$!")
    echo "$!" >"$work/harness-$k.pid"
  done
  local failed=0
  for pid in "${runs[@]}"; do wait "$pid" || failed=$?; done
  rm -f "$work"/harness-*.pid
  return "$failed"
}

for size in $sizes; do
  n="${size%i}" independent=""
  [ "$size" = "$n" ] || independent=1
  current="$work/cluster-$size"
  if [ -z "$independent" ]; then
    clusters="$current"
    findmax_start_cluster "$n" "$current"
    targets="$urls" target_pids="$pids" share_users="$users" share_rate="$rate"
  else
    # N one-node clusters, side by side: node K on the bases' K-th ports, PostgreSQL on the K-th port from its base.
    clusters="" targets="" target_pids="" all_pids=""
    for k in $(seq 1 "$n"); do
      clusters+=" $current/node-$k"
      AKKACHAT_CLUSTER_HTTP_BASE=$((AKKACHAT_CLUSTER_HTTP_BASE + k - 1)) \
        AKKACHAT_CLUSTER_REMOTE_BASE=$((AKKACHAT_CLUSTER_REMOTE_BASE + k - 1)) \
        AKKACHAT_CLUSTER_PG_PORT=$((AKKACHAT_CLUSTER_PG_PORT + k - 1)) findmax_start_cluster 1 "$current/node-$k"
      targets+="${targets:+;}$urls" target_pids+="${target_pids:+;}$pids"
    done
    pids="${target_pids//;/,}"
    share_users=$((users / n / 2 * 2)) share_rate=$((rate / n))
  fi
  echo "==> warm-up: $rate msgs/s for ${warmup}s"
  traffic "nodes-$size-warmup" "$warmup" || echo "    the warm-up ended with $? (see $kept/nodes-$size-warmup*.log)"
  sleep 10 # the warm-up's drain and the nodes' settling
  echo "==> idle census (${window}s)"
  python3 scripts/thread-census.py "$pids" "$window" >"$work/nodes-$size.idle.md"
  echo "==> $rate msgs/s for $((window + 24))s, census over the middle ${window}s"
  traffic "nodes-$size" $((window + 24)) &
  load=$!
  sleep 12
  python3 scripts/thread-census.py "$pids" "$window" --messages $((share_rate * ${independent:+n *} window)) >"$work/nodes-$size.load.md"
  wait "$load" || echo "    the harness ended with $? (see $kept/nodes-$size*.log)"
  for dir in $clusters; do AKKACHAT_CLUSTER_DIR="$dir" bash scripts/cluster.sh stop; done
  clusters=""
done

switch_cost="perf is not installed: no figure"
if command -v perf >/dev/null; then
  switch_cost="$(perf bench sched pipe -l 100000 2>/dev/null | awk '/usecs\/op/ {printf "%.1f µs per round trip (two wake-ups and two switches), across cores", $1}')"
fi

mkdir -p "$(dirname "$out")"
{
  echo "# Thread census: seed-000 1:1 at $rate msgs/s"
  echo
  echo "- When: $started; commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src hocon || echo ' + uncommitted changes'); machine $(nproc) cores, load average before / after: $load_start / $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "- Each size is a fresh \`scripts/cluster.sh\` cluster on its own PostgreSQL; $users users in friend pairs, sockets round-robin over the nodes; ${warmup}s of warm-up at the same rate; windows of ${window}s (/proc, summed over the nodes)."
  echo "- One context switch on this machine (\`perf bench sched pipe\`): $switch_cost."
  for size in $sizes; do
    echo
    if [ "$size" = "${size%i}" ]; then echo "## $size node(s)"; else echo "## ${size%i} one-node clusters, a harness each"; fi
    for log in "$kept/nodes-$size".log "$kept/nodes-$size"-[0-9]*.log; do
      [ -f "$log" ] || continue
      echo
      echo '```'
      grep -E "throughput:|latency ms:|server pid|machine:" "$log" | sed 's/^ *//' || echo "(no result: see ${log##*/})"
      echo '```'
    done
    echo
    echo "Under load:"
    echo
    cat "$work/nodes-$size.load.md"
    echo
    echo "Idle, 10 s after the warm-up:"
    echo
    cat "$work/nodes-$size.idle.md"
  done
} >"$out"
echo "==> done: $out"
