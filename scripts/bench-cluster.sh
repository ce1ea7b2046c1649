#!/usr/bin/env bash
# find-max on an AkkaChat cluster against one node (issue #15): for each size in BENCH_CLUSTER_SIZES, a fresh
# scripts/cluster.sh cluster (its own PostgreSQL, N nodes on loopback), then find-max for each mode in
# BENCH_CLUSTER_MODES with the harness's sockets spread round-robin over every node's URL (each socket stays on its
# node, as behind a sticky load balancer) and the server CPU and RSS summed over the nodes; then the cluster stops.
# Writes markdown tables (largest size against the first) to BENCH_OUT and keeps every JSON result. Run it on a quiet
# machine: on a loaded one the figures say more about the neighbours than about AkkaChat. It never writes docs/.
#
#   scripts/bench.sh cluster [--quick]      (or scripts/bench-cluster.sh [--quick])
#
# Environment overrides (defaults in brackets; --quick: a ~2-minute smoke run of 1 and 2 nodes, 1:1 only):
#   BENCH_CLUSTER_SIZES ["1 3"]         node counts; the first is the comparison column, the last the primary
#   BENCH_CLUSTER_MODES ["direct group"]  find-max modes (group: rooms of 100)
#   BENCH_CLUSTER_PROTOCOL [seed000]    the clients' protocol: seed000, or v2 (cids: sockets and entities tell entities
#                                       directly instead of through the shard regions; acks and own copies back)
#   BENCH_FINDMAX_USERS [800]  BENCH_FINDMAX_START [250]  BENCH_FINDMAX_FACTOR [1.6]  BENCH_FINDMAX_STEPS [12]
#   BENCH_FINDMAX_REFINE [3]   BENCH_STEP_SECONDS [6]     BENCH_TARGET_P99 [50]
#   BENCH_WARMUP [30]                   seconds of traffic before the first step: a fresh node compiles its hot paths
#                                       (tiered JIT) in its first minute under load, three processes at once here
#   BENCH_GC_SERVER                     DOTNET_gcServer for the nodes (unset: the build's default, Server GC)
#   BENCH_CLUSTER_HTTP_BASE [18200]  BENCH_CLUSTER_REMOTE_BASE [18230]  BENCH_CLUSTER_PG_PORT [18260]
#   BENCH_RESULTS [bench-results/cluster-<UTC time>]   BENCH_OUT [$BENCH_RESULTS/CLUSTER.md]
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
source scripts/findmax.sh

quick=0
case "${1:-}" in
  -h|--help) sed -n '2,/^set -euo pipefail/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
  --quick) quick=1 ;;
  "") ;;
  *) echo "bench-cluster.sh: unknown argument '$1' (--quick, --help)" >&2; exit 1 ;;
esac
if [ "$quick" = 1 ]; then
  : "${BENCH_CLUSTER_SIZES:=1 2}" "${BENCH_CLUSTER_MODES:=direct}" "${BENCH_STEP_SECONDS:=4}"
  findmax_quick_defaults
fi
: "${BENCH_WARMUP:=30}" # after --quick's own (1 s), so only the full run warms up this long
sizes="${BENCH_CLUSTER_SIZES:-1 3}"
modes="${BENCH_CLUSTER_MODES:-direct group}"
protocol="${BENCH_CLUSTER_PROTOCOL:-seed000}"
findmax_settings
kept="${BENCH_RESULTS:-$repo/bench-results/cluster-$(date -u +%Y%m%dT%H%M%SZ)}"
out="${BENCH_OUT:-$kept/CLUSTER.md}"
findmax_report_outside_docs bench-cluster.sh "$out"
for n in $sizes; do [[ "$n" =~ ^[1-9]$ ]] || { echo "BENCH_CLUSTER_SIZES: node counts from 1 to 9, not '$n'" >&2; exit 1; }; done
for m in $modes; do [[ "$m" =~ ^(direct|group)$ ]] || { echo "BENCH_CLUSTER_MODES: direct or group, not '$m'" >&2; exit 1; }; done
[[ "$protocol" =~ ^(seed000|v2)$ ]] || { echo "BENCH_CLUSTER_PROTOCOL: seed000 or v2, not '$protocol'" >&2; exit 1; }

export AKKACHAT_CLUSTER_HTTP_BASE="${BENCH_CLUSTER_HTTP_BASE:-18200}"
export AKKACHAT_CLUSTER_REMOTE_BASE="${BENCH_CLUSTER_REMOTE_BASE:-18230}"
export AKKACHAT_CLUSTER_PG_PORT="${BENCH_CLUSTER_PG_PORT:-18260}"
findmax_harness_environment
[ -z "${BENCH_GC_SERVER:-}" ] || export DOTNET_gcServer="$BENCH_GC_SERVER"

work="$(mktemp -d /tmp/akkachat-bench-cluster.XXXXXX)"
chmod 0755 "$work" # run as root, scripts/pg.sh runs PostgreSQL as `postgres`, which must reach its directory in here
current=""
cleanup() {
  if [ -n "$current" ]; then AKKACHAT_CLUSTER_DIR="$current" bash scripts/cluster.sh stop || true; fi
  echo "==> results (JSON) kept in $kept; cluster logs in $work"
}
trap cleanup EXIT

echo "==> machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
started="$(date -u '+%Y-%m-%d %H:%M UTC')"
echo "==> building the harness (Release, into artifacts/bench)"
dotnet build src/LoadTest/LoadTest.csproj -c Release --artifacts-path artifacts/bench -nologo -v quiet
loadtest_dll="$repo/artifacts/bench/bin/LoadTest/release/akkachat-loadtest.dll"
commands=()

for n in $sizes; do
  current="$work/cluster-$n"
  findmax_start_cluster "$n" "$current"
  for mode in $modes; do
    findmax_mode_args "$mode"
    args=(find-max --url "$urls" --server-pid "$pids" --label "nodes-$n" --protocol "$protocol" "${mode_args[@]}"
      "${findmax_args[@]}" --fixture "$current/fixture.json" --out "$kept/results-$mode/nodes-$n.json")
    echo "==> akkachat-loadtest ${args[*]}"
    commands+=("akkachat-loadtest ${args[*]}")
    status=0
    dotnet "$loadtest_dll" "${args[@]}" || status=$?
    [ "$status" = 0 ] || echo "    the harness ended with $status on $n nodes, $mode (recorded in the result when it got that far)"
  done
  AKKACHAT_CLUSTER_DIR="$current" bash scripts/cluster.sh stop
  current=""
done

first="${sizes%% *}" last="${sizes##* }"
mkdir -p "$(dirname "$out")"
{
  echo "# Cluster find-max: $last nodes against $first"
  echo
  echo "- When: $started; machine $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), load average before / after: $load_start / $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "- Each size is a fresh \`scripts/cluster.sh\` cluster on its own PostgreSQL; protocol $protocol; sockets round-robin over the nodes' URLs;"
  echo "  \"server\" CPU and RSS are summed over the nodes. DOTNET_gcServer: ${DOTNET_gcServer:-build default (Server GC)}."
  echo "- On one machine more nodes cannot be faster: the ratio is the cost of the cross-node hop plus the extra processes."
  echo
  echo '```'
  printf '%s\n' "${commands[@]}" | sed -E "s#$work#\$WORK#g; s#$repo/##g"
  echo '```'
  for mode in $modes; do
    echo
    echo "## find-max, $mode"
    echo
    dotnet "$loadtest_dll" report "$kept/results-$mode" --primary "nodes-$last" --ceiling "nodes-$first" \
      || echo "(no report: the runs left no results in $kept/results-$mode)"
  done
} >"$out"
echo "==> done: $out"
