#!/usr/bin/env bash
# Runs the standard load-test suite against AkkaChat (SQLite journal, fresh data dir) and the bare relay
# (bench/Relay: same endpoints and frames, no actors, no persistence) in the same run, on loopback, and
# writes docs/BENCHMARKS.md with both results and their ratio. The default run takes about 10 minutes.
#
# Environment overrides (defaults in brackets):
#   BENCH_DURATION [20]             seconds of measured traffic per scenario (connect: seconds of holding)
#   BENCH_WARMUP [3]                seconds of unmeasured traffic before each measurement
#   BENCH_CONNECT_SOCKETS [100000]  idle sockets in `connect` (capped by `ulimit -n`; see below)
#   BENCH_USERS [400]               users for connect/direct/group/mixed/storm (2 rooms of 100 for group)
#   BENCH_FINDMAX_USERS [800]       users (= sockets) for find-max; a step above their socket budget (x 45 msgs/s) runs at it
#   BENCH_DIRECT_RATE [2500]        direct msgs/s   BENCH_GROUP_RATE [500]   room msgs/s (x99 deliveries)
#   BENCH_MIXED_RATE [1000]         mixed msgs/s    BENCH_STORM_RATE [500]   storm msgs/s
#   BENCH_FINDMAX_START [250]       find-max first rate; BENCH_FINDMAX_FACTOR [1.6]; BENCH_FINDMAX_STEPS [12]
#   BENCH_FINDMAX_REFINE [3]        find-max then bisects between the last passing and first failing rate this often
#   BENCH_STEP_SECONDS [6]          seconds per find-max step; BENCH_TARGET_P99 [50] ms
#   BENCH_SCENARIOS ["connect direct group mixed storm find-max"]
#   BENCH_CHAT_PORT [18080] BENCH_RELAY_PORT [18090] BENCH_REMOTE_PORT [14053] BENCH_PG_PORT [18081] (the HTTP
#                                   port of the AkkaChat node on PostgreSQL, not PostgreSQL's own); all must be free
#   BENCH_OUT [docs/BENCHMARKS.md]  BENCH_KEEP [0]  1 keeps the work dir (logs, SQLite file)
#   BENCH_RESULTS [bench-results/<UTC time>]  where every run's JSON result is kept (with a copy of the report);
#                                   `dotnet artifacts/bench/bin/LoadTest/release/akkachat-loadtest.dll report DIR`
#                                   renders any of its results directories again
#   AKKACHAT_PG                     an Npgsql connection string: also runs AkkaChat on PostgreSQL
#   BENCH_SQL_JOURNAL [direct find-max]  scenarios also run on AKKACHAT_JOURNAL=sql (Akka.Persistence.Sql's
#                                   journal), the same-run baseline for AkkaChat's own SQLite journal; "" skips them
#   BENCH_V2 [storm]                scenarios also run on AkkaChat with protocol v2 (acks, resume by sync), against
#                                   the same scenario on seed-000; "" skips them
#   BENCH_WORKSTATION_GC [connect]  scenarios also run on AkkaChat with DOTNET_gcServer=0 (the setting for nodes
#                                   that hold many idle sockets), against the default Server GC; "" skips them
#
# 100,000 sockets: each socket is one open file in the generator and one in the server, so both need
# `ulimit -n` above ~101,000 (raise the hard limit as root, or start the container with
# `--ulimit nofile=262144`); below that `connect` is capped to `ulimit -n` - 1000.
#
# `scripts/bench.sh --quick` runs the same suite as a smoke test in about 5 minutes (plus the build): short steps, small counts, no
# variant runs (BENCH_* still override each), and writes its report to bench-results/<UTC time>/BENCHMARKS.md, never to
# docs/: its figures are not benchmarks.
#
# `scripts/bench.sh cluster` instead measures find-max (1:1 and room) on a 3-node cluster against a 1-node one, both on
# PostgreSQL through scripts/cluster.sh, clients spread over the nodes (scripts/bench-cluster.sh; `--help` there).
#
# `scripts/bench.sh cluster-sockets` instead holds ~19,000 authenticated idle sockets on each of 5 cluster nodes (one
# generator process per node) for 60 s with room traffic running, and reports RSS per node and per socket and whether
# anything was dropped (scripts/bench-cluster-sockets.sh; `--help` there, `--quick` for a smoke run).
#
# `scripts/bench.sh compare <git-ref>` instead runs find-max (1:1 and rooms) on that ref's build and on the working tree's,
# alternating, in rounds on fresh SQLite data directories: the before/after of a change with its run-to-run noise
# (scripts/bench-compare.sh; `--help` there).
#
# `scripts/bench.sh seed003` instead measures find-max (1:1 and room) of the seed-003 protocol on /ws and on the TCP edge
# against v2 on /chat, on one node in one run (scripts/bench-seed003.sh; `--help` there, `--quick` for a smoke run).
#
# `scripts/bench.sh profile` instead profiles the stored 1:1 path at several rates on one node: CPU per thread, GC pauses,
# journal batches and a sampled trace per rate (scripts/bench-profile.sh; `--help` there, `--quick` for a smoke run).
#
# `scripts/bench.sh census` instead counts, per kind of thread, the CPU, context switches and run-queue wait of a 1-node
# and a 3-node cluster (or of N one-node clusters side by side: BENCH_CENSUS_SIZES="3i") under 1:1 traffic at one fixed
# rate, per message too, and what one context switch costs on this machine (scripts/bench-census.sh; `--help` there,
# `--quick` for a smoke run).
#
# `scripts/bench.sh fuzz` instead runs only the input fuzz tests (tests/Edge.Tests/Fuzz: the socket frame decoder and
# the HTTP JSON and form readers) for longer than CI does:
#   BENCH_FUZZ_ITERATIONS [2000000]  inputs per reader (CI runs 100,000)
#   AKKACHAT_FUZZ_SEED               replays the seed a failure printed
# `scripts/bench.sh --help` prints this text.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"

usage() { sed -n '2,/^set -euo pipefail/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; }
quick=0
case "${1:-}" in
  -h|--help)
    usage
    exit 0
    ;;
  cluster)
    shift
    exec bash scripts/bench-cluster.sh "$@"
    ;;
  cluster-sockets)
    shift
    exec bash scripts/bench-cluster-sockets.sh "$@"
    ;;
  compare)
    shift
    exec bash scripts/bench-compare.sh "$@"
    ;;
  seed003)
    shift
    exec bash scripts/bench-seed003.sh "$@"
    ;;
  profile)
    shift
    exec bash scripts/bench-profile.sh "$@"
    ;;
  census)
    shift
    exec bash scripts/bench-census.sh "$@"
    ;;
  fuzz)
    fuzz_iterations="${BENCH_FUZZ_ITERATIONS:-2000000}"
    echo "==> dotnet build tests/Edge.Tests"
    dotnet build tests/Edge.Tests/Edge.Tests.csproj -c Debug -nologo -v quiet
    echo "==> fuzzing each reader with $fuzz_iterations inputs (seed: ${AKKACHAT_FUZZ_SEED:-random, printed on failure})"
    AKKACHAT_FUZZ_ITERATIONS="$fuzz_iterations" exec dotnet test tests/Edge.Tests/Edge.Tests.csproj -c Debug --no-build -nologo \
      --filter "FullyQualifiedName~AkkaChat.Edge.Tests.Fuzz" --logger "console;verbosity=normal"
    ;;
  --quick) quick=1 ;;
  "") ;;
  *)
    echo "bench.sh: unknown argument '$1' (no argument: the load-test suite; --quick: a short smoke run; cluster; cluster-sockets; compare <ref>; seed003; profile; census; fuzz; --help)" >&2
    exit 1
    ;;
esac
[ $# -le 1 ] || { echo "bench.sh: one argument at most, not '$*' (--help)" >&2; exit 1; }

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
kept="${BENCH_RESULTS:-$repo/bench-results/$stamp}"
if [ "$quick" = 1 ]; then
  # Small and short: checks that the whole suite runs, in minutes; figures from it are not benchmarks.
  : "${BENCH_DURATION:=5}" "${BENCH_WARMUP:=1}" "${BENCH_CONNECT_SOCKETS:=2000}" "${BENCH_USERS:=200}"
  : "${BENCH_FINDMAX_USERS:=200}" "${BENCH_DIRECT_RATE:=400}" "${BENCH_GROUP_RATE:=20}" "${BENCH_MIXED_RATE:=100}"
  : "${BENCH_STORM_RATE:=100}" "${BENCH_FINDMAX_START:=200}" "${BENCH_FINDMAX_FACTOR:=2}" "${BENCH_FINDMAX_STEPS:=3}"
  : "${BENCH_FINDMAX_REFINE:=0}" "${BENCH_STEP_SECONDS:=3}" "${BENCH_SQL_JOURNAL=}" "${BENCH_WORKSTATION_GC=}" "${BENCH_V2=}"
  : "${BENCH_OUT:=$kept/BENCHMARKS.md}"
  case "$(realpath -m "$BENCH_OUT")" in
    "$repo"/docs/*) echo "bench.sh: --quick never writes under docs/ (BENCH_OUT=$BENCH_OUT): its figures are not benchmarks" >&2; exit 1 ;;
  esac
fi

duration="${BENCH_DURATION:-20}"
warmup="${BENCH_WARMUP:-3}"
connect_sockets="${BENCH_CONNECT_SOCKETS:-100000}"
users="${BENCH_USERS:-400}"
findmax_users="${BENCH_FINDMAX_USERS:-800}"
direct_rate="${BENCH_DIRECT_RATE:-2500}"
group_rate="${BENCH_GROUP_RATE:-500}"
mixed_rate="${BENCH_MIXED_RATE:-1000}"
storm_rate="${BENCH_STORM_RATE:-500}"
findmax_start="${BENCH_FINDMAX_START:-250}"
findmax_factor="${BENCH_FINDMAX_FACTOR:-1.6}"
findmax_steps="${BENCH_FINDMAX_STEPS:-12}"
findmax_refine="${BENCH_FINDMAX_REFINE:-3}"
step_seconds="${BENCH_STEP_SECONDS:-6}"
target_p99="${BENCH_TARGET_P99:-50}"
scenarios="${BENCH_SCENARIOS:-connect direct group mixed storm find-max}"
chat_port="${BENCH_CHAT_PORT:-18080}"
relay_port="${BENCH_RELAY_PORT:-18090}"
remote_port="${BENCH_REMOTE_PORT:-14053}"
pg_port="${BENCH_PG_PORT:-18081}"
out="${BENCH_OUT:-docs/BENCHMARKS.md}"
keep="${BENCH_KEEP:-0}"
sql_journal_scenarios="${BENCH_SQL_JOURNAL-direct find-max}"
workstation_gc_scenarios="${BENCH_WORKSTATION_GC-connect}"
v2_scenarios="${BENCH_V2-storm}"

# Every port this run listens on must be free now, not discovered taken a quarter of an hour in.
for port in "$chat_port" "$relay_port" "$remote_port" ${AKKACHAT_PG:+"$pg_port"}; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "bench.sh: 127.0.0.1:$port is already in use (BENCH_CHAT_PORT, BENCH_RELAY_PORT, BENCH_REMOTE_PORT, BENCH_PG_PORT choose the ports)" >&2
    exit 1
  fi
done

work="$(mktemp -d /tmp/akkachat-bench.XXXXXX)"
mkdir -p "$kept/results"
declare -A server_pid=()
declare -A server_url=()

stop_server() {
  local label="$1" pid="${server_pid[$1]:-}"
  [ -n "$pid" ] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    echo "==> stopping $label (pid $pid)"
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "    $label did not stop within 30s: kill -9 $pid"
      kill -9 "$pid" 2>/dev/null || true
    fi
  fi
  unset "server_pid[$label]"
}

cleanup() {
  for label in "${!server_pid[@]}"; do stop_server "$label"; done
  if [ "$keep" = "1" ]; then
    echo "==> kept $work (logs, results, data)"
  else
    rm -rf "$work"
  fi
  echo "==> results (JSON) kept in $kept"
}
trap cleanup EXIT

# Starts a server in the background; its PID is the dotnet process itself (exec), so /proc/PID is the server.
# The harness registers and logs in thousands of users from one address: AkkaChat's per-address login and
# registration limits are off and passwords are hashed cheaply here (docs/SECURITY.md); the relay ignores these.
export AKKACHAT_LOGIN_PER_ADDRESS=0 AKKACHAT_REGISTER_PER_ADDRESS=0 AKKACHAT_PBKDF2_ITERATIONS=1000

start_server() {
  local label="$1" dir="$2" dll="$3" port="$4"
  shift 4
  echo "==> starting $label on 127.0.0.1:$port (log $work/$label.log)"
  (cd "$dir" && exec env "$@" dotnet "$dll") >"$work/$label.log" 2>&1 &
  server_pid[$label]=$!
  server_url[$label]="http://127.0.0.1:$port"
  for _ in $(seq 1 120); do
    if curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then
      echo "    $label is ready (pid ${server_pid[$label]})"
      return 0
    fi
    kill -0 "${server_pid[$label]}" 2>/dev/null || { echo "    $label exited; its log:"; tail -n 30 "$work/$label.log"; exit 1; }
    sleep 0.5
  done
  echo "    $label was not ready within 60s; its log:"
  tail -n 30 "$work/$label.log"
  exit 1
}

# One harness run; a failed verification (exit 2) is a result, not a reason to stop the suite.
commands=()
loadtest() {
  local label="$1" scenario="$2" resultdir="$3"
  shift 3
  # connect has users of its own: the servers are restarted after it, and the relay forgets its users then.
  local fixture="$work/$label-fixture.json"
  [ "$scenario" = connect ] && fixture="$work/$label-connect-fixture.json"
  local args=("$scenario" --url "${server_url[$label]}" --label "$label" --server-pid "${server_pid[$label]}"
    --fixture "$fixture" --out "$resultdir/$label-$scenario.json" --progress plain --verify "$@")
  echo "==> akkachat-loadtest ${args[*]}"
  commands+=("akkachat-loadtest ${args[*]}")
  local status=0
  dotnet "$loadtest_dll" "${args[@]}" || status=$?
  case "$status" in
    0) ;;
    2) echo "    verification failed (recorded in the result)" ;;
    *) echo "    the harness failed (exit $status) on $label $scenario; continuing" ;;
  esac
}

scenario_args() {
  case "$1" in
    connect) echo "--users $users --sockets $connect_sockets --duration $duration --connect-parallelism 128" ;;
    direct) echo "--users $users --rate $direct_rate --duration $duration --warmup $warmup" ;;
    group) echo "--users $users --room-size 100 --rate $group_rate --duration $duration --warmup $warmup" ;;
    mixed) echo "--users $users --room-size 100 --rate $mixed_rate --group-share 0.5 --duration $duration --warmup $warmup" ;;
    storm) echo "--users $users --room-size 100 --rate $storm_rate --group-share 0.5 --duration $duration --warmup $warmup --storm-share 0.2 --storm-every 5 --storm-down 1" ;;
    find-max) echo "--users $findmax_users --rate $findmax_start --step-factor $findmax_factor --max-steps $findmax_steps --refine $findmax_refine --step-seconds $step_seconds --target-p99 $target_p99 --warmup $warmup --drain 5 --max-socket-rate 45" ;;
    *) echo "unknown scenario $1" >&2; exit 1 ;;
  esac
}

echo "==> machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg)"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
started="$(date -u '+%Y-%m-%d %H:%M UTC')"
wall_start=$SECONDS

# Each socket is an open file on both sides: raise the soft limit to the hard one and cap `connect` below it.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
nofile="$(ulimit -n)"
connect_note=""
if [ "$nofile" != "unlimited" ] && [ $((connect_sockets + 1000)) -gt "$nofile" ]; then
  capped=$((nofile - 1000))
  connect_note="BENCH_CONNECT_SOCKETS=$connect_sockets was capped to $capped: \`ulimit -n\` is $nofile here (hard limit), and each socket is an open file in both the generator and the server."
  echo "==> $connect_note"
  connect_sockets="$capped"
fi

echo "==> building AkkaChat, the relay and the harness (Release, into artifacts/bench)"
for project in src/Edge/Edge.csproj bench/Relay/Relay.csproj src/LoadTest/LoadTest.csproj; do
  dotnet build "$project" -c Release --artifacts-path artifacts/bench -nologo -v quiet
done
edge_dir="$repo/artifacts/bench/bin/Edge/release"
relay_dir="$repo/artifacts/bench/bin/Relay/release"
loadtest_dll="$repo/artifacts/bench/bin/LoadTest/release/akkachat-loadtest.dll"

start_main_servers() {
  start_server relay "$relay_dir" akkachat-relay.dll "$relay_port" RELAY_PORT="$relay_port"
  start_server akkachat "$edge_dir" AkkaChat.Edge.dll "$chat_port" AKKACHAT_DATA_DIR="$work/data" AKKACHAT_HTTP_PORT="$chat_port" \
    AKKACHAT_REMOTE_PORT="$remote_port" AKKACHAT_STORAGE=sqlite AKKACHAT_BIND=127.0.0.1
}

start_main_servers
for scenario in $scenarios; do
  read -r -a extra <<<"$(scenario_args "$scenario")"
  loadtest akkachat "$scenario" "$kept/results" "${extra[@]}"
  loadtest relay "$scenario" "$kept/results" "${extra[@]}"
  if [ "$scenario" = connect ]; then
    # Tens of thousands of sockets just closed leave a large heap to collect: later scenarios start on fresh servers
    # (AkkaChat keeps its data directory) so that a full GC of it does not land in their measurements.
    stop_server akkachat
    stop_server relay
    start_main_servers
  fi
done

# Runs each of the named scenarios that this run includes on the server $label (extra loadtest arguments after the
# fourth), and copies the main run's $baseline result of the same scenario beside it as the comparison.
run_compared() {
  local label="$1" resultdir="$2" names="$3" baseline="$4" scenario
  local -a extra
  shift 4
  for scenario in $names; do
    case " $scenarios " in *" $scenario "*) ;; *) continue ;; esac
    read -r -a extra <<<"$(scenario_args "$scenario")"
    loadtest "$label" "$scenario" "$resultdir" "${extra[@]}" "$@"
    cp "$kept/results/$baseline-$scenario.json" "$resultdir/" 2>/dev/null || true
  done
}

# Protocol v2 on the same node: the seed-000 result of the same scenario is the comparison (for storm: seed-000 cannot know what
# a dropped client read, v2 resumes each socket from its own stream positions).
v2_note="Protocol v2: not run (BENCH_V2 is empty)."
if [ -n "$v2_scenarios" ]; then
  server_pid[akkachat-v2]="${server_pid[akkachat]}"
  server_url[akkachat-v2]="${server_url[akkachat]}"
  run_compared akkachat-v2 "$kept/results-v2" "$v2_scenarios" akkachat --protocol v2
  unset "server_pid[akkachat-v2]"
  v2_note="Protocol v2 (\`--protocol v2\`): $v2_scenarios on the main run's AkkaChat node, against the same scenario on seed-000 (see its section)."
fi

# A variant node: the main AkkaChat node stops, a fresh one starts on SQLite with the extra environment given and runs
# the scenarios named (those of this run only); the main run's result of each is copied beside it as the comparison.
run_variant() {
  local label="$1" resultdir="$2" variant_scenarios="$3"
  shift 3
  stop_server akkachat
  start_server "$label" "$edge_dir" AkkaChat.Edge.dll "$chat_port" AKKACHAT_DATA_DIR="$work/data-$label" \
    AKKACHAT_HTTP_PORT="$chat_port" AKKACHAT_REMOTE_PORT="$remote_port" AKKACHAT_STORAGE=sqlite AKKACHAT_BIND=127.0.0.1 "$@"
  run_compared "$label" "$resultdir" "$variant_scenarios" akkachat
  stop_server "$label"
}

# The same build with Workstation GC, for the scenarios where memory rather than throughput is the question.
workstation_gc_note="Workstation GC: not run (BENCH_WORKSTATION_GC is empty)."
if [ -n "$workstation_gc_scenarios" ]; then
  run_variant akkachat-wksgc "$kept/results-wksgc" "$workstation_gc_scenarios" DOTNET_gcServer=0
  workstation_gc_note="Workstation GC (DOTNET_gcServer=0): $workstation_gc_scenarios, against the main run's AkkaChat on the default Server GC (see its section)."
fi

sql_journal_note="Akka.Persistence.Sql journal on SQLite: not run (BENCH_SQL_JOURNAL is empty)."
if [ -n "$sql_journal_scenarios" ]; then
  run_variant akkachat-sqljournal "$kept/results-sqljournal" "$sql_journal_scenarios" AKKACHAT_JOURNAL=sql
  sql_journal_note="Akka.Persistence.Sql journal on SQLite (AKKACHAT_JOURNAL=sql): $sql_journal_scenarios, against AkkaChat's own journal from the main run (see its section)."
fi

pg_note="PostgreSQL: not run (set AKKACHAT_PG to an Npgsql connection string to add AkkaChat-on-PostgreSQL runs)."
if [ -n "${AKKACHAT_PG:-}" ]; then
  stop_server akkachat
  start_server akkachat-pg "$edge_dir" AkkaChat.Edge.dll "$pg_port" AKKACHAT_DATA_DIR="$work/data-pg" AKKACHAT_HTTP_PORT="$pg_port" \
    AKKACHAT_REMOTE_PORT="$remote_port" AKKACHAT_STORAGE=postgres AKKACHAT_PG="$AKKACHAT_PG" AKKACHAT_BIND=127.0.0.1
  run_compared akkachat-pg "$kept/results-pg" "direct group find-max" relay
  pg_note="PostgreSQL: AkkaChat with AKKACHAT_STORAGE=postgres, same relay figures as the ceiling (see its section)."
fi

for label in "${!server_pid[@]}"; do stop_server "$label"; done
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"
minutes=$(( (SECONDS - wall_start + 59) / 60 ))

echo "==> writing $out"
notes=""
if [ -f "$out" ]; then
  notes="$(awk '/<!-- notes:begin -->/ {f=1} f {print} /<!-- notes:end -->/ {f=0}' "$out")"
fi
if [ -z "$notes" ]; then
  notes=$'<!-- notes:begin -->\n## Analysis\n\n(Written by hand after a run; scripts/bench.sh keeps this section when it rewrites the file.)\n<!-- notes:end -->'
fi
overrides="$(env | grep -E '^(BENCH_|AKKACHAT_PG=)' | sed -E 's/^(AKKACHAT_PG)=.*/\1=<set>/' | sort | tr '\n' ' ' || true)"
cpu_model="$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
# The tables of one comparison (results directory, primary label, ceiling label); nothing when "$1" is empty (not run).
compare_report() {
  [ -n "$1" ] || return 0
  # A comparison whose runs all failed has no results: say so instead of ending the suite here.
  dotnet "$loadtest_dll" report "$2" --primary "$3" --ceiling "$4" || echo "(no report: the runs of $3 against $4 left no results in $2)"
}
report="$(compare_report yes "$kept/results" akkachat relay)"
v2_report="$(compare_report "$v2_scenarios" "$kept/results-v2" akkachat-v2 akkachat)"
workstation_gc_report="$(compare_report "$workstation_gc_scenarios" "$kept/results-wksgc" akkachat-wksgc akkachat)"
sql_journal_report="$(compare_report "$sql_journal_scenarios" "$kept/results-sqljournal" akkachat-sqljournal akkachat)"
pg_report="$(compare_report "${AKKACHAT_PG:-}" "$kept/results-pg" akkachat-pg relay)"

mkdir -p "$(dirname "$out")"
{
  echo "# Benchmarks"
  echo
  echo "Measured by \`scripts/bench.sh\` with the shipped harness (\`src/LoadTest\`, \`akkachat-loadtest\`): AkkaChat"
  echo "(one node, SQLite journal in a fresh data directory) and the bare relay (\`bench/Relay\`: the same HTTP"
  echo "endpoints and \`/chat\` frames in memory, no actors, no persistence) run side by side on loopback, the same"
  echo "scenarios against each, so every figure has a same-run ceiling. Latency is measured from each message's"
  echo "*scheduled* send time (open loop) to its arrival at each recipient socket; \`--verify\` checks that every"
  echo "sent message reached every expected socket exactly once. The seed-000 protocol has no acks, so"
  echo "\"acked\" is blank for it (\`--protocol seed000\`, the default). Regenerate with \`scripts/bench.sh\` (keeps the Analysis section)."
  echo
  echo "## Run"
  echo
  [ "$quick" = 0 ] || echo "- **A \`--quick\` smoke run**: small counts and short steps check that the suite runs; these figures are not benchmarks."
  echo "- When: $started, about $minutes min wall time."
  echo "- Command: \`${overrides}scripts/bench.sh$([ "$quick" = 0 ] || echo " --quick")\`"
  echo "- JSON results: \`${kept#"$repo"/}\` (\`akkachat-loadtest report DIR\` renders a results directory again)."
  echo "- Machine: $(nproc) cores ($cpu_model), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM, Linux $(uname -r), .NET SDK $(dotnet --version), \`ulimit -n\` $nofile."
  echo "- Load average before / after: $load_start / $load_end. The load generator shares the 2 cores with the"
  echo "  servers; other processes on the machine (other engineers' builds and tests) show up as \"other processes"
  echo "  CPU\" in each table: above ~25% the run was disturbed and its latencies are pessimistic."
  echo "- Settings: ${duration}s per scenario after ${warmup}s unmeasured warm-up; $users users (rooms of 100);"
  echo "  connect $connect_sockets sockets; rates direct $direct_rate, group $group_rate (x99 deliveries),"
  echo "  mixed $mixed_rate, storm $storm_rate msgs/s; find-max from $findmax_start msgs/s x$findmax_factor per"
  echo "  ${step_seconds}s step, then $findmax_refine bisections between the last passing and the first failing rate;"
  echo "  p99 target ${target_p99} ms, $findmax_users users."
  [ -n "$connect_note" ] && echo "- $connect_note"
  echo "- $v2_note"
  echo "- $workstation_gc_note"
  echo "- $sql_journal_note"
  echo "- $pg_note"
  echo
  echo "Commands (the generator is \`dotnet artifacts/bench/bin/LoadTest/release/akkachat-loadtest.dll\`; ports and"
  echo "pids are those of this run):"
  echo
  echo '```'
  printf '%s\n' "${commands[@]}" | sed -E "s#$work#\$WORK#g; s#$repo/##g"
  echo '```'
  echo
  echo "## Results: AkkaChat (SQLite) vs the bare relay"
  echo
  echo "$report"
  if [ -n "$v2_report" ]; then
    echo
    echo "## Results: protocol v2 vs seed-000 on the same node"
    echo
    echo "The main run's AkkaChat node, the same scenario with \`--protocol v2\` (primary) and with the seed-000 protocol"
    echo "(here in the ceiling column). In \`storm\` a v2 socket reconnects with \`sync\` from the last sequence number it"
    echo "received in each of its streams; \`--verify\` then also requires every sent message acked, and every acked"
    echo "message delivered to every expected socket exactly once. Latency of a message a socket missed while it was away"
    echo "includes the time it was away."
    echo
    echo "$v2_report"
  fi
  if [ -n "$workstation_gc_report" ]; then
    echo
    echo "## Results: Workstation GC vs the default Server GC"
    echo
    echo "The same AkkaChat build with \`DOTNET_gcServer=0\` (primary) against the main run's AkkaChat on the default"
    echo "Server GC (here in the ceiling column), one after the other. Server GC keeps more memory per heap in reserve;"
    echo "Workstation GC is the setting for a node that holds many idle sockets (docs/ARCHITECTURE.md)."
    echo
    echo "$workstation_gc_report"
  fi
  if [ -n "$sql_journal_report" ]; then
    echo
    echo "## Results: Akka.Persistence.Sql's journal vs AkkaChat's own, both on SQLite"
    echo
    echo "The same AkkaChat build with \`AKKACHAT_JOURNAL=sql\` (primary) against the main run's AkkaChat with its"
    echo "own journal (here in the ceiling column), same scenarios and settings, one after the other."
    echo
    echo "$sql_journal_report"
  fi
  if [ -n "$pg_report" ]; then
    echo
    echo "## Results: AkkaChat (PostgreSQL) vs the bare relay"
    echo
    echo "$pg_report"
  fi
  echo
  echo "$notes"
} >"$out"
[ "$(realpath -m "$out")" = "$(realpath -m "$kept/BENCHMARKS.md")" ] || cp "$out" "$kept/BENCHMARKS.md"
echo "==> done: $out (results and a copy of the report in $kept)"
