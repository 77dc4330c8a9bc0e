#!/usr/bin/env bash
# `make demo`: starts the fake Okta with realistic latency (50-100 ms a
# request), runs demo.php through the freshly built extension, and stops the
# fake afterwards (also on failure and on Ctrl-C; see with-fake.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
php="${PHP:-php}"
ext="${OKTA_SYNC_EXT:-$root/target/release/libokta_sync.so}"
[ -f "$ext" ] || { echo "missing $ext: run 'make build' first" >&2; exit 1; }

# The OAuth step signs in as an API Services app with this test key pair
# (public half registered with the fake; see demo.php step 1b).
"$root/benches/lib/with-fake.sh" --latency-ms 50 --jitter-ms 50 \
  --oauth-client "0oademodpop000000001=$root/tests/fixtures/client_test_oauth_key.pub.pem" -- \
  "$php" -n -d extension="$ext" "$root/examples/demo/demo.php"
