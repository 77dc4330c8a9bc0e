#!/usr/bin/env bash
# `make bench`: the extension against the plain PHP + curl baseline on one
# fake Okta (stopped afterwards, also on failure and Ctrl-C). Prints a table
# and writes target/bench/results.json. Takes a few minutes; never part of
# `make test`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
php="${PHP:-php}"
ext="${OKTA_SYNC_EXT:-$root/target/release/libokta_sync.so}"
[ -f "$ext" ] || { echo "missing $ext: run 'make build' first" >&2; exit 1; }
"$php" -n -d extension=curl -r 'exit(function_exists("curl_init") ? 0 : 1);' 2>/dev/null \
  || { echo "the baseline needs PHP's curl extension (php8.2-curl)" >&2; exit 1; }

export OKTA_SYNC_EXT="$ext"
# Two fakes: plain HTTP for most scenarios, and an HTTPS one (exported as
# OKTA_FAKE_TLS_*) for the per-event run over TLS.
lib="$root/benches/lib"
status=0
if [ -z "${BENCH_SOAK_ONLY:-}" ]; then
  "$lib/with-fake.sh" --latency-ms 50 --jitter-ms 50 -- \
    env WITH_FAKE_PREFIX=OKTA_FAKE_TLS "$lib/with-fake.sh" --tls -- \
    "$php" -n -d memory_limit=-1 "$root/benches/bench.php" || status=$?
fi
# The fault-injection soak, on a fake of its own (lost / duplicated / wrongly
# reported must all be 0). BENCH_SOAK_ONLY=1 runs just this part.
"$lib/with-fake.sh" -- "$php" -n -d memory_limit=-1 -d "extension=$ext" "$root/benches/soak.php" || status=$?
# The SCIM endpoint on a real Drupal site (SCIM_BENCH_SITE=/path/to/web;
# skipped, loudly, without one: Drupal cannot be installed from this
# machine's registries). Writes target/bench/scim.json.
OKTA_SYNC_EXT="${OKTA_SYNC_EXT}" "$php" -n -d extension=curl "$root/benches/scim.php" || status=$?
exit $status
