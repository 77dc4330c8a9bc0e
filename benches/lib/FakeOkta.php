<?php

declare(strict_types=1);

namespace OktaSyncBench;

/**
 * Talks to the fake Okta's control API (/__fake/...), which needs no auth.
 *
 * Plain PHP streams, no curl: the demo and the benches run with `php -n`, and
 * the control traffic must not share anything with what is being measured.
 */
final class FakeOkta {

  /**
   * @param string $url
   *   Base URL of the fake, e.g. http://127.0.0.1:40123.
   * @param string $token
   *   The API token the fake accepts.
   * @param string|null $caFile
   *   PEM file of the CA that signed the fake's certificate (HTTPS only).
   */
  public function __construct(
    public readonly string $url,
    public readonly string $token,
    public readonly ?string $caFile = NULL,
  ) {}

  /**
   * Builds the client from PREFIX_URL, PREFIX_TOKEN and optional PREFIX_CA
   * (exported by with-fake.sh).
   */
  public static function fromEnv(string $prefix = 'OKTA_FAKE'): self {
    $url = getenv("{$prefix}_URL");
    $token = getenv("{$prefix}_TOKEN");
    $ca = getenv("{$prefix}_CA");
    if (!is_string($url) || $url === '' || !is_string($token) || $token === '') {
      throw new \RuntimeException("{$prefix}_URL and {$prefix}_TOKEN must be set (run through benches/lib/with-fake.sh)");
    }
    return new self(rtrim($url, '/'), $token, is_string($ca) && $ca !== '' ? $ca : NULL);
  }

  /**
   * Environment for a child process that should talk to this fake.
   */
  public function env(): array {
    return ['OKTA_FAKE_URL' => $this->url, 'OKTA_FAKE_TOKEN' => $this->token, 'OKTA_FAKE_CA' => $this->caFile ?? ''];
  }

  /**
   * Extension settings pointing at this fake (callers add provisioning keys).
   */
  public function settings(array $extra = []): array {
    $settings = ['org_url' => $this->url, 'api_token' => $this->token];
    if ($this->caFile !== NULL) {
      $settings['ca_file'] = $this->caFile;
    }
    return $settings + $extra;
  }

  /**
   * Forgets all users, groups, counters and the request log.
   */
  public function reset(): void {
    $this->call('POST', '/__fake/reset', new \stdClass());
  }

  /**
   * Merges runtime knobs (latency, rate limits, concurrency, faults).
   */
  public function knobs(array $knobs): void {
    $this->call('POST', '/__fake/knobs', $knobs);
  }

  /**
   * Seeds users directly into the fake's store (no rate limits, no latency).
   *
   * @param array $users
   *   List of ['profile' => [...], 'status' => 'ACTIVE', ...].
   *
   * @return array
   *   The users as Okta now has them (with their ids).
   */
  public function seed(array $users): array {
    $created = [];
    foreach (array_chunk($users, 2000) as $chunk) {
      array_push($created, ...$this->call('POST', '/__fake/users', $chunk));
    }
    return $created;
  }

  /**
   * The fake's whole state: users, groups, memberships.
   */
  public function state(): array {
    return $this->call('GET', '/__fake/state');
  }

  /**
   * The request log: one entry per API request the fake answered.
   */
  public function requests(): array {
    return $this->call('GET', '/__fake/requests');
  }

  /**
   * The fake's DPoP counters (GET /__fake/dpop).
   */
  public function dpop(): array {
    return $this->call('GET', '/__fake/dpop');
  }

  /**
   * Counts the fake's users by Okta status.
   *
   * @return array<string, int>
   */
  public function countByStatus(): array {
    $counts = [];
    foreach ($this->state()['users'] ?? [] as $user) {
      $status = (string) ($user['status'] ?? '?');
      $counts[$status] = ($counts[$status] ?? 0) + 1;
    }
    ksort($counts);
    return $counts;
  }

  /**
   * Summarises the request log: API requests and how many got a 429.
   *
   * @return array{requests: int, rate_limited: int, by_route: array<string, int>}
   */
  public function traffic(): array {
    $total = 0;
    $limited = 0;
    $byRoute = [];
    foreach ($this->requests() as $entry) {
      $path = (string) ($entry['path'] ?? '');
      if (str_starts_with($path, '/__fake')) {
        continue;
      }
      $total++;
      if ((int) ($entry['status'] ?? 0) === 429) {
        $limited++;
      }
      // Collapse ids so the summary reads as routes, not as users.
      $route = ($entry['method'] ?? '?') . ' ' . preg_replace('#/users/[^/]+#', '/users/{id}', $path);
      $byRoute[$route] = ($byRoute[$route] ?? 0) + 1;
    }
    arsort($byRoute);
    return ['requests' => $total, 'rate_limited' => $limited, 'by_route' => $byRoute];
  }

  /**
   * Activates a user as an Okta admin would in the Admin Console.
   *
   * This is the Okta API itself (authenticated, rate limited), not the
   * control API: the demo uses it for the guide's "the admin activates the
   * STAGED user" step, which happens on the Okta side, not in Drupal.
   */
  public function adminActivate(string $oktaId): array {
    return $this->call('POST', '/api/v1/users/' . rawurlencode($oktaId) . '/lifecycle/activate?sendEmail=false', '', "Authorization: SSWS {$this->token}\r\n");
  }

  /**
   * One HTTP call; throws with the fake's answer when it is not a 2xx.
   */
  private function call(string $method, string $path, mixed $body = NULL, string $headers = ''): array {
    $options = ['method' => $method, 'ignore_errors' => TRUE, 'timeout' => 120];
    $options['header'] = "Accept: application/json\r\n" . $headers;
    if ($body === '') {
      // Okta answers 411 to a bodiless POST without Content-Length.
      $options['header'] .= "Content-Length: 0\r\n";
    }
    elseif ($body !== NULL) {
      $options['header'] .= "Content-Type: application/json\r\n";
      $options['content'] = json_encode($body, JSON_THROW_ON_ERROR);
    }
    $ssl = $this->caFile === NULL ? [] : ['cafile' => $this->caFile];
    $context = stream_context_create(['http' => $options, 'ssl' => $ssl]);
    $raw = @file_get_contents($this->url . $path, FALSE, $context);
    if ($raw === FALSE) {
      throw new \RuntimeException("fake Okta unreachable: $method $path");
    }
    $status = 0;
    foreach ($http_response_header ?? [] as $line) {
      if (preg_match('#^HTTP/\S+\s+(\d{3})#', $line, $m)) {
        $status = (int) $m[1];
      }
    }
    if ($status < 200 || $status > 299) {
      throw new \RuntimeException("fake Okta: $method $path -> HTTP $status: " . substr($raw, 0, 300));
    }
    if (trim($raw) === '') {
      return [];
    }
    $decoded = json_decode($raw, TRUE, 512, JSON_THROW_ON_ERROR);
    return is_array($decoded) ? $decoded : ['value' => $decoded];
  }

}
