<?php

declare(strict_types=1);

namespace OktaSyncBench;

/**
 * The bench of the module's own runs: push runs made as
 * drupal_module/src/BulkSync.php makes them (chunks of 200 through
 * okta_sync_users() with options.run, the default concurrency), each
 * measured against the rate-limit floor of the requests it needed (Floor)
 * and against the least number of requests the job needs.
 *
 * - first_sync: N new users at the bench's bucket sizes (x10, 20 s windows);
 * - one_worker / four_workers: the same N pushed by one process, then by
 *   four at once on the same token (FPM workers, cron, Drush);
 * - mixed_real: the mixed-org first sync (half of the users already in
 *   Okta, one in ten of those with a stale last name to update) at Okta's
 *   real per-minute limits, 60 s windows;
 * - memory: VmHWM of one call of 20k users and of 200-user chunks (no rate
 *   limits, no latency: memory, not time).
 *
 * Every scenario gets the token's default share of each bucket (50 %).
 * BENCH_MODULE_RUNS (comma-separated: first_sync, workers, mixed_real,
 * memory; default all) runs only some of them.
 */
final class ModuleRuns {

  /**
   * Okta's published Enterprise per-minute limits (REFERENCE.md §7).
   */
  private const REAL_PER_MINUTE = ['users' => 600, 'user_get' => 1000, 'user_write' => 600, 'groups' => 600, 'group' => 600, 'other' => 600];

  /**
   * In the mixed org, every this-many-th user already in Okta has a stale
   * last name: the run must update it (a needed request of the minimum).
   */
  private const STALE_EVERY = 10;

  /**
   * The scenarios BENCH_MODULE_RUNS selects (all when unset).
   *
   * @return string[]
   */
  private static function selected(): array {
    $all = ['first_sync', 'workers', 'mixed_real', 'memory'];
    $want = array_filter(array_map('trim', explode(',', (string) getenv('BENCH_MODULE_RUNS'))), 'strlen');
    if ($want === []) {
      return $all;
    }
    $unknown = array_diff($want, $all);
    if ($unknown !== []) {
      throw new \RuntimeException('BENCH_MODULE_RUNS: unknown ' . implode(', ', $unknown) . ' (known: ' . implode(', ', $all) . ')');
    }
    return array_values($want);
  }

  public static function run(array $cfg, callable $measure, FakeOkta $fake, string $ext, float $began): array {
    $share = $cfg['token_share_percent'];
    $latencyS = ($cfg['latency_ms'] + $cfg['jitter_ms'] / 2) / 1000;
    $shared = ['rate_limits' => ['token_share_percent' => $share]];
    $benchLimits = Report::limits($cfg);
    $out = [];
    $runs = self::selected();

    if (in_array('first_sync', $runs, TRUE)) {
      $first = $measure("module run: first sync, N={$cfg['module_n']}", 'module_push',
        ['n' => $cfg['module_n'], 'run' => 'm1'], [], $shared);
      $out['first_sync'] = self::figures($first, $cfg['module_n'], 0, 0, $benchLimits, $share, $cfg['window_s'], $latencyS);
    }

    if (in_array('workers', $runs, TRUE)) {
      $one = $measure("module run: one worker, N={$cfg['workers_n']}", 'module_push',
        ['n' => $cfg['workers_n'], 'run' => 'w1'], [], $shared);
      $out['one_worker'] = self::figures($one, $cfg['workers_n'], 0, 0, $benchLimits, $share, $cfg['window_s'], $latencyS);
      $four = self::workers(4, $cfg, $fake, $ext, $shared, $began);
      $out['four_workers'] = self::figures($four, $cfg['workers_n'], 0, 0, $benchLimits, $share, $cfg['window_s'], $latencyS);
      $out['four_workers']['throughput_vs_one'] = round($one['wall_s'] / max(0.001, $four['wall_s']), 3);
    }

    if (in_array('mixed_real', $runs, TRUE)) {
      $realCfg = ['per_minute' => self::REAL_PER_MINUTE, 'multiplier' => 1, 'window_s' => 60];
      $realLimits = Report::limits($realCfg);
      $seed = [];
      $stale = 0;
      for ($i = 0; $i < $cfg['real_n']; $i += 2) {
        $profile = Users::oktaProfile($i, 'mr');
        if (count($seed) % self::STALE_EVERY === 0) {
          $profile['lastName'] = 'Stale';
          $stale++;
        }
        $seed[] = ['profile' => $profile, 'status' => 'ACTIVE'];
      }
      $mixed = $measure("module run: mixed-org first sync at Okta's real limits, N={$cfg['real_n']}", 'module_push',
        ['n' => $cfg['real_n'], 'run' => 'mr'], $seed,
        ['rate_limits' => ['window_secs' => 60, 'token_share_percent' => $share] + $realLimits]);
      $out['mixed_real'] = self::figures($mixed, $cfg['real_n'], count($seed), $stale, $realLimits, $share, 60, $latencyS);
    }

    if (in_array('memory', $runs, TRUE)) {
      $out['memory'] = self::memory($measure, $benchLimits);
    }

    $targets = [];
    if (isset($out['first_sync'])) {
      $targets['first_sync requests per new user <= 1.05'] = $out['first_sync']['requests_per_new_user'] <= 1.05;
    }
    if (isset($out['mixed_real'])) {
      $targets['mixed org requests <= 1.1 x minimum'] = $out['mixed_real']['requests_vs_minimum'] <= 1.1;
      $targets['mixed org wall <= 1.05 x floor'] = $out['mixed_real']['wall_vs_floor'] <= 1.05;
    }
    if (isset($out['four_workers'])) {
      $targets['four workers 429s <= 0.1 %'] = $out['four_workers']['rate_limited_share'] <= 0.001;
      $targets['four workers throughput >= 0.95 x one'] = $out['four_workers']['throughput_vs_one'] >= 0.95;
    }
    $targets['nothing lost or duplicated'] = array_sum(array_map(fn($s) => ($s['lost'] ?? 0) + ($s['duplicates'] ?? 0), $out)) === 0;
    $out['targets'] = $targets;
    $out['targets_met'] = !in_array(FALSE, $targets, TRUE);
    return $out;
  }

  /**
   * VmHWM of one call of 20k users and of 20k in chunks of 200.
   */
  private static function memory(callable $measure, array $benchLimits): array {
    $free = ['latency_ms' => 0, 'jitter_ms' => 0, 'rate_limits' => array_map(fn() => 0, $benchLimits) + ['token_share_percent' => 100]];
    $oneCall = $measure('module run: memory, one call of 20000', 'module_push', ['n' => 20000, 'chunk' => 20000, 'run' => 'mem1'], [], $free);
    $chunks = $measure('module run: memory, 20000 in chunks of 200', 'module_push', ['n' => 20000, 'run' => 'mem2'], [], $free);
    return [
      'one_call_20k_vm_hwm_mib' => round(($oneCall['memory']['vm_hwm_bytes'] ?? 0) / 1048576, 1),
      'chunks_of_200_vm_hwm_mib' => round(($chunks['memory']['vm_hwm_bytes'] ?? 0) / 1048576, 1),
      'lost' => $oneCall['lost'] + $chunks['lost'],
    ];
  }

  /**
   * Runs $k module_push processes at once on one token, N/k users each.
   */
  private static function workers(int $k, array $cfg, FakeOkta $fake, string $ext, array $override, float $began): array {
    printf("[%5.0fs] module run: %d workers on one token, N=%d ...\n", microtime(TRUE) - $began, $k, $cfg['workers_n']);
    $fake->reset();
    $fake->knobs(array_replace_recursive(Report::knobs($cfg), $override));
    $per = intdiv($cfg['workers_n'], $k);
    $procs = [];
    $started = hrtime(TRUE);
    for ($w = 0; $w < $k; $w++) {
      $cmd = [PHP_BINARY, '-n', '-d', "extension=$ext", '-d', 'extension=curl', dirname(__DIR__) . '/scenario.php', 'module_push',
        'from=' . ($w * $per), "n=$per", 'run=w4'];
      $proc = proc_open($cmd, [1 => ['pipe', 'w'], 2 => STDERR], $pipes, NULL, array_replace(getenv(), $fake->env()));
      if (!is_resource($proc)) {
        throw new \RuntimeException('cannot start a worker');
      }
      $procs[] = [$proc, $pipes[1]];
    }
    $actions = [];
    $lost = 0;
    foreach ($procs as [$proc, $pipe]) {
      $out = (string) stream_get_contents($pipe);
      fclose($pipe);
      $code = proc_close($proc);
      $lines = array_values(array_filter(explode("\n", $out), 'strlen'));
      if ($code !== 0 || $lines === []) {
        throw new \RuntimeException("worker failed (exit $code): " . substr($out, -500));
      }
      $r = json_decode(end($lines), TRUE, 512, JSON_THROW_ON_ERROR);
      $lost += $r['lost'];
      foreach ($r['actions'] as $a => $n) {
        $actions[$a] = ($actions[$a] ?? 0) + $n;
      }
    }
    $wall = (hrtime(TRUE) - $started) / 1e9;
    $traffic = $fake->traffic();
    $traffic['okta_users'] = array_sum($fake->countByStatus());
    return ['n' => $per * $k, 'wall_s' => round($wall, 3), 'actions' => $actions, 'lost' => $lost, 'fake' => $traffic, 'concurrency' => 8 * $k];
  }

  /**
   * A run's figures against its floor and its minimum request count.
   */
  private static function figures(array $r, int $n, int $existing, int $staleExisting, array $limits, int $share, float $windowS, float $latencyS): array {
    $refused = $r['fake']['rate_limited'];
    $requests = $r['fake']['requests'] - $refused;
    $created = $r['actions']['created'] ?? 0;
    $perBucket = Floor::perBucket($r['fake']['by_route'], $refused);
    $floor = Floor::seconds($perBucket, Floor::share($limits, $share), $windowS, $latencyS, (int) ($r['concurrency'] ?? 8));
    // The least a job needs: one create per missing user, one listing of
    // the users already there (200 a page), and one update per existing
    // user whose profile is stale.
    $minimum = ($n - $existing) + (int) ceil($existing / 200) + $staleExisting;
    return [
      'n' => $n,
      'already_in_okta' => $existing,
      'needed_updates' => $staleExisting,
      'wall_s' => $r['wall_s'],
      'floor_s' => round($floor, 2),
      'wall_vs_floor' => round($r['wall_s'] / max(0.001, $floor), 3),
      'requests' => $requests,
      'minimum_requests' => $minimum,
      'requests_vs_minimum' => round($requests / max(1, $minimum), 3),
      'requests_per_user' => round($requests / max(1, $n), 3),
      'requests_per_new_user' => round($requests / max(1, $created), 3),
      'requests_by_bucket' => $perBucket,
      'rate_limited_429' => $refused,
      'rate_limited_share' => round($refused / max(1, $r['fake']['requests']), 5),
      'lost' => $r['lost'],
      'duplicates' => $r['fake']['okta_users'] - $n,
      'actions' => $r['actions'],
    ];
  }

  public static function print(array $m): void {
    echo "\nModule runs (chunks of 200 with options.run, concurrency 8, token share 50 %)\n";
    echo "minimum = creates of missing users + listing pages (200) of those in Okta + needed updates; req/new floor 1.0\n";
    printf("%-14s %6s %9s %8s %7s %9s %8s %7s %6s %7s %5s %5s\n", 'scenario', 'N', 'wall s', 'floor s', 'x floor', 'requests', 'minimum', 'x min', 'req/u', 'req/new', '429', 'lost');
    foreach (['first_sync', 'one_worker', 'four_workers', 'mixed_real'] as $k) {
      if (!isset($m[$k])) {
        continue;
      }
      $s = $m[$k];
      printf("%-14s %6d %9.1f %8.1f %7.3f %9d %8d %7.3f %6.3f %7.3f %5d %5d\n", $k, $s['n'], $s['wall_s'], $s['floor_s'], $s['wall_vs_floor'],
        $s['requests'], $s['minimum_requests'], $s['requests_vs_minimum'], $s['requests_per_user'], $s['requests_per_new_user'], $s['rate_limited_429'], $s['lost'] + $s['duplicates']);
    }
    if (isset($m['mixed_real'])) {
      $x = $m['mixed_real'];
      printf("mixed org: %d of %d already in Okta (%d stale, to update); %s\n", $x['already_in_okta'], $x['n'], $x['needed_updates'], json_encode($x['actions']));
    }
    if (isset($m['four_workers'])) {
      printf("four workers: throughput %.3f x one worker, %.3f %% 429s\n", $m['four_workers']['throughput_vs_one'], 100 * $m['four_workers']['rate_limited_share']);
    }
    if (isset($m['memory'])) {
      printf("memory: VmHWM %.1f MiB for one call of 20k users, %.1f MiB for 20k in chunks of 200\n", $m['memory']['one_call_20k_vm_hwm_mib'], $m['memory']['chunks_of_200_vm_hwm_mib']);
    }
    foreach ($m['targets'] as $what => $ok) {
      printf("  [%s] %s\n", $ok ? 'ok' : 'MISSED', $what);
    }
  }

}
