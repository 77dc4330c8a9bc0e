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
      'rate_limits' => ['window_secs' => $cfg['window_s']] + $cfg['limits'],
      'concurrency_limit' => $cfg['concurrency_limit'],
    ];
  }

  /**
   * Builds the report from the raw scenario results.
   */
  public static function build(array $cfg, array $bulkExt, array $bulkNaive, array $recExt, array $recNaive, array $events, array $bulkSmall): array {
    $allowedRate = $cfg['limits']['users'] / $cfg['window_s'];
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
        'efficiency' => round($ideal / max(0.001, $bulkExt['wall_s']), 3),
        'lost' => $bulkExt['lost'],
        'actions' => $bulkExt['actions'],
        'concurrency_option' => $cfg['bulk_concurrency'],
      ],
      'baseline' => [
        'note' => sprintf('run on the first %d users, extrapolated x%.1f to N', $bulkNaive['n'], $scale),
        'sample_wall_s' => $bulkNaive['wall_s'],
        'wall_s' => round($naiveWall, 1),
        'requests' => (int) round($bulkNaive['fake']['requests'] * $scale),
        'rate_limited_429' => (int) round($bulkNaive['fake']['rate_limited'] * $scale),
        'efficiency' => round($ideal / max(0.001, $naiveWall), 3),
        'lost_in_sample' => $bulkNaive['lost'],
      ],
      'speedup' => round($naiveWall / max(0.001, $bulkExt['wall_s']), 1),
    ];

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
    foreach (['insert', 'update'] as $phase) {
      $row = [];
      foreach (['ext' => 'extension', 'naive' => 'baseline_fresh_handle', 'naive_reuse' => 'baseline_reused_handle'] as $impl => $key) {
        $row[$key] = $events[$impl]['phases'][$phase];
      }
      $row['ratio_fresh_handle'] = round($row['baseline_fresh_handle']['mean_ms'] / max(0.001, $row['extension']['mean_ms']), 2);
      $row['ratio_reused_handle'] = round($row['baseline_reused_handle']['mean_ms'] / max(0.001, $row['extension']['mean_ms']), 2);
      $perEvent[$phase] = $row;
    }
    foreach (['ext' => 'extension', 'naive' => 'baseline_fresh_handle', 'naive_reuse' => 'baseline_reused_handle'] as $impl => $key) {
      $perEvent['requests_per_event'][$key] = round($events[$impl]['fake']['requests'] / max(1, 2 * $events[$impl]['n']), 2);
    }

    $memory = [];
    foreach ([$bulkSmall, $bulkExt] as $run) {
      $memory[] = ['n' => $run['n']] + $run['memory'];
    }

    $targets = [
      ['bulk create efficiency >= 0.9', $bulk['extension']['efficiency'], $bulk['extension']['efficiency'] >= 0.9],
      ['bulk create: zero users lost', $bulk['extension']['lost'], $bulk['extension']['lost'] === 0],
      ["reconcile API calls <= {$reconcile['call_target']}", $reconcile['extension']['api_calls'], $reconcile['extension']['api_calls'] <= $reconcile['call_target']],
      ['reconcile: every drifted user updated', $recExt['actions']['updated'] ?? 0, ($recExt['actions']['updated'] ?? 0) === $drift],
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
      'raw' => compact('bulkExt', 'bulkNaive', 'recExt', 'recNaive', 'events', 'bulkSmall'),
    ];
  }

  /**
   * Prints the report as a table.
   */
  public static function print(array $r): void {
    $b = $r['bulk_create'];
    $c = $r['reconcile'];
    $e = $r['per_event_latency'];
    $row = fn(string $metric, mixed $ext, mixed $base, string $ratio = '') => printf("  %-38s %16s %16s %10s\n", $metric, $ext, $base, $ratio);
    $mib = fn(?int $bytes): string => $bytes === NULL ? 'n/a' : sprintf('%.1f MiB', $bytes / 1048576);

    printf("\nFake Okta: %d-%d ms per request, Okta per-minute limits counted per %d s window, concurrency cap %d.\n",
      $r['config']['latency_ms'], $r['config']['latency_ms'] + $r['config']['jitter_ms'], $r['config']['window_s'], $r['config']['concurrency_limit']);
    printf("  %-38s %16s %16s %10s\n", '', 'extension', 'baseline', 'ratio');

    printf("Bulk create, N=%d (allowed %.0f creates/s, ideal %.1f s)\n", $b['n'], $b['allowed_create_rate_per_s'], $b['ideal_wall_s']);
    $row('wall time (s)', $b['extension']['wall_s'], $b['baseline']['wall_s'] . '*', $b['speedup'] . 'x');
    $row('requests', $b['extension']['requests'], $b['baseline']['requests'] . '*');
    $row('429 responses', $b['extension']['rate_limited_429'], $b['baseline']['rate_limited_429'] . '*');
    $row('efficiency (target >= 0.9)', $b['extension']['efficiency'], $b['baseline']['efficiency'] . '*');
    $row('users lost', $b['extension']['lost'], $b['baseline']['lost_in_sample'] . ' (sample)');
    echo "  * baseline {$b['baseline']['note']}\n";

    printf("Reconcile, N=%d with %d drifted\n", $c['n'], $c['drift']);
    $row("API calls (target <= {$c['call_target']})", $c['extension']['api_calls'], $c['baseline']['api_calls'] . '*', $c['call_ratio'] . 'x');
    $row('wall time (s)', $c['extension']['wall_s'], $c['baseline']['wall_s'] . '*', $c['wall_ratio'] . 'x');
    echo "  * baseline {$c['baseline']['note']}\n";

    echo "Per-event latency, one PHP process (mean / p95 ms; baseline: fresh curl handle | reused handle)\n";
    foreach (['insert', 'update'] as $phase) {
      $x = $e[$phase];
      $fmt = fn(array $l): string => sprintf('%.1f / %.1f', $l['mean_ms'], $l['p95_ms']);
      $row("$phase event", $fmt($x['extension']), $fmt($x['baseline_fresh_handle']), $x['ratio_fresh_handle'] . 'x');
      $row('', '', $fmt($x['baseline_reused_handle']) . ' (reuse)', $x['ratio_reused_handle'] . 'x');
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
