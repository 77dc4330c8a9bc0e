<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Import;

/**
 * Authenticates an Okta hook call by its shared-secret header.
 *
 * Okta sends the configured authScheme value verbatim in the configured
 * header (Authorization by default). The comparison is constant-time.
 */
final class SecretCheck {

  /**
   * Constructs the check.
   *
   * @param string|null $secret
   *   The expected header value; NULL or '' means "not configured", which
   *   rejects every call.
   * @param string $header
   *   The header name (any case).
   */
  public function __construct(
    #[\SensitiveParameter]
    private readonly ?string $secret,
    private readonly string $header = 'Authorization',
  ) {}

  /**
   * Whether the secret is configured.
   */
  public function configured(): bool {
    return $this->secret !== NULL && $this->secret !== '';
  }

  /**
   * Whether the request headers carry the secret.
   *
   * @param array<string, string|list<string>> $headers
   *   Request headers, any key case.
   */
  public function matches(array $headers): bool {
    if (!$this->configured()) {
      return FALSE;
    }
    $given = self::header($headers, $this->header);
    return $given !== NULL && hash_equals((string) $this->secret, $given);
  }

  /**
   * Whether the request carries the secret header at all.
   */
  public function present(array $headers): bool {
    return self::header($headers, $this->header) !== NULL;
  }

  /**
   * Reads one header case-insensitively (first value).
   */
  public static function header(array $headers, string $name): ?string {
    $name = strtolower($name);
    foreach ($headers as $key => $value) {
      if (strtolower((string) $key) === $name) {
        $value = is_array($value) ? reset($value) : $value;
        return is_string($value) ? $value : NULL;
      }
    }
    return NULL;
  }

  /**
   * Never reveal the secret in dumps.
   */
  public function __debugInfo(): array {
    return ['header' => $this->header, 'configured' => $this->configured()];
  }

}
