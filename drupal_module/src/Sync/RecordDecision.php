<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Sync;

/**
 * What to record for one outcome: table row, log entry, retry.
 */
final class RecordDecision {

  /**
   * Constructs the decision.
   *
   * @param int $uid
   *   The Drupal user.
   * @param array|null $row
   *   Columns of okta_user_sync_status to write (merge), or NULL to write
   *   nothing (dry-run "planned").
   * @param bool $deleteRow
   *   Remove the user's row (the user is gone from Drupal and Okta).
   * @param string $logLevel
   *   PSR-3 level.
   * @param string $message
   *   Log message with @placeholders.
   * @param array $context
   *   Placeholder values (never secrets).
   * @param bool $requeue
   *   Retry later through the queue.
   * @param int $delay
   *   Seconds before the retry.
   */
  public function __construct(
    public readonly int $uid,
    public readonly ?array $row,
    public readonly bool $deleteRow,
    public readonly string $logLevel,
    public readonly string $message,
    public readonly array $context,
    public readonly bool $requeue,
    public readonly int $delay,
  ) {}

}
