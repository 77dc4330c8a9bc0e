<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Sync;

/**
 * Accumulates and presents the results of bulk runs (okta_sync_users()).
 *
 * Used for the dry-run preview, the Batch API finished page, Drush output
 * and the queue worker's log line. Counts come from the outcomes themselves
 * so that chunks of a batch add up.
 */
final class RunReport {

  /**
   * Outcomes counted per action.
   *
   * @var array<string, int>
   */
  private array $counts = [];

  /**
   * Failures: uid => one-line error.
   *
   * @var array<int, string>
   */
  private array $failures = [];

  /**
   * Dry-run plan: list of [uid, action, reason].
   *
   * @var list<array{uid: int, action: string, reason: string}>
   */
  private array $planned = [];

  /**
   * Guard stops, as plain sentences.
   *
   * @var string[]
   */
  private array $guards = [];

  /**
   * Whether a guard actually stopped a run (dry runs only warn).
   */
  private bool $stopped = FALSE;

  /**
   * Okta requests made.
   */
  private int $requests = 0;

  /**
   * Time spent in the extension (milliseconds).
   */
  private int $elapsedMs = 0;

  /**
   * Rebuilds a report from toArray() (Batch API keeps arrays in $context).
   */
  public static function fromArray(array $data): self {
    $report = new self();
    $report->counts = array_map('intval', (array) ($data['counts'] ?? []));
    $report->failures = array_map('strval', (array) ($data['failures'] ?? []));
    $report->planned = array_values((array) ($data['planned'] ?? []));
    $report->guards = array_values(array_map('strval', (array) ($data['guards'] ?? [])));
    $report->requests = (int) ($data['requests'] ?? 0);
    $report->elapsedMs = (int) ($data['elapsed_ms'] ?? 0);
    $report->stopped = (bool) ($data['stopped'] ?? FALSE);
    return $report;
  }

  /**
   * A plain array for storage between batch steps.
   */
  public function toArray(): array {
    return [
      'counts' => $this->counts,
      'failures' => $this->failures,
      'planned' => $this->planned,
      'guards' => $this->guards,
      'requests' => $this->requests,
      'elapsed_ms' => $this->elapsedMs,
      'stopped' => $this->stopped,
    ];
  }

  /**
   * Adds one okta_sync_users() result.
   */
  public function addResult(array $result): void {
    foreach (is_array($result['outcomes'] ?? NULL) ? $result['outcomes'] : [] as $outcome) {
      if (is_array($outcome)) {
        $this->addOutcome($outcome);
      }
    }
    $stats = is_array($result['stats'] ?? NULL) ? $result['stats'] : [];
    $this->requests += (int) ($stats['requests'] ?? 0);
    $this->elapsedMs += (int) ($stats['elapsed_ms'] ?? 0);
    if (!empty($result['guard']) && is_array($result['guard'])) {
      $this->guards[] = self::guardMessage($result['guard']);
      // A dry run reports the guard with stopped FALSE ("a real run would
      // stop").
      $this->stopped = $this->stopped || ($result['guard']['stopped'] ?? TRUE) !== FALSE;
    }
  }

  /**
   * Adds one outcome (okta_sync_user() or an element of outcomes).
   */
  public function addOutcome(array $outcome): void {
    $action = (string) ($outcome['action'] ?? 'failed');
    $this->counts[$action] = ($this->counts[$action] ?? 0) + 1;
    $uid = (int) ($outcome['uid'] ?? 0);
    if ($action === 'failed') {
      $this->failures[$uid] = OutcomeInterpreter::errorSummary(is_array($outcome['error'] ?? NULL) ? $outcome['error'] : []);
    }
    elseif ($action === 'planned') {
      // planned_action is what a real run would report; reason explains it.
      $this->planned[] = [
        'uid' => $uid,
        'action' => (string) ($outcome['planned_action'] ?? ''),
        'reason' => (string) ($outcome['reason'] ?? ''),
      ];
    }
  }

  /**
   * Outcomes per action.
   *
   * @return array<string, int>
   *   Action => count, in a stable order.
   */
  public function counts(): array {
    $counts = $this->counts;
    ksort($counts);
    return $counts;
  }

  /**
   * Total outcomes.
   */
  public function total(): int {
    return array_sum($this->counts);
  }

  /**
   * Deactivations/deletions: done (real run) plus planned (dry run).
   */
  public function destructive(): int {
    $count = 0;
    foreach (RunGuard::DESTRUCTIVE_ACTIONS as $action) {
      $count += $this->counts[$action] ?? 0;
    }
    foreach ($this->planned as $item) {
      if (in_array($item['action'] ?? '', RunGuard::DESTRUCTIVE_ACTIONS, TRUE)) {
        $count++;
      }
    }
    return $count;
  }

  /**
   * Failures: uid => error line.
   */
  public function failures(): array {
    return $this->failures;
  }

  /**
   * The dry-run plan.
   */
  public function planned(): array {
    return $this->planned;
  }

  /**
   * Whether the deletion guard stopped (part of) a real run.
   */
  public function guardStopped(): bool {
    return $this->stopped;
  }

  /**
   * Guard messages.
   */
  public function guards(): array {
    return $this->guards;
  }

  /**
   * Planned actions grouped: planned action (or reason) => count.
   */
  public function plannedByReason(): array {
    $byReason = [];
    foreach ($this->planned as $item) {
      $reason = ($item['action'] ?? '') !== '' ? $item['action'] : ($item['reason'] === '' ? 'change' : $item['reason']);
      $byReason[$reason] = ($byReason[$reason] ?? 0) + 1;
    }
    ksort($byReason);
    return $byReason;
  }

  /**
   * One sentence, such as "12 users: 3 created, 8 unchanged, 1 failed.".
   */
  public function summary(): string {
    $parts = [];
    foreach ($this->counts() as $action => $count) {
      $parts[] = $count . ' ' . $action;
    }
    $total = $this->total();
    $text = $total . ($total === 1 ? ' user' : ' users');
    $text .= $parts === [] ? '.' : ': ' . implode(', ', $parts) . '.';
    if ($this->requests > 0) {
      $text .= ' ' . $this->requests . ' Okta requests in ' . round($this->elapsedMs / 1000, 1) . ' s.';
    }
    return $text;
  }

  /**
   * Describes why the deletion guard stopped a run.
   *
   * The guard array's keys may vary; known ones are named, the others are
   * listed as key: value so nothing is hidden.
   */
  public static function guardMessage(array $guard): string {
    $stopped = ($guard['stopped'] ?? TRUE) !== FALSE;
    if (isset($guard['message']) && is_string($guard['message'])) {
      return ($stopped ? 'Deletion guard stopped the run: ' : 'Deletion guard: ') . $guard['message'];
    }
    $details = [];
    foreach ($guard as $key => $value) {
      if (is_scalar($value)) {
        $details[] = $key . ': ' . (is_bool($value) ? ($value ? 'yes' : 'no') : $value);
      }
    }
    return ($stopped ? 'Deletion guard stopped the run' : 'Deletion guard warning') . ($details === [] ? '.' : ' (' . implode(', ', $details) . ').');
  }

}
