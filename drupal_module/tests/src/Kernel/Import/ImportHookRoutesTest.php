<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Kernel\Import;

use Drupal\okta_user_sync\Import\Drupal\HookSecrets;
use Drupal\Tests\okta_user_sync\Standalone\Import\EventHookHandlerTest;
use Drupal\Tests\okta_user_sync\Standalone\Import\PasswordImportHandlerTest;
use Drupal\user\Entity\User;
use Symfony\Component\HttpFoundation\Request;
use Symfony\Component\HttpFoundation\Response;

/**
 * The two Okta hook routes through Drupal's HTTP kernel.
 *
 * @group okta_user_sync
 */
final class ImportHookRoutesTest extends ImportKernelTestBase {

  private const EVENT_SECRET = 'Bearer kernel-event-secret';
  private const PASSWORD_SECRET = 'Bearer kernel-password-secret';

  /**
   * {@inheritdoc}
   */
  protected function setUp(): void {
    parent::setUp();
    $this->container->get('router.builder')->rebuild();
    $secrets = $this->container->get('okta_user_sync.hook_secrets');
    $secrets->set(HookSecrets::EVENT_HOOK, self::EVENT_SECRET);
    $secrets->set(HookSecrets::PASSWORD_HOOK, self::PASSWORD_SECRET);
  }

  /**
   * Sends a request through the kernel.
   */
  private function send(string $method, string $path, array $headers = [], string $body = ''): Response {
    $server = [];
    foreach ($headers as $name => $value) {
      $server['HTTP_' . strtoupper(str_replace('-', '_', $name))] = $value;
    }
    $request = Request::create($path, $method, [], [], [], $server + ['CONTENT_TYPE' => 'application/json'], $body);
    return $this->container->get('http_kernel')->handle($request);
  }

  /**
   * Verification, secret check, queueing and dedupe.
   */
  public function testEventHookRoute(): void {
    $verify = $this->send('GET', '/okta_user_sync/event-hook', ['x-okta-verification-challenge' => 'k-123']);
    $this->assertSame(200, $verify->getStatusCode());
    $this->assertSame(['verification' => 'k-123'], json_decode((string) $verify->getContent(), TRUE));
    $this->assertStringContainsString('no-store', (string) $verify->headers->get('Cache-Control'));

    $body = EventHookHandlerTest::delivery('k-evt-1', [
      EventHookHandlerTest::event('k-u1', 'user.lifecycle.deactivate', '00uK1', '2026-01-01T00:00:00.000Z'),
    ]);
    $this->assertSame(401, $this->send('POST', '/okta_user_sync/event-hook', ['Authorization' => 'Bearer wrong'], $body)->getStatusCode());
    $this->assertSame(405, $this->send('PUT', '/okta_user_sync/event-hook', ['Authorization' => self::EVENT_SECRET], $body)->getStatusCode());
    $this->assertSame(400, $this->send('POST', '/okta_user_sync/event-hook', ['Authorization' => self::EVENT_SECRET], 'nope')->getStatusCode());
    $queue = $this->container->get('queue')->get('okta_user_sync_import');
    $this->assertSame(0, $queue->numberOfItems());

    $this->assertSame(204, $this->send('POST', '/okta_user_sync/event-hook', ['Authorization' => self::EVENT_SECRET], $body)->getStatusCode());
    $this->assertSame(204, $this->send('POST', '/okta_user_sync/event-hook', ['Authorization' => self::EVENT_SECRET], $body)->getStatusCode());
    $this->assertSame(1, $queue->numberOfItems(), 'the redelivery was queued again');
    $item = $queue->claimItem();
    $this->assertSame('00uK1', $item->data['okta_id']);
  }

  /**
   * Drupal's password service decides VERIFIED / UNVERIFIED.
   */
  public function testPasswordImportRoute(): void {
    User::create(['name' => 'ann', 'mail' => 'ann@example.com', 'pass' => 'Drupal-pass-1', 'status' => 1])->save();
    User::create(['name' => 'blocked', 'mail' => 'blocked@example.com', 'pass' => 'Drupal-pass-2', 'status' => 0])->save();
    $headers = ['Authorization' => self::PASSWORD_SECRET];
    $credential = function (Response $response): ?string {
      $this->assertSame(200, $response->getStatusCode());
      return json_decode((string) $response->getContent(), TRUE)['commands'][0]['value']['credential'] ?? NULL;
    };
    $this->assertSame('VERIFIED', $credential($this->send('POST', '/okta_user_sync/password-import', $headers, PasswordImportHandlerTest::body('ann@example.com', 'Drupal-pass-1'))));
    $this->assertSame('UNVERIFIED', $credential($this->send('POST', '/okta_user_sync/password-import', $headers, PasswordImportHandlerTest::body('ann@example.com', 'wrong'))));
    $this->assertSame('UNVERIFIED', $credential($this->send('POST', '/okta_user_sync/password-import', $headers, PasswordImportHandlerTest::body('blocked@example.com', 'Drupal-pass-2'))));
    $this->assertSame('UNVERIFIED', $credential($this->send('POST', '/okta_user_sync/password-import', $headers, PasswordImportHandlerTest::body('nobody@example.com', 'x'))));
    $this->assertSame(401, $this->send('POST', '/okta_user_sync/password-import', ['Authorization' => 'Bearer no'], PasswordImportHandlerTest::body('ann@example.com', 'Drupal-pass-1'))->getStatusCode());

    // login_source 'name' with a suffix maps the Okta login to the name.
    $this->config('okta_user_sync.settings')->set('login_source', 'name')->set('login_suffix', '@corp.test')->save();
    $this->assertSame('VERIFIED', $credential($this->send('POST', '/okta_user_sync/password-import', $headers, PasswordImportHandlerTest::body('ann@corp.test', 'Drupal-pass-1'))));
  }

  /**
   * The Flood API stops guessing (user.flood limits).
   */
  public function testPasswordImportFlood(): void {
    $this->config('user.flood')->set('user_limit', 2)->save();
    User::create(['name' => 'ann', 'mail' => 'ann@example.com', 'pass' => 'Drupal-pass-1', 'status' => 1])->save();
    $headers = ['Authorization' => self::PASSWORD_SECRET];
    for ($i = 0; $i < 2; $i++) {
      $this->send('POST', '/okta_user_sync/password-import', $headers, PasswordImportHandlerTest::body('ann@example.com', "guess$i", "192.0.2.$i"));
    }
    $response = $this->send('POST', '/okta_user_sync/password-import', $headers, PasswordImportHandlerTest::body('ann@example.com', 'Drupal-pass-1', '192.0.2.99'));
    $this->assertSame('UNVERIFIED', json_decode((string) $response->getContent(), TRUE)['commands'][0]['value']['credential']);
  }

}
