<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Sync;

/**
 * Running total of deactivations/deletions of one bulk run, across chunks.
 *
 * Each chunk gets what is left of the run's allowance as its
 * guard_max_count (and no per-chunk share limit: the share is the run's, see
 * RunGuard::allowance()), so the extension stops the chunk that would go
 * beyond it before touching anyone. From then on the run is stopped: its
 * remaining chunks are not sent. Stored between batch steps and queue items
 * with toArray() / fromArray().
 */
final class RunTally {

  private function __construct(
    private int $users,
    private int $allowed,
    private int $disabled = 0,
    private bool $stopped = FALSE,
    private string $message = '',
    private string $limits = '',
  ) {}

  /**
   * A new run of $users users that may deactivate or delete $allowed.
   */
  public static function start(int $users, int $allowed, string $limits = ''): self {
    return new self(max(0, $users), max(0, $allowed), 0, FALSE, '', $limits);
  }

  /**
   * Rebuilds a tally from toArray().
   */
  public static function fromArray(array $data): self {
    return new self(
      max(0, (int) ($data['users'] ?? 0)),
      max(0, (int) ($data['allowed'] ?? 0)),
      max(0, (int) ($data['disabled'] ?? 0)),
      (bool) ($data['stopped'] ?? FALSE),
      (string) ($data['message'] ?? ''),
      (string) ($data['limits'] ?? ''),
    );
  }

  /**
   * A plain array for State, the key-value store or $context.
   */
  public function toArray(): array {
    return [
      'users' => $this->users,
      'allowed' => $this->allowed,
      'disabled' => $this->disabled,
      'stopped' => $this->stopped,
      'message' => $this->message,
      'limits' => $this->limits,
    ];
  }

  /**
   * Deactivations/deletions the run may still make.
   */
  public function remaining(): int {
    return max(0, $this->allowed - $this->disabled);
  }

  /**
   * Extension settings for the next chunk.
   *
   * @return array
   *   guard_max_count: what is left; guard_max_share 1.0, because the share
   *   limit is already part of the run's allowance.
   */
  public function chunkOverrides(): array {
    return ['guard_max_count' => $this->remaining(), 'guard_max_share' => 1.0];
  }

  /**
   * Adds one chunk's okta_sync_users() result (sent with chunkOverrides()).
   *
   * @return array
   *   The result, its guard message replaced by the run-level one when the
   *   chunk was stopped (the extension only knows the chunk's budget).
   */
  public function record(array $result): array {
    foreach (is_array($result['outcomes'] ?? NULL) ? $result['outcomes'] : [] as $outcome) {
      if (is_array($outcome) && in_array($outcome['action'] ?? NULL, RunGuard::DESTRUCTIVE_ACTIONS, TRUE)) {
        $this->disabled++;
      }
    }
    $guard = is_array($result['guard'] ?? NULL) ? $result['guard'] : NULL;
    if ($guard !== NULL && ($guard['stopped'] ?? TRUE) !== FALSE) {
      $this->stopped = TRUE;
      $this->message = sprintf(
        'the next %d users include %d that would be deactivated or deleted in Okta; with the %d already deactivated or deleted in this run of %d users, that is more than the deletion guard allows (%s). Nobody in that chunk was changed and the rest of the run was not sent. Check the blocked accounts, or raise the limit if this is intended.',
        (int) ($guard['users'] ?? 0),
        (int) ($guard['would_disable'] ?? 0),
        $this->disabled,
        $this->users,
        $this->limits !== '' ? $this->limits : 'at most ' . $this->allowed,
      );
      $result['guard']['message'] = $this->message;
    }
    return $result;
  }

  /**
   * Whether the guard stopped the run.
   */
  public function isStopped(): bool {
    return $this->stopped;
  }

  /**
   * Why the run stopped ('' while it runs).
   */
  public function message(): string {
    return $this->message;
  }

  /**
   * Users deactivated or deleted so far.
   */
  public function disabled(): int {
    return $this->disabled;
  }

  /**
   * The run's allowance.
   */
  public function allowed(): int {
    return $this->allowed;
  }

}
