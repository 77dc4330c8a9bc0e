<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync;

use Drupal\Core\Config\ConfigFactoryInterface;
use Drupal\Core\Site\Settings;
use Drupal\Core\State\StateInterface;

/**
 * Reads and writes the Okta secrets, never through exported config.
 *
 * The connection's secrets are 'api_token' and 'oauth_private_key'; the
 * Okta hooks' shared secrets (the Authorization header value Okta sends)
 * are 'event_hook_secret' and 'password_hook_secret'. Sources, first wins:
 * settings.php ($settings['okta_user_sync.api_token']), the environment
 * (OKTA_USER_SYNC_API_TOKEN, OKTA_USER_SYNC_EVENT_HOOK_SECRET, ...), a Key
 * module key named in config (api_token_key / oauth_private_key_key), and
 * State (what the forms saved). Forms set or clear them, never show them.
 */
class SecretStore {

  /**
   * The connection's secrets.
   */
  public const NAMES = ['api_token', 'oauth_private_key'];

  /**
   * The shared secrets of the event hook and the password import hook.
   */
  public const HOOK_SECRETS = ['event_hook_secret', 'password_hook_secret'];

  public function __construct(
    private readonly StateInterface $state,
    private readonly Settings $settings,
    private readonly ConfigFactoryInterface $configFactory,
    private readonly ?object $keyRepository = NULL,
  ) {}

  /**
   * The effective value of a secret, or NULL.
   */
  public function get(string $name): ?string {
    return $this->resolve($name)[0];
  }

  /**
   * What a form may say about a secret: whether it is set and, for a long
   * one, its last four characters (of a PEM key: of the key body).
   */
  public function describe(string $name): string {
    $secret = (string) $this->get($name);
    if ($secret === '') {
      return 'not set';
    }
    if (str_contains($secret, '-----END')) {
      $secret = preg_replace('/-----[A-Z ]+-----|\s+/', '', $secret) ?? '';
    }
    // A short secret would be guessable from its tail.
    return strlen($secret) < 16 ? 'set' : 'set, ending in …' . substr($secret, -4);
  }

  /**
   * Where the effective value comes from: settings, environment, key, state.
   */
  public function source(string $name): ?string {
    return $this->resolve($name)[1];
  }

  /**
   * Whether a secret has a value.
   */
  public function has(string $name): bool {
    return $this->get($name) !== NULL;
  }

  /**
   * The connection's secrets by name (for the settings assembler).
   *
   * @return array<string, string|null>
   *   Name => value.
   */
  public function all(): array {
    $all = [];
    foreach (self::NAMES as $name) {
      $all[$name] = $this->get($name);
    }
    return $all;
  }

  /**
   * Saves a secret typed into the form (State).
   */
  public function set(string $name, #[\SensitiveParameter] string $value): void {
    $this->assertName($name);
    $this->state->set($this->stateKey($name), trim($value));
  }

  /**
   * Forgets the secret saved in State.
   */
  public function clear(string $name): void {
    $this->assertName($name);
    $this->state->delete($this->stateKey($name));
  }

  /**
   * Whether the form can change the effective value (State is in use).
   */
  public function isOverridden(string $name): bool {
    $source = $this->source($name);
    return $source !== NULL && $source !== 'state';
  }

  /**
   * Whether the Key module is available to hold the secrets.
   */
  public function hasKeyModule(): bool {
    return $this->keyRepository !== NULL;
  }

  /**
   * Resolves one secret over all sources, first non-empty wins.
   *
   * @return array{0: ?string, 1: ?string}
   *   The trimmed value and its source, or [NULL, NULL].
   */
  private function resolve(string $name): array {
    $this->assertName($name);
    $env = getenv('OKTA_USER_SYNC_' . strtoupper($name));
    $sources = [
      'settings' => fn () => $this->settings->get('okta_user_sync.' . $name),
      'environment' => fn () => $env,
      'key' => fn () => $this->fromKeyModule($name),
      'state' => fn () => $this->state->get($this->stateKey($name)),
    ];
    foreach ($sources as $source => $value) {
      $value = $value();
      if (is_string($value) && trim($value) !== '') {
        return [trim($value), $source];
      }
    }
    return [NULL, NULL];
  }

  /**
   * The value of the Key module key named in config, if any.
   */
  private function fromKeyModule(string $name): ?string {
    $keyId = (string) $this->configFactory->get('okta_user_sync.settings')->get($name . '_key');
    if ($keyId === '' || $this->keyRepository === NULL || !method_exists($this->keyRepository, 'getKey')) {
      return NULL;
    }
    $key = $this->keyRepository->getKey($keyId);
    return $key === NULL ? NULL : $this->stringOrNull($key->getKeyValue());
  }

  /**
   * The State key of a secret.
   */
  private function stateKey(string $name): string {
    return 'okta_user_sync.' . $name;
  }

  /**
   * A non-empty string, or NULL.
   */
  private function stringOrNull(mixed $value): ?string {
    return is_string($value) && $value !== '' ? $value : NULL;
  }

  /**
   * Refuses unknown secret names.
   */
  private function assertName(string $name): void {
    if (!in_array($name, [...self::NAMES, ...self::HOOK_SECRETS], TRUE)) {
      throw new \InvalidArgumentException("Unknown secret name: $name");
    }
  }

}
