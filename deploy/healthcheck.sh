#!/usr/bin/env bash
# Container health check: exit 0 when GET /readyz on this node answers 200 (the node is Up in its cluster and its read
# journal runs). Uses bash's /dev/tcp because the .NET runtime images ship neither curl nor wget.
set -euo pipefail
host="${AKKACHAT_BIND:-127.0.0.1}"
case "$host" in 0.0.0.0 | "::" | "[::]") host=127.0.0.1 ;; esac
exec 3<>"/dev/tcp/$host/${AKKACHAT_HTTP_PORT:-8080}"
printf 'GET /readyz HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n' "$host" >&3
IFS= read -r -t 5 status <&3
[[ "$status" == "HTTP/1."[01]" 200 "* ]]
