#!/usr/bin/env bash
# Runs a command next to a fake Okta: starts target/release/okta-fake on
# loopback, exports OKTA_FAKE_URL and OKTA_FAKE_TOKEN for the command, and
# stops the fake when the command ends, fails, or the user presses Ctrl-C.
#
# Usage: with-fake.sh [okta-fake flags...] -- command [args...]
#
# With --tls the fake serves HTTPS and its CA certificate's path is exported
# as OKTA_FAKE_CA. WITH_FAKE_PREFIX (default OKTA_FAKE) renames the exported
# variables, so two fakes can be nested (e.g. OKTA_FAKE_TLS_URL).
set -euo pipefail
prefix="${WITH_FAKE_PREFIX:-OKTA_FAKE}"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
fake_bin="${OKTA_FAKE_BIN:-$root/target/release/okta-fake}"
token="${OKTA_FAKE_TOKEN:-demo-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')}"

fake_args=()
tls=""
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  [ "$1" = "--tls" ] && tls=1
  fake_args+=("$1")
  shift
done
[ "${1:-}" = "--" ] && shift
[ $# -gt 0 ] || { echo "usage: $0 [fake flags] -- command" >&2; exit 2; }
[ -x "$fake_bin" ] || { echo "missing $fake_bin: run 'make build' first" >&2; exit 1; }

workdir="$(mktemp -d)"
fake_pid=""
cleanup() {
  # Stop only the fake this script started, by its pid.
  if [ -n "$fake_pid" ] && kill -0 "$fake_pid" 2>/dev/null; then
    kill "$fake_pid" 2>/dev/null || true
    wait "$fake_pid" 2>/dev/null || true
  fi
  rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkfifo "$workdir/out"
[ -n "$tls" ] && fake_args+=(--ca-out "$workdir/ca.pem")
"$fake_bin" --listen 127.0.0.1:0 --token "$token" "${fake_args[@]}" \
  >"$workdir/out" 2>"$workdir/err" &
fake_pid=$!

# The fake prints "listening on http://127.0.0.1:PORT" as its first line.
exec 3<"$workdir/out"
if ! read -r -t 15 first_line <&3; then
  echo "okta-fake did not start:" >&2
  cat "$workdir/err" >&2
  exit 1
fi
# Keep draining the fake's stdout so it never blocks on a full pipe.
cat <&3 >/dev/null &
exec 3<&-

url="${first_line#listening on }"
case "$url" in
  http://*|https://*) ;;
  *) echo "unexpected first line from okta-fake: $first_line" >&2; exit 1 ;;
esac

export "${prefix}_URL=$url" "${prefix}_TOKEN=$token"
[ -n "$tls" ] && export "${prefix}_CA=$workdir/ca.pem"
# Not exec: the EXIT trap must run after the command to stop the fake.
"$@"
