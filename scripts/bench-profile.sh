#!/usr/bin/env bash
# Profiles the stored 1:1 path (issue #14): one AkkaChat node (embedded SQLite, fresh data directory, Release) under
# 1:1 traffic (protocol v2 unless BENCH_PROFILE_PROTOCOL says otherwise) at each rate given, and for every rate records
# what the node spends its time on while the harness measures latency: CPU per thread from /proc (a serial stage is one
# thread near 100%), the runtime's counters (CPU user/system, allocation, GC pauses per second, thread pool), the
# journal's commits and rows per commit from /metrics, and a sampled thread-time trace (dotnet-trace) summarized by
# scripts/cpu-profile-summary.py. Writes PROFILE.md and keeps every trace and result in BENCH_RESULTS; never writes docs/.
#
#   scripts/bench.sh profile [--quick]      (or scripts/bench-profile.sh [--quick])
#
# Environment overrides (defaults in brackets; --quick: 100 users, one short rate, for checking the script):
#   BENCH_PROFILE_RATES ["2000 4000 6000"]  msgs/s, one run each, in this order, on the same node
#   BENCH_PROFILE_USERS [2000]   users (one socket each, friend pairs)
#   BENCH_PROFILE_PROTOCOL [v2]  the harness's --protocol: v2, or seed000 (the protocol the bare relay speaks)
#   BENCH_PROFILE_MODE [direct]  direct (1:1), or group: rooms of 100 (each message delivered to 99 members; users then
#                                default to 800 and rates are room messages per second)
#   BENCH_PROFILE_SECONDS [30]   seconds of traffic per rate; the probes start after a third of it
#   BENCH_PROFILE_SAMPLE [10]    seconds of per-thread CPU and of the sampled trace
#   BENCH_PROFILE_PERF [0]       1: also `perf record` the node over the sample (native frames too: the runtime's spinning
#                                and the kernel's context switches, which the thread-time trace shows only as waits); the
#                                node then writes /tmp/perf-<pid>.map so that JIT-compiled frames have names (and runs
#                                with W^X off, which those names need). Needs perf.
#   BENCH_CHAT_PORT [18080]  BENCH_REMOTE_PORT [14053]
#   BENCH_RESULTS [bench-results/profile-<UTC time>]   BENCH_OUT [$BENCH_RESULTS/PROFILE.md]
# Needs dotnet-trace and dotnet-counters (installed as global tools when missing) and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
source scripts/findmax.sh

findmax_quick_or_help bench-profile.sh "$@"
if [ "$quick" = 1 ]; then
  : "${BENCH_PROFILE_RATES:=500}" "${BENCH_PROFILE_USERS:=100}" "${BENCH_PROFILE_SECONDS:=15}" "${BENCH_PROFILE_SAMPLE:=4}"
fi
rates="${BENCH_PROFILE_RATES:-2000 4000 6000}"
mode="${BENCH_PROFILE_MODE:-direct}"
case "$mode" in
  direct) mode_args=(direct); users="${BENCH_PROFILE_USERS:-2000}" ;;
  group) mode_args=(group --room-size 100); users="${BENCH_PROFILE_USERS:-800}" ;;
  *) echo "BENCH_PROFILE_MODE: direct or group, not '$mode'" >&2; exit 1 ;;
esac
protocol="${BENCH_PROFILE_PROTOCOL:-v2}"
seconds="${BENCH_PROFILE_SECONDS:-30}"
sample="${BENCH_PROFILE_SAMPLE:-10}"
use_perf="${BENCH_PROFILE_PERF:-0}"
chat_port="${BENCH_CHAT_PORT:-18080}"
remote_port="${BENCH_REMOTE_PORT:-14053}"
kept="${BENCH_RESULTS:-$repo/bench-results/profile-$(date -u +%Y%m%dT%H%M%SZ)}"
out="${BENCH_OUT:-$kept/PROFILE.md}"
findmax_report_outside_docs bench-profile.sh "$out"
for r in $rates; do [[ "$r" =~ ^[1-9][0-9]*$ ]] || { echo "BENCH_PROFILE_RATES: whole msgs/s, not '$r'" >&2; exit 1; }; done
[ "$sample" -lt "$seconds" ] || { echo "BENCH_PROFILE_SAMPLE ($sample) must be below BENCH_PROFILE_SECONDS ($seconds)" >&2; exit 1; }
findmax_require_free_ports bench-profile.sh "BENCH_CHAT_PORT, BENCH_REMOTE_PORT" "$chat_port" "$remote_port"
command -v python3 >/dev/null || { echo "bench-profile.sh: needs python3" >&2; exit 1; }
[ "$use_perf" != 1 ] || command -v perf >/dev/null ||
  { echo "bench-profile.sh: BENCH_PROFILE_PERF=1 needs perf (Debian: apt-get install -y linux-perf)" >&2; exit 1; }

# The diagnostics tools, as global tools of the versions this machine's NuGet feed serves.
tools="$HOME/.dotnet/tools"
for tool in dotnet-trace dotnet-counters; do
  [ -x "$tools/$tool" ] || dotnet tool install -g "$tool" --version 10.0.750501 >/dev/null
done

findmax_harness_environment
mkdir -p "$kept"
work="$(mktemp -d /tmp/akkachat-bench-profile.XXXXXX)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill "$server_pid" 2>/dev/null || true; fi
  echo "==> traces and results kept in $kept; server log in $work"
}
trap cleanup EXIT

load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
started="$(date -u '+%Y-%m-%d %H:%M UTC')"
findmax_build_release

echo "==> starting the node on 127.0.0.1:$chat_port (log $work/node.log)"
# perf names JIT-compiled frames from /tmp/perf-<pid>.map only with W^X off: with it on, code runs from a double-mapped
# memfd region the map's addresses do not cover, and perf shows "memfd:doublemapper" instead of methods.
if [ "$use_perf" = 1 ]; then findmax_start_node "$work" "$chat_port" "$remote_port" DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
else findmax_start_node "$work" "$chat_port" "$remote_port"; fi

# The journal's commits and rows so far (its batch-size histogram's count and sum).
journal_totals() {
  curl -sf "http://127.0.0.1:$chat_port/metrics" |
    awk '/^akkachat_journal_batch_size_count/ {c=$2} /^akkachat_journal_batch_size_sum/ {s=$2} END {printf "%d %d\n", c, s}'
}

span="$(printf '00:00:%02d:%02d' $((sample / 60)) $((sample % 60)))" # dd:hh:mm:ss, as both tools take it
for rate in $rates; do
  name="$protocol-$mode-$rate"
  echo "==> $rate msgs/s for ${seconds}s ($users users), probes after $((seconds / 3))s"
  dotnet "$loadtest_dll" "${mode_args[@]}" --url "http://127.0.0.1:$chat_port" --server-pid "$server_pid" --label akkachat --protocol "$protocol" \
    --users "$users" --rate "$rate" --duration "$seconds" --max-socket-rate 45 --progress plain \
    --fixture "$work/fixture.json" --out "$kept/$name.json" >"$kept/$name.log" 2>&1 &
  harness=$!
  # The harness registers users and opens sockets first (bounded: 5 minutes): the probes wait for its traffic.
  for _ in $(seq 1 600); do
    grep -q "sending [0-9,]* msgs/s" "$kept/$name.log" 2>/dev/null && break
    kill -0 "$harness" 2>/dev/null || break
    sleep 0.5
  done
  sleep $((seconds / 3))
  "$tools/dotnet-counters" collect -p "$server_pid" --counters System.Runtime --refresh-interval 1 --format csv \
    -o "$kept/$name.counters.csv" --duration "$span" >/dev/null 2>&1 &
  counters=$!
  journal_before="$(journal_totals)"
  python3 scripts/thread-census.py "$server_pid" "$sample" --top 8 >"$work/$name.threads" &
  census=$!
  perf_pid=""
  if [ "$use_perf" = 1 ]; then
    perf record -F 499 -g -p "$server_pid" -o "$kept/$name.perf.data" -- sleep "$sample" >/dev/null 2>&1 &
    perf_pid=$!
  fi
  "$tools/dotnet-trace" collect -p "$server_pid" --profile dotnet-sampled-thread-time \
    --duration "$span" -o "$kept/$name.nettrace" >/dev/null 2>&1 || true
  journal_after="$(journal_totals)"
  [ -z "$perf_pid" ] || wait "$perf_pid" || true
  wait "$counters" || true
  wait "$census" || true
  wait "$harness" || echo "    the harness ended with $? (see $kept/$name.log)"
  read -r commits_before rows_before <<<"$journal_before"
  read -r commits_after rows_after <<<"$journal_after"
  echo "$((commits_after - commits_before)) $((rows_after - rows_before))" >"$work/$name.journal"
  "$tools/dotnet-trace" convert "$kept/$name.nettrace" --format Speedscope -o "$kept/$name" >/dev/null 2>&1 || true
done

# perf's view of a sample: the share of samples with the runtime's spinning (sched_yield) or a futex wait or wake on
# the stack, then the hottest symbols, native and JIT-compiled alike.
perf_summary() {
  perf script -i "$1" -F ip,sym 2>/dev/null | python3 -c '
import sys
total = yields = futex = 0
stack = []
def close():
    global total, yields, futex
    if stack:
        total += 1
        yields += any("sched_yield" in f for f in stack)
        futex += any("futex" in f for f in stack)
for line in sys.stdin:
    if line.strip():
        stack.append(line)
    else:
        close()
        stack = []
close()
if total:
    print(f"- {total:,} samples; with sched_yield on the stack {100 * yields / total:.1f}%, with a futex wait or wake {100 * futex / total:.1f}%")
'
  echo
  echo '```'
  perf report -i "$1" --no-children --sort dso,sym --stdio 2>/dev/null | grep -E '^ +[0-9.]+%' | head -15 || true
  echo '```'
}

# Counters over the sample: mean per second of each rate counter, and the GC pause of each second that had one.
counters_summary() {
  python3 - "$1" <<'PY'
import csv, collections, sys
rows = collections.defaultdict(list)
for r in csv.DictReader(open(sys.argv[1])):
    rows[r["Counter Name"]].append(float(r["Mean/Increment"]))
def mean(key):
    values = rows.get(key, [])
    return sum(values) / len(values) if values else float("nan")
pauses = [round(v * 1000) for v in rows.get("dotnet.gc.pause.time (s / 1 sec)", []) if v > 0]
gen = lambda g: sum(rows.get(f"dotnet.gc.collections ({{collection}} / 1 sec)[gc.heap.generation={g}]", []))
print(f"- CPU user {mean('dotnet.process.cpu.time (s / 1 sec)[cpu.mode=user]'):.2f} + system "
      f"{mean('dotnet.process.cpu.time (s / 1 sec)[cpu.mode=system]'):.2f} cores; allocated "
      f"{mean('dotnet.gc.heap.total_allocated (By / 1 sec)') / 1e6:.1f} MB/s; thread-pool work items "
      f"{mean('dotnet.thread_pool.work_item.count ({work_item} / 1 sec)'):,.0f}/s; lock contentions "
      f"{mean('dotnet.monitor.lock_contentions ({contention} / 1 sec)'):,.0f}/s")
print(f"- GCs: gen0 {gen('gen0'):.0f}, gen1 {gen('gen1'):.0f}, gen2 {gen('gen2'):.0f}; pause per second that had one (ms): {pauses}")
PY
}

mkdir -p "$(dirname "$out")"
{
  echo "# profile: stored $([ "$mode" = group ] && echo "room messages (rooms of 100)" || echo 1:1) (protocol $protocol) on one node, embedded SQLite"
  echo
  echo "- When: $started; commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' + uncommitted changes'); machine $(nproc) cores, load average before / after: $load_start / $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "- $users users, one socket each, $([ "$mode" = group ] && echo "in rooms of 100" || echo "friend pairs"); ${seconds}s per rate; probes over ${sample}s from a third of the way in."
  for rate in $rates; do
    name="$protocol-$mode-$rate"
    echo
    echo "## $rate msgs/s"
    echo
    echo '```'
    grep -E "throughput:|latency ms:|server pid|generator:|machine:" "$kept/$name.log" | sed 's/^ *//' || echo "(no result: see $name.log)"
    echo '```'
    read -r commits rows <"$work/$name.journal"
    if [ "$commits" -gt 0 ]; then
      echo "- Journal: $commits commits, $rows rows, $(awk -v r="$rows" -v c="$commits" 'BEGIN {printf "%.1f", r / c}') rows per commit, over the ${sample}s."
    fi
    [ -f "$kept/$name.counters.csv" ] && counters_summary "$kept/$name.counters.csv"
    echo
    echo "CPU per thread over the ${sample}s (/proc; 100% is one core):"
    echo '```'
    cat "$work/$name.threads"
    echo '```'
    if [ -f "$kept/$name.perf.data" ]; then
      echo
      echo "perf over the ${sample}s (self time):"
      perf_summary "$kept/$name.perf.data"
    fi
    if [ -f "$kept/$name.speedscope.json" ]; then
      echo
      echo "Sampled trace (scripts/cpu-profile-summary.py):"
      echo '```'
      python3 scripts/cpu-profile-summary.py "$kept/$name.speedscope.json" 20 | sed -n '/^Top/,$p'
      echo '```'
    fi
  done
} >"$out"
echo "==> done: $out"
