<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync_test;

use Drupal\Core\State\StateInterface;
use Drupal\okta_user_sync\Sync\Extension;

/**
 * A scripted stand-in for the okta_sync extension.
 *
 * Calls are recorded in State (okta_user_sync_test.calls: event + snapshot
 * without the password; only whether one was present and its SHA-1). Outcomes:
 * the next entry of okta_user_sync_test.outcomes if any (merged over the
 * default), else a plausible success: 'created' for insert/manual without
 * okta_id, 'deactivated' for blocked users, 'updated' otherwise (dry runs: the
 * same as planned_action). Bulk calls apply the deletion guard's count limit.
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
    $result = ['outcomes' => $outcomes, 'stats' => ['requests' => count($users), 'elapsed_ms' => 1]];
    // Like the extension's per-call deletion guard (count limit only): a
    // real call that would deactivate or delete too many changes nobody.
    $destructive = count(array_filter($outcomes, fn(array $o) => in_array($o['action'], ['deactivated', 'deleted'], TRUE)));
    $max = (int) ($settings['guard_max_count'] ?? 50);
    if (empty($options['dry_run']) && $destructive > $max) {
      $message = "the run would deactivate or delete $destructive Okta users, more than guard_max_count ($max); no user was changed.";
      $result['outcomes'] = array_map(fn(array $o) => [
        'uid' => $o['uid'],
        'action' => 'skipped',
        'okta_id' => $o['okta_id'] ?? NULL,
        'reason' => "safety guard: $message",
        'error' => NULL,
      ], $outcomes);
      $result['guard'] = [
        'stopped' => TRUE,
        'would_disable' => $destructive,
        'users' => count($users),
        'share' => $destructive / max(1, count($users)),
        'max_share' => $settings['guard_max_share'] ?? 0.1,
        'max_count' => $max,
        'message' => $message,
      ];
    }
    return $result;
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
      'guard_max_count' => $settings['guard_max_count'] ?? NULL,
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
      $planned = empty($user['status']) ? 'deactivated' : (isset($user['okta_id']) ? 'updated' : 'created');
      return [
        'uid' => $uid,
        'action' => 'planned',
        'planned_action' => $planned,
        'reason' => NULL,
        'okta_id' => $user['okta_id'] ?? NULL,
        'error' => NULL,
      ];
    }
    if (empty($user['status'])) {
      $default = ['action' => 'deactivated', 'okta_status' => 'DEPROVISIONED'];
    }
    elseif ($event === 'delete') {
      $default = ['action' => 'deactivated', 'okta_status' => 'DEPROVISIONED'];
    }
    else {
      $default = isset($user['okta_id']) ? [
        'action' => 'updated',
        'okta_status' => 'STAGED',
      ] : ['action' => 'created', 'okta_status' => 'STAGED'];
    }
    // Like the extension: every key present, error NULL on success.
    $default += [
      'uid' => $uid,
      'okta_id' => $oktaId,
      'profile_hash' => 'hash-' . $uid,
      'reason' => NULL,
      'error' => NULL,
    ];
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
