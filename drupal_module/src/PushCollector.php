<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync;

use Drupal\Core\Config\ConfigFactoryInterface;
use Drupal\Core\DestructableInterface;
use Drupal\okta_user_sync\Sync\PushBuffer;
use Drupal\user\UserInterface;

/**
 * Automatic provisioning: collects user events, pushes them later.
 *
 * User hooks run inside the entity-save transaction, so nothing is sent to
 * Okta there. Events are merged per user (PushBuffer) and pushed in
 * destruct(), after the response was sent. With push_mode 'inline' each
 * event is pushed at once with short timeouts and no retries inside the
 * request; either way retryable failures go to the queue.
 *
 * Echo prevention for the Okta -> Drupal import: suppress($uid) /
 * release($uid) around saving an existing account, suppressAll() /
 * releaseAll() around creating new ones.
 */
class PushCollector implements DestructableInterface {

  /**
   * Events of this request, merged per user.
   */
  private PushBuffer $buffer;

  public function __construct(
    private readonly ConfigFactoryInterface $configFactory,
    private readonly OktaClient $client,
    private readonly SnapshotFactory $snapshotFactory,
    private readonly OutcomeRecorder $recorder,
  ) {
    $this->buffer = new PushBuffer();
  }

  /**
   * Collects a user event: 'insert', 'update' or 'delete'.
   */
  public function collect(string $event, UserInterface $account): void {
    if ($account->isAnonymous() || !$this->enabled()) {
      return;
    }
    // The snapshot is taken now: after a delete the account cannot be read.
    $snapshot = $this->snapshotFactory->fromAccount($account);
    if (!$this->buffer->add($event, $snapshot)) {
      return;
    }
    if ($this->config('push_mode') === 'inline') {
      $this->flush();
    }
  }

  /**
   * Drops events for $uid until release($uid) (Okta import saving it).
   */
  public function suppress(int $uid): void {
    $this->buffer->suppress($uid);
  }

  /**
   * Ends one suppress($uid).
   */
  public function release(int $uid): void {
    $this->buffer->release($uid);
  }

  /**
   * Drops every event until releaseAll() (Okta import creating accounts).
   */
  public function suppressAll(): void {
    $this->buffer->suppressAll();
  }

  /**
   * Ends one suppressAll().
   */
  public function releaseAll(): void {
    $this->buffer->releaseAll();
  }

  /**
   * Whether events for $uid are dropped right now.
   */
  public function isSuppressed(int $uid): bool {
    return $this->buffer->isSuppressed($uid);
  }

  /**
   * Number of users waiting to be pushed.
   */
  public function pending(): int {
    return $this->buffer->count();
  }

  /**
   * Pushes what was collected (after the response is sent).
   */
  public function destruct(): void {
    $this->flush();
  }

  /**
   * Pushes every pending event now; retryable failures go to the queue.
   */
  public function flush(): void {
    $overrides = [];
    if ($this->config('push_mode') === 'inline') {
      // The user is waiting for the page: fail fast, the queue retries.
      $timeout = max(0.5, (float) $this->config('inline_timeout'));
      // The deadline bounds retries and rate-limit waits too.
      $overrides = [
        'connect_timeout' => min($timeout, 2.0),
        'request_timeout' => $timeout,
        'max_retries' => 0,
        'deadline' => $timeout,
      ];
    }
    foreach ($this->buffer->drain() as ['event' => $event, 'user' => $user]) {
      $outcome = $this->client->syncUser($event, $user, $overrides);
      $this->recorder->record($outcome, $event, $user);
    }
  }

  /**
   * Whether automatic provisioning is on.
   */
  private function enabled(): bool {
    $operations = $this->config('operations');
    return $this->client->pushesToOkta() && !empty($operations['automatic']);
  }

  /**
   * One okta_user_sync.settings value.
   */
  private function config(string $key): mixed {
    return $this->configFactory->get('okta_user_sync.settings')->get($key);
  }

}
