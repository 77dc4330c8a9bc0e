<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync;

use Drupal\Core\Config\ConfigFactoryInterface;
use Drupal\Core\Entity\EntityTypeManagerInterface;
use Drupal\okta_user_sync\Sync\RunGuard;
use Drupal\okta_user_sync\Sync\RunReport;
use Drupal\okta_user_sync\Sync\RunTally;
use Drupal\user\UserInterface;

/**
 * Manual and scheduled runs: one user, or chunks through okta_sync_users().
 *
 * Shared by the manual-sync form, its batch, Drush and the queue worker.
 */
class BulkSync {

  /**
   * Concurrent Okta requests per bulk call: the extension's default.
   */
  public const DEFAULT_CONCURRENCY = 8;

  /**
   * The most the extension accepts.
   *
   * Under half of Okta's smallest per-org concurrency limit (35).
   */
  public const MAX_CONCURRENCY = 16;

  /**
   * Clamps a configured concurrency into the range the extension accepts.
   *
   * @param mixed $configured
   *   The configured or submitted value (empty means the default).
   *
   * @return int
   *   A value from 1 to MAX_CONCURRENCY.
   */
  public static function concurrency(mixed $configured): int {
    return max(1, min(self::MAX_CONCURRENCY, (int) ($configured ?: self::DEFAULT_CONCURRENCY)));
  }

  public function __construct(
    private readonly ConfigFactoryInterface $configFactory,
    private readonly OktaClient $client,
    private readonly SnapshotFactory $snapshotFactory,
    private readonly OutcomeRecorder $recorder,
    private readonly EntityTypeManagerInterface $entityTypeManager,
    private readonly SyncStatusStorage $statusStorage,
  ) {}

  /**
   * Syncs one account now ("Sync" on the manual form, drush okta-sync:user).
   *
   * Blocked accounts are deactivated in Okta when the manual operations
   * allow it; the extension decides from the snapshot's status.
   *
   * @return array
   *   The outcome.
   */
  public function syncOne(UserInterface $account, bool $dryRun = FALSE): array {
    $snapshot = $this->snapshotFactory->fromAccount($account, FALSE);
    if ($dryRun) {
      $result = $this->client->syncUsers([$snapshot], ['method' => 'manual', 'dry_run' => TRUE]);
      return $result['outcomes'][0] ?? [
        'uid' => (int) $account->id(),
        'action' => 'failed',
        'error' => ['summary' => 'No outcome returned'],
      ];
    }
    $outcome = $this->client->syncUser('manual', $snapshot);
    $this->recorder->record($outcome, 'manual', $snapshot);
    return $outcome;
  }

  /**
   * Runs a chunk of users through okta_sync_users() and records outcomes.
   *
   * @param int[] $uids
   *   The users (missing ones are ignored).
   * @param string $method
   *   Either 'manual' or 'scheduled' (selects the operations that apply).
   * @param bool $dryRun
   *   Plan only: nothing is changed in Okta or recorded.
   * @param string $mode
   *   Either 'push' or 'reconcile'.
   * @param \Drupal\okta_user_sync\Sync\RunReport $report
   *   Receives the results.
   * @param \Drupal\okta_user_sync\Sync\RunTally|null $tally
   *   The run this chunk belongs to. A real run's chunk may only use what is
   *   left of the run's deletion guard allowance; a dry run's chunk is not
   *   guarded (the caller judges the whole preview with RunGuard). NULL: the
   *   extension's per-chunk guard only. A stopped tally sends nothing.
   * @param float|null $deadline
   *   Seconds the chunk may take in all, rate-limit waits included (the
   *   extension's `deadline`); users it cannot reach in time come back as
   *   retryable failures. NULL: the extension's default for bulk calls.
   *
   * @return array
   *   The okta_sync_users() result ([] when nothing was sent).
   */
  public function run(array $uids, string $method, bool $dryRun, string $mode, RunReport $report, ?RunTally $tally = NULL, ?float $deadline = NULL): array {
    if ($tally?->isStopped()) {
      return [];
    }
    $snapshots = [];
    $accounts = $this->loadAccounts($uids);
    // One query for the chunk's status rows instead of one per user.
    $rows = $this->statusStorage->loadMultiple(array_map(fn(UserInterface $account) => (int) $account->id(), $accounts));
    foreach ($accounts as $account) {
      $snapshots[] = $this->snapshotFactory->fromAccount($account, FALSE, $rows[(int) $account->id()] ?? NULL);
    }
    if ($snapshots === []) {
      return [];
    }
    $overrides = [];
    if ($tally !== NULL) {
      $overrides = $dryRun
        ? ['guard_max_count' => count($snapshots), 'guard_max_share' => 1.0]
        : $tally->chunkOverrides();
    }
    if ($deadline !== NULL) {
      $overrides['deadline'] = max(1.0, $deadline);
    }
    $result = $this->client->syncUsers($snapshots, [
      'method' => $method === 'scheduled' ? 'scheduled' : 'manual',
      'mode' => $mode === 'reconcile' ? 'reconcile' : 'push',
      'dry_run' => $dryRun,
      'concurrency' => self::concurrency($this->configFactory->get('okta_user_sync.settings')->get('concurrency')),
    ], $overrides);
    if ($tally !== NULL && !$dryRun) {
      $result = $tally->record($result);
    }
    if (!$dryRun) {
      $bySnapshotUid = array_column($snapshots, NULL, 'uid');
      foreach ($result['outcomes'] ?? [] as $outcome) {
        if (is_array($outcome)) {
          $this->recorder->record($outcome, 'manual', $bySnapshotUid[(int) ($outcome['uid'] ?? 0)] ?? NULL);
        }
      }
    }
    $report->addResult($result);
    return $result;
  }

  /**
   * The run-level deletion guard from config.
   */
  public function runGuard(): RunGuard {
    return RunGuard::fromConfig($this->configFactory->get('okta_user_sync.settings')->getRawData());
  }

  /**
   * Every user ID except anonymous, ascending.
   *
   * @return int[]
   *   User IDs.
   */
  public function allUids(): array {
    $ids = $this->entityTypeManager->getStorage('user')->getQuery()
      ->accessCheck(FALSE)
      ->condition('uid', 0, '>')
      ->sort('uid')
      ->execute();
    return array_map('intval', array_values($ids));
  }

  /**
   * Users changed at or after $since (Unix time).
   *
   * @return int[]
   *   User IDs.
   */
  public function uidsChangedSince(int $since): array {
    $ids = $this->entityTypeManager->getStorage('user')->getQuery()
      ->accessCheck(FALSE)
      ->condition('uid', 0, '>')
      ->condition('changed', $since, '>=')
      ->sort('uid')
      ->execute();
    return array_map('intval', array_values($ids));
  }

  /**
   * Users whose last sync failed.
   *
   * @return int[]
   *   User IDs.
   */
  public function failedUids(int $limit = 1000): array {
    return $this->statusStorage->failedUids($limit);
  }

  /**
   * The batch size from config (200 users, one Okta page, by default).
   */
  public function batchSize(): int {
    return max(1, min(1000, (int) $this->configFactory->get('okta_user_sync.settings')->get('batch_size') ?: 200));
  }

  /**
   * Users per chunk in Batch API requests (50 by default).
   *
   * Smaller than batch_size: a browser request must finish well within web
   * server and proxy timeouts; Drush and cron keep the larger chunks.
   */
  public function uiBatchSize(): int {
    $size = (int) $this->configFactory->get('okta_user_sync.settings')->get('ui_batch_size');
    return max(1, min($this->batchSize(), $size > 0 ? $size : 50));
  }

  /**
   * Loads accounts, skipping anonymous and missing ones.
   *
   * @return \Drupal\user\UserInterface[]
   *   Accounts in uid order.
   */
  private function loadAccounts(array $uids): array {
    $uids = array_values(array_filter(array_map('intval', $uids), fn(int $uid) => $uid > 0));
    if ($uids === []) {
      return [];
    }
    $accounts = $this->entityTypeManager->getStorage('user')->loadMultiple($uids);
    return array_values(array_filter($accounts, fn($account) => $account instanceof UserInterface));
  }

}
