# Sourced by bench-cluster.sh, bench-cluster-sockets.sh, bench-compare.sh, bench-seed003.sh, bench-profile.sh and
# bench-census.sh: the find-max settings they read from the environment (BENCH_FINDMAX_*, BENCH_STEP_SECONDS,
# BENCH_TARGET_P99, BENCH_WARMUP), the harness arguments they make, and the setup they share, so the scripts cannot
# drift apart. Defines functions only.

# --quick: a smoke run's small, short find-max, for every setting the caller has not set (step length stays the caller's).
findmax_quick_defaults() {
  : "${BENCH_FINDMAX_USERS:=100}" "${BENCH_FINDMAX_START:=100}" "${BENCH_FINDMAX_FACTOR:=2}" "${BENCH_FINDMAX_STEPS:=2}"
  : "${BENCH_FINDMAX_REFINE:=0}" "${BENCH_WARMUP:=1}"
}

# Reads the settings into findmax_users, findmax_target_p99 (used in reports) and findmax_args (the harness's find-max
# arguments but the mode's own).
findmax_settings() {
  findmax_users="${BENCH_FINDMAX_USERS:-800}"
  findmax_target_p99="${BENCH_TARGET_P99:-50}"
  findmax_args=(--users "$findmax_users" --rate "${BENCH_FINDMAX_START:-250}" --step-factor "${BENCH_FINDMAX_FACTOR:-1.6}"
    --max-steps "${BENCH_FINDMAX_STEPS:-12}" --refine "${BENCH_FINDMAX_REFINE:-3}" --step-seconds "${BENCH_STEP_SECONDS:-6}"
    --target-p99 "$findmax_target_p99" --warmup "${BENCH_WARMUP:-3}" --drain 5 --max-socket-rate 45 --progress plain)
}

# The arguments of find-max mode $1 (direct, or group: rooms of 100).
findmax_mode_args() {
  mode_args=(--find-max-mode "$1")
  [ "$1" != group ] || mode_args+=(--room-size 100)
}

# Exits (naming script $1) when its report $2 would land under the repository's docs/ (the caller's $repo): the
# scripts write their own reports, and figures reach docs/ only by hand.
findmax_report_outside_docs() {
  case "$(realpath -m "$2")" in
    "$repo"/docs/*) echo "$1: writes its own report, not under docs/ (BENCH_OUT=$2); copy figures by hand" >&2; exit 1 ;;
  esac
}

# Exits (naming script $1 and the variables $2 that choose the ports) when one of the ports after them is taken on
# 127.0.0.1.
findmax_require_free_ports() {
  local script="$1" variables="$2" port
  shift 2
  for port in "$@"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$script: 127.0.0.1:$port is in use ($variables choose the ports)" >&2
      exit 1
    fi
  done
}

# As bench.sh: the harness registers and logs in its users from one address, with cheap hashes (docs/SECURITY.md), and
# every socket is an open file.
findmax_harness_environment() {
  export AKKACHAT_LOGIN_PER_ADDRESS=0 AKKACHAT_REGISTER_PER_ADDRESS=0 AKKACHAT_PBKDF2_ITERATIONS=1000
  ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
}

# Reads the arguments of a script that takes only --quick and --help (script $1 names itself in errors): sets quick to 0
# or 1; --help prints the script's header comment and exits.
findmax_quick_or_help() {
  local script="$1" arg
  shift
  quick=0
  for arg in "$@"; do
    case "$arg" in
      -h|--help) sed -n '2,/^set -euo pipefail/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
      --quick) quick=1 ;;
      *) echo "$script: unknown argument '$arg' (--quick, --help)" >&2; exit 1 ;;
    esac
  done
}

# Waits, 60 s at most, until the node on 127.0.0.1:$1 (process $2, log $3) is ready; exits with the log's tail when the
# node ends first.
findmax_await_node() {
  local port="$1" pid="$2" log="$3"
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || { echo "    the node exited; its log:"; tail -n 30 "$log"; exit 1; }
    sleep 0.5
  done
  echo "    the node was not ready within 60s"
  exit 1
}

# Builds the node and the harness, Release, into artifacts/bench (of the caller's $repo); sets edge_dir and loadtest_dll.
findmax_build_release() {
  local project
  echo "==> building the node and the harness, Release"
  for project in src/Edge/Edge.csproj src/LoadTest/LoadTest.csproj; do
    dotnet build "$project" -c Release --artifacts-path artifacts/bench -nologo -v quiet
  done
  edge_dir="$repo/artifacts/bench/bin/Edge/release"
  loadtest_dll="$repo/artifacts/bench/bin/LoadTest/release/akkachat-loadtest.dll"
}

# Starts one node of edge_dir on the embedded SQLite default (data directory $1/data, log $1/node.log) with HTTP port
# $2, remoting port $3 and any VAR=value settings after them; sets server_pid and returns once the node is ready.
findmax_start_node() {
  local work="$1" http="$2" remote="$3"
  shift 3
  (cd "$edge_dir" && exec env "$@" AKKACHAT_DATA_DIR="$work/data" AKKACHAT_HTTP_PORT="$http" AKKACHAT_REMOTE_PORT="$remote" \
    AKKACHAT_STORAGE=sqlite AKKACHAT_BIND=127.0.0.1 dotnet AkkaChat.Edge.dll) >"$work/node.log" 2>&1 &
  server_pid=$!
  findmax_await_node "$http" "$server_pid" "$work/node.log"
}

# Starts a scripts/cluster.sh cluster of $1 nodes with its state in $2, and sets urls and pids: the nodes' HTTP URLs and
# process ids, comma-separated, as the harness takes them.
findmax_start_cluster() {
  local n="$1" dir="$2" ports http
  echo "==> cluster of $n (scripts/cluster.sh start $n, state in $dir)"
  AKKACHAT_CLUSTER_DIR="$dir" bash scripts/cluster.sh start "$n"
  urls="" pids=""
  for ports in "$dir"/node-*.ports; do
    read -r http _ <"$ports"
    urls+="${urls:+,}http://127.0.0.1:$http"
    pids+="${pids:+,}$(cat "${ports%.ports}.pid")"
  done
}
