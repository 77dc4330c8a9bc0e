<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync;

use Drupal\Core\Config\ConfigFactoryInterface;
use Drupal\Core\Database\Connection;
use Drupal\Core\DestructableInterface;
use Drupal\Core\Entity\EntityTypeManagerInterface;
use Drupal\user\UserInterface;

/**
 * Automatic provisioning: collects user events, pushes them after commit.
 *
 * User hooks run inside the entity-save transaction, so nothing is sent to
 * Okta there: events wait until the transaction commits, and a rolled-back
 * save sends nothing. Events are merged per user (saving twice sends one
 * update; insert then update, one insert; insert then delete, nothing; a
 * delete wins otherwise). When they are pushed, after the response is sent
 * (destruct) or, with push_mode 'inline', right after the commit, the
 * account is read afresh, so the newest profile is what Okta gets, whatever
 * order two requests saving one user finish in. Only deletes keep the
 * snapshot taken at hook time: the account is gone by then.
 *
 * Echo prevention for the Okta -> Drupal import: suppress($uid) /
 * release($uid) around saving an existing account, suppressAll() /
 * releaseAll() around creating new ones (both nest; use try/finally).
 */
class PushCollector implements DestructableInterface {

  /**
   * Committed events waiting to be pushed: uid => [event, snapshot].
   *
   * @var array<int, array{event: string, snapshot: ?array}>
   */
  private array $pending = [];

  /**
   * Events of the open transaction: uid => [event, snapshot].
   *
   * @var array<int, array{event: string, snapshot: ?array}>
   */
  private array $uncommitted = [];

  /**
   * Whether the open transaction already has our callback.
   */
  private bool $awaitingCommit = FALSE;

  /**
   * Suppressed uids (uid => nesting depth).
   *
   * @var array<int, int>
   */
  private array $suppressed = [];

  /**
   * Depth of suppressAll() calls.
   */
  private int $suppressAll = 0;

  public function __construct(
    private readonly ConfigFactoryInterface $configFactory,
    private readonly Connection $database,
    private readonly EntityTypeManagerInterface $entityTypeManager,
    private readonly OktaClient $client,
    private readonly SnapshotFactory $snapshotFactory,
    private readonly SyncStatusStorage $status,
  ) {}

  /**
   * Collects a user event: 'insert', 'update' or 'delete'.
   */
  public function collect(string $event, UserInterface $account): void {
    $uid = (int) $account->id();
    if ($uid <= 0 || $this->isSuppressed($uid) || !$this->enabled()) {
      return;
    }
    // After a delete the account cannot be read: keep what it was.
    $snapshot = $event === 'delete' ? SyncStatusStorage::withoutSecrets($this->snapshotFactory->fromAccount($account)) : NULL;
    // Drupal 10.3 types transactionManager() as "or FALSE" (drivers that
    // predate it); every core driver has one.
    $transactions = $this->database->inTransaction() ? $this->database->transactionManager() : FALSE;
    if ($transactions !== FALSE) {
      self::merge($this->uncommitted, $uid, $event, $snapshot);
      if (!$this->awaitingCommit) {
        $this->awaitingCommit = TRUE;
        $transactions->addPostTransactionCallback($this->transactionEnded(...));
      }
      return;
    }
    self::merge($this->pending, $uid, $event, $snapshot);
    if ($this->inline()) {
      $this->flush();
    }
  }

  /**
   * Post-transaction callback: committed events become pending.
   *
   * A rolled-back transaction saved nothing, so its events are dropped.
   */
  public function transactionEnded(bool $success): void {
    $this->awaitingCommit = FALSE;
    $events = $this->uncommitted;
    $this->uncommitted = [];
    if (!$success) {
      return;
    }
    foreach ($events as $uid => $item) {
      self::merge($this->pending, $uid, $item['event'], $item['snapshot']);
    }
    if ($this->inline()) {
      $this->flush();
    }
  }

  /**
   * Drops events for $uid until release($uid) (Okta import saving it).
   */
  public function suppress(int $uid): void {
    $this->suppressed[$uid] = ($this->suppressed[$uid] ?? 0) + 1;
  }

  /**
   * Ends one suppress($uid).
   */
  public function release(int $uid): void {
    if (isset($this->suppressed[$uid]) && --$this->suppressed[$uid] <= 0) {
      unset($this->suppressed[$uid]);
    }
  }

  /**
   * Drops every event until releaseAll() (Okta import creating accounts).
   */
  public function suppressAll(): void {
    $this->suppressAll++;
  }

  /**
   * Ends one suppressAll().
   */
  public function releaseAll(): void {
    $this->suppressAll = max(0, $this->suppressAll - 1);
  }

  /**
   * Whether events for $uid are dropped right now.
   */
  public function isSuppressed(int $uid): bool {
    return $this->suppressAll > 0 || isset($this->suppressed[$uid]);
  }

  /**
   * Number of users waiting to be pushed (committed or not).
   */
  public function pending(): int {
    return count($this->pending + $this->uncommitted);
  }

  /**
   * Pushes what was collected (after the response is sent).
   */
  public function destruct(): void {
    $this->flush();
  }

  /**
   * Pushes every committed event now; failures are recorded and retried.
   */
  public function flush(): void {
    $events = $this->pending;
    $this->pending = [];
    $overrides = $this->inline() ? $this->inlineOverrides() : [];
    $storage = $this->entityTypeManager->getStorage('user');
    foreach ($events as $uid => ['event' => $event, 'snapshot' => $snapshot]) {
      if ($event !== 'delete') {
        $account = $storage->loadUnchanged($uid);
        if (!$account instanceof UserInterface) {
          // Deleted since: its own delete event (if any) tells Okta.
          continue;
        }
        $snapshot = $this->snapshotFactory->fromAccount($account);
      }
      $outcome = $this->client->syncUser($event, $snapshot, $overrides);
      $this->status->record($outcome, $event, $snapshot);
    }
  }

  /**
   * The user is waiting for the page: fail fast, the queue retries.
   *
   * The deadline bounds retries and rate-limit waits too.
   */
  private function inlineOverrides(): array {
    $timeout = max(0.5, (float) $this->config('inline_timeout'));
    return [
      'connect_timeout' => min($timeout, 2.0),
      'request_timeout' => $timeout,
      'max_retries' => 0,
      'deadline' => $timeout,
    ];
  }

  /**
   * Adds an event to a list of events, merged per user.
   *
   * @param array<int, array{event: string, snapshot: ?array}> $events
   *   The list, uid => [event, snapshot]; changed in place.
   * @param int $uid
   *   The user the event is about.
   * @param string $event
   *   The event: 'insert', 'update' or 'delete'.
   * @param array|null $snapshot
   *   The account as it was at hook time (deletes only; NULL otherwise). Kept
   *   only if the merged event is a delete: other events read the account
   *   afresh when pushed.
   */
  private static function merge(array &$events, int $uid, string $event, ?array $snapshot): void {
    $previous = $events[$uid]['event'] ?? NULL;
    if ($previous === 'insert' && $event === 'delete') {
      // Okta never saw the user.
      unset($events[$uid]);
      return;
    }
    $merged = match (TRUE) {
      $previous === NULL, $event === 'delete' => $event,
      $previous === 'delete' => 'delete',
      $previous === 'insert' => 'insert',
      default => $event,
    };
    $events[$uid] = [
      'event' => $merged,
      'snapshot' => $merged === 'delete' ? ($snapshot ?? $events[$uid]['snapshot'] ?? NULL) : NULL,
    ];
  }

  /**
   * Whether automatic provisioning is on.
   */
  private function enabled(): bool {
    $operations = $this->config('operations');
    return $this->client->pushesToOkta() && !empty($operations['automatic']);
  }

  /**
   * Whether events are pushed right after the commit, in the request.
   */
  private function inline(): bool {
    return $this->config('push_mode') === 'inline';
  }

  /**
   * One okta_user_sync.settings value.
   */
  private function config(string $key): mixed {
    return $this->configFactory->get('okta_user_sync.settings')->get($key);
  }

}
