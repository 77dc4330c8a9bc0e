<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Functional;

use Drupal\okta_user_sync_test\FakeExtension;
use Drupal\Tests\BrowserTestBase;

/**
 * Automatic provisioning from the register and edit forms.
 *
 * Inline push mode is used so that the push happens inside the request (the
 * deferred mode pushes after the response, which a browser test would race).
 *
 * @group okta_user_sync
 */
class AutomaticProvisioningTest extends BrowserTestBase {

  /**
   * {@inheritdoc}
   */
  protected static $modules = ['okta_user_sync', 'okta_user_sync_test'];

  /**
   * {@inheritdoc}
   */
  protected $defaultTheme = 'stark';

  /**
   * {@inheritdoc}
   */
  protected function setUp(): void {
    parent::setUp();
    $this->config('okta_user_sync.settings')
      ->set('org_url', 'https://acme.okta.com')
      ->set('push_mode', 'inline')
      ->set('create_mode', 'password')
      ->save();
    $this->container->get('state')->set('okta_user_sync.api_token', 'automatic-test-token-0123456789');
    $this->config('user.settings')->set('register', 'visitors')->set('verify_mail', FALSE)->save();
  }

  /**
   * Calls recorded by the fake extension in the site under test.
   */
  private function calls(): array {
    $this->container->get('state')->resetCache();
    return $this->container->get('state')->get(FakeExtension::CALLS, []);
  }

  /**
   * Tests registration sends the password typed in the form.
   */
  public function testRegistrationSendsThePasswordTypedInTheForm(): void {
    $this->drupalGet('user/register');
    $this->submitForm([
      'mail' => 'newbie@example.com',
      'name' => 'newbie',
      'pass[pass1]' => 'Secret-Pass-123',
      'pass[pass2]' => 'Secret-Pass-123',
    ], 'Create new account');
    $inserts = array_values(array_filter($this->calls(), fn(array $call) => $call['event'] === 'insert'));
    $this->assertCount(1, $inserts);
    $this->assertSame('newbie@example.com', $inserts[0]['user']['mail']);
    $this->assertTrue($inserts[0]['had_password']);
    $this->assertSame(sha1('Secret-Pass-123'), $inserts[0]['password_sha1']);
    $account = user_load_by_mail('newbie@example.com');
    $row = $this->container->get('okta_user_sync.status_storage')->load((int) $account->id());
    $this->assertSame('created', $row['last_action']);
  }

  /**
   * Tests admin blocking a user deactivates it.
   */
  public function testAdminBlockingUserDeactivatesIt(): void {
    $account = $this->drupalCreateUser([], 'victim');
    $this->drupalLogin($this->drupalCreateUser(['administer users']));
    $this->container->get('state')->delete(FakeExtension::CALLS);
    $this->drupalGet('user/' . $account->id() . '/edit');
    $this->submitForm(['status' => 0], 'Save');
    $updates = array_values(array_filter($this->calls(), fn(array $call) => $call['event'] === 'update' && $call['user']['uid'] === (int) $account->id()));
    $this->assertCount(1, $updates, 'One save, one update.');
    $this->assertFalse($updates[0]['user']['status']);
    $this->assertFalse($updates[0]['had_password'], 'No password typed, none sent.');
  }

}
