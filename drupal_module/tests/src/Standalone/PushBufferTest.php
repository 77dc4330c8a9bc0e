<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Standalone;

use Drupal\okta_user_sync\Sync\PushBuffer;
use PHPUnit\Framework\TestCase;

/**
 * @coversDefaultClass \Drupal\okta_user_sync\Sync\PushBuffer
 */
final class PushBufferTest extends TestCase {

  /**
   * Tests two saves send one update with latest data.
   */
  public function testTwoSavesSendOneUpdateWithLatestData(): void {
    $buffer = new PushBuffer();
    $buffer->add('update', ['uid' => 3, 'mail' => 'old@example.com']);
    $buffer->add('update', ['uid' => 3, 'mail' => 'new@example.com']);
    $this->assertSame([['event' => 'update', 'user' => ['uid' => 3, 'mail' => 'new@example.com']]], $buffer->drain());
    $this->assertSame(0, $buffer->count());
  }

  /**
   * Tests insert then update stays insert and keeps password.
   */
  public function testInsertThenUpdateStaysInsertAndKeepsPassword(): void {
    $buffer = new PushBuffer();
    $buffer->add('insert', ['uid' => 8, 'password' => 'pw', 'name' => 'a']);
    $buffer->add('update', ['uid' => 8, 'name' => 'b']);
    $this->assertSame([['event' => 'insert', 'user' => ['uid' => 8, 'name' => 'b', 'password' => 'pw']]], $buffer->drain());
  }

  /**
   * Tests delete rules.
   */
  public function testDeleteRules(): void {
    $buffer = new PushBuffer();
    $buffer->add('insert', ['uid' => 1]);
    $buffer->add('delete', ['uid' => 1]);
    $buffer->add('update', ['uid' => 2]);
    $buffer->add('delete', ['uid' => 2]);
    $buffer->add('delete', ['uid' => 4]);
    $buffer->add('update', ['uid' => 4]);
    $events = $buffer->drain();
    $this->assertSame([['event' => 'delete', 'user' => ['uid' => 2]], ['event' => 'delete', 'user' => ['uid' => 4]]], $events);
  }

  /**
   * Tests suppression for imports.
   */
  public function testSuppressionForImports(): void {
    $buffer = new PushBuffer();
    $buffer->suppress(5);
    $buffer->suppress(5);
    $this->assertFalse($buffer->add('update', ['uid' => 5]));
    $buffer->release(5);
    $this->assertTrue($buffer->isSuppressed(5), 'suppress() nests');
    $buffer->release(5);
    $this->assertTrue($buffer->add('update', ['uid' => 5]));
    $buffer->suppressAll();
    $this->assertFalse($buffer->add('insert', ['uid' => 6]));
    $buffer->releaseAll();
    $buffer->releaseAll();
    $this->assertTrue($buffer->add('insert', ['uid' => 6]));
    $this->assertSame(2, $buffer->count());
  }

}
