# Sourced by bench-cluster.sh, bench-compare.sh and bench-seed003.sh: the find-max settings they read from the
# environment (BENCH_FINDMAX_*, BENCH_STEP_SECONDS, BENCH_TARGET_P99, BENCH_WARMUP), the harness arguments they make,
# and the setup they share, so the scripts cannot drift apart. Defines functions only.

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
