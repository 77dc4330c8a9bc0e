<?php

declare(strict_types=1);

namespace OktaSyncBench\Baseline;

/**
 * The baseline: what a naive PHP module does, in plain PHP + curl.
 *
 * For every user, one at a time: look the user up by login, then create it
 * (404) or overwrite its profile (found). On a 429 it sleeps a fixed second
 * without reading Okta's rate-limit headers, retries a few times, then gives
 * up. By default every request gets a fresh curl handle (curl_init per call,
 * so a new TCP/TLS connection each time), as such code usually does;
 * $reuseHandle keeps one handle so connections are kept alive.
 */
final class NaiveSync {

  public int $requests = 0;
  public int $rateLimited = 0;
  public int $failed = 0;

  private ?\CurlHandle $handle = NULL;

  public function __construct(
    private readonly string $orgUrl,
    private readonly string $token,
    private readonly bool $reuseHandle = FALSE,
    private readonly int $maxRetries = 3,
    private readonly ?string $caFile = NULL,
  ) {}

  /**
   * Pushes one Drupal snapshot; returns 'created', 'updated' or 'failed'.
   */
  public function syncUser(array $user): string {
    $profile = [
      'login' => $user['mail'],
      'email' => $user['mail'],
      'firstName' => $user['fields']['field_first_name'] ?? 'Unknown',
      'lastName' => $user['fields']['field_last_name'] ?? 'Unknown',
    ];
    [$status, $found] = $this->send('GET', '/api/v1/users/' . rawurlencode($user['mail']));
    if ($status === 404) {
      [$status] = $this->send('POST', '/api/v1/users?activate=false', ['profile' => $profile]);
      return $this->result($status, 'created');
    }
    if ($status !== 200 || !isset($found['id'])) {
      return $this->result($status, 'failed');
    }
    [$status] = $this->send('POST', '/api/v1/users/' . rawurlencode((string) $found['id']), ['profile' => $profile]);
    return $this->result($status, 'updated');
  }

  private function result(int $status, string $action): string {
    if ($status >= 200 && $status < 300) {
      return $action;
    }
    $this->failed++;
    return 'failed';
  }

  /**
   * One HTTP call with blind retries on 429.
   *
   * @return array{0: int, 1: array}
   *   HTTP status (0 on a network error) and the decoded body.
   */
  private function send(string $method, string $path, ?array $body = NULL): array {
    for ($attempt = 0; ; $attempt++) {
      $ch = $this->handle();
      curl_setopt_array($ch, [
        CURLOPT_URL => $this->orgUrl . $path,
        CURLOPT_CUSTOMREQUEST => $method,
        CURLOPT_RETURNTRANSFER => TRUE,
        CURLOPT_TIMEOUT => 30,
        CURLOPT_HTTPHEADER => [
          'Accept: application/json',
          'Content-Type: application/json',
          'Authorization: SSWS ' . $this->token,
        ],
      ]);
      if ($this->caFile !== NULL) {
        curl_setopt($ch, CURLOPT_CAINFO, $this->caFile);
      }
      if ($method === 'GET') {
        curl_setopt($ch, CURLOPT_HTTPGET, TRUE);
      }
      else {
        curl_setopt($ch, CURLOPT_POSTFIELDS, json_encode($body ?? new \stdClass(), JSON_THROW_ON_ERROR));
      }
      $raw = curl_exec($ch);
      $status = (int) curl_getinfo($ch, CURLINFO_RESPONSE_CODE);
      $this->requests++;
      if (!$this->reuseHandle) {
        curl_close($ch);
        $this->handle = NULL;
      }
      if ($status === 429) {
        $this->rateLimited++;
        if ($attempt < $this->maxRetries) {
          sleep(1);
          continue;
        }
      }
      $decoded = is_string($raw) && $raw !== '' ? json_decode($raw, TRUE) : NULL;
      return [$status, is_array($decoded) ? $decoded : []];
    }
  }

  private function handle(): \CurlHandle {
    if ($this->handle === NULL) {
      $this->handle = curl_init();
    }
    return $this->handle;
  }

}
