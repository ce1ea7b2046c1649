#!/usr/bin/env bash
# A throwaway AkkaChat cluster on this machine: one PostgreSQL (scripts/pg.sh) and N nodes (default 3) on 127.0.0.1.
#   scripts/cluster.sh start [N]   builds (Release), starts PostgreSQL and N nodes, waits until each is ready
#   scripts/cluster.sh add         starts one more node, which joins the running cluster
#   scripts/cluster.sh status      each node's process, readiness and the cluster's members (GET /admin/cluster;
#                                  or scripts/akkachat-ctl cluster show --server http://127.0.0.1:8081 --data-dir .cluster/data)
#   scripts/cluster.sh stop        SIGTERM to each node (graceful leave), then stops PostgreSQL
# State (pids, ports, logs node-I.log, the shared data directory) lives in AKKACHAT_CLUSTER_DIR (./.cluster).
# Ports: HTTP AKKACHAT_CLUSTER_HTTP_BASE+I (8080+I), remoting AKKACHAT_CLUSTER_REMOTE_BASE+I (4060+I), PostgreSQL
# AKKACHAT_CLUSTER_PG_PORT (15650). Only the processes this script started (by their recorded PIDs) are signalled.
# Benchmarks: every node gets `ulimit -n` AKKACHAT_CLUSTER_NOFILE (default: the hard limit; one open file per socket)
# and DOTNET_gcServer when it is set (0: Workstation GC, for nodes holding many idle sockets); the rest of the
# environment (AKKACHAT_LOGIN_PER_ADDRESS=0 and the like) is inherited too.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"

run="${AKKACHAT_CLUSTER_DIR:-$repo/.cluster}"
http_base="${AKKACHAT_CLUSTER_HTTP_BASE:-8080}"
remote_base="${AKKACHAT_CLUSTER_REMOTE_BASE:-4060}"
pg_port="${AKKACHAT_CLUSTER_PG_PORT:-15650}"
app_dir="$repo/src/Edge/bin/Release/net10.0"
nofile="${AKKACHAT_CLUSTER_NOFILE:-$(ulimit -Hn)}"

node_alive() { # I: the recorded process of node I is running and is an AkkaChat node
  local pid_file="$run/node-$1.pid"
  [ -f "$pid_file" ] || return 1
  local pid
  pid="$(cat "$pid_file")"
  kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "AkkaChat.Edge.dll"
}

node_ids() { # every node that has a recorded port file, in order
  local f
  for f in "$run"/node-*.ports; do
    [ -f "$f" ] || continue
    f="${f##*/node-}"
    echo "${f%.ports}"
  done | sort -n
}

port_free() { ! ss -Hltn "sport = :$1" | grep -q .; }

wait_ready() { # I URL
  local deadline=$((SECONDS + 120))
  until curl -fsS --max-time 2 "$2/readyz" >/dev/null 2>&1; do
    if ! node_alive "$1"; then
      echo "node $1 exited while starting; last lines of $run/node-$1.log:" >&2
      tail -n 20 "$run/node-$1.log" >&2 || true
      exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "node $1 was not ready within 120 s (see $run/node-$1.log)" >&2
      exit 1
    fi
    sleep 0.5
  done
}

start_node() { # I
  local i="$1"
  local http=$((http_base + i)) remote=$((remote_base + i))
  if node_alive "$i"; then echo "node $i is already running (pid $(cat "$run/node-$i.pid"))"; return; fi
  port_free "$http" || { echo "port $http (node $i HTTP) is in use; set AKKACHAT_CLUSTER_HTTP_BASE" >&2; exit 1; }
  port_free "$remote" || { echo "port $remote (node $i remoting) is in use; set AKKACHAT_CLUSTER_REMOTE_BASE" >&2; exit 1; }
  echo "==> node $i: http://127.0.0.1:$http/  remoting 127.0.0.1:$remote  log $run/node-$i.log${DOTNET_gcServer:+  DOTNET_gcServer=$DOTNET_gcServer}"
  (
    cd "$app_dir"
    ulimit -n "$nofile"
    [ -z "${DOTNET_gcServer:-}" ] || export DOTNET_gcServer
    export AKKACHAT_BIND=127.0.0.1 AKKACHAT_HTTP_PORT="$http" AKKACHAT_REMOTE_PORT="$remote"
    export AKKACHAT_STORAGE=postgres AKKACHAT_PG="$(cat "$run/pg.conn")"
    export AKKACHAT_SEEDS="$(cat "$run/seeds")" AKKACHAT_SECRET="$(cat "$run/secret")"
    # Every node shares one data directory: attachments written through one node are served by all.
    export AKKACHAT_DATA_DIR="$run/data"
    exec setsid dotnet AkkaChat.Edge.dll >>"$run/node-$i.log" 2>&1 </dev/null
  ) &
  echo $! >"$run/node-$i.pid"
  echo "$http $remote" >"$run/node-$i.ports"
}

start() {
  local n="${1:-3}"
  [[ "$n" =~ ^[1-9][0-9]?$ ]] || { echo "N must be a number of nodes from 1 to 99, not '$n'" >&2; exit 2; }
  local i
  for i in $(node_ids); do
    if node_alive "$i"; then echo "a cluster is already running in $run (scripts/cluster.sh stop first)" >&2; exit 1; fi
  done
  rm -f "$run"/node-*.pid "$run"/node-*.ports
  mkdir -p "$run/data"
  # Checked here, where a refusal is one clear line, rather than in each node's start-up.
  (ulimit -n "$nofile") 2>/dev/null || { echo "cannot raise \`ulimit -n\` to $nofile (hard limit $(ulimit -Hn)); set AKKACHAT_CLUSTER_NOFILE" >&2; exit 1; }

  echo "==> building AkkaChat (Release)"
  dotnet build src/Edge/Edge.csproj -c Release -nologo -v quiet

  if [ ! -f "$run/pg/data/postmaster.pid" ]; then
    echo "==> starting PostgreSQL on 127.0.0.1:$pg_port (in $run/pg)"
    rm -rf "$run/pg"
    bash scripts/pg.sh start "$run/pg" "$pg_port" >"$run/pg.conn"
  else
    echo "==> PostgreSQL is already running (in $run/pg)"
  fi
  [ -f "$run/secret" ] || (umask 077 && head -c 48 /dev/urandom | base64 | tr -d '\n/+=' >"$run/secret")

  # The first three nodes are the seeds: a restarted first node then finds the running cluster through the others
  # instead of forming a new one on its own.
  local seeds="" seed_count=$((n < 3 ? n : 3))
  for i in $(seq 1 "$seed_count"); do seeds+="${seeds:+,}akka.tcp://akkachat@127.0.0.1:$((remote_base + i))"; done
  echo "$seeds" >"$run/seeds"
  echo "==> seed nodes: $seeds"

  for i in $(seq 1 "$n"); do start_node "$i"; done
  for i in $(seq 1 "$n"); do wait_ready "$i" "http://127.0.0.1:$((http_base + i))"; done
  echo "==> $n nodes are ready:"
  for i in $(seq 1 "$n"); do echo "    node $i  http://127.0.0.1:$((http_base + i))/"; done
}

add() {
  [ -f "$run/seeds" ] || { echo "no cluster in $run (scripts/cluster.sh start first)" >&2; exit 1; }
  local last
  last="$(node_ids | tail -n 1)"
  local i=$((${last:-0} + 1))
  start_node "$i"
  wait_ready "$i" "http://127.0.0.1:$((http_base + i))"
  echo "==> node $i is ready: http://127.0.0.1:$((http_base + i))/"
}

status() {
  local i any=""
  for i in $(node_ids); do
    any=1
    read -r http remote <"$run/node-$i.ports"
    if node_alive "$i"; then
      local ready
      ready="$(curl -sS --max-time 2 "http://127.0.0.1:$http/readyz" 2>/dev/null || echo "no answer")"
      echo "node $i  pid $(cat "$run/node-$i.pid")  http://127.0.0.1:$http/  remoting $remote  $ready"
    else
      echo "node $i  not running  (log: $run/node-$i.log)"
    fi
  done
  [ -n "$any" ] || { echo "no cluster in $run"; return; }
  for i in $(node_ids); do
    node_alive "$i" || continue
    read -r http remote <"$run/node-$i.ports"
    echo "==> GET http://127.0.0.1:$http/admin/cluster (with the admin token in $run/data/admin.token)"
    # The token goes through a header file descriptor, never on the command line where ps would show it.
    curl -sS --max-time 10 -H @<(printf 'Authorization: Bearer %s\n' "$(cat "$run/data/admin.token")") \
      "http://127.0.0.1:$http/admin/cluster" | jq -r '
      (.members[] | "member \(.address)  \(.status)\(if .unreachable then "  UNREACHABLE" else "" end)"),
      (.nodes[] | "node   \(.address)  sockets \(.sockets)  " + ([.entities | to_entries[] | "\(.key) \(.value.entities)/\(.value.shards) shards"] | join(", ")))' \
      || echo "(no answer)"
    return
  done
}

stop() {
  local i
  for i in $(node_ids); do
    if node_alive "$i"; then
      local pid
      pid="$(cat "$run/node-$i.pid")"
      echo "==> SIGTERM node $i (pid $pid)"
      kill -TERM "$pid"
    fi
  done
  for i in $(node_ids); do
    local deadline=$((SECONDS + 60))
    while node_alive "$i" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.5; done
    if node_alive "$i"; then
      echo "==> node $i did not exit within 60 s: SIGKILL (pid $(cat "$run/node-$i.pid"))"
      kill -KILL "$(cat "$run/node-$i.pid")"
    fi
    rm -f "$run/node-$i.pid"
  done
  if [ -d "$run/pg/data" ]; then
    echo "==> stopping PostgreSQL (in $run/pg)"
    bash scripts/pg.sh stop "$run/pg"
  fi
  echo "==> stopped; logs remain in $run (the next start begins with an empty database)"
}

case "${1:-}" in
  start) start "${2:-3}" ;;
  add) add ;;
  status) status ;;
  stop) stop ;;
  *)
    echo "usage: scripts/cluster.sh start [N] | add | status | stop" >&2
    exit 2
    ;;
esac
