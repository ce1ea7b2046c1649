#!/usr/bin/env bash
# Sockets across a cluster (issue #15): a fresh scripts/cluster.sh cluster of BENCH_SOCKETS_NODES nodes on its own
# PostgreSQL; one `connect` generator process per node opens BENCH_SOCKETS_PER_NODE authenticated idle sockets to that
# node only (with users of its own: one fixture file per generator), all generators started together; once every one of
# them holds its sockets, one more generator sends room messages (`group --verify`, rooms of 100 whose members' sockets
# are spread over every node) for most of the hold. The script reads each node's VmRSS from /proc before any socket
# opens, when every generator holds, and at the end of the hold (peak: VmHWM), and each node's CPU over the hold. Writes
# a markdown report (RSS per node and per socket, sockets open and still open after the hold per generator, the room
# traffic's deliveries, losses and duplicates, machine load) to BENCH_OUT and keeps every JSON result and generator log.
# Run it on a quiet machine. It never writes docs/.
#
#   scripts/bench.sh cluster-sockets [--quick]      (or scripts/bench-cluster-sockets.sh [--quick])
#
# Environment overrides (defaults in brackets; --quick: a smoke run of 2 nodes x 500 sockets held 15 s, a few minutes):
#   BENCH_SOCKETS_NODES [5]            nodes, one connect generator process each
#   BENCH_SOCKETS_PER_NODE [19000]     sockets per node (= per connect generator); each is an open file in the generator
#                                      and in the node, so it must stay 1,000 below `ulimit -n` (hard limit 20,000 here:
#                                      19,000 fits; the nodes get AKKACHAT_CLUSTER_NOFILE, default the hard limit)
#   BENCH_SOCKETS_USERS [1000]         users per connect generator, its sockets spread over them
#   BENCH_SOCKETS_HOLD [60]            seconds all generators hold their sockets together (the measured window)
#   BENCH_SOCKETS_SLACK [30]           seconds each generator holds beyond that, so that the first to finish connecting
#                                      still holds when the last one does; generators that finish connecting further
#                                      apart cut the window short (the report says so)
#   BENCH_SOCKETS_STAGGER [0]          seconds between generator starts (0: all at once; each hold grows to match)
#   BENCH_SOCKETS_SOURCES [8]          loopback source addresses per generator (127.0.0.2 ...; see below)
#   BENCH_SOCKETS_CONNECT_PARALLELISM [64]  concurrent handshakes per generator
#   BENCH_SOCKETS_GROUP_USERS [500]    room generator users, one socket each, socket i on node i mod N (rooms of 100)
#   BENCH_SOCKETS_GROUP_RATE [100]     room msgs/s (x99 deliveries); sent for the hold less ~10 s, then drained
#   BENCH_GC_SERVER                    DOTNET_gcServer for the nodes (unset: the build's default, Server GC; 0: Workstation)
#   BENCH_SOCKETS_HTTP_BASE [18400]  BENCH_SOCKETS_REMOTE_BASE [18430]  BENCH_SOCKETS_PG_PORT [18460]
#   BENCH_RESULTS [bench-results/cluster-sockets-<UTC time>]   BENCH_OUT [$BENCH_RESULTS/SOCKETS.md]
#
# Loopback ports: the harness binds each socket to one of its source addresses with IP_BIND_ADDRESS_NO_PORT, so the
# kernel picks the source port per (source address, destination) pair at connect time. Each generator connects to one
# node's port only, so it needs PER_NODE / SOURCES ports of each address's ip_local_port_range (19,000 / 8 = 2,375 of
# 28,232 by default); the script refuses settings that would not fit.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
source scripts/findmax.sh

findmax_quick_or_help bench-cluster-sockets.sh "$@"
if [ "$quick" = 1 ]; then
  : "${BENCH_SOCKETS_NODES:=2}" "${BENCH_SOCKETS_PER_NODE:=500}" "${BENCH_SOCKETS_USERS:=100}" "${BENCH_SOCKETS_HOLD:=15}"
  : "${BENCH_SOCKETS_SLACK:=10}" "${BENCH_SOCKETS_GROUP_USERS:=200}" "${BENCH_SOCKETS_GROUP_RATE:=20}"
fi
nodes="${BENCH_SOCKETS_NODES:-5}"
per_node="${BENCH_SOCKETS_PER_NODE:-19000}"
users="${BENCH_SOCKETS_USERS:-1000}"
hold="${BENCH_SOCKETS_HOLD:-60}"
slack="${BENCH_SOCKETS_SLACK:-30}"
stagger="${BENCH_SOCKETS_STAGGER:-0}"
sources="${BENCH_SOCKETS_SOURCES:-8}"
parallelism="${BENCH_SOCKETS_CONNECT_PARALLELISM:-64}"
group_users="${BENCH_SOCKETS_GROUP_USERS:-500}"
group_rate="${BENCH_SOCKETS_GROUP_RATE:-100}"
kept="${BENCH_RESULTS:-$repo/bench-results/cluster-sockets-$(date -u +%Y%m%dT%H%M%SZ)}"
out="${BENCH_OUT:-$kept/SOCKETS.md}"
findmax_report_outside_docs bench-cluster-sockets.sh "$out"

whole() { # NAME VALUE MIN: VALUE is a whole number >= MIN, or the script exits naming NAME
  [[ "$2" =~ ^[0-9]+$ ]] && [ "$2" -ge "$3" ] || { echo "bench-cluster-sockets.sh: $1 must be a whole number from $3, not '$2'" >&2; exit 1; }
}
whole BENCH_SOCKETS_NODES "$nodes" 1
[ "$nodes" -le 9 ] || { echo "bench-cluster-sockets.sh: BENCH_SOCKETS_NODES from 1 to 9, not '$nodes'" >&2; exit 1; }
whole BENCH_SOCKETS_PER_NODE "$per_node" 1
whole BENCH_SOCKETS_USERS "$users" 2
[ "$users" -le "$per_node" ] || { echo "bench-cluster-sockets.sh: BENCH_SOCKETS_USERS ($users) cannot exceed BENCH_SOCKETS_PER_NODE ($per_node): every user gets a socket" >&2; exit 1; }
whole BENCH_SOCKETS_HOLD "$hold" 10
whole BENCH_SOCKETS_SLACK "$slack" 0
whole BENCH_SOCKETS_STAGGER "$stagger" 0
whole BENCH_SOCKETS_SOURCES "$sources" 1
whole BENCH_SOCKETS_CONNECT_PARALLELISM "$parallelism" 1
whole BENCH_SOCKETS_GROUP_USERS "$group_users" 100
whole BENCH_SOCKETS_GROUP_RATE "$group_rate" 1

export AKKACHAT_CLUSTER_HTTP_BASE="${BENCH_SOCKETS_HTTP_BASE:-18400}"
export AKKACHAT_CLUSTER_REMOTE_BASE="${BENCH_SOCKETS_REMOTE_BASE:-18430}"
export AKKACHAT_CLUSTER_PG_PORT="${BENCH_SOCKETS_PG_PORT:-18460}"
ports=("$AKKACHAT_CLUSTER_PG_PORT")
for i in $(seq 1 "$nodes"); do ports+=($((AKKACHAT_CLUSTER_HTTP_BASE + i)) $((AKKACHAT_CLUSTER_REMOTE_BASE + i))); done
findmax_require_free_ports bench-cluster-sockets.sh "BENCH_SOCKETS_HTTP_BASE, BENCH_SOCKETS_REMOTE_BASE and BENCH_SOCKETS_PG_PORT" "${ports[@]}"
findmax_harness_environment
[ -z "${BENCH_GC_SERVER:-}" ] || export DOTNET_gcServer="$BENCH_GC_SERVER"

# Refused here, in one line, rather than as thousands of failed handshakes minutes in.
nofile="$(ulimit -n)"
node_nofile="${AKKACHAT_CLUSTER_NOFILE:-$(ulimit -Hn)}"
for limit in "$nofile" "$node_nofile"; do
  if [ "$limit" != unlimited ] && [ $((per_node + 1000)) -gt "$limit" ]; then
    echo "bench-cluster-sockets.sh: $per_node sockets per node need \`ulimit -n\` of at least $((per_node + 1000)) in each generator and node (it is $nofile here, $node_nofile for the nodes); lower BENCH_SOCKETS_PER_NODE" >&2
    exit 1
  fi
done
read -r port_low port_high </proc/sys/net/ipv4/ip_local_port_range
port_range=$((port_high - port_low + 1))
if [ $(((per_node + sources - 1) / sources + 1000)) -gt "$port_range" ]; then
  echo "bench-cluster-sockets.sh: $per_node sockets to one node from $sources source addresses need $(((per_node + sources - 1) / sources)) ports per address; ip_local_port_range has $port_range: raise BENCH_SOCKETS_SOURCES" >&2
  exit 1
fi

work="$(mktemp -d /tmp/akkachat-bench-sockets.XXXXXX)"
chmod 0755 "$work" # run as root, scripts/pg.sh runs PostgreSQL as `postgres`, which must reach its directory in here
cluster="$work/cluster"
mkdir -p "$kept/results" "$kept/logs"
started_cluster=0
generator_pids=()
cleanup() {
  local pid
  # Only the generators this script started, by their recorded pids.
  for pid in "${generator_pids[@]}"; do kill -0 "$pid" 2>/dev/null && kill "$pid" 2>/dev/null || true; done
  if [ "$started_cluster" = 1 ]; then AKKACHAT_CLUSTER_DIR="$cluster" bash scripts/cluster.sh stop || true; fi
  echo "==> results (JSON) and generator logs kept in $kept; cluster logs in $cluster"
}
trap cleanup EXIT

echo "==> machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
started="$(date -u '+%Y-%m-%d %H:%M UTC')"
wall_start=$SECONDS
echo "==> building the harness (Release, into artifacts/bench)"
dotnet build src/LoadTest/LoadTest.csproj -c Release --artifacts-path artifacts/bench -nologo -v quiet
loadtest_dll="$repo/artifacts/bench/bin/LoadTest/release/akkachat-loadtest.dll"
commands=()

echo "==> cluster of $nodes (scripts/cluster.sh start $nodes, state in $cluster)"
started_cluster=1
AKKACHAT_CLUSTER_DIR="$cluster" bash scripts/cluster.sh start "$nodes"
declare -a url pid
urls="" pids=""
for i in $(seq 1 "$nodes"); do
  read -r http _ <"$cluster/node-$i.ports"
  url[i]="http://127.0.0.1:$http"
  pid[i]="$(cat "$cluster/node-$i.pid")"
  urls+="${urls:+,}${url[i]}"
  pids+="${pids:+,}${pid[i]}"
done

# /proc readings of one process: resident and peak memory (KiB), CPU time (clock ticks, 100 a second).
status_kib() {
  [ -r "/proc/$1/status" ] || { echo 0; return; }
  awk -v key="$2:" '$1 == key {print $2; found = 1} END {if (!found) print 0}' "/proc/$1/status"
}
cpu_ticks() {
  local stat fields
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || { echo 0; return; }
  read -r -a fields <<<"${stat##*) }"
  echo $((fields[11] + fields[12]))
}
machine_ticks() { awk '$1 == "cpu" {total = 0; for (i = 2; i <= NF; i++) total += $i; print total - $5 - $6, total}' /proc/stat; }
mib() { awk -v k="$1" 'BEGIN {printf "%.1f", k / 1024}'; }
running() { kill -0 "$1" 2>/dev/null; }

# The room generator's users and rooms are made now, in a one-second run of its own, so that during the hold it only
# opens its sockets and sends: registering them then would load the nodes in the middle of the measurement.
group_fixture="$work/group-fixture.json"
group_common=(group --url "$urls" --users "$group_users" --room-size 100 --source-addresses "$sources" --fixture "$group_fixture"
  --progress plain --progress-every 10)
echo "==> making the room generator's users and rooms ($group_users users, rooms of 100)"
dotnet "$loadtest_dll" "${group_common[@]}" --label setup --rate 1 --duration 1 --warmup 0 --drain 1 \
  --out "$work/group-setup.json" >"$kept/logs/group-setup.log" 2>&1 \
  || { echo "    the room generator's set-up failed; its log:"; tail -n 20 "$kept/logs/group-setup.log"; exit 1; }

declare -a rss_before rss_all rss_end hwm cpu_all cpu_end gen_pid hold_at gen_status gen_cpu_all
for i in $(seq 1 "$nodes"); do rss_before[i]="$(status_kib "${pid[i]}" VmRSS)"; done

# Each generator holds long enough that all hold together for $hold seconds, however far apart their starts.
gen_hold=$((hold + slack + stagger * (nodes - 1)))
if [ "$stagger" = 0 ]; then start_mode="all $nodes started together"; else start_mode="started ${stagger} s apart"; fi
echo "==> $nodes connect generators ($start_mode): $per_node sockets each over $users users, held ${gen_hold}s"
connect_start=$SECONDS
for i in $(seq 1 "$nodes"); do
  [ "$i" = 1 ] || [ "$stagger" = 0 ] || sleep "$stagger"
  args=(connect --url "${url[i]}" --server-pid "${pid[i]}" --label "node-$i" --users "$users" --sockets "$per_node"
    --duration "$gen_hold" --source-addresses "$sources" --connect-parallelism "$parallelism" --verify
    --fixture "$work/connect-$i-fixture.json" --out "$kept/results/connect-node-$i.json" --progress plain --progress-every 10)
  commands+=("akkachat-loadtest ${args[*]}")
  dotnet "$loadtest_dll" "${args[@]}" >"$kept/logs/connect-node-$i.log" 2>&1 &
  gen_pid[i]=$!
  generator_pids+=("$!")
  echo "    node $i: generator pid ${gen_pid[i]}, log ${kept#"$repo"/}/logs/connect-node-$i.log"
done

# Bounded wait until every generator holds its sockets (or ended without getting there).
deadline=$((SECONDS + 900 + stagger * nodes))
first_holding=""
while :; do
  pending=0
  for i in $(seq 1 "$nodes"); do
    [ -z "${hold_at[i]:-}" ] && [ -z "${gen_status[i]:-}" ] || continue
    if grep -q "holding .* idle sockets" "$kept/logs/connect-node-$i.log"; then
      hold_at[i]=$((SECONDS - connect_start))
      [ -n "$first_holding" ] || first_holding="${hold_at[i]}"
      echo "    node $i: $(grep -o 'holding [0-9,]* idle sockets' "$kept/logs/connect-node-$i.log") after ${hold_at[i]}s"
    elif ! running "${gen_pid[i]}"; then
      gen_status[i]="ended before holding"
      echo "    node $i: the generator ended before holding its sockets; its log:"
      tail -n 15 "$kept/logs/connect-node-$i.log"
    else
      pending=1
    fi
  done
  [ "$pending" = 1 ] || break
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "==> not every generator held its sockets within $((900 + stagger * nodes)) s; stopping" >&2
    exit 1
  fi
  sleep 0.5
done
all_holding=$((SECONDS - connect_start))

for i in $(seq 1 "$nodes"); do
  rss_all[i]="$(status_kib "${pid[i]}" VmRSS)"
  cpu_all[i]="$(cpu_ticks "${pid[i]}")"
  gen_cpu_all[i]="$(cpu_ticks "${gen_pid[i]}")"
done
read -r machine_busy_all machine_ticks_all < <(machine_ticks)
window_start=$SECONDS

# The room traffic: its own sockets, 1 s settle and warm-up, then group_duration seconds, within the hold.
group_warmup=3
[ "$hold" -ge 30 ] || group_warmup=1
group_duration=$((hold - group_warmup - 8))
[ "$group_duration" -ge 1 ] || group_duration=1
group_args=("${group_common[@]}" --label rooms --server-pid "$pids" --rate "$group_rate" --duration "$group_duration"
  --warmup "$group_warmup" --drain 10 --verify --out "$kept/results/group.json")
commands+=("akkachat-loadtest ${group_args[*]}")
echo "==> every generator holds (${all_holding}s after the start): room traffic, $group_rate msgs/s for ${group_duration}s, over ${hold}s of hold"
dotnet "$loadtest_dll" "${group_args[@]}" >"$kept/logs/group.log" 2>&1 &
group_pid=$!
generator_pids+=("$group_pid")

# The window: until $hold seconds have passed, or a connect generator ends its hold early (too far apart to overlap).
cut_short=""
while [ $((SECONDS - window_start)) -lt "$hold" ]; do
  for i in $(seq 1 "$nodes"); do
    [ -z "${gen_status[i]:-}" ] || continue
    if ! running "${gen_pid[i]}" || grep -q "result written" "$kept/logs/connect-node-$i.log"; then
      cut_short="node $i's generator ended its hold $((SECONDS - window_start)) s into the window (BENCH_SOCKETS_SLACK too small for how far apart they finished connecting)"
      break
    fi
  done
  [ -z "$cut_short" ] || break
  sleep 1
done
window=$((SECONDS - window_start))
for i in $(seq 1 "$nodes"); do
  rss_end[i]="$(status_kib "${pid[i]}" VmRSS)"
  hwm[i]="$(status_kib "${pid[i]}" VmHWM)"
  cpu_end[i]="$(cpu_ticks "${pid[i]}")"
done
gen_cpu_end=0 gen_cpu_start=0
for i in $(seq 1 "$nodes"); do
  gen_cpu_end=$((gen_cpu_end + $(cpu_ticks "${gen_pid[i]}")))
  gen_cpu_start=$((gen_cpu_start + gen_cpu_all[i]))
done
group_cpu="$(cpu_ticks "$group_pid")"
read -r machine_busy_end machine_ticks_end < <(machine_ticks)
echo "==> end of the ${window}s window${cut_short:+ (cut short: $cut_short)}; waiting for the generators to finish"

# Every generator ends on its own (hold, drain, closing its sockets); bounded, then stopped.
deadline=$((SECONDS + gen_hold + 180))
for p in "${gen_pid[@]}" "$group_pid"; do
  while running "$p" && [ "$SECONDS" -lt "$deadline" ]; do sleep 1; done
  if running "$p"; then echo "    generator $p is still running after its bound: stopping it"; kill "$p" 2>/dev/null || true; fi
done
for i in $(seq 1 "$nodes"); do
  wait "${gen_pid[i]}" && s=0 || s=$?
  [ -n "${gen_status[i]:-}" ] || gen_status[i]="exit $s"
done
wait "$group_pid" && group_status=0 || group_status=$?
generator_pids=()

AKKACHAT_CLUSTER_DIR="$cluster" bash scripts/cluster.sh stop
started_cluster=0
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"
minutes=$(((SECONDS - wall_start + 59) / 60))

# ---- report ----
field() { jq -r "$2 // \"n/a\"" "$1" 2>/dev/null || echo "n/a"; }
pct() { awk -v t="$1" -v s="$2" 'BEGIN {printf "%.0f", (s > 0 ? t / s : 0)}'; } # ticks (100/s) over seconds = % of a core
cores="$(nproc)"
total_open=0 total_at_end=0 total_requested=0 total_failed=0 total_before=0 total_all=0 total_end=0 total_hwm=0 total_cpu=0
dropped=()
node_rows=()
generator_rows=()
for i in $(seq 1 "$nodes"); do
  result="$kept/results/connect-node-$i.json"
  open="$(field "$result" .connect.open)"
  at_end="$(field "$result" .connect.openAtEnd)"
  failed="$(field "$result" .setup.connectFailures)"
  # The room generator's socket j is on node (j mod N) + 1.
  room_sockets=$(((group_users - (i - 1) + nodes - 1) / nodes))
  if [[ "$open" =~ ^[0-9]+$ ]]; then
    sockets=$((open + room_sockets))
    total_open=$((total_open + open))
    per_socket="$(awk -v a="${rss_end[i]}" -v b="${rss_before[i]}" -v n="$sockets" 'BEGIN {printf "%.2f", (a - b) / n}')"
    idle_per_socket="$(awk -v a="${rss_all[i]}" -v b="${rss_before[i]}" -v n="$open" 'BEGIN {printf "%.2f", (n > 0 ? (a - b) / n : 0)}')"
  else
    sockets="n/a" per_socket="n/a" idle_per_socket="n/a"
    dropped+=("node $i: its generator left no result (${gen_status[i]})")
  fi
  if [[ "$at_end" =~ ^[0-9]+$ ]]; then total_at_end=$((total_at_end + at_end)); fi
  if [[ "$failed" =~ ^[0-9]+$ ]]; then
    total_failed=$((total_failed + failed))
    [ "$failed" = 0 ] || dropped+=("node $i: $failed sockets failed to connect")
  fi
  if [[ "$open" =~ ^[0-9]+$ && "$at_end" =~ ^[0-9]+$ && "$at_end" -lt "$open" ]]; then dropped+=("node $i: $((open - at_end)) sockets closed during the hold"); fi
  total_requested=$((total_requested + per_node))
  total_before=$((total_before + rss_before[i])) total_all=$((total_all + rss_all[i])) total_end=$((total_end + rss_end[i]))
  total_hwm=$((total_hwm + hwm[i]))
  cpu=$((cpu_end[i] - cpu_all[i]))
  total_cpu=$((total_cpu + cpu))
  node_rows+=("| $i | ${pid[i]} | $open + $room_sockets | $(mib "${rss_before[i]}") | $(mib "${rss_all[i]}") | $(mib "${rss_end[i]}") | $(mib "${hwm[i]}") | $idle_per_socket | $per_socket | $(pct "$cpu" "$window") |")
  generator_rows+=("| node-$i | ${hold_at[i]:-n/a} | $per_node | $open | $failed | $at_end | $(field "$result" .traffic.closedByServer) | $(field "$result" .setup.connectsPerSecond) | $(field "$result" .setup.connectLatencyMs.p99) | $(field "$result" .connect.serverRssPerSocketKiB) | $(field "$result" .connect.generatorRssMiB) | ${gen_status[i]} |")
done
total_sockets=$((total_open + group_users))
total_per_socket="$(awk -v a="$total_end" -v b="$total_before" -v n="$total_sockets" 'BEGIN {printf "%.2f", (n > 0 ? (a - b) / n : 0)}')"
total_idle_per_socket="$(awk -v a="$total_all" -v b="$total_before" -v n="$total_open" 'BEGIN {printf "%.2f", (n > 0 ? (a - b) / n : 0)}')"
group_result="$kept/results/group.json"
if [ -f "$group_result" ]; then
  for key in lostDeliveries duplicates unexpected closedByServer; do
    value="$(field "$group_result" ".traffic.$key")"
    [ "$value" = 0 ] || dropped+=("room traffic: $key $value")
  done
  [ "$(field "$group_result" .verify.passed)" = true ] || dropped+=("room traffic: verification failed ($(jq -r '.verify.problems | join("; ")' "$group_result"))")
else
  dropped+=("room traffic: no result (exit $group_status; see logs/group.log)")
fi
[ -z "$cut_short" ] || dropped+=("the window was cut short: $cut_short")
machine_busy="$(awk -v b=$((machine_busy_end - machine_busy_all)) -v t=$((machine_ticks_end - machine_ticks_all)) -v c="$cores" 'BEGIN {printf "%.0f", (t > 0 ? b / t * c * 100 : 0)}')"
other="$(awk -v m="$machine_busy" -v n="$(pct "$total_cpu" "$window")" -v g="$(pct $((gen_cpu_end - gen_cpu_start + group_cpu)) "$window")" 'BEGIN {o = m - n - g; printf "%.0f", (o > 0 ? o : 0)}')"
overrides="$(env | grep -E '^BENCH_' | sort | tr '\n' ' ' || true)"

mkdir -p "$(dirname "$out")"
{
  echo "# Sockets across a cluster: $nodes nodes, $per_node sockets each"
  echo
  [ "$quick" = 0 ] || echo "**A \`--quick\` smoke run**: small counts check that the script runs; these figures are not benchmarks."
  [ "$quick" = 0 ] || echo
  echo "- When: $started, about $minutes min wall time; command \`${overrides}scripts/bench-cluster-sockets.sh$([ "$quick" = 0 ] || echo " --quick")\`."
  echo "- Machine: $cores cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM, \`ulimit -n\` $nofile (nodes $node_nofile), ip_local_port_range $port_low-$port_high."
  echo "- Load average before / after: $load_start / $load_end. During the window: machine $machine_busy% busy (100 = one core),"
  echo "  nodes $(pct "$total_cpu" "$window")%, generators $(pct $((gen_cpu_end - gen_cpu_start + group_cpu)) "$window")%, other processes $other%."
  echo "- A fresh \`scripts/cluster.sh\` cluster on its own PostgreSQL; DOTNET_gcServer: ${DOTNET_gcServer:-build default (Server GC)}."
  echo "- $nodes \`connect\` generator processes ($start_mode), each to one node only, $per_node sockets over $users users of"
  echo "  its own, from $sources loopback source addresses, each holding ${gen_hold}s; the first held its sockets ${first_holding:-n/a}s after their start,"
  echo "  the last ${all_holding}s after it. Window: ${window}s from then${cut_short:+ (cut short: $cut_short)}."
  echo "- Room traffic in the window: one more generator, $group_users users (one socket each, socket i on node i mod $nodes), rooms of 100,"
  echo "  $group_rate msgs/s for ${group_duration}s after ${group_warmup}s of warm-up, \`--verify\` (every message at every member socket exactly once)."
  echo
  echo '```'
  printf '%s\n' "${commands[@]}" | sed -E "s#$work#\$WORK#g; s#$repo/##g"
  echo '```'
  echo
  echo "## Nothing dropped?"
  echo
  if [ "${#dropped[@]}" = 0 ]; then
    echo "Yes: $total_open of $total_requested sockets opened and $total_at_end still open after the hold; the room traffic lost and duplicated nothing."
  else
    echo "No:"
    echo
    printf -- '- %s\n' "${dropped[@]}"
  fi
  echo
  echo "## Memory and CPU per node"
  echo
  echo "RSS from /proc/PID/status (VmRSS): before any connect generator started (after the cluster formed and the room"
  echo "generator's users and rooms were made), once every generator held its sockets, and at the end of the window with the"
  echo "room traffic running; peak is VmHWM. Per socket: (end − before) / sockets on the node (connect + room generator), so"
  echo "it includes the generator's $users users' entities and the room traffic's working memory; \"idle\" is (all holding − before)"
  echo "/ connect sockets, before any room traffic. CPU over the window, 100 = one core."
  echo
  echo "| node | pid | sockets (connect + room) | RSS before (MiB) | RSS all holding (MiB) | RSS end of window (MiB) | peak RSS (MiB) | KiB/socket idle | KiB/socket | CPU % |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${node_rows[@]}"
  echo "| all | | $total_open + $group_users | $(mib "$total_before") | $(mib "$total_all") | $(mib "$total_end") | $(mib "$total_hwm") | $total_idle_per_socket | $total_per_socket | $(pct "$total_cpu" "$window") |"
  echo
  echo "## Connect generators"
  echo
  echo "\"holding at\": seconds after the generators' start at which the script saw it hold. \"node KiB/socket\" is the"
  echo "harness's own figure: node RSS from just before its first socket (after its users registered) to the end of its hold."
  echo
  echo "| generator | holding at (s) | requested | opened | failed | still open after hold | closed by node | handshakes/s | handshake p99 (ms) | node KiB/socket | generator RSS (MiB) | exit |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
  printf '%s\n' "${generator_rows[@]}"
  echo "| all | | $total_requested | $total_open | $total_failed | $total_at_end | | | | | | |"
  echo
  echo "## Room traffic during the hold"
  echo
  if [ -f "$group_result" ]; then
    echo "| offered | sent | expected deliveries | delivered | lost | duplicated | closed by node | deliveries/s | p50 (ms) | p99 (ms) | max (ms) | nodes CPU % | verify |"
    echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    jq -r '"| \(.traffic.offeredRate) msgs/s | \(.traffic.sent) | \(.traffic.expectedDeliveries) | \(.traffic.delivered) | \(.traffic.lostDeliveries) | \(.traffic.duplicates) | \(.traffic.closedByServer) | \(.traffic.deliveriesPerSecond) | \(.traffic.latencyMs.p50) | \(.traffic.latencyMs.p99) | \(.traffic.latencyMs.max) | \(.server.cpuPercent // "n/a") | \(if .verify.passed then "passed" else "FAILED: " + (.verify.problems | join("; ")) end) |"' "$group_result"
  else
    echo "No result (exit $group_status): see \`logs/group.log\`."
  fi
} >"$out"
echo "==> done: $out"
