<?php

declare(strict_types=1);

namespace OktaSyncBench;

/**
 * Small measuring helpers shared by the bench scenarios.
 */
final class Measure {

  /**
   * Peak resident memory of this process in bytes (VmHWM), or NULL off Linux.
   *
   * PHP's memory_get_peak_usage() only sees PHP's allocator; the extension's
   * Rust heap, threads and TLS buffers show up here.
   */
  public static function vmHwm(): ?int {
    $status = @file_get_contents('/proc/self/status');
    if ($status !== FALSE && preg_match('/^VmHWM:\s+(\d+)\s+kB/m', $status, $m)) {
      return (int) $m[1] * 1024;
    }
    return NULL;
  }

  /**
   * Memory figures for the JSON a scenario prints.
   */
  public static function memory(): array {
    return [
      'php_peak_bytes' => memory_get_peak_usage(TRUE),
      'vm_hwm_bytes' => self::vmHwm(),
    ];
  }

  /**
   * Latency summary in milliseconds: mean, p50, p95, max.
   *
   * @param float[] $seconds
   */
  public static function latency(array $seconds): array {
    if ($seconds === []) {
      return ['count' => 0];
    }
    sort($seconds);
    $pick = fn(float $q): float => $seconds[min(count($seconds) - 1, (int) floor($q * count($seconds)))] * 1000;
    return [
      'count' => count($seconds),
      'mean_ms' => round(array_sum($seconds) / count($seconds) * 1000, 2),
      'p50_ms' => round($pick(0.50), 2),
      'p95_ms' => round($pick(0.95), 2),
      'max_ms' => round(end($seconds) * 1000, 2),
    ];
  }

  /**
   * Counts outcome actions.
   *
   * @return array<string, int>
   */
  public static function actions(array $outcomes, array $into = []): array {
    foreach ($outcomes as $outcome) {
      $action = is_array($outcome) ? (string) ($outcome['action'] ?? '?') : (string) $outcome;
      $into[$action] = ($into[$action] ?? 0) + 1;
    }
    return $into;
  }

}
