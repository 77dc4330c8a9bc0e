<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Sync;

/**
 * Picks the effective secret among its possible sources.
 *
 * Precedence: settings.php, environment variable, Key module, State (the
 * value saved through the form). The first non-empty one wins, so a
 * deployment can override what an admin typed.
 */
final class SecretResolver {

  public const SOURCES = ['settings', 'environment', 'key', 'state'];

  /**
   * Resolves one secret.
   *
   * @param array<string, string|null> $candidates
   *   Source name (see SOURCES) => value.
   *
   * @return array{0: string|null, 1: string|null}
   *   The value and its source name, or [NULL, NULL].
   */
  public function resolve(array $candidates): array {
    foreach (self::SOURCES as $source) {
      $value = $candidates[$source] ?? NULL;
      if (is_string($value) && trim($value) !== '') {
        return [trim($value), $source];
      }
    }
    return [NULL, NULL];
  }

}
