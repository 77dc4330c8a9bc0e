<?php

declare(strict_types=1);

namespace OktaSyncBench;

/**
 * Turns the scenario results into the bench report: ratios, targets, a
 * printed table, and the array written to target/bench/results.json.
 */
final class Report {

  /**
   * The fake's knobs for every scenario: latency, rate limits, concurrency.
   */
  public static function knobs(array $cfg): array {
    return [
      'latency_ms' => $cfg['latency_ms'],
      'jitter_ms' => $cfg['jitter_ms'],
      'rate_limits' => ['window_secs' => $cfg['window_s']] + self::limits($cfg),
      'concurrency_limit' => $cfg['concurrency_limit'],
    ];
  }

  /**
   * Requests allowed per window and bucket: Okta's per-minute figures times
   * the multiplier, pro rata for the window.
   *
   * @return array<string, int>
   */
  public static function limits(array $cfg): array {
    return array_map(fn(int $perMinute): int => (int) round($perMinute * $cfg['multiplier'] * $cfg['window_s'] / 60), $cfg['per_minute']);
  }

  /**
   * Creates per second the 'users' bucket allows (independent of the window).
   */
  public static function allowedCreateRate(array $cfg): float {
    return $cfg['per_minute']['users'] * $cfg['multiplier'] / 60;
  }

  /**
   * The bulk-create section: the extension's run, the baseline's sample
   * (extrapolated to N) and the extension with short windows.
   */
  public static function bulk(array $cfg, array $bulkExt, array $bulkNaive, array $bulkShort): array {
    $allowedRate = self::allowedCreateRate($cfg);
    $n = $cfg['bulk_n'];
    $ideal = $n / $allowedRate;
    $scale = $n / max(1, $bulkNaive['n']);
    $naiveWall = $bulkNaive['wall_s'] * $scale;
    $bulk = [
      'n' => $n,
      'allowed_create_rate_per_s' => $allowedRate,
      'ideal_wall_s' => round($ideal, 2),
      'extension' => [
        'wall_s' => $bulkExt['wall_s'],
        'requests' => $bulkExt['fake']['requests'],
        'rate_limited_429' => $bulkExt['fake']['rate_limited'],
        'requests_per_new_user' => self::perNewUser($bulkExt),
        'efficiency' => round($ideal / max(0.001, $bulkExt['wall_s']), 3),
        'lost' => $bulkExt['lost'],
        'okta_users_after' => $bulkExt['fake']['okta_users'],
        'actions' => $bulkExt['actions'],
        'concurrency_option' => $cfg['bulk_concurrency'],
      ],
      'baseline' => [
        'note' => sprintf('run on the first %d users, extrapolated x%.1f to N', $bulkNaive['n'], $scale),
        'sample_wall_s' => $bulkNaive['wall_s'],
        'wall_s' => round($naiveWall, 1),
        'requests' => (int) round($bulkNaive['fake']['requests'] * $scale),
        'rate_limited_429' => (int) round($bulkNaive['fake']['rate_limited'] * $scale),
        'requests_per_new_user' => self::perNewUser($bulkNaive),
        'efficiency' => round($ideal / max(0.001, $naiveWall), 3),
        'lost_in_sample' => $bulkNaive['lost'],
      ],
      'speedup' => round($naiveWall / max(0.001, $bulkExt['wall_s']), 1),
      'extension_short_windows' => [
        'window_s' => $cfg['short_window_s'],
        'wall_s' => $bulkShort['wall_s'],
        'requests' => $bulkShort['fake']['requests'],
        'rate_limited_429' => $bulkShort['fake']['rate_limited'],
        'efficiency' => round($ideal / max(0.001, $bulkShort['wall_s']), 3),
        'lost' => $bulkShort['lost'],
      ],
    ];
    return $bulk;
  }

  /**
   * Requests per user created, 429s apart (a refused request is not work the
   * job needed; they are reported on their own). The floor is 1.0: one
   * create per new user and no lookup at all.
   */
  public static function perNewUser(array $run): float {
    $created = $run['actions']['created'] ?? 0;
    return round(($run['fake']['requests'] - $run['fake']['rate_limited']) / max(1, $created), 3);
  }

  /**
   * The bulk-create targets: [label, value, met].
   */
  public static function bulkTargets(array $bulk): array {
    $n = $bulk['n'];
    return [
      ['bulk create efficiency >= 0.9', $bulk['extension']['efficiency'], $bulk['extension']['efficiency'] >= 0.9],
      ['bulk create requests per new user <= 1.05', $bulk['extension']['requests_per_new_user'], $bulk['extension']['requests_per_new_user'] <= 1.05],
      ['bulk create: zero users lost', $bulk['extension']['lost'], $bulk['extension']['lost'] === 0],
      ['bulk create: Okta holds exactly N users', $bulk['extension']['okta_users_after'], $bulk['extension']['okta_users_after'] === $n],
    ];
  }

  /**
   * Builds the report from the raw scenario results.
   */
  public static function build(array $cfg, array $bulkExt, array $bulkNaive, array $bulkShort, array $recExt, array $recNaive, array $events, array $bulkSmall): array {
    $bulk = self::bulk($cfg, $bulkExt, $bulkNaive, $bulkShort);

    $rn = $cfg['reconcile_n'];
    $drift = intdiv($rn - 1, $cfg['drift_every']) + 1;
    $rscale = $rn / max(1, $recNaive['users_run']);
    $recNaiveWall = $recNaive['wall_s'] * $rscale;
    $reconcile = [
      'n' => $rn,
      'drift' => $drift,
      'call_target' => intdiv($rn, 200) + $drift + 5,
      'extension' => [
        'wall_s' => $recExt['wall_s'],
        'api_calls' => $recExt['fake']['requests'],
        'rate_limited_429' => $recExt['fake']['rate_limited'],
        'actions' => $recExt['actions'],
        'by_route' => $recExt['fake']['by_route'],
        'guard' => $recExt['guard'] ?? NULL,
      ],
      'baseline' => [
        'note' => sprintf('run on the first %d users, extrapolated x%.0f to N', $recNaive['users_run'], $rscale),
        'sample_wall_s' => $recNaive['wall_s'],
        'sample_api_calls' => $recNaive['fake']['requests'],
        'api_calls' => (int) round($recNaive['fake']['requests'] * $rscale),
        'wall_s' => round($recNaiveWall, 1),
      ],
      'wall_ratio' => round($recNaiveWall / max(0.001, $recExt['wall_s']), 1),
    ];
    $reconcile['call_ratio'] = round($reconcile['baseline']['api_calls'] / max(1, $reconcile['extension']['api_calls']), 1);

    $perEvent = [];
    $impls = ['ext' => 'extension', 'naive' => 'baseline_fresh_handle', 'naive_reuse' => 'baseline_reused_handle'];
    foreach (['' => 'with_latency', '_0ms' => 'zero_latency', '_tls' => 'https_zero_latency'] as $suffix => $variant) {
      if (!isset($events['ext' . $suffix])) {
        continue;
      }
      foreach (['insert', 'update'] as $phase) {
        $row = [];
        foreach ($impls as $impl => $key) {
          $row[$key] = $events[$impl . $suffix]['phases'][$phase];
        }
        $row['ratio_fresh_handle'] = round($row['baseline_fresh_handle']['mean_ms'] / max(0.001, $row['extension']['mean_ms']), 2);
        $row['ratio_reused_handle'] = round($row['baseline_reused_handle']['mean_ms'] / max(0.001, $row['extension']['mean_ms']), 2);
        $perEvent[$variant][$phase] = $row;
      }
    }
    foreach ($impls as $impl => $key) {
      $perEvent['requests_per_event'][$key] = round($events[$impl]['fake']['requests'] / max(1, 2 * $events[$impl]['n']), 2);
    }

    $memory = [];
    foreach ([$bulkSmall, $bulkExt] as $run) {
      $memory[] = ['n' => $run['n']] + $run['memory'];
    }

    $targets = [
      ...self::bulkTargets($bulk),
      ["reconcile API calls <= {$reconcile['call_target']}", $reconcile['extension']['api_calls'], $reconcile['extension']['api_calls'] <= $reconcile['call_target']],
      ['reconcile: drifted users updated, others unchanged', $recExt['actions'], ($recExt['actions']['updated'] ?? 0) === $drift && ($recExt['actions']['unchanged'] ?? 0) === $rn - $drift],
      ['baseline reconcile API calls >= 2N', $reconcile['baseline']['api_calls'], $reconcile['baseline']['api_calls'] >= 2 * $rn],
    ];
    return [
      'generated_at' => gmdate('c'),
      'config' => $cfg,
      'bulk_create' => $bulk,
      'reconcile' => $reconcile,
      'per_event_latency' => $perEvent,
      'peak_memory' => $memory,
      'targets' => array_map(fn($t) => ['target' => $t[0], 'value' => $t[1], 'met' => $t[2]], $targets),
      'all_targets_met' => !in_array(FALSE, array_column($targets, 2), TRUE),
      'raw' => compact('bulkExt', 'bulkNaive', 'bulkShort', 'recExt', 'recNaive', 'events', 'bulkSmall'),
    ];
  }

  /**
   * Prints the bulk-create section (also alone, for BENCH_ONLY=bulk).
   */
  public static function printBulk(array $b): void {
    $row = fn(string $metric, mixed $ext, mixed $base, string $ratio = '') => printf("  %-34s %18s %24s %8s\n", $metric, $ext, $base, $ratio);
    printf("Bulk create, N=%d (allowed %.0f creates/s, ideal %.1f s)\n", $b['n'], $b['allowed_create_rate_per_s'], $b['ideal_wall_s']);
    $row('wall time (s)', $b['extension']['wall_s'], $b['baseline']['wall_s'] . '*', $b['speedup'] . 'x');
    $row('requests', $b['extension']['requests'], $b['baseline']['requests'] . '*');
    // The floor is one create per new user; the ratio column is the
    // extension's figure against it.
    $row('requests per new user (floor 1.0)', sprintf('%.3f', $b['extension']['requests_per_new_user']), sprintf('%.3f*', $b['baseline']['requests_per_new_user']), sprintf('%.3fx', $b['extension']['requests_per_new_user'] / 1.0));
    $row('429 responses', $b['extension']['rate_limited_429'], $b['baseline']['rate_limited_429'] . '*');
    $row('efficiency (target >= 0.9)', $b['extension']['efficiency'], $b['baseline']['efficiency'] . '*');
    $row('users lost', $b['extension']['lost'], $b['baseline']['lost_in_sample'] . ' (sample)');
    $row('users in Okta afterwards', $b['extension']['okta_users_after'], '');
    $row("same, {$b['extension_short_windows']['window_s']} s windows: wall (s)", $b['extension_short_windows']['wall_s'], '', '');
    $row("same, {$b['extension_short_windows']['window_s']} s windows: efficiency", $b['extension_short_windows']['efficiency'], '', '');
    echo "  * baseline {$b['baseline']['note']}\n";
  }

  /**
   * Prints the report as a table.
   */
  public static function print(array $r): void {
    $b = $r['bulk_create'];
    $c = $r['reconcile'];
    $e = $r['per_event_latency'];
    $row = fn(string $metric, mixed $ext, mixed $base, string $ratio = '') => printf("  %-34s %18s %24s %8s\n", $metric, $ext, $base, $ratio);
    $mib = fn(?int $bytes): string => $bytes === NULL ? 'n/a' : sprintf('%.1f MiB', $bytes / 1048576);

    $cfg = $r['config'];
    printf("\nFake Okta: %d-%d ms per request; Okta's per-minute limits x%d, counted per %d s window; concurrency cap %d.\n",
      $cfg['latency_ms'], $cfg['latency_ms'] + $cfg['jitter_ms'], $cfg['multiplier'], $cfg['window_s'], $cfg['concurrency_limit']);
    printf("  %-34s %18s %24s %8s\n", '', 'extension', 'baseline', 'ratio');

    self::printBulk($b);

    printf("Reconcile, N=%d with %d drifted\n", $c['n'], $c['drift']);
    $row("API calls (target <= {$c['call_target']})", $c['extension']['api_calls'], $c['baseline']['api_calls'] . '*', $c['call_ratio'] . 'x');
    $row('wall time (s)', $c['extension']['wall_s'], $c['baseline']['wall_s'] . '*', $c['wall_ratio'] . 'x');
    echo "  * baseline {$c['baseline']['note']}\n";

    $fmt = fn(array $l): string => sprintf('%.1f/%.1f/%.1f', $l['mean_ms'], $l['p50_ms'], $l['p95_ms']);
    $variants = [
      'with_latency' => 'fake latency 50-100 ms',
      'zero_latency' => 'no fake latency: the cost of each implementation',
      'https_zero_latency' => 'HTTPS, no fake latency: adds the TLS handshakes',
    ];
    foreach (array_intersect_key($variants, $e) as $variant => $title) {
      echo "Per-event latency, one PHP process, $title (ms mean/p50/p95, ratio of means; baseline: fresh curl handle, then reused handle)\n";
      foreach (['insert', 'update'] as $phase) {
        $x = $e[$variant][$phase];
        $row("$phase event", $fmt($x['extension']), $fmt($x['baseline_fresh_handle']), $x['ratio_fresh_handle'] . 'x');
        $row('', '', $fmt($x['baseline_reused_handle']) . ' reuse', $x['ratio_reused_handle'] . 'x');
      }
    }
    $q = $e['requests_per_event'];
    $row('requests per event', $q['extension'], $q['baseline_fresh_handle']);

    echo "Peak memory of a bulk run (extension): PHP allocator / process VmHWM\n";
    foreach ($r['peak_memory'] as $m) {
      $row("N={$m['n']}", $mib($m['php_peak_bytes']), $mib($m['vm_hwm_bytes']));
    }

    echo "Targets\n";
    foreach ($r['targets'] as $t) {
      printf("  %s %-50s %s\n", $t['met'] ? 'PASS' : 'FAIL', $t['target'], json_encode($t['value']));
    }
    printf("Total bench time: %.0f s\n", $r['total_wall_s'] ?? 0);
  }

}
