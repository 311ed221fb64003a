#!/bin/sh
# Builds the Go test target into test/gotarget/gotarget, offline (standard
# library only). Quick when the binary is newer than its sources; safe to run
# from several test processes at once (builds to a temporary name, then renames).
set -eu
cd "$(dirname "$0")"
out=gotarget
if [ -x "$out" ] && [ -z "$(find main.go go.mod -newer "$out" 2>/dev/null)" ]; then
  exit 0
fi
tmp="$out.tmp.$$"
trap 'rm -f "$tmp"' EXIT
GOFLAGS=-mod=mod GOPROXY=off CGO_ENABLED=0 go build -trimpath -o "$tmp" .
mv -f "$tmp" "$out"
