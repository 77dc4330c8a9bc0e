<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Import;

/**
 * Runs an import page by page, so it can resume after any failure.
 *
 * Modes: 'incremental' lists Okta users changed since the committed
 * watermark; 'full' lists every user; 'reconcile' lists every user and then
 * (with import_block_missing) blocks linked accounts Okta no longer lists.
 *
 * The run (cursor, counts, the watermark it will commit) is saved after every
 * page. A failed page leaves it as it was, so the next step, batch request,
 * cron run or drush call resumes from the last completed page; the committed
 * watermark only moves when a run completes, so a failure never skips users.
 *
 * Run keys: mode, since, cursor, watermark, pages, seen, counts, errors,
 * started, done, guard.
 */
final class ImportRunner {

  public const INCREMENTAL = 'incremental';
  public const FULL = 'full';
  public const RECONCILE = 'reconcile';

  /**
   * Errors kept per run for the admin (the rest are only counted).
   */
  private const MAX_ERRORS = 20;

  /**
   * Constructs the runner.
   */
  public function __construct(
    private readonly PullClientInterface $pull,
    private readonly Importer $importer,
    private readonly AccountStoreInterface $accounts,
    private readonly ImportStateInterface $state,
    private readonly ImportSettings $settings,
  ) {}

  /**
   * Starts a run, or returns the unfinished one to resume it.
   *
   * @param string $mode
   *   One of the mode constants.
   * @param bool $restart
   *   Discard an unfinished run instead of resuming it.
   *
   * @return array
   *   The run.
   */
  public function start(string $mode = self::INCREMENTAL, bool $restart = FALSE): array {
    if (!in_array($mode, [self::INCREMENTAL, self::FULL, self::RECONCILE], TRUE)) {
      throw new \InvalidArgumentException(sprintf('Unknown import mode "%s".', $mode));
    }
    $run = $this->state->getRun();
    if ($run !== NULL && !$restart) {
      return $run;
    }
    if ($mode === self::RECONCILE) {
      $this->state->clearSeen();
    }
    $run = [
      'mode' => $mode,
      'since' => $mode === self::INCREMENTAL ? $this->state->getWatermark() : NULL,
      'cursor' => NULL,
      'watermark' => $this->state->getWatermark(),
      'pages' => 0,
      'seen' => 0,
      'counts' => [],
      'errors' => [],
      'started' => time(),
      'done' => FALSE,
      'guard' => NULL,
    ];
    $this->state->setRun($run);
    return $run;
  }

  /**
   * Imports the next page(s) of the unfinished run.
   *
   * @param array $connection
   *   The extension's connection settings (org_url, credentials, timeouts).
   * @param int $pages
   *   Okta pages to fetch in this step.
   * @param bool $force
   *   Block missing accounts even when the reconcile guard trips.
   *
   * @return array
   *   The run after this step; 'done' is TRUE when it completed.
   *
   * @throws \Drupal\okta_user_sync\Import\ImportException
   *   When Okta could not be listed; the run is kept for resuming.
   */
  public function step(array $connection, int $pages = 1, bool $force = FALSE): array {
    $run = $this->state->getRun() ?? $this->start();
    $options = ['limit' => $this->settings->pageSize, 'max_pages' => max(1, $pages)];
    if ($run['since'] !== NULL) {
      $options['since'] = $run['since'];
    }
    if ($run['cursor'] !== NULL) {
      $options['cursor'] = $run['cursor'];
    }
    try {
      $response = $this->pull->pull($connection + $this->settings->extensionSettings(), $options);
    }
    catch (\Throwable $e) {
      throw new ImportException('Listing Okta users failed: ' . $e->getMessage(), 0, $e);
    }
    if (!is_array($response['users'] ?? NULL)) {
      throw new ImportException('okta_sync_pull() returned no user list.');
    }

    $ids = [];
    $settings = $connection + $this->settings->extensionSettings();
    foreach ($response['users'] as $user) {
      $this->applyOne(is_array($user) ? $user : [], $settings, $run, $ids);
    }
    if ($run['mode'] === self::RECONCILE && $ids !== []) {
      $this->state->markSeen($ids);
    }
    $run['seen'] += count($ids);
    $run['pages'] += max(1, $pages);
    $run['watermark'] = self::later($run['watermark'], $response['watermark'] ?? NULL);
    $cursor = $response['cursor'] ?? NULL;
    $run['cursor'] = is_string($cursor) && $cursor !== '' ? $cursor : NULL;

    if ($run['cursor'] !== NULL) {
      $this->state->setRun($run);
      $error = $response['error'] ?? NULL;
      if (is_array($error)) {
        // A later page failed: the users before it are imported and the
        // cursor points at the failed page, so stop here and resume later.
        throw new ImportException('Listing Okta users failed part-way: ' . (string) ($error['summary'] ?? $error['code'] ?? 'unknown error'));
      }
      return $run;
    }
    return $this->finish($run, $force);
  }

  /**
   * Runs (or resumes) an import to the end.
   *
   * @param array $connection
   *   The extension's connection settings.
   * @param string $mode
   *   One of the mode constants (ignored when resuming).
   * @param callable|null $onStep
   *   Called with the run after every step (progress output).
   * @param bool $force
   *   Block missing accounts even when the reconcile guard trips.
   *
   * @return array
   *   The finished run.
   */
  public function run(array $connection, string $mode = self::INCREMENTAL, ?callable $onStep = NULL, bool $force = FALSE): array {
    $this->start($mode);
    do {
      $run = $this->step($connection, 1, $force);
      if ($onStep !== NULL) {
        $onStep($run);
      }
    } while (!$run['done']);
    return $run;
  }

  /**
   * Applies one record; one bad record never aborts the page.
   */
  private function applyOne(array $user, array $settings, array &$run, array &$ids): void {
    try {
      if (!is_string($user['id'] ?? NULL) || $user['id'] === '') {
        throw new \UnexpectedValueException('An Okta record without id was returned by okta_sync_pull().');
      }
      $ids[] = $user['id'];
      $outcome = $this->importer->apply($user, $settings);
      $action = $outcome['action'];
      if ($action === Importer::SKIPPED && count($run['errors']) < self::MAX_ERRORS) {
        $run['errors'][] = sprintf('%s (%s): %s', $user['id'], (string) ($user['login'] ?? ''), $outcome['reason'] ?? '');
      }
    }
    catch (\Throwable $e) {
      $action = 'failed';
      if (count($run['errors']) < self::MAX_ERRORS) {
        $run['errors'][] = sprintf('%s: %s', (string) ($user['id'] ?? '?'), $e->getMessage());
      }
    }
    $run['counts'][$action] = ($run['counts'][$action] ?? 0) + 1;
  }

  /**
   * Completes a run: reconcile blocking, watermark commit, summary.
   */
  private function finish(array $run, bool $force): array {
    if ($run['mode'] === self::RECONCILE && $this->settings->blockMissing) {
      $this->blockMissing($run, $force);
      $this->state->clearSeen();
    }
    $run['done'] = TRUE;
    $run['finished'] = time();
    $this->state->setWatermark($run['watermark']);
    $this->state->setRun(NULL);
    $this->state->setLastRun($run);
    return $run;
  }

  /**
   * Blocks active linked accounts that the finished listing did not contain.
   */
  private function blockMissing(array &$run, bool $force): void {
    $linked = $this->accounts->linkedOktaIds();
    $missing = [];
    foreach ($linked as $uid => $oktaId) {
      if (!$this->state->wasSeen($oktaId)) {
        $missing[(int) $uid] = $oktaId;
      }
    }
    if ($missing === []) {
      return;
    }
    // Directory-sync guard: an empty or truncated listing (wrong org, filter
    // or credentials) must not block every account.
    $share = count($missing) / max(1, count($linked));
    $tripped = $run['seen'] === 0
      || count($missing) > $this->settings->guardMaxCount
      || (count($missing) > 1 && $share > $this->settings->guardMaxShare);
    if ($tripped && !$force) {
      $run['guard'] = sprintf('Reconcile would block %d of %d linked accounts; nothing was blocked.', count($missing), count($linked));
      return;
    }
    foreach ($missing as $uid => $oktaId) {
      try {
        if ($this->accounts->findByOktaId($oktaId)?->active !== TRUE) {
          continue;
        }
        $this->importer->blockMissing($uid);
        $run['counts']['blocked_missing'] = ($run['counts']['blocked_missing'] ?? 0) + 1;
      }
      catch (\Throwable $e) {
        $run['counts']['failed'] = ($run['counts']['failed'] ?? 0) + 1;
      }
    }
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
