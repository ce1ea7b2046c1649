#!/usr/bin/env bash
# A throwaway PostgreSQL for tests and benchmarks: `scripts/pg.sh start DIR PORT` creates a cluster in DIR (owned by
# the `postgres` user when run as root), listening on 127.0.0.1:PORT only, and prints its Npgsql connection string;
# `scripts/pg.sh stop DIR` stops it. Needs Debian's postgresql package (scripts/deps.sh postgresql).
set -euo pipefail

bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
[ -n "$bin" ] || { echo "PostgreSQL is not installed (scripts/deps.sh postgresql)" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" = "0" ]; then (cd / && su postgres -s /bin/bash -c "$1"); else bash -c "$1"; fi
}

case "${1:-}" in
  start)
    dir="$2" port="$3"
    mkdir -p "$dir"
    [ "$(id -u)" = "0" ] && chown postgres "$dir"
    as_owner "'$bin/initdb' -D '$dir/data' -U postgres --auth=trust -E UTF8 >'$dir/initdb.log' 2>&1"
    as_owner "'$bin/pg_ctl' -D '$dir/data' -l '$dir/server.log' -w -t 60 \
      -o \"-k '$dir' -p $port -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=on\" start >/dev/null"
    echo "Host=127.0.0.1;Port=$port;Username=postgres;Pooling=true"
    ;;
  stop)
    dir="$2"
    [ -d "$dir/data" ] && as_owner "'$bin/pg_ctl' -D '$dir/data' -m fast -w -t 30 stop >/dev/null" || true
    ;;
  *)
    echo "usage: scripts/pg.sh start DIR PORT | stop DIR" >&2
    exit 2
    ;;
esac
