<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Standalone;

use Drupal\okta_user_sync\Sync\QueueItem;
use PHPUnit\Framework\TestCase;

/**
 * @coversDefaultClass \Drupal\okta_user_sync\Sync\QueueItem
 */
final class QueueItemTest extends TestCase {

  /**
   * Tests user items never hold secrets.
   */
  public function testUserItemsNeverHoldSecrets(): void {
    $snapshot = ['uid' => 3, 'password' => 'plain', 'pass_hash' => 'hash', 'okta_id' => '00u3'];
    $delete = QueueItem::user(3, 'delete', 100, $snapshot);
    $this->assertSame(['uid' => 3, 'okta_id' => '00u3'], $delete['snapshot']);
    $update = QueueItem::user(3, 'update', 100, $snapshot);
    $this->assertArrayNotHasKey('snapshot', $update, 'Updates reload the account instead.');
    $this->assertStringNotContainsString('plain', serialize([$delete, $update]));
    $this->assertTrue(QueueItem::isValid($delete));
    $this->assertSame(40, QueueItem::secondsUntilDue($update, 60));
    $this->assertSame(0, QueueItem::secondsUntilDue($update, 160));
  }

  /**
   * Tests chunks.
   */
  public function testChunks(): void {
    $items = QueueItem::chunks([1, 2, 3, 4, 5], 2, 'reconcile');
    $this->assertCount(3, $items);
    $this->assertSame(['kind' => 'chunk', 'uids' => [5], 'mode' => 'reconcile'], $items[2]);
    $this->assertTrue(QueueItem::isValid($items[0]));
    $this->assertFalse(QueueItem::isValid('junk'));
    $this->assertFalse(QueueItem::isValid(['kind' => 'user', 'uid' => '3', 'event' => 'update']));
  }

  /**
   * Tests chunks of one run carry its id.
   */
  public function testChunksOfOneRunCarryItsId(): void {
    $items = QueueItem::chunks([1, 2, 3], 2, 'push', 'scheduled:1:ab');
    $this->assertSame(['scheduled:1:ab', 'scheduled:1:ab'], array_column($items, 'run'));
    $this->assertTrue(QueueItem::isValid($items[1]));
    $this->assertFalse(QueueItem::isValid(['kind' => 'chunk', 'uids' => [1], 'run' => 5]));
  }

}
