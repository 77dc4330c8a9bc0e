<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Standalone\Import;

use Drupal\okta_user_sync\Import\PasswordCheckerInterface;
use Drupal\okta_user_sync\Import\PasswordImportHandler;
use Drupal\okta_user_sync\Import\SecretCheck;
use Drupal\Tests\okta_user_sync\Standalone\Import\Support\MemoryFlood;
use PHPUnit\Framework\TestCase;

/**
 * The password import handler, called directly (ImportHooksHttpTest: HTTP).
 *
 * @coversDefaultClass \Drupal\okta_user_sync\Import\PasswordImportHandler
 */
final class PasswordImportHandlerTest extends TestCase {

  private const SECRET = 'Bearer password-hook-secret';

  private const PASSWORD = 'correct horse battery staple';

  /**
   * The flood.
   */
  private MemoryFlood $flood;

  /**
   * Log lines (message + context).
   *
   * @var list<array>
   */
  private array $log = [];

  /**
   * The handler.
   */
  private PasswordImportHandler $handler;

  /**
   * {@inheritdoc}
   */
  protected function setUp(): void {
    $this->build(3);
  }

  /**
   * Builds the handler with a flood threshold.
   */
  private function build(int $threshold): void {
    $this->flood = new MemoryFlood($threshold);
    $hash = password_hash(self::PASSWORD, PASSWORD_BCRYPT, ['cost' => 4]);
    $checker = new class($hash) implements PasswordCheckerInterface {

      public function __construct(private readonly string $hash) {}

      /**
       * Check.
       */
      public function check(string $login, #[\SensitiveParameter] string $password): bool {
        return strcasecmp($login, 'ann@example.com') === 0 && password_verify($password, $this->hash);
      }

    };
    $this->handler = new PasswordImportHandler(
      new SecretCheck(self::SECRET),
      $checker,
      $this->flood,
      function (string $message, array $context): void {
        $this->log[] = [$message, $context];
      },
    );
  }

  /**
   * Okta's password import request body.
   */
  public static function body(string $username, string $password, string $ip = '203.0.113.9'): string {
    return json_encode([
      'eventId' => 'evt1',
      'eventTime' => '2026-01-01T00:00:00.000Z',
      'eventType' => 'com.okta.user.credential.password.import',
      'eventTypeVersion' => '1.0',
      'contentType' => 'application/json',
      'cloudEventVersion' => '0.1',
      'source' => 'https://example.okta.com/api/v1/inlineHooks/cal1',
      'data' => [
        'context' => [
          'request' => ['id' => 'r1', 'method' => 'POST', 'url' => ['value' => '/api/v1/authn'], 'ipAddress' => $ip],
          'credential' => ['username' => $username, 'password' => $password],
        ],
        'action' => ['credential' => 'UNVERIFIED'],
      ],
    ], JSON_THROW_ON_ERROR);
  }

  /**
   * The credential value of a hook answer.
   */
  private static function credential(string $body): ?string {
    $data = json_decode($body, TRUE);
    self::assertSame('com.okta.action.update', $data['commands'][0]['type'] ?? NULL);
    return $data['commands'][0]['value']['credential'] ?? NULL;
  }

  /**
   * Right password: VERIFIED; wrong password or unknown login: UNVERIFIED.
   */
  public function testVerifiedAndUnverified(): void {
    $headers = ['Authorization' => self::SECRET];
    $ok = $this->handler->handle('POST', $headers, self::body('ann@example.com', self::PASSWORD));
    $this->assertSame(200, $ok->status);
    $this->assertSame('VERIFIED', self::credential($ok->body));
    foreach ([
      ['ann@example.com', 'wrong'],
      ['nobody@example.com', self::PASSWORD],
      ['ann@example.com', ''],
    ] as [$login, $password]) {
      $no = $this->handler->handle('POST', $headers, self::body($login, $password, '198.51.100.' . strlen($login)));
      $this->assertSame(200, $no->status);
      $this->assertSame('UNVERIFIED', self::credential($no->body));
    }
    foreach ($this->log as [$message, $context]) {
      $this->assertStringNotContainsString(self::PASSWORD, $message . json_encode($context));
      $this->assertStringNotContainsString('wrong', json_encode($context));
    }
  }

  /**
   * Bad secret 401, wrong method 405, malformed 400.
   */
  public function testRejections(): void {
    $body = self::body('ann@example.com', self::PASSWORD);
    $this->assertSame(401, $this->handler->handle('POST', [], $body)->status);
    $this->assertSame(401, $this->handler->handle('POST', ['Authorization' => 'Bearer password-hook-secreT'], $body)->status);
    $get = $this->handler->handle('GET', ['Authorization' => self::SECRET], '');
    $this->assertSame(405, $get->status);
    $this->assertSame('POST', $get->headers['Allow']);
    $this->assertSame(400, $this->handler->handle('POST', ['Authorization' => self::SECRET], '[]')->status);
    $this->assertSame(400, $this->handler->handle('POST', ['Authorization' => self::SECRET], 'x')->status);
    foreach ([$this->handler->handle('POST', [], $body)] as $response) {
      $this->assertStringNotContainsString(self::PASSWORD, $response->body);
    }
  }

  /**
   * After too many failures even the right password is refused, per login.
   */
  public function testFloodProtection(): void {
    $headers = ['Authorization' => self::SECRET];
    for ($i = 0; $i < 3; $i++) {
      $this->handler->handle('POST', $headers, self::body('ann@example.com', "guess$i", "192.0.2.$i"));
    }
    $blocked = $this->handler->handle('POST', $headers, self::body('ann@example.com', self::PASSWORD, '192.0.2.200'));
    $this->assertSame('UNVERIFIED', self::credential($blocked->body));
    $this->assertSame(3, $this->flood->failures['login:ann@example.com']);

    // Per IP too: one address guessing many logins.
    $this->build(2);
    $this->handler->handle('POST', $headers, self::body('x@example.com', 'a', '192.0.2.77'));
    $this->handler->handle('POST', $headers, self::body('y@example.com', 'b', '192.0.2.77'));
    $this->handler->handle('POST', $headers, self::body('z@example.com', 'b', '192.0.2.77'));
    // The third attempt was refused before checking, so not counted.
    $this->assertSame(2, $this->flood->failures['ip:192.0.2.77']);
    $refused = $this->handler->handle('POST', $headers, self::body('ann@example.com', self::PASSWORD, '192.0.2.77'));
    $this->assertSame('UNVERIFIED', self::credential($refused->body));
  }

}
