<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Sync;

/**
 * Decides what to record from an outcome array of the extension.
 *
 * Outcome keys: see okta_sync.stubs.php ("Outcome array").
 */
final class OutcomeInterpreter {

  /**
   * Actions that mean Okta now matches Drupal.
   */
  private const SUCCESS = ['created', 'linked', 'updated', 'deactivated', 'reactivated', 'activated'];

  public function __construct(private readonly BackoffPolicy $backoff) {}

  /**
   * Interprets one outcome.
   *
   * @param array $outcome
   *   The outcome array.
   * @param int $previousAttempts
   *   Consecutive failed attempts before this one (from the status row or
   *   the queue item).
   * @param int $fallbackUid
   *   Used when the outcome lacks a uid.
   */
  public function interpret(array $outcome, int $previousAttempts = 0, int $fallbackUid = 0): RecordDecision {
    $uid = (int) ($outcome['uid'] ?? $fallbackUid);
    $action = (string) ($outcome['action'] ?? 'failed');
    $context = [
      '@uid' => (string) $uid,
      '@action' => $action,
      '@okta_id' => (string) ($outcome['okta_id'] ?? ''),
      '@status' => (string) ($outcome['okta_status'] ?? ''),
    ];
    $row = $this->baseRow($outcome, $action);

    if ($action === 'planned') {
      return new RecordDecision($uid, NULL, FALSE, 'debug', 'Dry run: user @uid would be @planned (@reason).', $context + [
        '@planned' => (string) ($outcome['planned_action'] ?? 'changed'),
        '@reason' => (string) ($outcome['reason'] ?? ''),
      ], FALSE, 0);
    }
    if ($action === 'deleted') {
      return new RecordDecision($uid, NULL, TRUE, 'info', 'User @uid deleted in Okta (@okta_id).', $context, FALSE, 0);
    }
    if ($action === 'failed' || isset($outcome['error'])) {
      return $this->failure($uid, $outcome, $row, $previousAttempts, $context);
    }
    $row['attempts'] = 0;
    $row['last_error'] = NULL;
    if ($action === 'skipped') {
      // Shown on the status page: why nothing was sent (not a failure).
      $row['last_error'] = (string) ($outcome['reason'] ?? 'skipped');
      return new RecordDecision($uid, $row, FALSE, 'info', 'User @uid not sent to Okta: @reason.', $context + ['@reason' => (string) ($outcome['reason'] ?? 'skipped')], FALSE, 0);
    }
    if ($action === 'unchanged') {
      return new RecordDecision($uid, $row, FALSE, 'debug', 'User @uid unchanged in Okta (@okta_id).', $context, FALSE, 0);
    }
    $level = in_array($action, self::SUCCESS, TRUE) ? 'info' : 'notice';
    return new RecordDecision($uid, $row, FALSE, $level, 'User @uid @action in Okta (@okta_id, @status).', $context, FALSE, 0);
  }

  /**
   * One line describing an outcome's error, for the table and the log.
   *
   * Example: "E0000001: Api validation failed: login (login: An object with
   * this field already exists ...) [HTTP 400, request abc123]".
   */
  public static function errorSummary(array $error): string {
    $text = trim((string) ($error['code'] ?? ''));
    $summary = trim((string) ($error['summary'] ?? ''));
    $text = $text === '' ? $summary : ($summary === '' ? $text : $text . ': ' . $summary);
    $causes = [];
    foreach (is_array($error['causes'] ?? NULL) ? $error['causes'] : [] as $cause) {
      $causeText = is_array($cause) ? (string) ($cause['summary'] ?? $cause['errorSummary'] ?? '') : (string) $cause;
      if (trim($causeText) !== '') {
        $causes[] = trim($causeText);
      }
    }
    if ($causes !== []) {
      $text .= ' (' . implode('; ', $causes) . ')';
    }
    $meta = [];
    if (!empty($error['http_status'])) {
      $meta[] = 'HTTP ' . (int) $error['http_status'];
    }
    if (!empty($error['request_id'])) {
      $meta[] = 'request ' . $error['request_id'];
    }
    if ($meta !== []) {
      $text .= ' [' . implode(', ', $meta) . ']';
    }
    return $text === '' ? 'Unknown error' : $text;
  }

  /**
   * The decision for a failed outcome.
   */
  private function failure(int $uid, array $outcome, array $row, int $previousAttempts, array $context): RecordDecision {
    $error = is_array($outcome['error'] ?? NULL) ? $outcome['error'] : [];
    $attempts = $previousAttempts + 1;
    $retryable = (bool) ($error['retryable'] ?? FALSE);
    $retryAfter = is_numeric($error['retry_after'] ?? NULL) ? (float) $error['retry_after'] : NULL;
    $requeue = $retryable && $this->backoff->mayRetry($attempts);
    $delay = $requeue ? $this->backoff->delay($attempts, $retryAfter) : 0;
    $row['attempts'] = $attempts;
    $row['last_error'] = self::errorSummary($error);
    $context += ['@error' => $row['last_error'], '@attempts' => (string) $attempts];
    if ($requeue) {
      $context['@delay'] = (string) $delay;
      return new RecordDecision($uid, $row, FALSE, 'warning', 'Okta sync of user @uid failed (attempt @attempts), retrying in @delay s: @error', $context, TRUE, $delay);
    }
    $why = $retryable ? 'giving up after @attempts attempts' : 'not retryable';
    return new RecordDecision($uid, $row, FALSE, 'error', 'Okta sync of user @uid failed (' . $why . '): @error', $context, FALSE, 0);
  }

  /**
   * Columns every non-dry-run outcome updates.
   */
  private function baseRow(array $outcome, string $action): array {
    $row = ['last_action' => $action];
    foreach (['okta_id', 'okta_status', 'profile_hash'] as $key) {
      if (isset($outcome[$key]) && is_string($outcome[$key]) && $outcome[$key] !== '') {
        $row[$key] = $outcome[$key];
      }
    }
    return $row;
  }

}
