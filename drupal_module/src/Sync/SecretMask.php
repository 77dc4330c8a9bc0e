<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Sync;

/**
 * How a stored secret is shown on forms: that it is set, and its tail.
 */
final class SecretMask {

  /**
   * Secrets shorter than this show no characters at all.
   */
  private const MIN_LENGTH_FOR_TAIL = 16;

  /**
   * Returns e.g. "set, ending in …a1b2", "set", or "not set".
   */
  public static function describe(?string $secret): string {
    $secret = trim((string) $secret);
    if ($secret === '') {
      return 'not set';
    }
    $tail = self::tail($secret);
    return $tail === NULL ? 'set' : 'set, ending in …' . $tail;
  }

  /**
   * The last 4 characters, or NULL when showing them would reveal too much.
   */
  public static function tail(?string $secret): ?string {
    $secret = trim((string) $secret);
    // A PEM key ends with its footer line: show the last 4 of the body.
    if (str_contains($secret, '-----END')) {
      $body = preg_replace('/-----[A-Z ]+-----|\s+/', '', $secret) ?? '';
      $secret = $body;
    }
    if (strlen($secret) < self::MIN_LENGTH_FOR_TAIL) {
      return NULL;
    }
    return substr($secret, -4);
  }

}
