<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Standalone\Import;

use Drupal\okta_user_sync\Import\EventHookHandler;
use Drupal\okta_user_sync\Import\SecretCheck;
use Drupal\okta_user_sync\Sync\Extension;
use Drupal\Tests\okta_user_sync\Standalone\Import\Support\MemoryLedger;
use PHPUnit\Framework\TestCase;

/**
 * The event hook handler, called directly (ImportHooksHttpTest: over HTTP).
 *
 * @coversDefaultClass \Drupal\okta_user_sync\Import\EventHookHandler
 */
final class EventHookHandlerTest extends TestCase {

  private const SECRET = 'Basic c2VjcmV0LWV2ZW50LWhvb2s=';

  /**
   * When the deliveries arrive: 2026-01-01T00:00:10.000Z, in milliseconds.
   */
  private const RECEIVED = 1767225610000;

  /**
   * The ledger.
   */
  private MemoryLedger $ledger;

  /**
   * The handler.
   */
  private EventHookHandler $handler;

  /**
   * {@inheritdoc}
   */
  protected function setUp(): void {
    $this->ledger = new MemoryLedger();
    $this->handler = new EventHookHandler(new SecretCheck(self::SECRET), $this->ledger, $this->ledger);
  }

  /**
   * A delivery envelope as Okta sends it.
   */
  public static function delivery(string $eventId, array $events): string {
    return json_encode([
      'eventType' => 'com.okta.event_hook',
      'eventTypeVersion' => '1.0',
      'cloudEventsVersion' => '0.1',
      'source' => 'https://example.okta.com/api/v1/eventHooks/who8',
      'eventId' => $eventId,
      'eventTime' => '2026-01-01T00:00:10.000Z',
      'contentType' => 'application/json',
      'data' => ['events' => $events],
    ], JSON_THROW_ON_ERROR);
  }

  /**
   * One System Log user event.
   */
  public static function event(string $uuid, string $type, string $oktaId, string $published): array {
    return [
      'uuid' => $uuid,
      'published' => $published,
      'eventType' => $type,
      'version' => '0',
      'displayMessage' => 'x',
      'severity' => 'INFO',
      'actor' => ['id' => '00uADMIN', 'type' => 'User', 'alternateId' => 'admin@example.com'],
      'target' => [['id' => $oktaId, 'type' => 'User', 'alternateId' => "$oktaId@example.com", 'displayName' => 'X']],
    ];
  }

  /**
   * The one-time verification echoes the challenge.
   */
  public function testVerification(): void {
    $response = $this->handler->handle('GET', ['X-Okta-Verification-Challenge' => 'abc123'], '');
    $this->assertSame(200, $response->status);
    $this->assertSame(['verification' => 'abc123'], json_decode($response->body, TRUE));
    $this->assertSame(400, $this->handler->handle('GET', [], '')->status);
    $wrong = $this->handler->handle('GET', ['x-okta-verification-challenge' => 'abc', 'authorization' => 'nope'], '');
    $this->assertSame(401, $wrong->status);
  }

  /**
   * Bad secret, bad method, bad body.
   */
  public function testRejections(): void {
    $body = self::delivery('e1', [self::event('u1', 'user.lifecycle.create', '00u1', '2026-01-01T00:00:00.000Z')]);
    $this->assertSame(401, $this->handler->handle('POST', [], $body)->status);
    $this->assertSame(401, $this->handler->handle('POST', ['Authorization' => 'Basic wrong'], $body)->status);
    $put = $this->handler->handle('PUT', ['Authorization' => self::SECRET], $body);
    $this->assertSame(405, $put->status);
    $this->assertSame('GET, POST', $put->headers['Allow']);
    $this->assertSame(400, $this->handler->handle('POST', ['Authorization' => self::SECRET], '{not json')->status);
    $this->assertSame(400, $this->handler->handle('POST', ['Authorization' => self::SECRET], '{"data":{}}')->status);
    $this->assertSame([], $this->ledger->queue);

    // No secret configured: every delivery, and verification, is refused.
    $open = new EventHookHandler(new SecretCheck(NULL), $this->ledger, $this->ledger);
    $this->assertSame(401, $open->handle('POST', ['Authorization' => ''], $body)->status);
    $this->assertSame(401, $open->handle('GET', ['x-okta-verification-challenge' => 'abc'], '')->status);
  }

  /**
   * User events are queued; other events are ignored; 204 either way.
   */
  public function testQueuesUserEvents(): void {
    $body = self::delivery('e1', [
      self::event('u1', 'user.lifecycle.create', '00u1', '2026-01-01T00:00:00.000Z'),
      self::event('u2', 'user.account.update_profile', '00u2', '2026-01-01T00:00:01.000Z'),
      self::event('u3', 'group.user_membership.add', '00u3', '2026-01-01T00:00:02.000Z'),
    ]);
    $response = $this->handler->handle('POST', ['authorization' => self::SECRET], $body, self::RECEIVED);
    $this->assertSame(204, $response->status);
    $this->assertSame('', $response->body);
    $this->assertSame(['00u1', '00u2'], array_column($this->ledger->queue, 'okta_id'));
    $this->assertSame('user.lifecycle.create', $this->ledger->queue[0]['event_type']);
    $this->assertSame('00u1@example.com', $this->ledger->queue[0]['login']);
  }

  /**
   * Redelivered deliveries and repeated events are queued once.
   */
  public function testDuplicates(): void {
    $event = self::event('u1', 'user.lifecycle.suspend', '00u1', '2026-01-01T00:00:00.000Z');
    $headers = ['Authorization' => self::SECRET];
    $this->handler->handle('POST', $headers, self::delivery('e1', [$event]), self::RECEIVED);
    $this->assertSame(204, $this->handler->handle('POST', $headers, self::delivery('e1', [$event]), self::RECEIVED)->status);
    // Same event inside a different delivery, and twice inside one.
    $this->handler->handle('POST', $headers, self::delivery('e2', [$event]), self::RECEIVED);
    $this->handler->handle('POST', $headers, self::delivery('e3', [
      self::event('u2', 'user.lifecycle.unsuspend', '00u2', '2026-01-01T00:00:01.000Z'),
      self::event('u2', 'user.lifecycle.unsuspend', '00u2', '2026-01-01T00:00:01.000Z'),
    ]), self::RECEIVED);
    $this->assertSame(['u1', 'u2'], array_column($this->ledger->queue, 'uuid'));
  }

  /**
   * An older event never follows a newer one for the same user.
   */
  public function testOutOfOrder(): void {
    $headers = ['Authorization' => self::SECRET];
    $newer = self::event('u2', 'user.lifecycle.deactivate', '00u1', '2026-01-01T00:00:05.000Z');
    $older = self::event('u1', 'user.lifecycle.activate', '00u1', '2026-01-01T00:00:01.000Z');
    $this->handler->handle('POST', $headers, self::delivery('e2', [$newer]), self::RECEIVED);
    $this->handler->handle('POST', $headers, self::delivery('e1', [$older]), self::RECEIVED + 1000);
    $this->assertSame(['u2'], array_column($this->ledger->queue, 'uuid'));

    // Inside one delivery, events are taken oldest first.
    $ledger = new MemoryLedger();
    $handler = new EventHookHandler(new SecretCheck(self::SECRET), $ledger, $ledger);
    $handler->handle('POST', $headers, self::delivery('e3', [
      self::event('b', 'user.lifecycle.suspend', '00u7', '2026-01-01T00:00:09.500Z'),
      self::event('a', 'user.lifecycle.create', '00u7', '2026-01-01T00:00:09.100Z'),
    ]), self::RECEIVED);
    $this->assertSame(['a', 'b'], array_column($ledger->queue, 'uuid'));
    $this->assertSame(self::RECEIVED - 500, $ledger->order['00u7']);
    $this->assertSame('2026-01-01T00:00:09.500Z', $ledger->queue[1]['published']);
  }

  /**
   * An event of year 292278994 neither fails nor drops the delivery.
   *
   * PHP's own parser turned it into a float, and the strict int return type
   * threw a TypeError: the whole delivery was lost.
   */
  public function testHugeYearKeepsTheDelivery(): void {
    $headers = ['Authorization' => self::SECRET];
    $response = $this->handler->handle('POST', $headers, self::delivery('e1', [
      self::event('huge', 'user.lifecycle.suspend', '00u1', '+292278994-08-17T07:12:55Z'),
      self::event('real', 'user.lifecycle.activate', '00u2', '2026-01-01T00:00:05.000Z'),
    ]), self::RECEIVED);
    $this->assertSame(204, $response->status);
    $this->assertSame(['real', 'huge'], array_column($this->ledger->queue, 'uuid'));
    $this->assertNull($this->ledger->queue[1]['published']);
    $this->assertSame(self::RECEIVED, $this->ledger->order['00u1']);
  }

  /**
   * An event dated 2099 does not hold back the user's later events.
   *
   * It used to become the user's newest time, so every real event after it
   * was dropped as out of order.
   */
  public function testFutureEventDoesNotBlockLaterEvents(): void {
    $headers = ['Authorization' => self::SECRET];
    $this->handler->handle('POST', $headers, self::delivery('e1', [
      self::event('future', 'user.account.update_profile', '00u1', '2099-01-01T00:00:00.000Z'),
    ]), self::RECEIVED);
    $this->assertSame(self::RECEIVED, $this->ledger->order['00u1']);
    // What really predates the bad event's arrival is dropped: the bad
    // event's import re-reads Okta after that, so it covers it.
    $this->handler->handle('POST', $headers, self::delivery('e2', [
      self::event('earlier', 'user.lifecycle.activate', '00u1', '2026-01-01T00:00:05.000Z'),
    ]), self::RECEIVED + 1000);
    $this->handler->handle('POST', $headers, self::delivery('e3', [
      self::event('later', 'user.lifecycle.suspend', '00u1', '2026-01-01T00:01:00.000Z'),
    ]), self::RECEIVED + 61000);
    $this->assertSame(['future', 'later'], array_column($this->ledger->queue, 'uuid'));
    $this->assertSame(self::RECEIVED + 50000, $this->ledger->order['00u1']);
  }

  /**
   * Without the extension nothing is accepted (a retryable 503).
   */
  public function testExtensionMissing(): void {
    $missing = new class() extends Extension {

      /**
       * {@inheritdoc}
       */
      public function isLoaded(): bool {
        return FALSE;
      }

    };
    $handler = new EventHookHandler(new SecretCheck(self::SECRET), $this->ledger, $this->ledger, $missing);
    $body = self::delivery('e1', [self::event('u1', 'user.lifecycle.create', '00u1', '2026-01-01T00:00:00.000Z')]);
    $this->assertSame(503, $handler->handle('POST', ['Authorization' => self::SECRET], $body)->status);
    $this->assertSame(401, $handler->handle('POST', [], $body)->status);
    $this->assertSame([], $this->ledger->queue);
    $this->assertSame([], $this->ledger->keys);
  }

}
