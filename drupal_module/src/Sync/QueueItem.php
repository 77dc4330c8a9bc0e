<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Sync;

/**
 * The data of one okta_user_sync queue item, as plain arrays.
 *
 * Two kinds: 'user' (one user event to retry: uid, event, not_before, and
 * for deletes the last snapshot, without secrets) and 'chunk' (uids for a
 * scheduled bulk run). Attempt counts live in the status table, so an item
 * can be delayed without being rewritten.
 */
final class QueueItem {

  public const EVENTS = ['insert', 'update', 'delete', 'manual'];

  /**
   * A single-user retry item.
   */
  public static function user(int $uid, string $event, int $notBefore, ?array $snapshot = NULL): array {
    $item = [
      'kind' => 'user',
      'uid' => $uid,
      'event' => in_array($event, self::EVENTS, TRUE) ? $event : 'update',
      'not_before' => $notBefore,
    ];
    // Only deletes keep a snapshot: the account no longer exists to reload.
    if ($event === 'delete' && $snapshot !== NULL) {
      $item['snapshot'] = SnapshotBuilder::withoutSecrets($snapshot);
    }
    return $item;
  }

  /**
   * A scheduled bulk chunk.
   *
   * @param int[] $uids
   *   Users to push.
   * @param string $mode
   *   Either 'push' or 'reconcile'.
   * @param string|null $run
   *   The id of the run the chunk belongs to (its deletion guard total).
   */
  public static function chunk(array $uids, string $mode = 'push', ?string $run = NULL): array {
    $item = [
      'kind' => 'chunk',
      'uids' => array_values(array_map('intval', $uids)),
      'mode' => $mode === 'reconcile' ? 'reconcile' : 'push',
    ];
    if ($run !== NULL && $run !== '') {
      $item['run'] = $run;
    }
    return $item;
  }

  /**
   * Splits uids into chunk items of at most $size users.
   *
   * @return list<array>
   *   Chunk items.
   */
  public static function chunks(array $uids, int $size, string $mode = 'push', ?string $run = NULL): array {
    $items = [];
    foreach (array_chunk(array_values($uids), max(1, $size)) as $part) {
      $items[] = self::chunk($part, $mode, $run);
    }
    return $items;
  }

  /**
   * Whether $data is a well-formed item (queues may hold anything).
   */
  public static function isValid(mixed $data): bool {
    if (!is_array($data)) {
      return FALSE;
    }
    return match ($data['kind'] ?? NULL) {
      'user' => is_int($data['uid'] ?? NULL) && in_array($data['event'] ?? NULL, self::EVENTS, TRUE),
      'chunk' => is_array($data['uids'] ?? NULL) && (!isset($data['run']) || is_string($data['run'])),
      default => FALSE,
    };
  }

  /**
   * Seconds until the item is due (0 when due now).
   */
  public static function secondsUntilDue(array $data, int $now): int {
    return max(0, (int) ($data['not_before'] ?? 0) - $now);
  }

}
