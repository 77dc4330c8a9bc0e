<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Functional;

use Drupal\Tests\BrowserTestBase;

/**
 * The "Drupal to Okta" screen.
 *
 * @group okta_user_sync
 */
class ProvisioningFormTest extends BrowserTestBase {

  /**
   * {@inheritdoc}
   */
  protected static $modules = ['okta_user_sync'];

  /**
   * {@inheritdoc}
   */
  protected $defaultTheme = 'stark';

  /**
   * Tests all done saves everything.
   */
  public function testAllDoneSavesEverything(): void {
    $this->drupalLogin($this->drupalCreateUser(['administer okta user sync']));
    $this->drupalGet('admin/config/people/okta_user_sync/provisioning');
    $this->submitForm([
      'direction' => 'both',
      'operations_manual[delete]' => TRUE,
      'operations_automatic[update]' => FALSE,
      'create_mode' => 'hash',
      'on_delete' => 'delete',
      'attribute_map[0][okta]' => 'nickName',
      'attribute_map[0][drupal]' => 'name',
      'group_map[authenticated][groups]' => 'Everyone, Staff',
      'scheduler_enabled' => TRUE,
      'scheduler_interval' => '900',
      'guard_max_share' => '25',
      'concurrency' => '12',
      'ui_batch_size' => '20',
    ], 'All Done');
    $this->assertSession()->addressEquals('admin/config/people/okta_user_sync/overview');
    $config = $this->config('okta_user_sync.settings');
    $this->assertSame('both', $config->get('direction'));
    $this->assertContains('delete', $config->get('operations.manual'));
    $this->assertNotContains('update', $config->get('operations.automatic'));
    $this->assertSame('hash', $config->get('create_mode'));
    $this->assertSame('delete', $config->get('on_delete'));
    $this->assertSame([['okta' => 'nickName', 'drupal' => 'name']], $config->get('attribute_map'));
    $this->assertSame([['role' => 'authenticated', 'groups' => ['Everyone', 'Staff']]], $config->get('group_map'));
    $this->assertTrue($config->get('scheduler_enabled'));
    $this->assertSame(900, $config->get('scheduler_interval'));
    $this->assertEqualsWithDelta(0.25, $config->get('guard_max_share'), 0.0001);
    $this->assertSame(12, $config->get('concurrency'));
    $this->assertSame(20, $config->get('ui_batch_size'));

    // The extension takes at most 16 concurrent requests.
    $this->drupalGet('admin/config/people/okta_user_sync/provisioning');
    $this->submitForm(['concurrency' => '40'], 'All Done');
    $this->assertSession()->pageTextContains('must be lower than or equal to 16');
    $this->assertSame(12, $this->config('okta_user_sync.settings')->get('concurrency'));
  }

  /**
   * Tests login cannot be mapped.
   */
  public function testLoginCannotBeMapped(): void {
    $this->drupalLogin($this->drupalCreateUser(['administer okta user sync']));
    $this->drupalGet('admin/config/people/okta_user_sync/provisioning');
    $this->submitForm(['attribute_map[0][okta]' => 'login', 'attribute_map[0][drupal]' => 'mail'], 'All Done');
    $this->assertSession()->pageTextContains('The Okta login is set by "Okta login" above');
    $this->assertSame([], $this->config('okta_user_sync.settings')->get('attribute_map'));
  }

}
