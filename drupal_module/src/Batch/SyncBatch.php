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
use Drupal\okta_user_sync\Sync\RunReport;
use Drupal\okta_user_sync\Sync\RunTally;
use Drupal\okta_user_sync\Sync\StepBudget;

/**
 * Runs "Sync all users" (and "Retry failed users") through the Batch API.
 *
 * Each batch request pushes small chunks (ui_batch_size users, 50 by default)
 * through okta_sync_users(), and starts another one only within a time box
 * (StepBudget), so no request runs into server or proxy timeouts. The deletion
 * guard applies to the whole run: a real run keeps a running total of
 * deactivations/deletions (RunTally, in the batch results) and stops when the
 * next chunk would go beyond it; a dry run is judged as a whole when it
 * finishes (RunGuard::previewProblem()). The service is serialized into the
 * batch with DependencySerializationTrait, so no \Drupal::service() calls are
 * needed.
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
    protected MessengerInterface $messenger,
    protected StateInterface $state,
    protected TimeInterface $time,
  ) {}

  /**
   * Builds the batch definition (pass it to batch_set()).
   *
   * @param int[]|null $uids
   *   The users, or NULL for everyone (read in the first step).
   * @param bool $dryRun
   *   Preview only.
   * @param string $mode
   *   Either 'push' or 'reconcile'.
   * @param int $confirmed
   *   Deactivations/deletions the admin confirmed beyond the deletion guard
   *   after the preview (0: none; the guard applies as configured).
   */
  public function build(?array $uids, bool $dryRun, string $mode = 'push', int $confirmed = 0): array {
    $title = $dryRun ? $this->t('Previewing the Okta sync (dry run)') : $this->t('Syncing users to Okta');
    return (new BatchBuilder())
      ->setTitle($title)
      ->setInitMessage($this->t('Reading users...'))
      ->setProgressMessage($this->t('Elapsed: @elapsed, estimated remaining: @estimate.'))
      ->setErrorMessage($this->t('The Okta sync stopped with an error. Users already processed are recorded on the status page.'))
      ->addOperation([$this, 'process'], [$uids, $dryRun, $mode, max(0, $confirmed)])
      ->setFinishCallback([$this, 'finished'])
      ->toArray();
  }

  /**
   * Batch operation: chunks until the request's time box is used up.
   */
  public function process(?array $uids, bool $dryRun, string $mode, int $confirmed, array &$context): void {
    if (!isset($context['sandbox']['uids'])) {
      $context['sandbox']['uids'] = $uids ?? $this->bulkSync->allUids();
      $context['sandbox']['position'] = 0;
      $context['results'] = [
        'report' => (new RunReport())->toArray(),
        'dry_run' => $dryRun,
        'mode' => $mode,
        'tally' => $this->bulkSync->runGuard()->startRun(count($context['sandbox']['uids']), $confirmed)->toArray(),
      ];
    }
    $all = $context['sandbox']['uids'];
    $total = count($all);
    $report = RunReport::fromArray($context['results']['report']);
    $tally = RunTally::fromArray($context['results']['tally']);
    $budget = new StepBudget(self::STEP_SECONDS);
    $started = $this->time->getCurrentMicroTime();
    do {
      $chunkStarted = $this->time->getCurrentMicroTime();
      $chunk = array_slice($all, $context['sandbox']['position'], $this->bulkSync->uiBatchSize());
      if ($chunk !== []) {
        $this->bulkSync->run($chunk, 'manual', $dryRun, $mode, $report, $tally, self::CHUNK_DEADLINE);
      }
      $context['sandbox']['position'] += count($chunk);
      $now = $this->time->getCurrentMicroTime();
    } while ($chunk !== []
      && !$report->guardStopped()
      && $context['sandbox']['position'] < $total
      && $budget->allowsAnother($now - $started, $now - $chunkStarted));
    $context['results']['report'] = $report->toArray();
    $context['results']['tally'] = $tally->toArray();
    $context['message'] = $this->t('Processed @done of @total users.', [
      '@done' => $context['sandbox']['position'],
      '@total' => $total,
    ]);
    // A guard stop ends the run: the rest would be stopped for the same reason.
    $context['finished'] = ($total === 0 || $chunk === [] || $report->guardStopped()) ? 1 : $context['sandbox']['position'] / $total;
  }

  /**
   * Batch finished callback: messages, and the preview for the form.
   */
  public function finished(bool $success, array $results, array $operations): void {
    if (!$success || !isset($results['report'])) {
      $this->messenger->addError($this->t('The Okta sync did not finish. See the recent log messages.'));
      return;
    }
    $report = RunReport::fromArray($results['report']);
    $dryRun = !empty($results['dry_run']);
    if ($dryRun) {
      $problem = $this->bulkSync->runGuard()->previewProblem($report);
      if ($problem !== NULL) {
        $this->messenger->addWarning($this->t('@problem "Sync all users" will refuse to run unless you confirm these changes.', ['@problem' => $problem]));
      }
      $this->state->set(self::PREVIEW_STATE, [
        'time' => $this->time->getCurrentTime(),
        'mode' => $results['mode'] ?? 'push',
        'report' => $report->toArray(),
      ]);
      $this->messenger->addStatus($this->t('Preview (nothing was changed): @summary', ['@summary' => $report->summary()]));
    }
    else {
      $this->messenger->addStatus($this->t('Okta sync finished: @summary', ['@summary' => $report->summary()]));
    }
    foreach ($report->guards() as $guard) {
      $this->messenger->addWarning($guard);
    }
    $failures = count($report->failures());
    if ($failures > 0 && !$dryRun) {
      $this->messenger->addError($this->t('@failed <a href=":url">See the failures and retry them</a>.', [
        '@failed' => $this->formatPlural($failures, '1 user failed.', '@count users failed.'),
        ':url' => Url::fromRoute('okta_user_sync.status', [], ['query' => ['failures' => 1]])->toString(),
      ]));
    }
  }

}
