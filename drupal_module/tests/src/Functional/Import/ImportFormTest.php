<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Functional\Import;

use Drupal\Tests\BrowserTestBase;
use Drupal\Tests\okta_user_sync\Traits\FakeOktaTrait;

/**
 * The "Okta to Drupal" tab and the hook endpoints, through a browser.
 *
 * @group okta_user_sync
 */
final class ImportFormTest extends BrowserTestBase {

  use FakeOktaTrait;

  /**
   * {@inheritdoc}
   */
  protected static $modules = ['okta_user_sync'];

  /**
   * {@inheritdoc}
   */
  protected $defaultTheme = 'stark';

  /**
   * {@inheritdoc}
   */
  protected function setUp(): void {
    parent::setUp();
    $this->config('okta_user_sync.settings')->set('direction', 'both')->save();
  }

  /**
   * Settings are saved; hook secrets are write-only.
   */
  public function testImportSettingsAndSecrets(): void {
    $this->drupalGet('/admin/config/people/okta_user_sync/import');
    $this->assertSession()->statusCodeEquals(403);

    $this->drupalLogin($this->drupalCreateUser(['administer okta user sync']));
    $this->drupalGet('/admin/config/people/okta_user_sync/import');
    $this->assertSession()->statusCodeEquals(200);
    $this->assertSession()->pageTextContains('not set (every call is refused)');

    $this->submitForm([
      'import_active_statuses[STAGED]' => 'STAGED',
      'import_map' => "field_city|city\nfield_title|title",
      'attribute_authority' => "field_title|okta\nmail|drupal",
      'import_block_missing' => TRUE,
      'event_hook_secret' => 'Bearer functional-event-secret',
      'password_hook_secret' => 'Bearer functional-password-secret',
    ], 'Save import settings');
    $this->assertSession()->pageTextContains('The import settings have been saved.');

    $config = $this->config('okta_user_sync.settings');
    $this->assertContains('STAGED', $config->get('import_active_statuses'));
    $this->assertSame([['drupal' => 'field_city', 'okta' => 'city'], ['drupal' => 'field_title', 'okta' => 'title']], $config->get('import_map'));
    $this->assertSame([['field' => 'field_title', 'owner' => 'okta'], ['field' => 'mail', 'owner' => 'drupal']], $config->get('attribute_authority'));
    $this->assertTrue($config->get('import_block_missing'));

    // Secrets live in State, never in config, and are never shown again.
    $state = \Drupal::state();
    $state->resetCache();
    $this->assertSame('Bearer functional-event-secret', $state->get('okta_user_sync.event_hook_secret'));
    $this->assertStringNotContainsString('functional-event-secret', json_encode($config->getRawData()));
    $this->drupalGet('/admin/config/people/okta_user_sync/import');
    $this->assertSession()->responseNotContains('functional-event-secret');
    $this->assertSession()->responseNotContains('functional-password-secret');
    $this->assertSession()->pageTextNotContains('not set (every call is refused)');

    // An empty field keeps the secret; the clear checkbox removes it.
    $this->submitForm([], 'Save import settings');
    $state->resetCache();
    $this->assertSame('Bearer functional-event-secret', $state->get('okta_user_sync.event_hook_secret'));
    $this->submitForm(['event_hook_secret_clear' => TRUE], 'Save import settings');
    $state->resetCache();
    $this->assertNull($state->get('okta_user_sync.event_hook_secret'));

    // Malformed lines are refused.
    $this->submitForm(['attribute_authority' => 'field_title|somebody'], 'Save import settings');
    $this->assertSession()->pageTextContains('Line 1 is not in the form shown below the field.');
  }

  /**
   * Tests event hook endpoint.
   *
   * The event hook answers Okta's verification to anonymous callers and
   * refuses unauthenticated deliveries; the answer is never cached.
   */
  public function testEventHookEndpoint(): void {
    \Drupal::state()->set('okta_user_sync.event_hook_secret', 'Bearer functional-event-secret');
    $this->drupalGet('/okta_user_sync/event-hook', [], ['x-okta-verification-challenge' => 'first']);
    $this->assertSession()->statusCodeEquals(200);
    $this->assertSame(['verification' => 'first'], json_decode($this->getSession()->getPage()->getContent(), TRUE));
    // A second challenge gets its own answer (no page cache).
    $this->drupalGet('/okta_user_sync/event-hook', [], ['x-okta-verification-challenge' => 'second']);
    $this->assertSame(['verification' => 'second'], json_decode($this->getSession()->getPage()->getContent(), TRUE));

    $client = $this->getHttpClient();
    $response = $client->request('POST', $this->buildUrl('/okta_user_sync/event-hook'), [
      'http_errors' => FALSE,
      'headers' => ['Authorization' => 'Bearer wrong', 'Content-Type' => 'application/json'],
      'body' => '{"data":{"events":[]}}',
    ]);
    $this->assertSame(401, $response->getStatusCode());
    $response = $client->request('POST', $this->buildUrl('/okta_user_sync/event-hook'), [
      'http_errors' => FALSE,
      'headers' => ['Authorization' => 'Bearer functional-event-secret', 'Content-Type' => 'application/json'],
      'body' => '{"eventId":"f1","data":{"events":[]}}',
    ]);
    $this->assertSame(204, $response->getStatusCode());
  }

  /**
   * The password import hook answers with Drupal's password check.
   */
  public function testPasswordImportEndpoint(): void {
    \Drupal::state()->set('okta_user_sync.password_hook_secret', 'Bearer functional-password-secret');
    $account = $this->drupalCreateUser([], 'hooked');
    $body = static fn (string $password): string => json_encode([
      'eventType' => 'com.okta.user.credential.password.import',
      'data' => [
        'context' => ['credential' => ['username' => $account->getEmail(), 'password' => $password]],
        'action' => ['credential' => 'UNVERIFIED'],
      ],
    ]);
    $client = $this->getHttpClient();
    foreach ([[$account->passRaw, 'VERIFIED'], ['not-the-password', 'UNVERIFIED']] as [$password, $expected]) {
      $response = $client->request('POST', $this->buildUrl('/okta_user_sync/password-import'), [
        'http_errors' => FALSE,
        'headers' => ['Authorization' => 'Bearer functional-password-secret', 'Content-Type' => 'application/json'],
        'body' => $body($password),
      ]);
      $this->assertSame(200, $response->getStatusCode());
      $this->assertSame($expected, json_decode((string) $response->getBody(), TRUE)['commands'][0]['value']['credential']);
    }
  }

  /**
   * The "Import from Okta" button runs a batch, a page per request.
   */
  public function testImportFromOktaBatch(): void {
    $this->connectToFakeOkta();
    $this->config('okta_user_sync.settings')->set('direction', 'okta_to_drupal')->set('import_page_size', 2)->save();
    foreach (['ann', 'bea', 'cy'] as $name) {
      $this->seedOktaUser("$name@example.com");
    }
    // Never given an account (and DEPROVISIONED ones are not even listed).
    $this->seedOktaUser('dee@example.com', 'SUSPENDED');
    $this->drupalLogin($this->drupalCreateUser(['administer okta user sync']));
    $this->drupalGet('/admin/config/people/okta_user_sync/import');
    $this->assertSession()->pageTextContains('Nothing imported yet.');
    $this->submitForm(['mode' => 'full'], 'Import from Okta');
    $this->assertSession()->pageTextContains('Okta import finished.');
    $this->assertSession()->pageTextContains('created: 3');
    $this->assertSession()->pageTextContains('skipped: 1');
    foreach (['ann', 'bea', 'cy'] as $name) {
      $this->assertNotEmpty(\Drupal::entityTypeManager()->getStorage('user')->loadByProperties(['mail' => "$name@example.com"]), "$name was imported");
    }
    $this->drupalGet('/admin/config/people/okta_user_sync/import');
    $this->assertSession()->pageTextContains('Imported up to Okta changes of');
    $this->assertSession()->pageTextContains('Last run (full)');
  }

}
