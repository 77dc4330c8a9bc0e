<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Import;

use Drupal\Component\Datetime\TimeInterface;
use Drupal\Core\Config\ConfigFactoryInterface;
use Drupal\Core\KeyValueStore\KeyValueFactoryInterface;
use Drupal\Core\KeyValueStore\KeyValueStoreInterface;
use Drupal\Core\Lock\LockBackendInterface;
use Drupal\Core\Queue\QueueFactory;
use Drupal\Core\State\StateInterface;
use Drupal\okta_user_sync\OktaClient;
use Drupal\okta_user_sync\SyncStatusStorage;
use Psr\Log\LoggerInterface;

/**
 * Runs the Okta → Drupal import, page by page, for Batch, cron and Drush.
 *
 * Modes: 'incremental' lists the Okta users changed since the committed
 * watermark; 'full' lists every user; 'reconcile' lists every user and then,
 * with import_block_missing, blocks the linked accounts Okta no longer
 * lists, within the deletion guard (okta_sync_import_guard()).
 *
 * The run (cursor, counts, the watermark it will commit) is saved in State
 * after every page. A failed page leaves it as it was, so the next step,
 * batch request, cron run or drush call resumes from the last completed
 * page; the committed watermark only moves when a run completes, so a
 * failure never skips a user. Runs are serialised by a lock: two runs
 * stepping one saved cursor would import pages twice or skip them.
 *
 * Event hook deliveries only queue who changed (okta_user_sync_import);
 * processQueue() imports them with one incremental run, because the events
 * can be late, repeated or out of order and Okta is re-read anyway.
 */
final class ImportRunner {

  public const INCREMENTAL = 'incremental';
  public const FULL = 'full';
  public const RECONCILE = 'reconcile';

  public const LOCK = 'okta_user_sync_import';
  public const QUEUE = 'okta_user_sync_import';

  public const WATERMARK = 'okta_user_sync.import_watermark';
  public const RUN = 'okta_user_sync.import_run';
  public const LAST_RUN = 'okta_user_sync.import_last_run';
  public const LAST_SCHEDULED = 'okta_user_sync.import_cron_last';
  public const LAST_RECONCILE = 'okta_user_sync.import_reconcile_last';
  public const SEEN = 'okta_user_sync.import_seen';

  /**
   * Errors kept per run for the admin (the rest are only counted).
   */
  private const MAX_ERRORS = 20;

  /**
   * Queue items claimed per cron run.
   */
  private const MAX_ITEMS = 1000;

  /**
   * How long the lock is held without a step renewing it (seconds).
   */
  private const LOCK_TIMEOUT = 900.0;

  /**
   * Okta ids the running reconcile has listed.
   */
  private readonly KeyValueStoreInterface $seen;

  /**
   * Constructs the runner.
   */
  public function __construct(
    private readonly ConfigFactoryInterface $configFactory,
    private readonly OktaClient $client,
    private readonly Importer $importer,
    private readonly SyncStatusStorage $status,
    private readonly StateInterface $state,
    KeyValueFactoryInterface $keyValue,
    private readonly LockBackendInterface $lock,
    private readonly QueueFactory $queueFactory,
    private readonly TimeInterface $time,
    private readonly LoggerInterface $logger,
  ) {
    $this->seen = $keyValue->get(self::SEEN);
  }

  /**
   * Whether Okta → Drupal import is on (direction okta_to_drupal or both).
   */
  public function enabled(): bool {
    return in_array($this->config('direction'), ['okta_to_drupal', 'both'], TRUE);
  }

  /**
   * The committed watermark: Okta changes up to it are imported.
   */
  public function watermark(): ?string {
    $value = $this->state->get(self::WATERMARK);
    return is_string($value) ? $value : NULL;
  }

  /**
   * The unfinished run, or NULL.
   */
  public function currentRun(): ?array {
    $run = $this->state->get(self::RUN);
    return is_array($run) ? $run : NULL;
  }

  /**
   * The summary of the last finished run, or NULL.
   */
  public function lastRun(): ?array {
    $run = $this->state->get(self::LAST_RUN);
    return is_array($run) ? $run : NULL;
  }

  /**
   * Starts a run, or returns the unfinished one to resume it.
   *
   * @param string $mode
   *   One of the mode constants.
   * @param bool $restart
   *   Discard an unfinished run instead of resuming it.
   *
   * @return array
   *   The run: mode, since, cursor, watermark, pages, seen, counts, errors,
   *   started, done, guard.
   *
   * @throws \Drupal\okta_user_sync\Import\ImportException
   */
  public function start(string $mode = self::INCREMENTAL, bool $restart = FALSE): array {
    $this->assertEnabled();
    if (!in_array($mode, [self::INCREMENTAL, self::FULL, self::RECONCILE], TRUE)) {
      throw new \InvalidArgumentException(sprintf('Unknown import mode "%s".', $mode));
    }
    return $this->locked(fn (): array => $this->begin($mode, $restart));
  }

  /**
   * Imports the next page of the unfinished run (one Batch API request).
   *
   * @param bool $force
   *   Block missing accounts even when the reconcile guard stops it.
   *
   * @return array
   *   The run after this step; 'done' is TRUE when it completed.
   *
   * @throws \Drupal\okta_user_sync\Import\ImportException
   *   When Okta could not be listed; the run is kept for resuming.
   */
  public function step(bool $force = FALSE): array {
    $this->assertEnabled();
    return $this->locked(fn (): array => $this->nextPage($this->connection(), $force));
  }

  /**
   * Runs (or resumes) an import to the end.
   *
   * @param string $mode
   *   One of the mode constants (an unfinished run is resumed instead).
   * @param bool $force
   *   Block missing accounts even when the reconcile guard stops it.
   * @param callable|null $onStep
   *   Called with the run after every page (progress output).
   *
   * @throws \Drupal\okta_user_sync\Import\ImportException
   */
  public function run(string $mode = self::INCREMENTAL, bool $force = FALSE, ?callable $onStep = NULL): array {
    $this->assertEnabled();
    return $this->locked(fn (): array => $this->toEnd($mode, $force, $onStep));
  }

  /**
   * Imports the users event hook deliveries queued.
   *
   * The queue says who changed, not what: one incremental run re-reads every
   * user Okta changed since the watermark, which includes every queued
   * user, in a few paged requests. Only deletions need the items
   * themselves: a deleted user is no longer listed.
   *
   * @return int
   *   Queue items processed; 0 when none, or when the import failed (the
   *   items stay queued for the next cron run).
   */
  public function processQueue(): int {
    $queue = $this->queueFactory->get(self::QUEUE);
    $claimed = [];
    while (count($claimed) < self::MAX_ITEMS && ($item = $queue->claimItem(300)) !== FALSE) {
      $claimed[] = $item;
    }
    if ($claimed === []) {
      return 0;
    }
    try {
      $this->assertEnabled();
      $this->locked(function () use ($claimed): void {
        $run = $this->toEnd(self::INCREMENTAL, FALSE, NULL);
        $deleted = 0;
        foreach ($claimed as $item) {
          $data = (array) $item->data;
          if (($data['event_type'] ?? '') === 'user.lifecycle.delete.initiated' && is_string($data['okta_id'] ?? NULL)) {
            $uid = $this->status->uidOfOktaId($data['okta_id']);
            $deleted += $uid !== NULL && $this->importer->blockGone($uid, $data['okta_id']) ? 1 : 0;
          }
        }
        if ($deleted > 0) {
          $this->logger->info('Okta event hook: @count Drupal accounts blocked because their Okta user was deleted.', ['@count' => $deleted]);
        }
        $this->state->set(self::LAST_RUN, ['deleted' => $deleted] + $run);
      });
    }
    catch (\Throwable $e) {
      foreach ($claimed as $item) {
        $queue->releaseItem($item);
      }
      $this->logger->error('Okta import of queued users failed (kept for the next cron run): @message', ['@message' => $e->getMessage()]);
      return 0;
    }
    foreach ($claimed as $item) {
      $queue->deleteItem($item);
    }
    return count($claimed);
  }

  /**
   * The import's cron work: queued users, then the scheduled runs.
   *
   * Failures are logged and left for the next cron: queue items are
   * released, and the unfinished run resumes from its last page.
   */
  public function cron(): void {
    if (!$this->enabled()) {
      return;
    }
    $this->processQueue();
    if (!$this->config('import_cron')) {
      return;
    }
    $now = $this->time->getRequestTime();
    $reconcileEvery = (int) ($this->config('import_reconcile_interval') ?? 0);
    $mode = NULL;
    if ($reconcileEvery > 0 && $now - (int) $this->state->get(self::LAST_RECONCILE, 0) >= $reconcileEvery) {
      $mode = self::RECONCILE;
    }
    elseif ($now - (int) $this->state->get(self::LAST_SCHEDULED, 0) >= (int) ($this->config('import_interval') ?? 3600)) {
      $mode = self::INCREMENTAL;
    }
    if ($mode === NULL) {
      return;
    }
    try {
      $this->run($mode);
      $this->state->set(self::LAST_SCHEDULED, $now);
      if ($mode === self::RECONCILE) {
        $this->state->set(self::LAST_RECONCILE, $now);
      }
    }
    catch (\Throwable $e) {
      $this->logger->error('Scheduled Okta import failed (resumes on the next cron run): @message', ['@message' => $e->getMessage()]);
    }
  }

  /**
   * Starts or resumes a run (lock held).
   */
  private function begin(string $mode, bool $restart): array {
    $run = $this->currentRun();
    if ($run !== NULL && !$restart) {
      return $run;
    }
    $this->seen->deleteAll();
    $watermark = $this->watermark();
    $run = [
      'mode' => $mode,
      'since' => $mode === self::INCREMENTAL ? $watermark : NULL,
      'cursor' => NULL,
      'watermark' => $watermark,
      'pages' => 0,
      'seen' => 0,
      'counts' => [],
      'errors' => [],
      'started' => $this->time->getCurrentTime(),
      'done' => FALSE,
      'guard' => NULL,
    ];
    $this->state->set(self::RUN, $run);
    return $run;
  }

  /**
   * Runs to the end (lock held).
   */
  private function toEnd(string $mode, bool $force, ?callable $onStep): array {
    $connection = $this->connection();
    $this->begin($mode, FALSE);
    do {
      $run = $this->nextPage($connection, $force);
      if ($onStep !== NULL) {
        $onStep($run);
      }
      // A long run keeps the lock: acquiring a held lock renews it.
      $this->lock->acquire(self::LOCK, self::LOCK_TIMEOUT);
    } while (!$run['done']);
    return $run;
  }

  /**
   * Imports one page of the saved run (lock held).
   */
  private function nextPage(array $settings, bool $force): array {
    $run = $this->currentRun() ?? $this->begin(self::INCREMENTAL, FALSE);
    $options = ['limit' => max(1, min(200, (int) ($this->config('import_page_size') ?? 200))), 'max_pages' => 1];
    foreach (['since', 'cursor'] as $key) {
      if ($run[$key] !== NULL) {
        $options[$key] = $run[$key];
      }
    }
    try {
      $response = $this->client->extension()->pull($settings, $options);
    }
    catch (\Throwable $e) {
      throw new ImportException('Listing Okta users failed: ' . $e->getMessage(), 0, $e);
    }
    $ids = [];
    foreach ((array) ($response['users'] ?? []) as $user) {
      $this->applyOne(is_array($user) ? $user : [], $settings, $run, $ids);
    }
    if ($run['mode'] === self::RECONCILE && $ids !== []) {
      $this->seen->setMultiple(array_fill_keys($ids, TRUE));
    }
    $run['seen'] += count($ids);
    $run['pages']++;
    $run['watermark'] = self::later($run['watermark'], $response['watermark'] ?? NULL);
    $cursor = $response['cursor'] ?? NULL;
    $run['cursor'] = is_string($cursor) && $cursor !== '' ? $cursor : NULL;
    if ($run['cursor'] === NULL) {
      return $this->finish($run, $settings, $force);
    }
    $this->state->set(self::RUN, $run);
    if (is_array($response['error'] ?? NULL)) {
      // A later page failed: the users before it are imported and the
      // cursor points at the failed page, so stop here and resume later.
      throw new ImportException('Listing Okta users failed part-way: ' . (string) ($response['error']['summary'] ?? $response['error']['code'] ?? 'unknown error'));
    }
    return $run;
  }

  /**
   * Applies one record; one bad record never stops the page.
   */
  private function applyOne(array $user, array $settings, array &$run, array &$ids): void {
    $id = is_string($user['id'] ?? NULL) ? $user['id'] : '';
    try {
      if ($id === '') {
        throw new ImportException('okta_sync_pull() returned a record without id.');
      }
      $ids[] = $id;
      $outcome = $this->importer->apply($user, $settings);
      $action = $outcome['action'];
      if ($action === Importer::SKIPPED) {
        $this->keepError($run, sprintf('%s (%s): %s', $id, (string) ($user['login'] ?? ''), $outcome['reason'] ?? ''));
      }
    }
    catch (\Throwable $e) {
      $action = 'failed';
      $this->keepError($run, sprintf('%s (%s): %s', $id ?: '?', (string) ($user['login'] ?? ''), $e->getMessage()));
      $this->logger->warning('Okta import of @id (@login) failed: @message', [
        '@id' => $id ?: '?',
        '@login' => (string) ($user['login'] ?? ''),
        '@message' => $e->getMessage(),
      ]);
    }
    $run['counts'][$action] = ($run['counts'][$action] ?? 0) + 1;
  }

  /**
   * Completes a run: reconcile blocking, watermark commit, one log line.
   */
  private function finish(array $run, array $settings, bool $force): array {
    if ($run['mode'] === self::RECONCILE && $this->config('import_block_missing')) {
      $this->blockMissing($run, $settings, $force);
    }
    $this->seen->deleteAll();
    $run['done'] = TRUE;
    $run['finished'] = $this->time->getCurrentTime();
    $this->state->set(self::WATERMARK, $run['watermark']);
    $this->state->delete(self::RUN);
    $this->state->set(self::LAST_RUN, $run);
    $counts = [];
    foreach ($run['counts'] as $action => $count) {
      $counts[] = "$action: $count";
    }
    $this->logger->info('Okta import (@mode) finished: @counts.', [
      '@mode' => $run['mode'],
      '@counts' => $counts === [] ? 'nothing to do' : implode(', ', $counts),
    ]);
    if ($run['guard'] !== NULL) {
      $this->logger->warning('Okta import: @guard', ['@guard' => $run['guard']]);
    }
    return $run;
  }

  /**
   * Blocks the active linked accounts the finished listing did not contain.
   */
  private function blockMissing(array &$run, array $settings, bool $force): void {
    $linked = $this->status->linkedOktaIds(TRUE);
    $missing = [];
    foreach (array_chunk($linked, 500, TRUE) as $chunk) {
      $seen = $this->seen->getMultiple(array_values($chunk));
      foreach ($chunk as $uid => $oktaId) {
        if (!isset($seen[$oktaId])) {
          $missing[(int) $uid] = $oktaId;
        }
      }
    }
    $guard = $this->client->extension()->importGuard($settings, count($missing), count($linked), (int) $run['seen']);
    if ($guard['stopped'] && !$force) {
      $run['guard'] = (string) $guard['message'];
      return;
    }
    foreach ($missing as $uid => $oktaId) {
      try {
        if ($this->importer->blockGone($uid, $oktaId)) {
          $run['counts']['blocked_missing'] = ($run['counts']['blocked_missing'] ?? 0) + 1;
        }
      }
      catch (\Throwable $e) {
        $run['counts']['failed'] = ($run['counts']['failed'] ?? 0) + 1;
        $this->keepError($run, sprintf('user %d: %s', $uid, $e->getMessage()));
      }
    }
  }

  /**
   * Keeps the first errors of a run for the admin.
   */
  private function keepError(array &$run, string $error): void {
    if (count($run['errors']) < self::MAX_ERRORS) {
      $run['errors'][] = $error;
    }
  }

  /**
   * The extension settings, secrets included.
   *
   * @throws \Drupal\okta_user_sync\Import\ImportException
   */
  private function connection(): array {
    try {
      return $this->client->settings();
    }
    catch (\Exception $e) {
      // The assembler's messages name what is missing, never a value.
      throw new ImportException($e->getMessage(), 0, $e);
    }
  }

  /**
   * Runs $work under the import lock.
   */
  private function locked(callable $work): mixed {
    if (!$this->lock->acquire(self::LOCK, self::LOCK_TIMEOUT)) {
      throw new ImportException('Another Okta import is running; try again later.');
    }
    try {
      return $work();
    }
    finally {
      $this->lock->release(self::LOCK);
    }
  }

  /**
   * Refuses to run when Okta → Drupal is off.
   *
   * @throws \Drupal\okta_user_sync\Import\ImportException
   */
  private function assertEnabled(): void {
    if (!$this->enabled()) {
      throw new ImportException('Okta to Drupal import is off: set the sync direction to "Okta to Drupal" or "Both".');
    }
  }

  /**
   * One key of the module configuration.
   */
  private function config(string $key): mixed {
    return $this->configFactory->get('okta_user_sync.settings')->get($key);
  }

  /**
   * The later of two ISO-8601 timestamps (NULL-tolerant, millisecond-exact).
   */
  private static function later(?string $a, mixed $b): ?string {
    if (!is_string($b) || $b === '') {
      return $a;
    }
    if ($a === NULL) {
      return $b;
    }
    try {
      return new \DateTimeImmutable($b) > new \DateTimeImmutable($a) ? $b : $a;
    }
    catch (\Exception) {
      return strcmp($b, $a) > 0 ? $b : $a;
    }
  }

}
