<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Import\Drupal;

use Drupal\Core\State\StateInterface;

/**
 * The shared secrets of the Okta hooks, kept in State (never in config).
 *
 * Forms can set or clear them but never read them back.
 */
final class HookSecrets {

  public const EVENT_HOOK = 'okta_user_sync.event_hook_secret';
  public const PASSWORD_HOOK = 'okta_user_sync.password_hook_secret';

  /**
   * Constructs the store.
   */
  public function __construct(private readonly StateInterface $state) {}

  /**
   * The secret (Authorization header value) for one hook, NULL when unset.
   */
  public function get(string $key): ?string {
    $value = $this->state->get($key);
    return is_string($value) && $value !== '' ? $value : NULL;
  }

  /**
   * Sets a secret.
   */
  public function set(string $key, #[\SensitiveParameter] string $value): void {
    $this->state->set($key, $value);
  }

  /**
   * Whether a secret is set.
   */
  public function has(string $key): bool {
    return $this->get($key) !== NULL;
  }

  /**
   * Removes a secret: the hook then refuses every call.
   */
  public function clear(string $key): void {
    $this->state->delete($key);
  }

  /**
   * A fresh random secret, as an Authorization header value.
   */
  public static function generate(): string {
    return 'Bearer ' . rtrim(strtr(base64_encode(random_bytes(32)), '+/', '-_'), '=');
  }

}
