<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Sync;

/**
 * The user events of one request, merged per user, waiting to be pushed.
 *
 * Saving a user twice sends one update; insert then update sends one insert
 * with the latest data; insert then delete sends nothing (Okta never saw the
 * user); a delete always wins otherwise. Users saved by the Okta import are
 * suppressed so they are not echoed back.
 */
final class PushBuffer {

  /**
   * Pending events keyed by uid: ['event' => string, 'user' => array].
   *
   * @var array<int, array{event: string, user: array}>
   */
  private array $pending = [];

  /**
   * Suppressed uids (uid => nesting depth).
   *
   * @var array<int, int>
   */
  private array $suppressed = [];

  /**
   * Depth of suppressAll() calls.
   */
  private int $suppressAll = 0;

  /**
   * Adds an event ('insert', 'update' or 'delete') for a user snapshot.
   *
   * @return bool
   *   FALSE when the event was dropped because the user is suppressed.
   */
  public function add(string $event, array $user): bool {
    $uid = (int) ($user['uid'] ?? 0);
    if ($this->isSuppressed($uid)) {
      return FALSE;
    }
    $previous = $this->pending[$uid] ?? NULL;
    if ($previous === NULL) {
      $this->pending[$uid] = ['event' => $event, 'user' => $user];
      return TRUE;
    }
    // A password captured earlier in the request stays with the user.
    if (isset($previous['user']['password']) && !isset($user['password'])) {
      $user['password'] = $previous['user']['password'];
    }
    $merged = $this->merge($previous['event'], $event);
    if ($merged === NULL) {
      unset($this->pending[$uid]);
    }
    else {
      $this->pending[$uid] = ['event' => $merged, 'user' => $user];
    }
    return TRUE;
  }

  /**
   * Drops events for $uid until release($uid). Nests.
   */
  public function suppress(int $uid): void {
    $this->suppressed[$uid] = ($this->suppressed[$uid] ?? 0) + 1;
  }

  /**
   * Ends one suppress($uid).
   */
  public function release(int $uid): void {
    if (isset($this->suppressed[$uid]) && --$this->suppressed[$uid] <= 0) {
      unset($this->suppressed[$uid]);
    }
  }

  /**
   * Drops every event until releaseAll(). Nests.
   */
  public function suppressAll(): void {
    $this->suppressAll++;
  }

  /**
   * Ends one suppressAll().
   */
  public function releaseAll(): void {
    $this->suppressAll = max(0, $this->suppressAll - 1);
  }

  /**
   * Whether events for $uid are currently dropped.
   */
  public function isSuppressed(int $uid): bool {
    return $this->suppressAll > 0 || isset($this->suppressed[$uid]);
  }

  /**
   * Number of users with a pending event.
   */
  public function count(): int {
    return count($this->pending);
  }

  /**
   * Returns the pending events in arrival order and empties the buffer.
   *
   * @return list<array{event: string, user: array}>
   *   The events.
   */
  public function drain(): array {
    $events = array_values($this->pending);
    $this->pending = [];
    return $events;
  }

  /**
   * Merges two events for the same user; NULL means "nothing to send".
   */
  private function merge(string $first, string $second): ?string {
    if ($first === 'delete' || $second === 'delete') {
      return $first === 'insert' ? NULL : 'delete';
    }
    return $first === 'insert' ? 'insert' : $second;
  }

}
