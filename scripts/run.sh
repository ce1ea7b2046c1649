#!/usr/bin/env bash
# Builds AkkaChat (Release) and runs one node with the embedded SQLite journal.
# Environment overrides: AKKACHAT_HTTP_PORT (8080), AKKACHAT_REMOTE_PORT (4053), AKKACHAT_DATA_DIR (./data),
# AKKACHAT_BIND (127.0.0.1); see README.md for the rest. Ctrl-C stops it gracefully.
set -euo pipefail
cd "$(dirname "$0")/.."

export AKKACHAT_HTTP_PORT="${AKKACHAT_HTTP_PORT:-8080}"
export AKKACHAT_BIND="${AKKACHAT_BIND:-127.0.0.1}"

echo "==> building AkkaChat (Release)"
dotnet build src/Edge/Edge.csproj -c Release -nologo -v quiet

# Started from the repository root: the default data directory (./data, relative to the current directory) is ./data here,
# as it is for `dotnet run --project src/Edge` from the same place.
echo "==> starting one node: http://${AKKACHAT_BIND}:${AKKACHAT_HTTP_PORT}/  (data in ${AKKACHAT_DATA_DIR:-$PWD/data}; Ctrl-C to stop)"
exec dotnet src/Edge/bin/Release/net10.0/AkkaChat.Edge.dll "$@"
