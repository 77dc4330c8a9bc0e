<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync_test;

use Drupal\Core\State\StateInterface;
use Drupal\okta_user_sync\Sync\Extension;

/**
 * A scripted stand-in for the okta_sync extension.
 *
 * Calls are recorded in State (okta_user_sync_test.calls: event + snapshot
 * without the password; only whether one was present and its SHA-1). Outcomes: the
 * next entry of okta_user_sync_test.outcomes if any (merged over the default),
 * else a plausible success: 'created' for insert/manual without okta_id,
 * 'deactivated' for blocked users, 'updated' otherwise.
 */
class FakeExtension extends Extension {

  public const CALLS = 'okta_user_sync_test.calls';
  public const OUTCOMES = 'okta_user_sync_test.outcomes';
  public const TEST_RESULT = 'okta_user_sync_test.test_result';

  public function __construct(private readonly StateInterface $state) {}

  /**
   * {@inheritdoc}
   */
  public function isLoaded(): bool {
    return TRUE;
  }

  /**
   * {@inheritdoc}
   */
  public function version(): ?string {
    return '0.1.0';
  }

  /**
   * {@inheritdoc}
   */
  public function test(array $settings, string $login): array {
    $this->recordCall('test', ['login' => $login], $settings);
    return $this->state->get(self::TEST_RESULT) ?? [
      'ok' => TRUE,
      'user' => ['id' => '00utest', 'status' => 'ACTIVE', 'login' => $login, 'email' => $login, 'profile' => []],
    ];
  }

  /**
   * {@inheritdoc}
   */
  public function syncUser(array $settings, string $event, array $user): array {
    $this->recordCall($event, $user, $settings);
    return $this->outcomeFor($event, $user, FALSE);
  }

  /**
   * {@inheritdoc}
   */
  public function syncUsers(array $settings, array $users, array $options = []): array {
    $outcomes = [];
    foreach ($users as $user) {
      $this->recordCall('bulk:' . ($options['method'] ?? 'manual'), $user, $settings);
      $outcomes[] = $this->outcomeFor('manual', $user, !empty($options['dry_run']));
    }
    return ['outcomes' => $outcomes, 'stats' => ['requests' => count($users), 'elapsed_ms' => 1]];
  }

  /**
   * Records a call; passwords are noted, never stored.
   */
  private function recordCall(string $event, array $user, array $settings): void {
    $calls = $this->state->get(self::CALLS, []);
    $calls[] = [
      'event' => $event,
      'user' => array_diff_key($user, ['password' => 1]),
      'had_password' => isset($user['password']),
      'password_sha1' => isset($user['password']) ? sha1((string) $user['password']) : NULL,
      'settings_keys' => array_keys($settings),
      'request_timeout' => $settings['request_timeout'] ?? NULL,
    ];
    $this->state->set(self::CALLS, $calls);
  }

  /**
   * The scripted or default outcome.
   */
  private function outcomeFor(string $event, array $user, bool $dryRun): array {
    $uid = (int) ($user['uid'] ?? 0);
    $oktaId = $user['okta_id'] ?? ('00u' . str_pad((string) $uid, 17, '0', STR_PAD_LEFT));
    if ($dryRun) {
      return ['uid' => $uid, 'action' => 'planned', 'planned_action' => isset($user['okta_id']) ? 'updated' : 'created', 'reason' => NULL, 'okta_id' => $user['okta_id'] ?? NULL, 'error' => NULL];
    }
    if (empty($user['status'])) {
      $default = ['action' => 'deactivated', 'okta_status' => 'DEPROVISIONED'];
    }
    elseif ($event === 'delete') {
      $default = ['action' => 'deactivated', 'okta_status' => 'DEPROVISIONED'];
    }
    else {
      $default = isset($user['okta_id']) ? ['action' => 'updated', 'okta_status' => 'STAGED'] : ['action' => 'created', 'okta_status' => 'STAGED'];
    }
    // Like the extension: every key present, error NULL on success.
    $default += ['uid' => $uid, 'okta_id' => $oktaId, 'profile_hash' => 'hash-' . $uid, 'reason' => NULL, 'error' => NULL];
    $scripted = $this->state->get(self::OUTCOMES, []);
    if ($scripted !== []) {
      $next = array_shift($scripted);
      $this->state->set(self::OUTCOMES, $scripted);
      if (($next['action'] ?? '') === 'failed') {
        // Like the extension: no profile hash when not in sync.
        $default['profile_hash'] = NULL;
      }
      return array_replace($default, $next, ['uid' => $uid]);
    }
    return $default;
  }

}
