#!/usr/bin/env bash
# Builds out/client_message.js for the seed-003 test page (seed003.html): protoc's JavaScript code of
# src/Edge/Protocols/Seed003/client_message.proto (import_style=commonjs, for google-protobuf) bundled with the
# google-protobuf runtime by esbuild into one script that defines the page's proto.pb.* globals.
# protoc 3.18.1 comes from the Grpc.Tools 2.42.0 NuGet package (Browser.Tests.csproj downloads it at restore): the
# last protoc line with the JavaScript generator built in. The separate protoc-gen-js plugin's npm packages download
# their binary from outside the npm registry at install, which a build here must not do.
# Runs `npm ci` when node_modules is missing or older than package-lock.json. Safe to run repeatedly.
set -euo pipefail
cd "$(dirname "$0")"
repo="$(cd ../../.. && pwd)"
proto_dir="$repo/src/Edge/Protocols/Seed003"
protoc="${NUGET_PACKAGES:-$HOME/.nuget/packages}/grpc.tools/2.42.0/tools/linux_x64/protoc"

if [ ! -x "$protoc" ]; then
  echo "==> $protoc is missing: restoring tests/Browser.Tests (it downloads Grpc.Tools 2.42.0)"
  dotnet restore "$repo/tests/Browser.Tests/Browser.Tests.csproj" -nologo -v quiet
fi
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
  echo "==> npm ci (tests/Browser.Tests/Seed003)"
  npm ci --no-audit --no-fund --loglevel=error
  touch node_modules
fi
if [ -f out/client_message.js ] && [ out/client_message.js -nt "$proto_dir/client_message.proto" ] && [ out/client_message.js -nt package-lock.json ]; then
  exit 0
fi
echo "==> generating tests/Browser.Tests/Seed003/out/client_message.js"
rm -rf out/gen
mkdir -p out/gen
"$protoc" --proto_path="$proto_dir" --js_out=import_style=commonjs,binary:out/gen client_message.proto
node_modules/.bin/esbuild out/gen/client_message_pb.js --bundle --format=iife --log-level=warning --outfile=out/client_message.js
