<?php

declare(strict_types=1);

/**
 * @file
 * Fault-injection soak (part of `make bench`, never of `make test`).
 *
 * A few thousand users are bulk-pushed the way the Drupal module does it
 * (okta_sync_users() over chunks of 200, each outcome recorded before the
 * next chunk, as the module's status table does) while the fake Okta
 * injects a mix of failures: 5xx before and after applying the request,
 * connection resets, mangled success bodies after a create committed,
 * 429s, and slow answers past the request timeout. The first run is killed
 * with SIGKILL mid-way; then runs are repeated, with the faults still on,
 * until every user is in sync; a last run without faults checks the record.
 *
 * It prints, and exits non-zero unless all are 0:
 *  - lost: Drupal users without an Okta user at the end;
 *  - duplicated: Okta users beyond one per Drupal user, and Okta ids
 *    recorded for more than one Drupal user;
 *  - wrongly reported: outcomes that are final failures under transient
 *    faults, successes naming an Okta id that is not the user's, and users
 *    the fault-free check does not find unchanged;
 * and the time the reruns took to converge.
 *
 * Usage (through benches/lib/with-fake.sh): php soak.php
 * Child mode (internal): php soak.php worker JOURNAL FIRST LAST
 */

use OktaSyncBench\FakeOkta;
use OktaSyncBench\Users;

require __DIR__ . '/lib/FakeOkta.php';
require __DIR__ . '/lib/Users.php';

const RUN = 'soak';
const CHUNK = 200;

/**
 * The extension settings of every run.
 */
function soak_settings(FakeOkta $fake): array {
  return $fake->settings(Users::provisioning() + [
    'request_timeout' => 1.5,
    'connect_timeout' => 1.0,
    'max_retries' => 2,
    'deadline' => 60,
  ]);
}

/**
 * What the "status table" (the journal) says of each uid: the last outcome.
 *
 * @return array<int, array>
 */
function soak_records(string $journal): array {
  $records = [];
  $lines = is_file($journal) ? file($journal, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) : [];
  foreach ($lines as $line) {
    // A worker killed mid-write leaves at most one torn last line.
    $outcome = json_decode($line, TRUE);
    if (is_array($outcome) && isset($outcome['uid'])) {
      $records[(int) $outcome['uid']] = $outcome;
    }
  }
  return $records;
}

/**
 * The snapshot of user $i with what the journal knows (as the module adds
 * okta_id, profile_hash and okta_status from its status row).
 */
function soak_snapshot(int $i, array $records): array {
  $snapshot = Users::snapshot($i, RUN);
  $record = $records[$snapshot['uid']] ?? NULL;
  if (is_array($record) && ($record['action'] ?? '') !== 'failed') {
    foreach (['okta_id', 'profile_hash', 'okta_status'] as $key) {
      if (is_string($record[$key] ?? NULL) && $record[$key] !== '') {
        $snapshot[$key] = $record[$key];
      }
    }
  }
  return $snapshot;
}

/**
 * Child: pushes users FIRST..LAST-1 in chunks, appending each outcome.
 */
function soak_worker(string $journal, int $first, int $last, FakeOkta $fake): void {
  $settings = soak_settings($fake);
  $out = fopen($journal, 'a');
  for ($start = $first; $start < $last; $start += CHUNK) {
    $records = soak_records($journal);
    $snapshots = [];
    for ($i = $start; $i < min($last, $start + CHUNK); $i++) {
      $snapshots[] = soak_snapshot($i, $records);
    }
    $result = okta_sync_users($settings, $snapshots, ['method' => 'manual', 'concurrency' => 8]);
    foreach ($result['outcomes'] as $outcome) {
      unset($outcome['groups_added'], $outcome['groups_removed']);
      fwrite($out, json_encode($outcome, JSON_THROW_ON_ERROR) . "\n");
    }
    fflush($out);
  }
  fclose($out);
}

/**
 * Starts a worker process; returns [process, pipes].
 */
function soak_spawn(string $journal, int $first, int $last): array {
  $cmd = [PHP_BINARY, '-n', '-d', 'extension=' . getenv('OKTA_SYNC_EXT'), __FILE__, 'worker', $journal, (string) $first, (string) $last];
  $proc = proc_open($cmd, [1 => STDOUT, 2 => STDERR], $pipes);
  if (!is_resource($proc)) {
    throw new RuntimeException('cannot start a soak worker');
  }
  return [$proc, $pipes];
}

/**
 * Runs a worker to the end; fails loudly if it did not exit cleanly.
 */
function soak_run(string $journal, int $n): void {
  [$proc] = soak_spawn($journal, 0, $n);
  $code = proc_close($proc);
  if ($code !== 0) {
    throw new RuntimeException("soak worker exited with $code");
  }
}

/**
 * Users whose last recorded outcome is not a success.
 */
function soak_pending(array $records, int $n): int {
  $pending = 0;
  for ($i = 0; $i < $n; $i++) {
    $action = $records[1000 + $i]['action'] ?? 'none';
    if (in_array($action, ['failed', 'skipped', 'none'], TRUE)) {
      $pending++;
    }
  }
  return $pending;
}

if (($argv[1] ?? '') === 'worker') {
  soak_worker($argv[2], (int) $argv[3], (int) $argv[4], FakeOkta::fromEnv());
  exit(0);
}

$n = (int) (getenv('BENCH_SOAK_N') ?: 3000);
$fake = FakeOkta::fromEnv();
$fake->reset();
$fake->knobs([
  'latency_ms' => 5,
  'jitter_ms' => 10,
  // Okta's per-minute limits x10 counted over 5 s windows: the soak is about
  // faults, not windows, and an injected 429 closes its bucket only until
  // the window's reset (a few seconds, not up to a minute).
  'rate_limits' => ['window_secs' => 5, 'users' => 500, 'user_get' => 1666, 'user_write' => 500, 'groups' => 416, 'group' => 833, 'other' => 1000],
  'faults' => [
    ['status' => 500, 'rate' => 0.02],
    ['status' => 503, 'rate' => 0.02, 'phase' => 'after'],
    ['kind' => 'reset', 'rate' => 0.01],
    ['kind' => 'malformed', 'phase' => 'after', 'rate' => 0.03, 'method' => 'POST', 'path_prefix' => '/api/v1/users'],
    ['kind' => 'malformed', 'rate' => 0.01, 'method' => 'GET'],
    ['status' => 429, 'rate' => 0.005],
    ['kind' => 'timeout', 'delay_ms' => 2500, 'rate' => 0.005],
  ],
]);
$journal = tempnam(sys_get_temp_dir(), 'okta-soak');
register_shutdown_function(fn() => @unlink($journal));
$began = microtime(TRUE);

// 1. The first run, killed with SIGKILL once about a third is recorded.
printf("soak: %d users, chunks of %d, mixed faults; killing the first run mid-way\n", $n, CHUNK);
[$proc] = soak_spawn($journal, 0, $n);
$killAt = intdiv($n, 3);
$killed = FALSE;
while (proc_get_status($proc)['running']) {
  if (count(soak_records($journal)) >= $killAt) {
    proc_terminate($proc, 9);
    $killed = TRUE;
    break;
  }
  usleep(100000);
}
proc_close($proc);
$recordedAtKill = count(soak_records($journal));
printf("soak: first run %s with %d of %d users recorded (%.1f s)\n", $killed ? 'killed' : 'ended', $recordedAtKill, $n, microtime(TRUE) - $began);

// 2. Reruns with the faults on, until everyone is in sync.
$convergeStart = microtime(TRUE);
$passes = 0;
do {
  soak_run($journal, $n);
  $passes++;
  $pending = soak_pending(soak_records($journal), $n);
  printf("soak: rerun %d: %d users not yet in sync\n", $passes, $pending);
} while ($pending > 0 && $passes < 10);
$converge = microtime(TRUE) - $convergeStart;

// Every outcome ever recorded: none may be final under transient faults.
$final = 0;
foreach (file($journal, FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES) as $line) {
  $o = json_decode($line, TRUE);
  if (is_array($o) && ($o['action'] ?? '') === 'failed' && empty($o['error']['retryable'])) {
    $final++;
    if ($final <= 5) {
      echo "soak: final failure: ", json_encode($o['error']), "\n";
    }
  }
}

// 3. Okta's side, counted in the fake, against the record.
$fake->knobs(['faults' => NULL]);
$records = soak_records($journal);
$byLogin = [];
foreach ($fake->state()['users'] as $user) {
  $byLogin[strtolower((string) $user['profile']['login'])][] = (string) $user['id'];
}
$lost = 0;
$duplicated = 0;
$wrongId = 0;
$claimed = [];
for ($i = 0; $i < $n; $i++) {
  $snapshot = Users::snapshot($i, RUN);
  $ids = $byLogin[strtolower($snapshot['mail'])] ?? [];
  unset($byLogin[strtolower($snapshot['mail'])]);
  if ($ids === []) {
    $lost++;
    continue;
  }
  $duplicated += count($ids) - 1;
  $recorded = $records[$snapshot['uid']]['okta_id'] ?? NULL;
  if ($recorded !== $ids[0]) {
    $wrongId++;
  }
  $claimed[(string) $recorded] = ($claimed[(string) $recorded] ?? 0) + 1;
}
// Okta users no Drupal user accounts for, and ids recorded twice.
$duplicated += count($byLogin);
foreach ($claimed as $count) {
  $duplicated += $count - 1;
}

// 4. Fault-free check: with the record as the module keeps it, a reconcile
// must find every user unchanged.
$snapshots = [];
for ($i = 0; $i < $n; $i++) {
  $snapshots[] = soak_snapshot($i, $records);
}
$check = okta_sync_users(soak_settings($fake), $snapshots, ['mode' => 'reconcile', 'dry_run' => TRUE]);
$notUnchanged = 0;
foreach ($check['outcomes'] as $o) {
  if (($o['action'] ?? '') !== 'unchanged' && !(($o['action'] ?? '') === 'planned' && ($o['reason'] ?? '') === 'nothing to do')) {
    $notUnchanged++;
  }
}
$wrong = $final + $wrongId + $notUnchanged;

printf("\n%-44s %s\n", 'soak measure', 'value');
printf("%-44s %d\n", 'users', $n);
printf("%-44s %s\n", 'first run killed (SIGKILL) after recording', $killed ? "$recordedAtKill users" : 'not killed (ended first)');
printf("%-44s %d\n", 'reruns to converge (faults on)', $passes);
printf("%-44s %.1f s\n", 'time to converge', $converge);
printf("%-44s %d\n", 'lost', $lost);
printf("%-44s %d\n", 'duplicated', $duplicated);
printf("%-44s %d (final failures %d, wrong ids %d, not in sync %d)\n", 'wrongly reported', $wrong, $final, $wrongId, $notUnchanged);

$results = [
  'users' => $n,
  'killed' => $killed,
  'recorded_at_kill' => $recordedAtKill,
  'reruns' => $passes,
  'converge_s' => round($converge, 1),
  'lost' => $lost,
  'duplicated' => $duplicated,
  'wrongly_reported' => $wrong,
  'final_failures' => $final,
  'wrong_ids' => $wrongId,
  'not_in_sync' => $notUnchanged,
];
$dir = dirname(__DIR__) . '/target/bench';
@mkdir($dir, 0777, TRUE);
file_put_contents("$dir/soak.json", json_encode($results, JSON_PRETTY_PRINT | JSON_THROW_ON_ERROR) . "\n");
echo "Wrote target/bench/soak.json\n";
exit(($lost + $duplicated + $wrong === 0 && $pending === 0 && $killed) ? 0 : 1);
