<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Batch;

use Drupal\Component\Datetime\TimeInterface;
use Drupal\Core\Batch\BatchBuilder;
use Drupal\Core\DependencyInjection\DependencySerializationTrait;
use Drupal\Core\Messenger\MessengerInterface;
use Drupal\Core\State\StateInterface;
use Drupal\Core\StringTranslation\StringTranslationTrait;
use Drupal\Core\Url;
use Drupal\okta_user_sync\BulkSync;
use Drupal\okta_user_sync\SyncStatusStorage;

/**
 * Runs "Sync all users" (and "Retry failed users") through the Batch API.
 *
 * Each batch request pushes small chunks (ui_batch_size users, 50 by default)
 * through okta_sync_users(), and starts another one only while the request,
 * with one more chunk as slow as the last, stays within STEP_SECONDS, so no
 * request runs into server or proxy timeouts. The run's state (deletion
 * guard tally, counts, the first few failures and planned changes) is the
 * engine's, carried between requests in the batch results; a dry run's is
 * kept in State as the preview. The service is serialized into the batch
 * with DependencySerializationTrait.
 */
class SyncBatch {

  use DependencySerializationTrait;
  use StringTranslationTrait;

  public const PREVIEW_STATE = 'okta_user_sync.last_preview';

  /**
   * Seconds one batch request may keep starting chunks.
   */
  public const STEP_SECONDS = 20.0;

  /**
   * Seconds one chunk may take, Okta's rate-limit waits included.
   *
   * Under common 60 s proxy and web server timeouts, yet long enough to sit
   * out most of a rate-limit window; users not reached in time are recorded
   * as retryable failures and retried from the queue.
   */
  public const CHUNK_DEADLINE = 45.0;

  /**
   * Constructs the batch service.
   *
   * Not readonly: DependencySerializationTrait re-injects the services when
   * the batch is unserialized.
   */
  public function __construct(
    protected BulkSync $bulkSync,
    protected SyncStatusStorage $status,
    protected MessengerInterface $messenger,
    protected StateInterface $state,
    protected TimeInterface $time,
  ) {}

  /**
   * Builds the batch definition (pass it to batch_set()).
   *
   * @param string $users
   *   Which users: 'all', or 'failed' (every user whose last sync failed).
   * @param bool $dryRun
   *   Preview only.
   * @param string $mode
   *   Either 'push' or 'reconcile'.
   * @param int $confirmed
   *   Deactivations/deletions the admin confirmed beyond the deletion guard
   *   after the preview (0: none; the guard applies as configured).
   */
  public function build(string $users, bool $dryRun, string $mode = 'push', int $confirmed = 0): array {
    $title = $dryRun ? $this->t('Previewing the Okta sync (dry run)') : $this->t('Syncing users to Okta');
    return (new BatchBuilder())
      ->setTitle($title)
      ->setInitMessage($this->t('Reading users...'))
      ->setProgressMessage($this->t('Elapsed: @elapsed, estimated remaining: @estimate.'))
      ->setErrorMessage($this->t('The Okta sync stopped with an error. Users already processed are recorded on the status page.'))
      ->addOperation([$this, 'process'], [$users === 'failed' ? 'failed' : 'all', $dryRun, $mode, max(0, $confirmed)])
      ->setFinishCallback([$this, 'finished'])
      ->toArray();
  }

  /**
   * Batch operation: chunks until the request's time box is used up.
   */
  public function process(string $users, bool $dryRun, string $mode, int $confirmed, array &$context): void {
    if (!isset($context['sandbox']['uids'])) {
      $context['sandbox']['uids'] = $users === 'failed' ? $this->failedUids() : $this->bulkSync->allUids();
      $context['sandbox']['position'] = 0;
      $context['results'] = [
        'dry_run' => $dryRun,
        'mode' => $mode,
        'run' => BulkSync::startRun(count($context['sandbox']['uids']), $confirmed),
      ];
    }
    $all = $context['sandbox']['uids'];
    $total = count($all);
    $started = $this->time->getCurrentMicroTime();
    do {
      $chunkStarted = $this->time->getCurrentMicroTime();
      $chunk = array_slice($all, $context['sandbox']['position'], $this->bulkSync->uiBatchSize());
      if ($chunk !== []) {
        try {
          $context['results']['run'] = $this->bulkSync->run($chunk, 'manual', $dryRun, $mode, $context['results']['run'], self::CHUNK_DEADLINE);
        }
        catch (\RuntimeException $e) {
          $context['results']['error'] = $e->getMessage();
          $context['finished'] = 1;
          return;
        }
      }
      $context['sandbox']['position'] += count($chunk);
      $now = $this->time->getCurrentMicroTime();
      $stopped = !empty($context['results']['run']['stopped']);
      // Another chunk only if one as slow as the last still fits.
      $fits = ($now - $started) + ($now - $chunkStarted) <= self::STEP_SECONDS;
    } while ($chunk !== [] && !$stopped && $context['sandbox']['position'] < $total && $fits);
    $context['message'] = $this->t('Processed @done of @total users.', [
      '@done' => $context['sandbox']['position'],
      '@total' => $total,
    ]);
    // A guard stop ends the run: the rest would be stopped for the same reason.
    $context['finished'] = ($total === 0 || $chunk === [] || $stopped) ? 1 : $context['sandbox']['position'] / $total;
  }

  /**
   * Batch finished callback: messages, and the preview for the form.
   */
  public function finished(bool $success, array $results, array $operations): void {
    if (!$success || !isset($results['run'])) {
      $this->messenger->addError($this->t('The Okta sync did not finish. See the recent log messages.'));
      return;
    }
    if (isset($results['error'])) {
      $this->messenger->addError($this->t('The Okta sync could not run: @error', ['@error' => $results['error']]));
      return;
    }
    $run = $results['run'];
    $summary = (string) ($run['summary'] ?? '');
    if (!empty($results['dry_run'])) {
      $this->state->set(self::PREVIEW_STATE, [
        'time' => $this->time->getCurrentTime(),
        'mode' => $results['mode'] ?? 'push',
        'run' => $run,
      ]);
      $this->messenger->addStatus($this->t('Preview (nothing was changed): @summary', ['@summary' => $summary]));
      if (!empty($run['message'])) {
        $this->messenger->addWarning($this->t('Deletion guard: @message. "Sync all users" will refuse to run unless you confirm these changes.', ['@message' => $run['message']]));
      }
      return;
    }
    $this->messenger->addStatus($this->t('Okta sync finished: @summary', ['@summary' => $summary]));
    if (!empty($run['stopped'])) {
      $this->messenger->addWarning($this->t('Deletion guard stopped the run: @message', ['@message' => (string) ($run['message'] ?? '')]));
    }
    $failures = (int) ($run['actions']['failed'] ?? 0);
    if ($failures > 0) {
      $this->messenger->addError($this->t('@failed <a href=":url">See the failures and retry them</a>.', [
        '@failed' => $this->formatPlural($failures, '1 user failed.', '@count users failed.'),
        ':url' => Url::fromRoute('okta_user_sync.status', [], ['query' => ['show' => 'failures']])->toString(),
      ]));
    }
  }

  /**
   * Every user whose last sync failed, in uid order, read page by page.
   *
   * @return int[]
   *   User IDs.
   */
  private function failedUids(): array {
    $uids = [];
    do {
      $page = $this->status->failedUids($uids === [] ? 0 : end($uids), 1000);
      array_push($uids, ...$page);
    } while (count($page) === 1000);
    return $uids;
  }

}
