<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync;

use Drupal\Core\Config\ConfigFactoryInterface;
use Drupal\Core\Site\Settings;
use Drupal\Core\State\StateInterface;
use Drupal\okta_user_sync\Sync\SecretResolver;

/**
 * Reads and writes the Okta secrets, never through exported config.
 *
 * Secrets: 'api_token' and 'oauth_private_key'. Sources, first wins:
 * settings.php ($settings['okta_user_sync.api_token']), the environment
 * (OKTA_USER_SYNC_API_TOKEN, OKTA_USER_SYNC_OAUTH_PRIVATE_KEY), a Key module
 * key named in config (api_token_key / oauth_private_key_key), and State
 * (what the configuration form saved).
 */
class SecretStore {

  public const NAMES = ['api_token', 'oauth_private_key'];

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
   * Where the effective value comes from: settings, environment, key, state.
   */
  public function source(string $name): ?string {
    return $this->resolve($name)[1];
  }

  /**
   * Every secret by name (for the settings assembler).
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
  public function set(string $name, string $value): void {
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
   * Resolves one secret over all sources.
   */
  private function resolve(string $name): array {
    $this->assertName($name);
    $env = getenv('OKTA_USER_SYNC_' . strtoupper($name));
    return (new SecretResolver())->resolve([
      'settings' => $this->stringOrNull($this->settings->get('okta_user_sync.' . $name)),
      'environment' => $env === FALSE ? NULL : $env,
      'key' => $this->fromKeyModule($name),
      'state' => $this->stringOrNull($this->state->get($this->stateKey($name))),
    ]);
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
    if (!in_array($name, self::NAMES, TRUE)) {
      throw new \InvalidArgumentException("Unknown secret name: $name");
    }
  }

}
