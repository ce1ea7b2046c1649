#!/usr/bin/env bash
# Restores, builds and runs every test suite; ends with one line "N passed, M failed".
# Extra arguments go to each `dotnet test` (e.g. --filter ...).
# The PostgreSQL tests use AKKACHAT_TEST_PG (an Npgsql connection string to a server where they may create and drop
# databases); when it is not set, this script installs Debian's postgresql package if it is missing (scripts/deps.sh),
# starts a throwaway PostgreSQL on 127.0.0.1 (scripts/pg.sh) and stops it at the end.
# The browser tests drive Debian's chromium (AKKACHAT_CHROMIUM, default /usr/bin/chromium), installed the same way when missing;
# the seed-003 page test needs npm (tests/Browser.Tests/Seed003/build-page.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

results="$(mktemp -d)"
pg_dir=""
cleanup() {
  if [ -n "$pg_dir" ]; then
    bash scripts/pg.sh stop "$pg_dir" || true
    rm -rf "$pg_dir"
  fi
  rm -rf "$results"
}
trap cleanup EXIT

if [ -z "${AKKACHAT_TEST_PG:-}" ]; then
  if ! ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
    echo "==> PostgreSQL is not installed: installing Debian's postgresql package (scripts/deps.sh)"
    if [ "$(id -u)" = "0" ]; then bash scripts/deps.sh postgresql; else sudo bash scripts/deps.sh postgresql; fi
  fi
  pg_dir="$(mktemp -d /tmp/akkachat-test-pg.XXXXXX)"
  pg_port="${AKKACHAT_TEST_PG_PORT:-15433}"
  echo "==> starting a throwaway PostgreSQL on 127.0.0.1:$pg_port"
  AKKACHAT_TEST_PG="$(bash scripts/pg.sh start "$pg_dir" "$pg_port")"
  export AKKACHAT_TEST_PG
fi

if [ ! -x "${AKKACHAT_CHROMIUM:-/usr/bin/chromium}" ]; then
  echo "==> Chromium is not installed: installing Debian's chromium package for the browser tests (scripts/deps.sh)"
  if [ "$(id -u)" = "0" ]; then bash scripts/deps.sh chromium; else sudo bash scripts/deps.sh chromium; fi
fi

echo "==> dotnet restore"
dotnet restore AkkaChat.sln -nologo -v quiet
command -v npm >/dev/null || { if [ "$(id -u)" = "0" ]; then bash scripts/deps.sh npm; else sudo bash scripts/deps.sh npm; fi; }
bash tests/Browser.Tests/Seed003/build-page.sh # the seed-003 page's client_message.js: npm ci and protoc when missing
echo "==> dotnet build (zero warnings: TreatWarningsAsErrors)"
dotnet build AkkaChat.sln -c Debug --no-restore -nologo -v quiet

status=0
for project in tests/*/*.Tests.csproj; do
  name="$(basename "$project" .csproj)"
  echo "==> dotnet test $project"
  if ! dotnet test "$project" -c Debug --no-build -nologo \
      --logger "trx;LogFileName=$results/$name.trx" --logger "console;verbosity=minimal" "$@"; then
    status=1
  fi
done

passed=0
failed=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
  p="$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  f="$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")"
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  echo "a test run failed without reporting a failed test (crash or build problem)"
  failed=1
fi
echo "${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
