<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Standalone\Import\Support;

/**
 * Stands in for the push collector: counts the users a save would push.
 *
 * Suppression nests as in PushCollector::suppressAll() / releaseAll(); the
 * real collector is tested in Drupal (Kernel tests).
 */
final class PushSpy {

  /**
   * Users collected for a push, by uid.
   *
   * @var array<int, string>
   */
  private array $pending = [];

  /**
   * Depth of suppressAll() calls.
   */
  private int $suppressed = 0;

  /**
   * Collects a save unless suppressed (as hook_user_insert/update do).
   */
  public function add(string $event, array $user): void {
    if ($this->suppressed === 0) {
      $this->pending[(int) ($user['uid'] ?? 0)] = $event;
    }
  }

  /**
   * Drops every save until releaseAll().
   */
  public function suppressAll(): void {
    $this->suppressed++;
  }

  /**
   * Ends one suppressAll().
   */
  public function releaseAll(): void {
    $this->suppressed = max(0, $this->suppressed - 1);
  }

  /**
   * Users collected.
   */
  public function count(): int {
    return count($this->pending);
  }

}
