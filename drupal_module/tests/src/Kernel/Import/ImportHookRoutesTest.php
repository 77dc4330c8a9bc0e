<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Kernel\Import;

use Drupal\okta_user_sync\Import\ImportRunner;
use Drupal\Tests\okta_user_sync\Kernel\OktaUserSyncKernelTestBase;
use Drupal\user\Entity\User;
use Symfony\Component\HttpFoundation\Request;
use Symfony\Component\HttpFoundation\Response;

/**
 * The two Okta hook endpoints through Drupal's HTTP kernel.
 *
 * @group okta_user_sync
 */
final class ImportHookRoutesTest extends OktaUserSyncKernelTestBase {

  private const EVENT_SECRET = 'Bearer kernel-event-secret';
  private const PASSWORD_SECRET = 'Bearer kernel-password-secret';
  private const EVENTS = '/okta_user_sync/event-hook';
  private const PASSWORDS = '/okta_user_sync/password-import';

  /**
   * {@inheritdoc}
   */
  protected function setUp(): void {
    parent::setUp();
    $this->installConfig(['user']);
    $this->config('okta_user_sync.settings')->set('direction', 'okta_to_drupal')->save();
    $this->container->get('router.builder')->rebuild();
    $secrets = $this->container->get('okta_user_sync.secrets');
    $secrets->set('event_hook_secret', self::EVENT_SECRET);
    $secrets->set('password_hook_secret', self::PASSWORD_SECRET);
  }

  /**
   * The one-time verification echoes the challenge, only with the secret.
   */
  public function testVerification(): void {
    $ok = $this->send('GET', self::EVENTS, ['x-okta-verification-challenge' => 'k-123']);
    $this->assertSame(200, $ok->getStatusCode());
    $this->assertSame(['verification' => 'k-123'], json_decode((string) $ok->getContent(), TRUE));
    $this->assertStringContainsString('no-store', (string) $ok->headers->get('Cache-Control'));
    $this->assertSame(200, $this->send('GET', self::EVENTS, [
      'x-okta-verification-challenge' => 'k-1',
      'Authorization' => self::EVENT_SECRET,
    ])->getStatusCode());
    $this->assertSame(401, $this->send('GET', self::EVENTS, [
      'x-okta-verification-challenge' => 'k-1',
      'Authorization' => 'Bearer wrong',
    ])->getStatusCode());
    $this->assertSame(400, $this->send('GET', self::EVENTS)->getStatusCode());

    $this->container->get('okta_user_sync.secrets')->clear('event_hook_secret');
    $this->assertSame(401, $this->send('GET', self::EVENTS, ['x-okta-verification-challenge' => 'k-2'])->getStatusCode(), 'a hook without a secret must not look verified');
  }

  /**
   * Deliveries: secret, method and body checks, then queued once.
   */
  public function testDeliveriesAreCheckedAndQueuedOnce(): void {
    $body = self::delivery('evt-1', [self::event('e-1', 'user.lifecycle.deactivate', '00uK1', -60)]);
    $this->assertSame(401, $this->send('POST', self::EVENTS, ['Authorization' => 'Bearer wrong'], $body)->getStatusCode());
    $this->assertSame(401, $this->send('POST', self::EVENTS, [], $body)->getStatusCode());
    $this->assertSame(405, $this->send('PUT', self::EVENTS, ['Authorization' => self::EVENT_SECRET], $body)->getStatusCode());
    $this->assertSame(400, $this->send('POST', self::EVENTS, ['Authorization' => self::EVENT_SECRET], 'nope')->getStatusCode());
    $queue = $this->container->get('queue')->get(ImportRunner::QUEUE);
    $this->assertSame(0, $queue->numberOfItems());

    $this->assertSame(204, $this->send('POST', self::EVENTS, ['Authorization' => self::EVENT_SECRET], $body)->getStatusCode());
    $this->assertSame(204, $this->send('POST', self::EVENTS, ['Authorization' => self::EVENT_SECRET], $body)->getStatusCode());
    $this->assertSame(1, $queue->numberOfItems(), 'a redelivery was queued again');
    // The same event in another delivery is still a duplicate.
    $this->send('POST', self::EVENTS, ['Authorization' => self::EVENT_SECRET], self::delivery('evt-2', [self::event('e-1', 'user.lifecycle.deactivate', '00uK1', -60)]));
    $this->assertSame(1, $queue->numberOfItems());
    $item = $queue->claimItem();
    $this->assertSame('00uK1', $item->data['okta_id']);
    $this->assertSame('user.lifecycle.deactivate', $item->data['event_type']);
    $queue->deleteItem($item);

    // With the import off, deliveries are acknowledged and not queued.
    $this->config('okta_user_sync.settings')->set('direction', 'drupal_to_okta')->save();
    $off = self::delivery('evt-3', [self::event('e-3', 'user.lifecycle.create', '00uK9', -5)]);
    $this->assertSame(204, $this->send('POST', self::EVENTS, ['Authorization' => self::EVENT_SECRET], $off)->getStatusCode());
    $this->assertSame(0, $queue->numberOfItems());
  }

  /**
   * An event older than one already accepted for the user adds nothing.
   */
  public function testOutOfOrderEventsAreDropped(): void {
    $headers = ['Authorization' => self::EVENT_SECRET];
    $this->send('POST', self::EVENTS, $headers, self::delivery('d-1', [self::event('new', 'user.lifecycle.activate', '00uK2', -10)]));
    $this->send('POST', self::EVENTS, $headers, self::delivery('d-2', [self::event('old', 'user.lifecycle.deactivate', '00uK2', -300)]));
    $this->send('POST', self::EVENTS, $headers, self::delivery('d-3', [self::event('other', 'user.lifecycle.create', '00uK3', -300)]));
    $queue = $this->container->get('queue')->get(ImportRunner::QUEUE);
    $this->assertSame(2, $queue->numberOfItems());
    $types = [];
    while ($item = $queue->claimItem()) {
      $types[] = $item->data['event_type'];
      $queue->deleteItem($item);
    }
    $this->assertSame(['user.lifecycle.activate', 'user.lifecycle.create'], $types);
  }

  /**
   * Drupal's password service decides VERIFIED or UNVERIFIED.
   */
  public function testPasswordImport(): void {
    User::create(['name' => 'ann', 'mail' => 'ann@example.com', 'pass' => 'Drupal-pass-1', 'status' => 1])->save();
    User::create(['name' => 'blocked', 'mail' => 'blocked@example.com', 'pass' => 'Drupal-pass-2', 'status' => 0])->save();
    $headers = ['Authorization' => self::PASSWORD_SECRET];
    $this->assertSame('VERIFIED', $this->credential($this->send('POST', self::PASSWORDS, $headers, self::credentials('ann@example.com', 'Drupal-pass-1'))));
    $this->assertSame('UNVERIFIED', $this->credential($this->send('POST', self::PASSWORDS, $headers, self::credentials('ann@example.com', 'wrong'))));
    $this->assertSame('UNVERIFIED', $this->credential($this->send('POST', self::PASSWORDS, $headers, self::credentials('blocked@example.com', 'Drupal-pass-2'))));
    $this->assertSame('UNVERIFIED', $this->credential($this->send('POST', self::PASSWORDS, $headers, self::credentials('nobody@example.com', 'x'))));
    $this->assertSame('UNVERIFIED', $this->credential($this->send('POST', self::PASSWORDS, $headers, self::credentials('ann@example.com', ''))));
    $this->assertSame(401, $this->send('POST', self::PASSWORDS, ['Authorization' => 'Bearer no'], self::credentials('ann@example.com', 'Drupal-pass-1'))->getStatusCode());
    $this->assertSame(405, $this->send('GET', self::PASSWORDS, $headers)->getStatusCode());
    $this->assertSame(400, $this->send('POST', self::PASSWORDS, $headers, '{"data":{}}')->getStatusCode());
    $this->assertSame(400, $this->send('POST', self::PASSWORDS, $headers, 'not json')->getStatusCode());

    // login_source 'name' with a suffix maps the Okta login to the name.
    $this->config('okta_user_sync.settings')->set('login_source', 'name')->set('login_suffix', '@corp.test')->save();
    $this->assertSame('VERIFIED', $this->credential($this->send('POST', self::PASSWORDS, $headers, self::credentials('ann@corp.test', 'Drupal-pass-1'))));
  }

  /**
   * The Flood API stops guessing, with the site's user.flood limits.
   */
  public function testPasswordImportFlood(): void {
    $this->config('user.flood')->set('user_limit', 2)->save();
    User::create(['name' => 'ann', 'mail' => 'ann@example.com', 'pass' => 'Drupal-pass-1', 'status' => 1])->save();
    $headers = ['Authorization' => self::PASSWORD_SECRET];
    for ($i = 0; $i < 2; $i++) {
      $this->send('POST', self::PASSWORDS, $headers, self::credentials('ann@example.com', "guess$i", "192.0.2.$i"));
    }
    $this->assertSame('UNVERIFIED', $this->credential($this->send('POST', self::PASSWORDS, $headers, self::credentials('ann@example.com', 'Drupal-pass-1', '192.0.2.99'))), 'the right password after too many wrong ones');
  }

  /**
   * Sends a request through the kernel.
   */
  private function send(string $method, string $path, array $headers = [], string $body = ''): Response {
    $server = ['CONTENT_TYPE' => 'application/json'];
    foreach ($headers as $name => $value) {
      $server['HTTP_' . strtoupper(str_replace('-', '_', $name))] = $value;
    }
    return $this->container->get('http_kernel')->handle(Request::create($path, $method, [], [], [], $server, $body));
  }

  /**
   * The credential of a password hook answer.
   */
  private function credential(Response $response): ?string {
    $this->assertSame(200, $response->getStatusCode());
    return json_decode((string) $response->getContent(), TRUE)['commands'][0]['value']['credential'] ?? NULL;
  }

  /**
   * An Okta Event Hook delivery.
   */
  private static function delivery(string $eventId, array $events): string {
    return json_encode([
      'eventType' => 'com.okta.event_hook',
      'eventTypeVersion' => '1.0',
      'cloudEventsVersion' => '0.1',
      'source' => 'https://example.okta.com/api/v1/eventHooks/who8',
      'eventId' => $eventId,
      'eventTime' => gmdate('Y-m-d\TH:i:s.000\Z'),
      'contentType' => 'application/json',
      'data' => ['events' => $events],
    ], JSON_THROW_ON_ERROR);
  }

  /**
   * One System Log user event, published $age seconds from now.
   */
  private static function event(string $uuid, string $type, string $oktaId, int $age): array {
    return [
      'uuid' => $uuid,
      'published' => gmdate('Y-m-d\TH:i:s.000\Z', time() + $age),
      'eventType' => $type,
      'version' => '0',
      'displayMessage' => 'x',
      'severity' => 'INFO',
      'actor' => ['id' => '00uADMIN', 'type' => 'User', 'alternateId' => 'admin@example.com'],
      'target' => [['id' => $oktaId, 'type' => 'User', 'alternateId' => "$oktaId@example.com", 'displayName' => 'X']],
    ];
  }

  /**
   * A password import hook body, as Okta sends it.
   */
  private static function credentials(string $login, string $password, string $ip = '198.51.100.7'): string {
    return json_encode([
      'eventType' => 'com.okta.user.credential.password.import',
      'data' => [
        'context' => [
          'request' => ['ipAddress' => $ip],
          'credential' => ['username' => $login, 'password' => $password],
        ],
        'action' => ['credential' => 'UNVERIFIED'],
      ],
    ], JSON_THROW_ON_ERROR);
  }

}
