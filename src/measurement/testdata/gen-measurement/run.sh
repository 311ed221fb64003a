#!/bin/sh
# Regenerates ../measurement.jsonl by running main.go against the measurement
# package that Go's own `go tool pprof` uses: the copy vendored in the Go 1.19
# toolchain (pprof a41b82acbcb1). That package is internal, so main.go is
# built inside a temporary copy of the vendored module.
#
#   sh src/measurement/testdata/gen-measurement/run.sh
set -eu
here=$(cd "$(dirname "$0")" && pwd)
vendored="$(go env GOROOT)/src/cmd/vendor/github.com/google/pprof"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$vendored" "$tmp/pprof"
printf 'module github.com/google/pprof\n\ngo 1.19\n' >"$tmp/pprof/go.mod"
mkdir "$tmp/pprof/gopprofgen"
cp "$here/main.go" "$tmp/pprof/gopprofgen/main.go"
(cd "$tmp/pprof" && GOFLAGS=-mod=mod GOPROXY=off GOWORK=off go run ./gopprofgen) >"$here/../measurement.jsonl"
go version >&2
grep -m1 'google/pprof' "$(go env GOROOT)/src/cmd/vendor/modules.txt" >&2
wc -c "$here/../measurement.jsonl" >&2
