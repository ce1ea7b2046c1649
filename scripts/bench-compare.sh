#!/usr/bin/env bash
# Before/after find-max of two builds in one session (issue #10's "no drop beyond the run-to-run noise"): the git ref
# given (the "before", built from a temporary worktree) and the working tree ("after"), both on the embedded SQLite
# default, each round on fresh data directories, alternating which build goes first so that drift on the machine
# (thermal, neighbours) does not favour one. Every round runs find-max 1:1 and find-max rooms (of 100) on each build.
# The spread between rounds of the same build is the run-to-run noise the difference is judged against. Writes a
# markdown table and the harness's per-step reports to BENCH_OUT and keeps every JSON result; never writes docs/.
#
#   scripts/bench.sh compare <git-ref> [--quick]      (or scripts/bench-compare.sh <git-ref> [--quick])
#
# Environment overrides (defaults in brackets; --quick: a ~3-minute smoke run, one round, 1:1 only):
#   BENCH_COMPARE_ROUNDS [2]            rounds; each runs every mode on both builds
#   BENCH_COMPARE_MODES ["direct group"]  find-max modes (group: rooms of 100)
#   BENCH_COMPARE_PROTOCOL [seed000]    the clients' protocol: seed000, or v2 (acks after the durable store, which the
#                                       harness verifies: the path issue #14 measures)
#   BENCH_FINDMAX_USERS [800]  BENCH_FINDMAX_START [250]  BENCH_FINDMAX_FACTOR [1.6]  BENCH_FINDMAX_STEPS [12]
#   BENCH_FINDMAX_REFINE [3]   BENCH_STEP_SECONDS [6]     BENCH_TARGET_P99 [50]   BENCH_WARMUP [3]
#   BENCH_CHAT_PORT [18080]  BENCH_REMOTE_PORT [14053]
#   BENCH_RESULTS [bench-results/compare-<UTC time>]   BENCH_OUT [$BENCH_RESULTS/COMPARE.md]
#
# Cost instead of capacity: BENCH_COMPARE_FIXED="group:400 direct:4000" runs each mode at that fixed rate (msgs/s; rooms
# of 100; BENCH_FINDMAX_USERS users) for BENCH_DURATION [20] s after BENCH_WARMUP [5] s, instead of find-max, and reports the server's CPU per
# delivery (and the generator's CPU, p99, p99.9), the figure that tells a change's cost at the same load when find-max's
# knees are too noisy to. BENCH_COMPARE_RELAY=1 adds the bare relay (bench/Relay, the working tree's) as a third build
# in every round, on BENCH_RELAY_PORT [18090]: its CPU per delivery at the same rate is the floor to read them against.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
source scripts/findmax.sh

usage() { sed -n '2,/^set -euo pipefail/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }
ref="" quick=0
for arg in "$@"; do
  case "$arg" in
    -h|--help) usage; exit 0 ;;
    --quick) quick=1 ;;
    -*) echo "bench-compare.sh: unknown option '$arg' (--quick, --help)" >&2; exit 1 ;;
    *) [ -z "$ref" ] || { echo "bench-compare.sh: one git ref, not '$ref' and '$arg'" >&2; exit 1; }; ref="$arg" ;;
  esac
done
[ -n "$ref" ] || { echo "bench-compare.sh: name the git ref to compare against (e.g. main~3); --help" >&2; exit 1; }
before_sha="$(git rev-parse --verify --quiet "$ref^{commit}")" || { echo "bench-compare.sh: '$ref' is not a commit here" >&2; exit 1; }
after_desc="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' + uncommitted changes')"

if [ "$quick" = 1 ]; then
  : "${BENCH_COMPARE_ROUNDS:=1}" "${BENCH_COMPARE_MODES:=direct}" "${BENCH_STEP_SECONDS:=3}"
  findmax_quick_defaults
fi
rounds="${BENCH_COMPARE_ROUNDS:-2}"
modes="${BENCH_COMPARE_MODES:-direct group}"
fixed="${BENCH_COMPARE_FIXED:-}"
with_relay="${BENCH_COMPARE_RELAY:-0}"
relay_port="${BENCH_RELAY_PORT:-18090}"
duration="${BENCH_DURATION:-20}"
if [ -n "$fixed" ]; then
  modes=""
  for spec in $fixed; do
    [[ "$spec" =~ ^(direct|group):[1-9][0-9]*$ ]] || { echo "BENCH_COMPARE_FIXED: mode:rate pairs (direct:4000 group:400), not '$spec'" >&2; exit 1; }
    modes+="${spec%%:*} "
  done
fi
protocol="${BENCH_COMPARE_PROTOCOL:-seed000}"
findmax_settings
chat_port="${BENCH_CHAT_PORT:-18080}"
remote_port="${BENCH_REMOTE_PORT:-14053}"
kept="${BENCH_RESULTS:-$repo/bench-results/compare-$(date -u +%Y%m%dT%H%M%SZ)}"
out="${BENCH_OUT:-$kept/COMPARE.md}"
findmax_report_outside_docs bench-compare.sh "$out"
[[ "$rounds" =~ ^[1-9]$ ]] || { echo "BENCH_COMPARE_ROUNDS: 1 to 9, not '$rounds'" >&2; exit 1; }
[[ "$protocol" =~ ^(seed000|v2)$ ]] || { echo "BENCH_COMPARE_PROTOCOL: seed000 or v2, not '$protocol'" >&2; exit 1; }
for m in $modes; do [[ "$m" =~ ^(direct|group)$ ]] || { echo "BENCH_COMPARE_MODES: direct or group, not '$m'" >&2; exit 1; }; done
findmax_require_free_ports bench-compare.sh "BENCH_CHAT_PORT, BENCH_REMOTE_PORT" "$chat_port" "$remote_port"
[ "$with_relay" != 1 ] || findmax_require_free_ports bench-compare.sh "BENCH_RELAY_PORT" "$relay_port"
builds="before after"
[ "$with_relay" != 1 ] || builds+=" relay"

findmax_harness_environment

work="$(mktemp -d /tmp/akkachat-bench-compare.XXXXXX)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill "$server_pid" 2>/dev/null || true; fi
  git worktree remove --force "$work/before-src" 2>/dev/null || true
  echo "==> results (JSON) kept in $kept; server logs in $work"
}
trap cleanup EXIT

echo "==> machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
started="$(date -u '+%Y-%m-%d %H:%M UTC')"

echo "==> building before ($ref = ${before_sha:0:7}, in a temporary worktree) and after (the working tree), Release"
git worktree add --detach --quiet "$work/before-src" "$before_sha"
dotnet build "$work/before-src/src/Edge/Edge.csproj" -c Release --artifacts-path "$work/before-build" -nologo -v quiet
for project in src/Edge/Edge.csproj src/LoadTest/LoadTest.csproj $([ "$with_relay" != 1 ] || echo bench/Relay/Relay.csproj); do
  dotnet build "$project" -c Release --artifacts-path artifacts/bench -nologo -v quiet
done
declare -A edge_dir=([before]="$work/before-build/bin/Edge/release" [after]="$repo/artifacts/bench/bin/Edge/release")
relay_dir="$repo/artifacts/bench/bin/Relay/release"
loadtest_dll="$repo/artifacts/bench/bin/LoadTest/release/akkachat-loadtest.dll"

start_server() {
  local label="$1" build="$2" port="$chat_port"
  [ "$build" != relay ] || port="$relay_port"
  echo "==> starting $label on 127.0.0.1:$port (log $work/$label.log)"
  if [ "$build" = relay ]; then
    (cd "$relay_dir" && exec env RELAY_PORT="$port" dotnet akkachat-relay.dll) >"$work/$label.log" 2>&1 &
  else
    (cd "${edge_dir[$build]}" && exec env AKKACHAT_DATA_DIR="$work/data-$label" AKKACHAT_HTTP_PORT="$port" \
      AKKACHAT_REMOTE_PORT="$remote_port" AKKACHAT_STORAGE=sqlite AKKACHAT_BIND=127.0.0.1 dotnet AkkaChat.Edge.dll) \
      >"$work/$label.log" 2>&1 &
  fi
  server_pid=$!
  server_url="http://127.0.0.1:$port"
  local ready=(curl -sf -o /dev/null "$server_url/readyz")
  [ "$build" != relay ] || ready=(curl -s -o /dev/null "$server_url/") # the relay has no /readyz: any answer will do
  for _ in $(seq 1 120); do
    "${ready[@]}" 2>/dev/null && return 0
    kill -0 "$server_pid" 2>/dev/null || { echo "    $label exited; its log:"; tail -n 30 "$work/$label.log"; exit 1; }
    sleep 0.5
  done
  echo "    $label was not ready within 60s"; exit 1
}

stop_server() {
  [ -n "$server_pid" ] || return 0
  kill "$server_pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.5; done
  kill -0 "$server_pid" 2>/dev/null && kill -9 "$server_pid" 2>/dev/null || true
  server_pid=""
}

# The harness's arguments for one mode: find-max, or (BENCH_COMPARE_FIXED) that mode's scenario at its fixed rate.
scenario_args() {
  local mode="$1" spec rate
  if [ -z "$fixed" ]; then
    findmax_mode_args "$mode"
    args=(find-max "${mode_args[@]}" "${findmax_args[@]}")
    return
  fi
  for spec in $fixed; do [ "${spec%%:*}" != "$mode" ] || rate="${spec#*:}"; done
  args=("$mode" --rate "$rate" --users "$findmax_users" --duration "$duration" --warmup "${BENCH_WARMUP:-5}" --max-socket-rate 45 --progress none)
  [ "$mode" != group ] || args+=(--room-size 100)
}

commands=()
for round in $(seq 1 "$rounds"); do
  order="$builds"
  [ $((round % 2)) = 0 ] && order="$(echo "$builds" | tr ' ' '\n' | tac | tr '\n' ' ')"
  for build in $order; do
    label="$build-r$round"
    start_server "$label" "$build"
    for mode in $modes; do
      scenario_args "$mode"
      args+=(--url "$server_url" --server-pid "$server_pid" --label "$label" --protocol "$protocol"
        --fixture "$work/$label-$mode-fixture.json" --out "$kept/results-$mode/$label.json")
      echo "==> akkachat-loadtest ${args[*]}"
      commands+=("akkachat-loadtest ${args[*]}")
      dotnet "$loadtest_dll" "${args[@]}" || echo "    the harness ended with $? on $label, $mode (recorded in the result when it got that far)"
    done
    stop_server
  done
done

# Highest passing rate of one result, or "-" when the run left none; with BENCH_COMPARE_FIXED, what the run cost instead:
# the server's CPU per delivery (µs), its CPU, the generator's, p99 and p99.9 (ms), and anything lost.
knee() {
  if [ -z "$fixed" ]; then jq -r '.findMax.maxPassingRate // "-"' "$1" 2>/dev/null || echo "-"; return; fi
  jq -r '.traffic as $t | "\(.server.cpuPercent * 10000 / $t.deliveriesPerSecond | . * 10 | round / 10) µs (\(.server.cpuPercent)%, gen \(.generator.cpuPercent)%, p99 \($t.latencyMs.p99 | round), p99.9 \($t.latencyMs.p999 | round), lost \($t.lostDeliveries))"' "$1" 2>/dev/null || echo "-"
}

mkdir -p "$(dirname "$out")"
{
  echo "# find-max before/after: $ref (${before_sha:0:7}) against $after_desc"
  echo
  echo "- When: $started; machine $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), load average before / after: $load_start / $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "- $rounds round(s), each on fresh SQLite data directories, builds alternating first; $findmax_users users, protocol $protocol; p99 target ${findmax_target_p99} ms."
  echo
  echo '```'
  printf '%s\n' "${commands[@]}" | sed -E "s#$work#\$WORK#g; s#$repo/##g"
  echo '```'
  echo
  echo "| mode | build | $(for r in $(seq 1 "$rounds"); do printf 'round %s | ' "$r"; done)"
  echo "|---|---|$(for _ in $(seq 1 "$rounds"); do printf -- '---:|'; done)"
  for mode in $modes; do
    for build in $builds; do
      printf '| %s | %s | ' "$mode" "$build"
      for r in $(seq 1 "$rounds"); do printf '%s | ' "$(knee "$kept/results-$mode/$build-r$r.json")"; done
      echo
    done
  done
  echo
  if [ -n "$fixed" ]; then
    echo "(fixed rates, msgs/s: $fixed; the server's CPU per delivery, then its CPU, the generator's, p99 and p99.9 in ms, deliveries lost.)"
  else
    echo "(msgs/s: the highest offered rate that passed; rooms: messages sent, each delivered to 99 members.)"
  fi
  for mode in $modes; do
    for r in $(seq 1 "$rounds"); do
      echo
      echo "## $([ -n "$fixed" ] || echo "find-max ")$mode, round $r"
      echo
      dotnet "$loadtest_dll" report "$kept/results-$mode" --primary "after-r$r" --ceiling "before-r$r" \
        || echo "(no report: the runs left no results)"
    done
  done
} >"$out"
echo "==> done: $out"
