<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync;

use Drupal\Core\Config\ConfigFactoryInterface;
use Drupal\Core\Entity\EntityTypeManagerInterface;
use Drupal\Core\Entity\Query\QueryInterface;
use Drupal\Core\KeyValueStore\KeyValueExpirableFactoryInterface;
use Drupal\Core\KeyValueStore\KeyValueStoreExpirableInterface;
use Drupal\Core\Queue\QueueFactory;
use Drupal\user\UserInterface;
use Psr\Log\LoggerInterface;

/**
 * Manual and scheduled runs: one user, or chunks through okta_sync_users().
 *
 * Shared by the manual-sync form, its batch, Drush and the queue worker.
 */
class BulkSync {

  /**
   * Where the state of queued runs waits between their chunks.
   */
  public const RUNS = 'okta_user_sync.run_guard';

  /**
   * How long a queued run's state is kept (a stalled queue gives up).
   */
  private const RUN_TTL = 7 * 86400;

  /**
   * The state of queued runs, by run id.
   */
  private KeyValueStoreExpirableInterface $runs;

  public function __construct(
    private readonly ConfigFactoryInterface $configFactory,
    private readonly OktaClient $client,
    private readonly SnapshotFactory $snapshotFactory,
    private readonly SyncStatusStorage $status,
    private readonly EntityTypeManagerInterface $entityTypeManager,
    private readonly LoggerInterface $logger,
    private readonly QueueFactory $queueFactory,
    KeyValueExpirableFactoryInterface $keyValue,
  ) {
    $this->runs = $keyValue->get(self::RUNS);
  }

  /**
   * Clamps a configured concurrency into the range the extension accepts.
   *
   * @param mixed $configured
   *   The configured or submitted value (empty means the engine's default).
   */
  public function concurrency(mixed $configured): int {
    $limits = $this->client->limits();
    return max(1, min($limits['max_concurrency'], (int) ($configured ?: $limits['default_concurrency'])));
  }

  /**
   * Syncs one account now ("Sync" on the manual form, drush okta-sync:user).
   *
   * Blocked accounts are deactivated in Okta when the manual operations
   * allow it; the extension decides from the snapshot's status.
   *
   * @return array
   *   The outcome (with its record: `record.text` says what happened).
   */
  public function syncOne(UserInterface $account, bool $dryRun = FALSE): array {
    $snapshot = $this->snapshotFactory->fromAccount($account, FALSE);
    if ($dryRun) {
      $result = $this->client->syncUsers([$snapshot], ['method' => 'manual', 'dry_run' => TRUE]);
      return $result['outcomes'][0];
    }
    $outcome = $this->client->syncUser('manual', $snapshot);
    $this->status->record($outcome, 'manual', $snapshot);
    return $outcome;
  }

  /**
   * The run state to pass with a run's first chunk (see run()).
   *
   * @param int $users
   *   Users in the whole run (the deletion guard's share is of these).
   * @param int $confirmed
   *   Deactivations/deletions an admin confirmed after a preview.
   */
  public static function startRun(int $users, int $confirmed = 0): array {
    return ['users' => max(0, $users), 'confirmed' => max(0, $confirmed)];
  }

  /**
   * Runs one chunk of a run through okta_sync_users() and records it.
   *
   * The run's state (its deletion-guard tally and report, kept by the
   * engine) goes in and comes back; the caller stores it between chunks and
   * never reads more than `stopped`, `message`, `summary` and the counts.
   *
   * @param int[] $uids
   *   The chunk's users (missing ones are ignored), at most max_chunk.
   * @param string $method
   *   Either 'manual' or 'scheduled' (selects the operations that apply).
   * @param bool $dryRun
   *   Plan only: nothing is changed in Okta or recorded.
   * @param string $mode
   *   Either 'push' or 'reconcile'.
   * @param array $run
   *   startRun(), or what the previous chunk returned.
   * @param float|null $deadline
   *   Seconds the chunk may take in all, rate-limit waits included; users it
   *   cannot reach in time come back as retryable failures and are retried
   *   from the queue. NULL: the extension's default for bulk calls.
   *
   * @return array
   *   The run state after this chunk.
   *
   * @throws \RuntimeException
   *   When the extension is missing or the connection is not configured:
   *   no chunk can run then, and the caller stops the run.
   */
  public function run(array $uids, string $method, bool $dryRun, string $mode, array $run, ?float $deadline = NULL): array {
    $accounts = $this->loadAccounts($uids);
    // One query for the chunk's status rows instead of one per user.
    $rows = $this->status->loadMultiple(array_map(fn(UserInterface $account) => (int) $account->id(), $accounts));
    $snapshots = [];
    foreach ($accounts as $account) {
      $snapshots[] = $this->snapshotFactory->fromAccount($account, FALSE, $rows[(int) $account->id()] ?? NULL);
    }
    $overrides = $deadline !== NULL ? ['deadline' => max(1.0, $deadline)] : [];
    $method = $method === 'scheduled' ? 'scheduled' : 'manual';
    $result = $this->client->syncUsers($snapshots, [
      'method' => $method,
      'mode' => $mode === 'reconcile' ? 'reconcile' : 'push',
      'dry_run' => $dryRun,
      'concurrency' => $this->concurrency($this->configFactory->get('okta_user_sync.settings')->get('concurrency')),
      'run' => $run,
    ], $overrides);
    if (!is_array($result['run'] ?? NULL)) {
      throw new \RuntimeException((string) ($result['outcomes'][0]['error']['summary'] ?? 'The okta_sync extension did not run the chunk.'));
    }
    if (!$dryRun) {
      foreach ($result['outcomes'] as $i => $outcome) {
        $this->status->record($outcome, $method, $snapshots[$i] ?? NULL);
      }
      // One line per chunk; failures have their own (record.log).
      if ($snapshots !== []) {
        $this->logger->info('Okta sync (@method, @mode), chunk @chunk: @summary', [
          '@method' => $method,
          '@mode' => $mode,
          '@chunk' => (string) $result['run']['chunks'],
          '@summary' => (string) $result['run']['summary'],
        ]);
      }
    }
    return $result['run'];
  }

  /**
   * Queues a scheduled run: its chunks, and its state under a new run id.
   *
   * @return int
   *   The number of chunks queued.
   */
  public function queueRun(array $uids, string $mode): int {
    if ($uids === []) {
      return 0;
    }
    $runId = 'scheduled:' . bin2hex(random_bytes(8));
    $this->runs->setWithExpire($runId, self::startRun(count($uids)), self::RUN_TTL);
    $queue = $this->queueFactory->get(SyncStatusStorage::QUEUE);
    $chunks = array_chunk($uids, $this->batchSize());
    foreach ($chunks as $chunk) {
      $queue->createItem([
        'kind' => 'chunk',
        'uids' => $chunk,
        'mode' => $mode === 'reconcile' ? 'reconcile' : 'push',
        'run' => $runId,
      ]);
    }
    return count($chunks);
  }

  /**
   * Runs one queued chunk of a scheduled run (the queue worker).
   *
   * @throws \RuntimeException
   *   When no chunk can run (extension missing, not configured).
   */
  public function runQueuedChunk(array $uids, string $mode, ?string $runId): void {
    $run = $runId !== NULL ? $this->runs->get($runId) : NULL;
    // A chunk whose run state expired still runs, guarded on its own.
    $run = is_array($run) ? $run : self::startRun(count($uids));
    $run = $this->run($uids, 'scheduled', FALSE, $mode, $run);
    if ($runId !== NULL) {
      $this->runs->setWithExpire($runId, $run, self::RUN_TTL);
    }
    if (!empty($run['stopped'])) {
      $this->logger->error('Scheduled Okta sync stopped by the deletion guard: @message', ['@message' => (string) ($run['message'] ?? '')]);
    }
  }

  /**
   * Every user ID except anonymous, ascending.
   *
   * @return int[]
   *   User IDs.
   */
  public function allUids(): array {
    return $this->ints($this->uidQuery()->execute());
  }

  /**
   * Users changed at or after $since (Unix time).
   *
   * @return int[]
   *   User IDs.
   */
  public function uidsChangedSince(int $since): array {
    return $this->ints($this->uidQuery()->condition('changed', $since, '>=')->execute());
  }

  /**
   * The most users a chunk may hold (the engine's max_chunk).
   */
  public function maxChunk(): int {
    return $this->client->limits()['max_chunk'];
  }

  /**
   * Users per chunk for Drush and cron: batch_size, at most max_chunk.
   *
   * A reconcile chunk of up to max_chunk users looks up only its own users;
   * a larger one would list the whole org for every chunk.
   */
  public function batchSize(): int {
    $max = $this->maxChunk();
    $size = (int) $this->configFactory->get('okta_user_sync.settings')->get('batch_size');
    return max(1, min($max, $size > 0 ? $size : $max));
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
   * The query of every user ID except anonymous, ascending.
   */
  private function uidQuery(): QueryInterface {
    return $this->entityTypeManager->getStorage('user')->getQuery()
      ->accessCheck(FALSE)
      ->condition('uid', 0, '>')
      ->sort('uid');
  }

  /**
   * Entity query results as a list of ints.
   *
   * @return int[]
   *   User IDs.
   */
  private function ints(array $ids): array {
    return array_map('intval', array_values($ids));
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
