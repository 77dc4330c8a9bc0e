<?php

/**
 * @file
 * The SCIM endpoint under Okta-like parallel load, on a real Drupal site.
 *
 * Needs an installed Drupal 10.3+/11 site with the module (SCIM_BENCH_SITE:
 * its web root); this machine's package registries cannot install Drupal,
 * so `make bench` skips this part, loudly, without one. The site is served
 * by `php -S` with PHP_CLI_SERVER_WORKERS workers (stopped afterwards).
 *
 * Figures, each beside two baselines measured in the same run: the plain
 * Drupal account save (the storage a SCIM write cannot avoid) and the
 * request floor (the discovery document through the same route and token
 * check: what Drupal's bootstrap costs before any storage):
 *  - POST /Users (create), PATCH active=false, GET ?filter=userName eq:
 *    requests/s at the given concurrency, p50/p95 latency;
 *  - a race: CONCURRENCY creates of one userName at once must give exactly
 *    one 201 and 409s, and one account.
 * Writes target/bench/scim.json.
 */

declare(strict_types=1);

$root = dirname(__DIR__);
$web = getenv('SCIM_BENCH_SITE') ?: '';
$ext = getenv('OKTA_SYNC_EXT') ?: "$root/target/php/okta_sync.so";
$php = getenv('SCIM_BENCH_PHP') ?: PHP_BINARY;
$accounts = (int) (getenv('SCIM_BENCH_ACCOUNTS') ?: 20000);
$ops = (int) (getenv('SCIM_BENCH_OPS') ?: 400);
$concurrency = (int) (getenv('SCIM_BENCH_CONCURRENCY') ?: 8);

if ($web === '' || !is_file("$web/autoload.php")) {
  echo "\n*** SCIM endpoint bench SKIPPED: it needs an installed Drupal site. ***\n";
  echo "*** Set SCIM_BENCH_SITE=/path/to/drupal/web (see benches/README.md). ***\n";
  exit(0);
}

/**
 * Runs the site-side helper; its JSON answer.
 */
function site(string $php, string $ext, string $web, string $command, string $arg): array|int {
  $cmd = [$php, '-d', "extension=$ext", '-d', 'memory_limit=-1', __DIR__ . '/scim/site.php', $web, $command, $arg];
  $out = [];
  exec(implode(' ', array_map('escapeshellarg', $cmd)), $out, $rc);
  if ($rc !== 0) {
    throw new RuntimeException("site.php $command failed ($rc)");
  }
  $answer = json_decode((string) end($out), TRUE);
  return $answer ?? (int) end($out);
}

/**
 * Latency summary of a list of seconds.
 */
function summary(array $seconds, float $wall): array {
  sort($seconds);
  $at = fn (float $q): float => $seconds[(int) min(count($seconds) - 1, floor($q * count($seconds)))] * 1000;
  return [
    'n' => count($seconds),
    'per_s' => round(count($seconds) / max($wall, 1e-9), 1),
    'p50_ms' => round($at(0.50), 2),
    'p95_ms' => round($at(0.95), 2),
  ];
}

/**
 * Sends the requests CONCURRENCY at a time; statuses, latencies, wall.
 *
 * @param array $requests
 *   [method, path, body|null] each.
 */
function drive(string $base, string $token, array $requests, int $concurrency): array {
  $multi = curl_multi_init();
  $queue = $requests;
  $running = [];
  $statuses = [];
  $latencies = [];
  $bodies = [];
  $start = hrtime(TRUE);
  $add = function () use (&$queue, &$running, $multi, $base, $token): void {
    [$method, $path, $body] = array_shift($queue) + [2 => NULL];
    $h = curl_init($base . $path);
    curl_setopt_array($h, [
      CURLOPT_CUSTOMREQUEST => $method,
      CURLOPT_RETURNTRANSFER => TRUE,
      CURLOPT_HTTPHEADER => ["Authorization: Bearer $token", 'Content-Type: application/scim+json'],
      CURLOPT_POSTFIELDS => $body === NULL ? NULL : json_encode($body),
      CURLOPT_TIMEOUT => 120,
    ]);
    curl_multi_add_handle($multi, $h);
    $running[(int) $h] = [$h, hrtime(TRUE)];
  };
  while ($queue !== [] || $running !== []) {
    while ($queue !== [] && count($running) < $concurrency) {
      $add();
    }
    curl_multi_exec($multi, $active);
    curl_multi_select($multi, 0.05);
    while ($done = curl_multi_info_read($multi)) {
      $h = $done['handle'];
      [, $t] = $running[(int) $h];
      unset($running[(int) $h]);
      $latencies[] = (hrtime(TRUE) - $t) / 1e9;
      $statuses[] = (int) curl_getinfo($h, CURLINFO_RESPONSE_CODE);
      $bodies[] = (string) curl_multi_getcontent($h);
      curl_multi_remove_handle($multi, $h);
    }
  }
  curl_multi_close($multi);
  return ['statuses' => $statuses, 'latencies' => $latencies, 'bodies' => $bodies, 'wall' => (hrtime(TRUE) - $start) / 1e9];
}

fwrite(STDERR, "SCIM bench: preparing the site ($accounts accounts)...\n");
$prepared = site($php, $ext, $web, 'prepare', (string) $accounts);
$token = $prepared['token'];
$baseline = site($php, $ext, $web, 'baseline', (string) min($ops, 200));

$sock = stream_socket_server('tcp://127.0.0.1:0');
$port = (int) substr(strrchr((string) stream_socket_get_name($sock, FALSE), ':'), 1);
fclose($sock);
$server = proc_open(
  [$php, '-d', "extension=$ext", '-d', 'memory_limit=512M', '-S', "127.0.0.1:$port", '.ht.router.php'],
  [0 => ['file', '/dev/null', 'r'], 1 => ['file', '/dev/null', 'w'], 2 => ['file', '/dev/null', 'w']],
  $pipes,
  $web,
  ['PHP_CLI_SERVER_WORKERS' => (string) $concurrency] + getenv(),
);
$stop = function () use (&$server): void {
  if (is_resource($server)) {
    // Workers are children of the server process: stop the group.
    $pid = proc_get_status($server)['pid'];
    exec('pkill -TERM -P ' . (int) $pid);
    proc_terminate($server);
    proc_close($server);
  }
};
register_shutdown_function($stop);
$base = "http://127.0.0.1:$port/scim/v2";
for ($i = 0; $i < 100 && @file_get_contents("$base/ServiceProviderConfig", FALSE, stream_context_create(['http' => ['header' => "Authorization: Bearer $token", 'ignore_errors' => TRUE]])) === FALSE; $i++) {
  usleep(100000);
}

$stamp = bin2hex(random_bytes(4));
$user = fn (int $i): array => [
  'schemas' => ['urn:ietf:params:scim:schemas:core:2.0:User'],
  'userName' => "bench-scim-$stamp-$i@example.com",
  'name' => ['givenName' => 'Bench', 'familyName' => "User $i"],
  'emails' => [['primary' => TRUE, 'value' => "bench-scim-$stamp-$i@example.com", 'type' => 'work']],
  'externalId' => sprintf('00ubench%012d', $i),
  'active' => TRUE,
];
$results = [];
// The floor: a request Drupal serves through the same route, token check
// and engine, without storage (the discovery document).
$floor = drive($base, $token, array_fill(0, $ops, ['GET', '/ServiceProviderConfig']), $concurrency);
$results['floor_discovery'] = summary($floor['latencies'], $floor['wall']) + ['ok' => count(array_filter($floor['statuses'], fn ($s) => $s === 200))];
$creates = drive($base, $token, array_map(fn (int $i): array => ['POST', '/Users', $user($i)], range(0, $ops - 1)), $concurrency);
$results['create'] = summary($creates['latencies'], $creates['wall']) + ['ok' => count(array_filter($creates['statuses'], fn ($s) => $s === 201))];
$ids = array_values(array_filter(array_map(fn (string $b) => json_decode($b, TRUE)['id'] ?? NULL, $creates['bodies'])));
$off = ['schemas' => ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], 'Operations' => [['op' => 'replace', 'value' => ['active' => FALSE]]]];
$patches = drive($base, $token, array_map(fn (string $id): array => ['PATCH', "/Users/$id", $off], $ids), $concurrency);
$results['patch_active_false'] = summary($patches['latencies'], $patches['wall']) + ['ok' => count(array_filter($patches['statuses'], fn ($s) => $s === 200))];
$gets = drive($base, $token, array_map(fn (int $i): array => ['GET', '/Users?filter=' . rawurlencode('userName eq "bench-seed-' . ($i * 37 % max(1, $accounts)) . '@example.com"')], range(0, $ops - 1)), $concurrency);
$found = count(array_filter($gets['bodies'], fn (string $b) => (json_decode($b, TRUE)['totalResults'] ?? 0) === 1));
$results['get_filtered'] = summary($gets['latencies'], $gets['wall']) + ['ok' => $found];
$race = drive($base, $token, array_fill(0, $concurrency, ['POST', '/Users', $user(-1)]), $concurrency);
$counts = array_count_values($race['statuses']);
$results['same_user_race'] = [
  'requests' => $concurrency,
  'created_201' => $counts[201] ?? 0,
  'conflict_409' => $counts[409] ?? 0,
  'accounts' => NULL,
];
$stop();
// Count after the server is gone: one account, whatever the answers.
$results['same_user_race']['accounts'] = site($php, $ext, $web, 'count', "bench-scim-$stamp--1@example.com");

$plainCreate = summary($baseline['create'], array_sum($baseline['create']));
$plainBlock = summary($baseline['block'], array_sum($baseline['block']));
$report = [
  'accounts' => $accounts,
  'concurrency' => $concurrency,
  'baseline_plain_save' => ['create' => $plainCreate, 'block' => $plainBlock],
  'scim' => $results,
  'ratios' => [
    'create_p50_vs_plain_save' => round($results['create']['p50_ms'] / max($plainCreate['p50_ms'], 1e-3), 2),
    'patch_p50_vs_plain_block' => round($results['patch_active_false']['p50_ms'] / max($plainBlock['p50_ms'], 1e-3), 2),
    'create_throughput_vs_one_plain_saver' => round($results['create']['per_s'] / max($plainCreate['per_s'], 1e-3), 2),
    'create_throughput_vs_request_floor' => round($results['create']['per_s'] / max($results['floor_discovery']['per_s'], 1e-3), 2),
    'patch_throughput_vs_request_floor' => round($results['patch_active_false']['per_s'] / max($results['floor_discovery']['per_s'], 1e-3), 2),
    'get_throughput_vs_request_floor' => round($results['get_filtered']['per_s'] / max($results['floor_discovery']['per_s'], 1e-3), 2),
  ],
];

printf("\nSCIM endpoint, %d accounts, %d parallel requests (php -S workers)\n", $accounts, $concurrency);
printf("%-26s %8s %9s %9s %6s\n", 'operation', 'req/s', 'p50 ms', 'p95 ms', 'ok');
foreach (['floor_discovery' => 'floor: GET discovery', 'create' => 'POST /Users', 'patch_active_false' => 'PATCH active=false', 'get_filtered' => 'GET ?filter=userName eq'] as $key => $label) {
  $r = $results[$key];
  printf("%-26s %8.1f %9.2f %9.2f %6s\n", $label, $r['per_s'], $r['p50_ms'], $r['p95_ms'], $r['ok'] . '/' . $r['n']);
}
printf("%-26s %8.1f %9.2f %9.2f   (one process, entity API)\n", 'plain account create', $plainCreate['per_s'], $plainCreate['p50_ms'], $plainCreate['p95_ms']);
printf("%-26s %8.1f %9.2f %9.2f\n", 'plain account block', $plainBlock['per_s'], $plainBlock['p50_ms'], $plainBlock['p95_ms']);
printf("ratios: create p50 %.2fx a plain save, PATCH p50 %.2fx a plain block, create throughput %.2fx one plain saver\n",
  $report['ratios']['create_p50_vs_plain_save'], $report['ratios']['patch_p50_vs_plain_block'], $report['ratios']['create_throughput_vs_one_plain_saver']);
printf("vs the request floor (same route, token check, engine; no storage): create %.2fx, PATCH %.2fx, GET %.2fx its throughput\n",
  $report['ratios']['create_throughput_vs_request_floor'], $report['ratios']['patch_throughput_vs_request_floor'], $report['ratios']['get_throughput_vs_request_floor']);
printf("race: %d creates of one userName -> %d x 201, %d x 409, %d account(s)\n",
  $concurrency, $results['same_user_race']['created_201'], $results['same_user_race']['conflict_409'], $results['same_user_race']['accounts']);
@mkdir("$root/target/bench", 0777, TRUE);
file_put_contents("$root/target/bench/scim.json", json_encode($report, JSON_PRETTY_PRINT) . "\n");
echo "Wrote target/bench/scim.json\n";
$failed = $results['same_user_race']['created_201'] !== 1 || $results['same_user_race']['accounts'] !== 1
  || $results['create']['ok'] !== $ops || $results['patch_active_false']['ok'] !== count($ids) || $found !== $ops;
exit($failed ? 1 : 0);
