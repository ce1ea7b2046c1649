#!/usr/bin/env bash
# Runs the Dockerfile's steps without a container engine, to check them where none runs:
#   1. copies exactly what the build stage COPYs into a fresh directory, then `dotnet restore` and
#      `dotnet publish -c Release --no-restore -o app` there, as the build stage does;
#   2. starts the published node the way the runtime stage does: the image's environment (AKKACHAT_DATA_DIR=a fresh
#      "/data" directory, AKKACHAT_BIND=0.0.0.0, ASPNETCORE_HTTP_PORTS cleared), as uid:gid 1654 (the image's `app`
#      user) when run as root, from the published directory;
#   3. runs the image's HEALTHCHECK command (deploy/healthcheck.sh) until it passes (bounded), and checks it fails
#      on a port where nothing listens;
#   4. stops the node with SIGTERM (docker stop) and reports its exit code.
# Not checked here: the base images themselves (pulling mcr.microsoft.com/dotnet/{sdk,aspnet}:10.0), VOLUME, EXPOSE,
# USER by name, and docker-compose.yml's networking. Ports: DOCKER_STEPS_HTTP_PORT [15620], DOCKER_STEPS_REMOTE_PORT
# [15621] (the image uses 8080 and 4053). DOCKER_STEPS_KEEP=1 keeps the work directory.
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
http_port="${DOCKER_STEPS_HTTP_PORT:-15620}"
remote_port="${DOCKER_STEPS_REMOTE_PORT:-15621}"
work="$(mktemp -d /tmp/akkachat-docker-steps.XXXXXX)"
chmod 0755 "$work" # the non-root node must reach app/, as in the image
node_pid=""
cleanup() {
  if [ -n "$node_pid" ] && kill -0 "$node_pid" 2>/dev/null; then kill -KILL "$node_pid" 2>/dev/null || true; fi
  if [ "${DOCKER_STEPS_KEEP:-0}" = 1 ]; then echo "==> kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

echo "==> build stage: the Dockerfile's COPY sources into $work/src"
mkdir -p "$work/src/src"
cp global.json Directory.Build.props Directory.Packages.props .editorconfig "$work/src/"
cp -r hocon "$work/src/hocon"
for project in Core Persistence Edge; do
  (cd src && tar --exclude=bin --exclude=obj -cf - "$project") | (cd "$work/src/src" && tar -xf -)
done
echo "==> dotnet restore src/Edge/Edge.csproj"
(cd "$work/src" && dotnet restore src/Edge/Edge.csproj -v quiet)
echo "==> dotnet publish src/Edge/Edge.csproj -c Release --no-restore -nologo -o $work/app"
(cd "$work/src" && dotnet publish src/Edge/Edge.csproj -c Release --no-restore -nologo -v quiet -o "$work/app")
cp deploy/healthcheck.sh "$work/app/healthcheck.sh"
for f in AkkaChat.Edge.dll hocon/akkachat.conf wwwroot/index.html; do
  [ -f "$work/app/$f" ] || { echo "the published app lacks $f" >&2; exit 1; }
done

echo "==> runtime stage: /data as $work/data, the image's environment"
mkdir -p "$work/data" "$work/home"
as_app=()
if [ "$(id -u)" = 0 ]; then
  chown 1654:1654 "$work/data" "$work/home"
  chmod 0750 "$work/data"
  as_app=(setpriv --reuid=1654 --regid=1654 --clear-groups)
  echo "    running as uid 1654 (the image's non-root user)"
fi
image_env=(AKKACHAT_DATA_DIR="$work/data" AKKACHAT_BIND=0.0.0.0 AKKACHAT_HTTP_PORT="$http_port" AKKACHAT_REMOTE_PORT="$remote_port"
  ASPNETCORE_HTTP_PORTS= HOME="$work/home")

echo "==> HEALTHCHECK before the node starts (must fail)"
if env "${image_env[@]}" bash deploy/healthcheck.sh 2>/dev/null; then echo "the health check passed with no node running" >&2; exit 1; fi
echo "    failed, as it should"

echo "==> ENTRYPOINT dotnet AkkaChat.Edge.dll (log $work/node.log)"
(cd "$work/app" && exec env "${image_env[@]}" "${as_app[@]}" dotnet AkkaChat.Edge.dll) >"$work/node.log" 2>&1 &
node_pid=$!
deadline=$((SECONDS + 180))
until env "${image_env[@]}" bash "$work/app/healthcheck.sh" 2>/dev/null; do
  kill -0 "$node_pid" 2>/dev/null || { echo "the node exited; its log:" >&2; tail -n 30 "$work/node.log" >&2; exit 1; }
  [ "$SECONDS" -lt "$deadline" ] || { echo "not healthy within 180 s; log: $work/node.log" >&2; DOCKER_STEPS_KEEP=1; exit 1; }
  sleep 1
done
echo "    HEALTHCHECK passed: GET /readyz answered 200"
echo "    data directory: $(ls "$work/data" | tr '\n' ' ')(owner $(stat -c %u "$work/data/secret.key" 2>/dev/null || echo '?'))"

echo "==> docker stop: SIGTERM"
kill -TERM "$node_pid"
status=0
wait "$node_pid" || status=$?
node_pid=""
echo "    the node exited with $status"
[ "$status" = 0 ] || { tail -n 20 "$work/node.log" >&2; exit 1; }
echo "==> the Dockerfile's build and start steps work (base images, VOLUME, EXPOSE and compose not checked)"
