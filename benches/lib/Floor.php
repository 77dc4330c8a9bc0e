<?php

declare(strict_types=1);

namespace OktaSyncBench;

/**
 * The rate-limit floor: the least wall time in which the requests a job
 * made could be answered at the given bucket sizes, window by window.
 *
 * Okta counts each bucket per window (60 s; windows start with the first
 * request after the previous one ended), and one token may use only its
 * share of each bucket. A bucket needing n requests at L per window takes
 * ceil(n / L) - 1 full windows, then the last partial window's requests at
 * the job's concurrency and the fake's mean latency. Buckets fill in
 * parallel, so the job's floor is the slowest bucket's.
 */
final class Floor {

  /**
   * The bucket (fake's names) of a route as FakeOkta::traffic() names it.
   */
  public static function bucket(string $route): string {
    [$method, $path] = array_pad(explode(' ', $route, 2), 2, '');
    return match (TRUE) {
      $path === '/api/v1/users' => 'users',
      str_starts_with($path, '/api/v1/users/') => $method === 'GET' ? 'user_get' : 'user_write',
      $path === '/api/v1/groups' => 'groups',
      str_starts_with($path, '/api/v1/groups/') => 'group',
      default => 'other',
    };
  }

  /**
   * Requests per bucket, from FakeOkta::traffic()['by_route'] (429s left
   * out: a refused request is not work the job needed).
   *
   * @return array<string, int>
   */
  public static function perBucket(array $byRoute, int $refused = 0): array {
    $out = [];
    foreach ($byRoute as $route => $n) {
      $b = self::bucket((string) $route);
      $out[$b] = ($out[$b] ?? 0) + (int) $n;
    }
    // 429s are all on the create/list bucket in these scenarios.
    if ($refused > 0 && isset($out['users'])) {
      $out['users'] = max(0, $out['users'] - $refused);
    }
    return $out;
  }

  /**
   * Floor in seconds.
   *
   * @param array<string, int> $requests
   *   Requests per bucket.
   * @param array<string, int> $perWindow
   *   The token's allowance per window and bucket.
   */
  public static function seconds(array $requests, array $perWindow, float $windowS, float $latencyS, int $concurrency): float {
    $floor = 0.0;
    foreach ($requests as $bucket => $n) {
      $limit = max(1, (int) ($perWindow[$bucket] ?? PHP_INT_MAX));
      $windows = max(1, (int) ceil($n / $limit));
      $last = $n - ($windows - 1) * $limit;
      $floor = max($floor, ($windows - 1) * $windowS + $last * $latencyS / max(1, $concurrency));
    }
    return $floor;
  }

  /**
   * A token's share of each bucket (Okta: 50 % by default), rounded down.
   *
   * @param array<string, int> $limits
   *
   * @return array<string, int>
   */
  public static function share(array $limits, int $percent): array {
    return array_map(fn(int $l): int => max(1, intdiv($l * $percent, 100)), $limits);
  }

}
