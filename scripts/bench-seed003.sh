#!/usr/bin/env bash
# Find-max of the seed-003 protocol (issue #11) against protocol v2 on the same node in one run: one AkkaChat node
# (embedded SQLite, fresh data directory) with its TCP edge on, and for each find-max mode (1:1, rooms of 100) the
# harness as v2 on /chat, seed-003 on /ws (binary WebSocket messages) and seed-003 on the TCP edge (4-byte big-endian
# length frames), one after the other, each on users of its own. TCP should be at least as fast as the WebSocket.
# Writes a markdown table and the harness's per-step reports to BENCH_OUT and keeps every JSON result; never writes docs/.
#
#   scripts/bench.sh seed003 [--quick]      (or scripts/bench-seed003.sh [--quick])
#
# Environment overrides (defaults in brackets; --quick: a smoke run of a few minutes, small and short):
#   BENCH_SEED003_MODES ["direct group"]        find-max modes (group: rooms of 100)
#   BENCH_SEED003_CLIENTS ["v2 seed003-ws seed003-tcp"]   which clients run, in this order
#   BENCH_FINDMAX_USERS [800]  BENCH_FINDMAX_START [250]  BENCH_FINDMAX_FACTOR [1.6]  BENCH_FINDMAX_STEPS [12]
#   BENCH_FINDMAX_REFINE [3]   BENCH_STEP_SECONDS [6]     BENCH_TARGET_P99 [50]   BENCH_WARMUP [3]
#   BENCH_CHAT_PORT [18080]  BENCH_TCP_PORT [18070]  BENCH_REMOTE_PORT [14053]
#   BENCH_RESULTS [bench-results/seed003-<UTC time>]   BENCH_OUT [$BENCH_RESULTS/SEED003.md]
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
source scripts/findmax.sh

findmax_quick_or_help bench-seed003.sh "$@"

if [ "$quick" = 1 ]; then
  : "${BENCH_STEP_SECONDS:=3}"
  findmax_quick_defaults
fi
modes="${BENCH_SEED003_MODES:-direct group}"
clients="${BENCH_SEED003_CLIENTS:-v2 seed003-ws seed003-tcp}"
findmax_settings
chat_port="${BENCH_CHAT_PORT:-18080}"
tcp_port="${BENCH_TCP_PORT:-18070}"
remote_port="${BENCH_REMOTE_PORT:-14053}"
kept="${BENCH_RESULTS:-$repo/bench-results/seed003-$(date -u +%Y%m%dT%H%M%SZ)}"
out="${BENCH_OUT:-$kept/SEED003.md}"
findmax_report_outside_docs bench-seed003.sh "$out"
for m in $modes; do [[ "$m" =~ ^(direct|group)$ ]] || { echo "BENCH_SEED003_MODES: direct or group, not '$m'" >&2; exit 1; }; done
for c in $clients; do [[ "$c" =~ ^(v2|seed003-ws|seed003-tcp)$ ]] || { echo "BENCH_SEED003_CLIENTS: v2, seed003-ws or seed003-tcp, not '$c'" >&2; exit 1; }; done
findmax_require_free_ports bench-seed003.sh "BENCH_CHAT_PORT, BENCH_TCP_PORT, BENCH_REMOTE_PORT" "$chat_port" "$tcp_port" "$remote_port"

findmax_harness_environment

work="$(mktemp -d /tmp/akkachat-bench-seed003.XXXXXX)"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill "$server_pid" 2>/dev/null || true; fi
  echo "==> results (JSON) kept in $kept; server log in $work"
}
trap cleanup EXIT

echo "==> machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
started="$(date -u '+%Y-%m-%d %H:%M UTC')"

findmax_build_release

echo "==> starting the node on 127.0.0.1:$chat_port, its TCP edge on 127.0.0.1:$tcp_port (log $work/node.log)"
findmax_start_node "$work" "$chat_port" "$remote_port" AKKACHAT_TCP_PORT="$tcp_port"

# The harness arguments of client $1.
client_args() {
  case "$1" in
    v2) protocol_args=(--protocol v2) ;;
    seed003-ws) protocol_args=(--protocol seed003 --transport ws) ;;
    seed003-tcp) protocol_args=(--protocol seed003 --transport tcp --tcp-port "$tcp_port") ;;
  esac
}

commands=()
for mode in $modes; do
  for client in $clients; do
    findmax_mode_args "$mode"
    client_args "$client"
    # Users of its own per client: a v2 socket's first sync would replay another client's messages to the same user.
    args=(find-max --url "http://127.0.0.1:$chat_port" --server-pid "$server_pid" --label "$client" "${protocol_args[@]}"
      "${mode_args[@]}" "${findmax_args[@]}" --fixture "$work/$client-$mode-fixture.json" --out "$kept/results-$mode/$client.json")
    echo "==> akkachat-loadtest ${args[*]}"
    commands+=("akkachat-loadtest ${args[*]}")
    dotnet "$loadtest_dll" "${args[@]}" || echo "    the harness ended with $? on $client, $mode (recorded in the result when it got that far)"
  done
done

# Highest passing rate of one result, or "-" when the run left none.
knee() { jq -r '.findMax.maxPassingRate // "-"' "$1" 2>/dev/null || echo "-"; }

mkdir -p "$(dirname "$out")"
{
  echo "# find-max: seed-003 on /ws and on the TCP edge against v2 on /chat, one node"
  echo
  echo "- When: $started; commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo ' + uncommitted changes'); machine $(nproc) cores ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), load average before / after: $load_start / $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "- One node on embedded SQLite, the clients one after the other, each on users of its own; $findmax_users users; p99 target ${findmax_target_p99} ms."
  echo
  echo '```'
  printf '%s\n' "${commands[@]}" | sed -E "s#$work#\$WORK#g; s#$repo/##g"
  echo '```'
  echo
  echo "| mode | $(for c in $clients; do printf '%s | ' "$c"; done)"
  echo "|---|$(for _ in $clients; do printf -- '---:|'; done)"
  for mode in $modes; do
    printf '| %s | ' "$mode"
    for c in $clients; do printf '%s | ' "$(knee "$kept/results-$mode/$c.json")"; done
    echo
  done
  echo
  echo "(msgs/s: the highest offered rate that passed; rooms: messages sent, each delivered to 99 members.)"
  for mode in $modes; do
    echo
    echo "## find-max $mode"
    echo
    # The report sets two results side by side: TCP against the WebSocket, then the WebSocket against v2.
    for pair in "seed003-tcp seed003-ws" "seed003-ws v2"; do
      set -- $pair
      [ -f "$kept/results-$mode/$1.json" ] && [ -f "$kept/results-$mode/$2.json" ] || continue
      echo
      echo "### $1 against $2"
      echo
      dotnet "$loadtest_dll" report "$kept/results-$mode" --primary "$1" --ceiling "$2" || echo "(no report: the runs left no results)"
    done
  done
} >"$out"
echo "==> done: $out"
