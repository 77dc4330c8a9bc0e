<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync;

use Drupal\Component\Datetime\TimeInterface;
use Drupal\Core\Config\ConfigFactoryInterface;
use Drupal\Core\State\StateInterface;
use Drupal\okta_user_sync\Engine\Exception\ExtensionMissingException;
use Drupal\okta_user_sync\Engine\Exception\MissingCredentialsException;
use Drupal\okta_user_sync\Engine\Extension;
use Drupal\okta_user_sync\Engine\SettingsAssembler;

/**
 * The module's only way to Okta.
 *
 * Settings from config + secrets, then the okta_sync extension.
 *
 * Okta failures come back as outcome arrays. Problems on our side (missing
 * extension or credentials, settings the extension rejects) are turned into
 * failed outcomes too, so every caller records one outcome per user.
 */
class OktaClient {

  public function __construct(
    private readonly ConfigFactoryInterface $configFactory,
    private readonly SecretStore $secrets,
    private readonly Extension $extension,
    private readonly StateInterface $state,
    private readonly TimeInterface $time,
  ) {}

  /**
   * The raw okta_user_sync.settings data.
   */
  public function config(): array {
    return $this->configFactory->get('okta_user_sync.settings')->getRawData();
  }

  /**
   * The extension wrapper.
   */
  public function extension(): Extension {
    return $this->extension;
  }

  /**
   * The settings array for the extension.
   *
   * @throws \Drupal\okta_user_sync\Engine\Exception\MissingCredentialsException
   */
  public function settings(array $overrides = []): array {
    return (new SettingsAssembler())->assemble($this->config(), $this->secrets->all(), $overrides);
  }

  /**
   * Whether URL and credentials are configured.
   */
  public function hasCredentials(): bool {
    return (new SettingsAssembler())->isConfigured($this->config(), $this->secrets->all());
  }

  /**
   * Whether users flow from Drupal to Okta at all.
   */
  public function pushesToOkta(): bool {
    return in_array($this->config()['direction'] ?? 'drupal_to_okta', ['drupal_to_okta', 'both'], TRUE);
  }

  /**
   * Runs the configuration test and remembers its result (State).
   *
   * @return array
   *   okta_sync_test()'s result; on local problems: ok FALSE, hint.
   */
  public function test(string $login): array {
    try {
      $result = $this->extension->test($this->settings(), $login);
    }
    catch (MissingCredentialsException | ExtensionMissingException $e) {
      $result = ['ok' => FALSE, 'hint' => $e->getMessage()];
    }
    catch (\Throwable $e) {
      // \OktaSync\ConfigException names the bad key; never the secret.
      $result = ['ok' => FALSE, 'hint' => $this->safeMessage($e)];
    }
    $message = !empty($result['ok'])
      ? 'Found ' . (string) ($result['user']['login'] ?? $login)
      : self::testFailure($result);
    $this->state->set('okta_user_sync.last_test', [
      'ok' => !empty($result['ok']),
      'time' => $this->time->getRequestTime(),
      'login' => $login,
      'message' => $message,
    ]);
    return $result;
  }

  /**
   * One line for a failed okta_sync_test(): the hint, and Okta's code.
   */
  public static function testFailure(array $result): string {
    $code = (string) ($result['error']['code'] ?? '');
    $requestId = (string) ($result['error']['request_id'] ?? '');
    $meta = array_filter([$code, $requestId === '' ? '' : 'request ' . $requestId]);
    return trim((string) ($result['hint'] ?? $result['error']['summary'] ?? 'The test failed.') . ($meta === [] ? '' : ' [' . implode(', ', $meta) . ']'));
  }

  /**
   * The Okta documentation link of an outcome's (or test's) error, if any.
   */
  public static function errorLink(array $error): ?string {
    $link = $error['link'] ?? NULL;
    if (!is_string($link) || $link === '') {
      return NULL;
    }
    // Okta sends a bare code as errorLink; point it at the error reference.
    return str_starts_with($link, 'https://') ? $link : 'https://developer.okta.com/docs/reference/error-codes/#' . rawurlencode($link);
  }

  /**
   * The engine's limits (okta_sync_limits()); its defaults when not loaded.
   *
   * @return array{max_chunk: int, default_concurrency: int, max_concurrency: int}
   *   The limits.
   */
  public function limits(): array {
    $limits = $this->extension->isLoaded() && function_exists('okta_sync_limits') ? \okta_sync_limits() : [];
    return $limits + ['max_chunk' => 200, 'default_concurrency' => 8, 'max_concurrency' => 16];
  }

  /**
   * Provisions one user event; always returns an outcome.
   */
  public function syncUser(string $event, array $user, array $overrides = []): array {
    try {
      return $this->extension->syncUser($this->settings($overrides), $event, $user);
    }
    catch (\Throwable $e) {
      return $this->localFailure($user, $e);
    }
  }

  /**
   * Provisions many users; always returns outcomes for every user.
   */
  public function syncUsers(array $users, array $options = [], array $overrides = []): array {
    try {
      return $this->extension->syncUsers($this->settings($overrides), array_values($users), $options);
    }
    catch (\Throwable $e) {
      return [
        'outcomes' => array_map(fn(array $user) => $this->localFailure($user, $e), array_values($users)),
        'stats' => [],
      ];
    }
  }

  /**
   * A failed outcome for a problem on our side.
   *
   * A missing extension is retryable (an admin can install it; nothing is
   * lost meanwhile); bad settings or credentials are not.
   */
  private function localFailure(array $user, \Throwable $e): array {
    $code = $e instanceof ExtensionMissingException ? 'extension_missing' : ($e instanceof MissingCredentialsException ? 'not_configured' : 'local');
    $summary = $this->safeMessage($e);
    $uid = (int) ($user['uid'] ?? 0);
    // The engine could not be asked, so this record is the module's own:
    // store the failure, and retry only what an admin can fix without
    // touching the user (installing the extension), in an hour.
    $retryable = $e instanceof ExtensionMissingException;
    return [
      'uid' => $uid,
      'action' => 'failed',
      'okta_id' => $user['okta_id'] ?? NULL,
      'error' => [
        'code' => $code,
        'summary' => $summary,
        'causes' => [],
        'retryable' => $retryable,
      ],
      'record' => [
        'row' => [
          'last_action' => 'failed',
          'error_code' => $code,
          'last_error' => $code . ': ' . $summary,
          'attempts' => (int) ($user['attempts'] ?? 0) + 1,
          'profile_hash' => NULL,
        ],
        'delete_row' => FALSE,
        'retry_in' => $retryable ? 3600 : NULL,
        'level' => 'error',
        'log' => TRUE,
        'message' => "Okta sync of user $uid failed: $code: $summary",
        'text' => "failed: $code: $summary",
      ],
    ];
  }

  /**
   * An exception message with the secrets blanked out, should one slip in.
   */
  private function safeMessage(\Throwable $e): string {
    $message = $e->getMessage();
    foreach ($this->secrets->all() as $secret) {
      if (is_string($secret) && strlen($secret) >= 4) {
        $message = str_replace($secret, '[secret]', $message);
      }
    }
    return $message;
  }

}
