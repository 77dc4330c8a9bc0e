<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Standalone\Import;

use Drupal\Tests\okta_user_sync\Standalone\Import\Support\HookFixtureServer;
use PHPUnit\Framework\TestCase;

/**
 * The hook handlers over real HTTP (php -S), called directly.
 *
 * ImportHooksFakeOktaTest has the fake Okta call the same fixture.
 */
final class ImportHooksHttpTest extends TestCase {

  private const EVENT_SECRET = 'Bearer event-secret-for-tests';
  private const PASSWORD_SECRET = 'Basic cGFzc3dvcmQtaG9vaw==';

  /**
   * The server.
   */
  private static ?HookFixtureServer $server = NULL;

  /**
   * {@inheritdoc}
   */
  public static function setUpBeforeClass(): void {
    self::$server = HookFixtureServer::start([
      'event_secret' => self::EVENT_SECRET,
      'password_secret' => self::PASSWORD_SECRET,
      'hashes' => ['ann@example.com' => password_hash('s3cret-Pa55', PASSWORD_BCRYPT, ['cost' => 4])],
      'flood_threshold' => 50,
    ]);
  }

  /**
   * {@inheritdoc}
   */
  public static function tearDownAfterClass(): void {
    self::$server?->stop();
    self::$server = NULL;
  }

  /**
   * Verification challenge, and the rejections of the event hook.
   */
  public function testEventHookOverHttp(): void {
    $server = self::$server;
    $ok = $server->request('GET', '/event-hook', ['x-okta-verification-challenge' => 'chal-42']);
    $this->assertSame(200, $ok['status']);
    $this->assertSame(['verification' => 'chal-42'], json_decode($ok['body'], TRUE));
    $this->assertStringStartsWith('application/json', $ok['headers']['content-type']);

    $delivery = EventHookHandlerTest::delivery('evt-http-1', [
      EventHookHandlerTest::event('uuid-h1', 'user.lifecycle.create', '00uHTTP1', '2026-01-01T00:00:00.000Z'),
    ]);
    $this->assertSame(401, $server->request('POST', '/event-hook', ['Content-Type' => 'application/json'], $delivery)['status']);
    $this->assertSame(401, $server->request('POST', '/event-hook', ['Authorization' => 'Bearer nope'], $delivery)['status']);
    $this->assertSame(405, $server->request('DELETE', '/event-hook', ['Authorization' => self::EVENT_SECRET])['status']);
    $this->assertSame(400, $server->request('POST', '/event-hook', ['Authorization' => self::EVENT_SECRET], '{"eventId":')['status']);
    $this->assertSame([], $server->json('queue'));

    $accepted = $server->request('POST', '/event-hook', [
      'Authorization' => self::EVENT_SECRET,
      'Content-Type' => 'application/json',
    ], $delivery);
    $this->assertSame(204, $accepted['status']);
    $this->assertSame('', $accepted['body']);
    $again = $server->request('POST', '/event-hook', [
      'Authorization' => self::EVENT_SECRET,
      'Content-Type' => 'application/json',
    ], $delivery);
    $this->assertSame(204, $again['status']);
    $this->assertSame(['00uHTTP1'], array_column($server->json('queue'), 'okta_id'), 'the redelivery is not queued twice');
  }

  /**
   * Password hook: verified, unverified, bad secret, wrong method.
   */
  public function testPasswordHookOverHttp(): void {
    $server = self::$server;
    $headers = ['Authorization' => self::PASSWORD_SECRET, 'Content-Type' => 'application/json'];
    $verified = $server->request('POST', '/password-import', $headers, PasswordImportHandlerTest::body('ann@example.com', 's3cret-Pa55'));
    $this->assertSame(200, $verified['status']);
    $this->assertSame(
      ['commands' => [['type' => 'com.okta.action.update', 'value' => ['credential' => 'VERIFIED']]]],
      json_decode($verified['body'], TRUE),
    );
    $unverified = $server->request('POST', '/password-import', $headers, PasswordImportHandlerTest::body('ann@example.com', 'nope'));
    $this->assertSame('UNVERIFIED', json_decode($unverified['body'], TRUE)['commands'][0]['value']['credential']);
    $this->assertSame(401, $server->request('POST', '/password-import', ['Authorization' => 'Basic x'], PasswordImportHandlerTest::body('ann@example.com', 's3cret-Pa55'))['status']);
    $this->assertSame(405, $server->request('GET', '/password-import', $headers)['status']);
    // Nothing the fixture wrote contains the password.
    foreach (glob($server->dir . '/*') ?: [] as $file) {
      if (basename($file) !== 'config.json') {
        $this->assertStringNotContainsString('s3cret-Pa55', (string) file_get_contents($file), basename($file));
      }
    }
  }

  /**
   * Out of order over HTTP: an older event for the same user is not queued.
   */
  public function testOutOfOrderOverHttp(): void {
    $server = self::$server;
    $headers = ['Authorization' => self::EVENT_SECRET, 'Content-Type' => 'application/json'];
    // Event times are trusted only near the server's clock: recent ones.
    $ago = static fn (int $seconds): string => gmdate('Y-m-d\\TH:i:s.000\\Z', time() - $seconds);
    $newer = EventHookHandlerTest::delivery('evt-ooo-2', [EventHookHandlerTest::event('ooo-2', 'user.lifecycle.suspend', '00uOOO', $ago(5))]);
    $older = EventHookHandlerTest::delivery('evt-ooo-1', [EventHookHandlerTest::event('ooo-1', 'user.lifecycle.activate', '00uOOO', $ago(9))]);
    $this->assertSame(204, $server->request('POST', '/event-hook', $headers, $newer)['status']);
    $this->assertSame(204, $server->request('POST', '/event-hook', $headers, $older)['status']);
    $queued = array_values(array_filter($server->json('queue'), fn (array $i): bool => $i['okta_id'] === '00uOOO'));
    $this->assertSame(['ooo-2'], array_column($queued, 'uuid'));

    // A year-292278994 event does not cost the delivery its other events.
    $huge = EventHookHandlerTest::delivery('evt-huge', [
      EventHookHandlerTest::event('huge-1', 'user.lifecycle.suspend', '00uHUGE', '+292278994-08-17T07:12:55Z'),
      EventHookHandlerTest::event('huge-2', 'user.lifecycle.create', '00uHUGE2', $ago(1)),
    ]);
    $this->assertSame(204, $server->request('POST', '/event-hook', $headers, $huge)['status']);
    $queued = array_values(array_filter($server->json('queue'), fn (array $i): bool => str_starts_with($i['okta_id'], '00uHUGE')));
    $this->assertSame(['huge-2', 'huge-1'], array_column($queued, 'uuid'));
  }

}
