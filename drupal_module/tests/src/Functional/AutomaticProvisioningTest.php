<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Functional;

use Drupal\Tests\BrowserTestBase;
use Drupal\Tests\okta_user_sync\Traits\FakeOktaTrait;

/**
 * Automatic provisioning from the register and edit forms.
 *
 * Inline push mode is used so that the push happens inside the request (the
 * deferred mode pushes after the response, which a browser test would race).
 *
 * @group okta_user_sync
 */
class AutomaticProvisioningTest extends BrowserTestBase {

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
    $this->connectToFakeOkta();
    $this->config('okta_user_sync.settings')
      ->set('push_mode', 'inline')
      ->set('create_mode', 'password')
      ->save();
    $this->config('user.settings')->set('register', 'visitors')->set('verify_mail', FALSE)->save();
  }

  /**
   * Registration sends the password typed in the form.
   */
  public function testRegistrationSendsThePasswordTypedInTheForm(): void {
    $this->drupalGet('user/register');
    $this->submitForm([
      'mail' => 'newbie@example.com',
      'name' => 'newbie',
      'pass[pass1]' => 'Secret-Pass-123',
      'pass[pass2]' => 'Secret-Pass-123',
    ], 'Create new account');
    $okta = $this->oktaUser('newbie@example.com');
    $this->assertNotNull($okta, 'created in Okta by the registration request');
    $this->assertSame('plain', $okta['_fake']['password'], 'with the password typed in the form');
    $account = user_load_by_mail('newbie@example.com');
    $row = $this->container->get('okta_user_sync.status_storage')->load((int) $account->id());
    $this->assertSame('created', $row['last_action']);
    $this->assertSame($okta['id'], $row['okta_id']);
    $this->assertStringNotContainsString('Secret-Pass-123', json_encode($row));
  }

  /**
   * An admin blocking a user deactivates it in Okta.
   */
  public function testAdminBlockingUserDeactivatesIt(): void {
    // Created through the API in the test's own PHP: pushed at once
    // (inline), so the user is in Okta before the admin blocks it.
    $account = $this->drupalCreateUser([], 'victim');
    $this->assertNotNull($this->oktaUser($account->getEmail()));
    $this->drupalLogin($this->drupalCreateUser(['administer users']));
    $this->drupalGet('user/' . $account->id() . '/edit');
    $this->submitForm(['status' => 0], 'Save');
    $this->assertSame('DEPROVISIONED', $this->oktaUser($account->getEmail())['status']);
  }

}
