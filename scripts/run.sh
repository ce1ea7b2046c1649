#!/usr/bin/env bash
# Builds AkkaChat (Release) and runs one node with the embedded SQLite journal.
# Environment overrides: AKKACHAT_HTTP_PORT (8080), AKKACHAT_REMOTE_PORT (4053), AKKACHAT_DATA_DIR (./data),
# AKKACHAT_BIND (127.0.0.1); see README.md for the rest. Ctrl-C stops it gracefully.
set -euo pipefail
cd "$(dirname "$0")/.."

export AKKACHAT_DATA_DIR="${AKKACHAT_DATA_DIR:-$PWD/data}"
export AKKACHAT_HTTP_PORT="${AKKACHAT_HTTP_PORT:-8080}"
export AKKACHAT_BIND="${AKKACHAT_BIND:-127.0.0.1}"

echo "==> building AkkaChat (Release)"
dotnet build src/Edge/Edge.csproj -c Release -nologo -v quiet

echo "==> starting one node: http://${AKKACHAT_BIND}:${AKKACHAT_HTTP_PORT}/  (data in ${AKKACHAT_DATA_DIR}; Ctrl-C to stop)"
cd src/Edge/bin/Release/net10.0
exec dotnet AkkaChat.Edge.dll
