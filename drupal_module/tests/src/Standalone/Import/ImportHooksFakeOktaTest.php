<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Standalone\Import;

use Drupal\Tests\okta_user_sync\Standalone\Import\Support\HookFixtureServer;
use Drupal\Tests\okta_user_sync\Standalone\Support\FakeOkta;
use PHPUnit\Framework\TestCase;

/**
 * The fake Okta calls the hook handlers (served by php -S) as Okta would.
 *
 * Event hook: one-time verification, deliveries on user changes, bad secret,
 * duplicates. Password import hook: verified, unverified, bad secret and a
 * hook slower than Okta's 3 s limit.
 */
final class ImportHooksFakeOktaTest extends TestCase {

  private const EVENT_SECRET = 'Bearer fake-okta-event-secret';
  private const PASSWORD_SECRET = 'Bearer fake-okta-password-secret';
  private const PASSWORD = 'Drupal-Passw0rd!';

  /**
   * The okta.
   */
  private FakeOkta $okta;

  /**
   * The hooks.
   */
  private HookFixtureServer $hooks;

  /**
   * {@inheritdoc}
   */
  protected function setUp(): void {
    $this->okta = FakeOkta::instance();
    $this->okta->reset();
    $this->hooks = HookFixtureServer::start($this->config());
  }

  /**
   * {@inheritdoc}
   */
  protected function tearDown(): void {
    $this->okta->control('DELETE', '/__fake/event-hooks');
    $this->okta->control('DELETE', '/__fake/password-hook');
    $this->hooks->stop();
  }

  /**
   * The fixture configuration.
   */
  private function config(int $slowMs = 0): array {
    return [
      'event_secret' => self::EVENT_SECRET,
      'password_secret' => self::PASSWORD_SECRET,
      // As Drupal stores it: a hash of the password the user set in Drupal.
      'hashes' => ['hooked@example.com' => password_hash(self::PASSWORD, PASSWORD_BCRYPT, ['cost' => 4])],
      'slow_ms' => $slowMs,
      'flood_threshold' => 5,
    ];
  }

  /**
   * Polls until $done returns TRUE (deliveries are asynchronous).
   */
  private function waitFor(callable $done, float $seconds = 8.0): void {
    $deadline = microtime(TRUE) + $seconds;
    while (microtime(TRUE) < $deadline) {
      if ($done()) {
        return;
      }
      usleep(100000);
    }
    $this->fail('Timed out waiting for the fake Okta to call the hook. Requests: ' . implode(', ', $this->hooks->requests()));
  }

  /**
   * Registration verifies; user changes are delivered, queued, deduped.
   */
  public function testEventHookWithFakeOkta(): void {
    $hook = $this->okta->control('POST', '/__fake/event-hooks', [
      'uri' => $this->hooks->url . '/event-hook',
      'auth_header_value' => self::EVENT_SECRET,
    ]);
    $this->assertSame('VERIFIED', $hook['verificationStatus'] ?? NULL, json_encode($hook));
    $this->assertContains('GET /event-hook 200', $this->hooks->requests());

    $user = $this->okta->api('POST', '/api/v1/users?activate=false', [
      'profile' => [
        'login' => 'evt@example.com',
        'email' => 'evt@example.com',
        'firstName' => 'Eve',
        'lastName' => 'Vent',
      ],
    ]);
    $id = $user['id'];
    $this->okta->api('POST', "/api/v1/users/$id", ['profile' => ['firstName' => 'Evelyn']]);
    $this->okta->api('POST', "/api/v1/users/$id/lifecycle/activate?sendEmail=false");
    // Activated without a password the user is PROVISIONED (as in Okta),
    // which can be deactivated but not suspended.
    $this->okta->api('POST', "/api/v1/users/$id/lifecycle/deactivate?sendEmail=false");

    $this->waitFor(fn (): bool => count(array_filter($this->hooks->json('queue'), fn ($i) => $i['event_type'] === 'user.lifecycle.deactivate')) === 1);
    $queue = $this->hooks->json('queue');
    $types = array_column($queue, 'event_type');
    foreach ([
      'user.lifecycle.create',
      'user.account.update_profile',
      'user.lifecycle.activate',
      'user.lifecycle.deactivate',
    ] as $type) {
      $this->assertContains($type, $types);
    }
    $this->assertSame([$id], array_values(array_unique(array_column($queue, 'okta_id'))));
    $this->assertSame('evt@example.com', $queue[0]['login']);

    // Every delivery was accepted with 204 on the first attempt.
    $deliveries = $this->okta->control('GET', '/__fake/event-hooks')['deliveries'];
    $this->assertNotEmpty($deliveries);
    foreach ($deliveries as $delivery) {
      $this->assertSame(204, $delivery['status'], json_encode($delivery));
      $this->assertSame(1, $delivery['attempts']);
    }

    // Okta redelivers (at-least-once): the same bodies again change nothing.
    $before = count($queue);
    $bodies = array_filter(explode("\n", (string) file_get_contents($this->hooks->dir . '/event-bodies.jsonl')));
    foreach ($bodies as $body) {
      $again = $this->hooks->request('POST', '/event-hook', [
        'Authorization' => self::EVENT_SECRET,
        'Content-Type' => 'application/json',
      ], $body);
      $this->assertSame(204, $again['status']);
    }
    $this->assertCount($before, $this->hooks->json('queue'));
  }

  /**
   * A wrong secret fails verification, and its deliveries get 401.
   */
  public function testEventHookBadSecret(): void {
    $refused = $this->okta->control('POST', '/__fake/event-hooks', [
      'uri' => $this->hooks->url . '/event-hook',
      'auth_header_value' => 'Bearer wrong',
    ]);
    $this->assertSame('E0000001', $refused['errorCode'] ?? NULL, json_encode($refused));
    $this->assertStringContainsString('401', json_encode($refused['errorCauses'] ?? []));

    // Registered without verification, deliveries are refused, not retried.
    $this->okta->control('POST', '/__fake/event-hooks', [
      'uri' => $this->hooks->url . '/event-hook',
      'auth_header_value' => 'Bearer wrong',
      'verify' => FALSE,
    ]);
    $this->okta->api('POST', '/api/v1/users?activate=false', [
      'profile' => ['login' => 'bad@example.com', 'email' => 'bad@example.com', 'firstName' => 'B', 'lastName' => 'S'],
    ]);
    $this->waitFor(fn (): bool => $this->okta->control('GET', '/__fake/event-hooks')['deliveries'] !== []);
    $delivery = $this->okta->control('GET', '/__fake/event-hooks')['deliveries'][0];
    $this->assertSame(401, $delivery['status']);
    $this->assertSame(1, $delivery['attempts'], '4xx is not retried');
    $this->assertSame([], $this->hooks->json('queue'));
  }

  /**
   * Seeds a user whose first sign-in goes through the password hook.
   */
  private function seedHookedUser(): void {
    $this->okta->control('POST', '/__fake/users', [[
      'profile' => [
        'login' => 'hooked@example.com',
        'email' => 'hooked@example.com',
        'firstName' => 'Hoo',
        'lastName' => 'Ked',
      ],
      'status' => 'ACTIVE',
      'credentials' => ['password' => ['hook' => ['type' => 'default']]],
    ],
    ]);
  }

  /**
   * First Okta sign-in with the Drupal password: VERIFIED; wrong: UNVERIFIED.
   */
  public function testPasswordHookVerifiedAndUnverified(): void {
    $this->seedHookedUser();
    $this->okta->control('POST', '/__fake/password-hook', [
      'uri' => $this->hooks->url . '/password-import',
      'auth_header_value' => self::PASSWORD_SECRET,
    ]);

    $wrong = $this->okta->control('POST', '/__fake/signin', ['username' => 'hooked@example.com', 'password' => 'not-it']);
    $this->assertSame('UNVERIFIED', $wrong['result'], json_encode($wrong));
    $this->assertSame('hook', $wrong['via']);

    $right = $this->okta->control('POST', '/__fake/signin', [
      'username' => 'hooked@example.com',
      'password' => self::PASSWORD,
    ]);
    $this->assertSame('VERIFIED', $right['result'], json_encode($right));
    $this->assertSame('hook', $right['via']);

    // Okta now holds the password: the next sign-in no longer calls Drupal.
    $calls = count($this->hooks->requests());
    $next = $this->okta->control('POST', '/__fake/signin', [
      'username' => 'hooked@example.com',
      'password' => self::PASSWORD,
    ]);
    $this->assertSame('VERIFIED', $next['result']);
    $this->assertCount($calls, $this->hooks->requests());
  }

  /**
   * A hook registered with the wrong secret is refused (401): sign-in fails.
   */
  public function testPasswordHookBadSecret(): void {
    $this->seedHookedUser();
    $this->okta->control('POST', '/__fake/password-hook', [
      'uri' => $this->hooks->url . '/password-import',
      'auth_header_value' => 'Bearer wrong',
    ]);
    $result = $this->okta->control('POST', '/__fake/signin', [
      'username' => 'hooked@example.com',
      'password' => self::PASSWORD,
    ]);
    $this->assertSame('ERROR', $result['result'], json_encode($result));
    $this->assertStringContainsString('401', $result['error']);
    $this->assertContains('POST /password-import 401', $this->hooks->requests());
  }

  /**
   * Tests password hook timeout.
   *
   * Slower than Okta's 3 s: Okta gives up (one retry), nothing is imported;
   * once the site is fast again, the next sign-in succeeds.
   */
  public function testPasswordHookTimeout(): void {
    $this->seedHookedUser();
    $this->hooks->configure($this->config(3300));
    $this->okta->control('POST', '/__fake/password-hook', [
      'uri' => $this->hooks->url . '/password-import',
      'auth_header_value' => self::PASSWORD_SECRET,
    ]);
    $slow = $this->okta->control('POST', '/__fake/signin', [
      'username' => 'hooked@example.com',
      'password' => self::PASSWORD,
    ]);
    $this->assertSame('ERROR', $slow['result'], json_encode($slow));
    $this->assertSame('timeout', $slow['error']);
    $this->assertSame(2, $slow['attempts'], 'Okta retries a timed-out hook once');

    $this->hooks->configure($this->config());
    $fast = $this->okta->control('POST', '/__fake/signin', [
      'username' => 'hooked@example.com',
      'password' => self::PASSWORD,
    ]);
    $this->assertSame('VERIFIED', $fast['result'], json_encode($fast));
  }

  /**
   * Tests password hook flood.
   *
   * Repeated wrong passwords trip the flood limit: even the right password
   * is then UNVERIFIED, and Okta's sign-in fails.
   */
  public function testPasswordHookFlood(): void {
    $this->seedHookedUser();
    $this->okta->control('POST', '/__fake/password-hook', [
      'uri' => $this->hooks->url . '/password-import',
      'auth_header_value' => self::PASSWORD_SECRET,
    ]);
    for ($i = 0; $i < 5; $i++) {
      $guess = $this->okta->control('POST', '/__fake/signin', [
        'username' => 'hooked@example.com',
        'password' => "guess-$i",
      ]);
      $this->assertSame('UNVERIFIED', $guess['result']);
    }
    $blocked = $this->okta->control('POST', '/__fake/signin', [
      'username' => 'hooked@example.com',
      'password' => self::PASSWORD,
    ]);
    $this->assertSame('UNVERIFIED', $blocked['result'], json_encode($blocked));
    $this->assertSame(5, $this->hooks->json('flood')['login:hooked@example.com'] ?? NULL);
  }

}
