<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Functional;

use Drupal\Tests\BrowserTestBase;
use Drupal\Tests\okta_user_sync\Traits\FakeOktaTrait;

/**
 * Tests the "Sync User Manually" tab: one user, preview, all, status page.
 *
 * @group okta_user_sync
 */
class ManualSyncFormTest extends BrowserTestBase {

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
    $this->config('okta_user_sync.settings')->set('operations.automatic', [])->save();
    $this->drupalLogin($this->drupalCreateUser(['administer okta user sync', 'administer users']));
  }

  /**
   * Tests sync one user and blocked user.
   */
  public function testSyncOneUserAndBlockedUser(): void {
    $ada = $this->drupalCreateUser([], 'ada');
    $this->drupalGet('admin/config/people/okta_user_sync/manual');
    $this->submitForm(['account' => 'ada (' . $ada->id() . ')'], 'Sync');
    $this->assertSession()->pageTextContains('ada: created in Okta');

    $ada->block()->save();
    $this->drupalGet('admin/config/people/okta_user_sync/manual');
    $this->submitForm(['account' => 'ada (' . $ada->id() . ')'], 'Sync');
    $this->assertSession()->pageTextContains('ada: deactivated in Okta');

    $this->drupalGet('admin/config/people/okta_user_sync/status');
    $this->assertSession()->pageTextContains('DEPROVISIONED');
    $this->assertSession()->linkExists('ada');
  }

  /**
   * The guide's deactivation flow, for an admin without "administer users".
   */
  public function testBlockedUserCanBeChosenWithoutAdministerUsers(): void {
    $blocked = $this->drupalCreateUser([], 'kim');
    $blocked->block()->save();
    // Kim is in Okta: blocking shows there as a deactivation.
    $this->seedOktaUser('kim@example.com');
    $this->drupalLogin($this->drupalCreateUser(['administer okta user sync']));
    $this->drupalGet('admin/config/people/okta_user_sync/manual');
    $this->submitForm(['account' => 'kim (' . $blocked->id() . ')'], 'Sync');
    $this->assertSession()->pageTextNotContains('cannot be referenced');
    $this->assertSession()->pageTextContains('kim: deactivated in Okta');
    // The autocomplete offers blocked accounts too.
    $this->drupalGet('admin/config/people/okta_user_sync/manual');
    $path = $this->getSession()->getPage()->findField('account')->getAttribute('data-autocomplete-path');
    $this->drupalGet($this->getAbsoluteUrl($path), ['query' => ['q' => 'ki']]);
    $this->assertSession()->responseContains('kim');
  }

  /**
   * Tests failure is shown with its link and can be retried.
   */
  public function testFailureIsShownWithItsLinkAndCanBeRetried(): void {
    $bob = $this->drupalCreateUser([], 'bob');
    // Logins from the account name without a suffix are not emails: Okta
    // refuses the create (E0000001, not retryable).
    $this->config('okta_user_sync.settings')->set('login_source', 'name')->save();
    $this->drupalGet('admin/config/people/okta_user_sync/manual');
    $this->submitForm(['account' => 'bob (' . $bob->id() . ')'], 'Sync');
    $this->assertSession()->pageTextContains('bob: failed: E0000001');
    $this->assertSession()->linkByHrefExists('https://developer.okta.com/docs/reference/error-codes/#E0000001');

    $this->drupalGet('admin/config/people/okta_user_sync/status', ['query' => ['show' => 'failures']]);
    $this->assertSession()->pageTextContains('E0000001');
    $this->assertSession()->pageTextContains('Username must be in the form of an email address');
    // The admin fixes the setting, then retries.
    $this->config('okta_user_sync.settings')->set('login_source', 'mail')->save();
    $this->submitForm([], 'Retry failed users');
    $this->assertSession()->pageTextContains('Okta sync finished');
    $this->drupalGet('admin/config/people/okta_user_sync/status', ['query' => ['show' => 'failures']]);
    $this->assertSession()->pageTextContains('No failures.');
    $this->assertNotNull($this->oktaUser('bob@example.com'));
  }

  /**
   * Tests sync all needs a preview first.
   */
  public function testSyncAllNeedsPreviewFirst(): void {
    $this->drupalCreateUser([], 'carl');
    $this->drupalGet('admin/config/people/okta_user_sync/manual');
    $this->submitForm([], 'Sync all users');
    $this->assertSession()->pageTextContains('Run "Preview (dry run)" in this mode first');
    $this->assertSame([], $this->oktaWrites());

    $this->submitForm(['mode' => 'push'], 'Preview (dry run)');
    $this->assertSession()->pageTextContains('Preview (nothing was changed)');
    $this->assertSession()->pageTextContains('planned');
    $this->assertEmpty($this->statusRows(), 'A preview records nothing.');
    $this->assertSame([], $this->oktaWrites(), 'A preview changes nothing in Okta.');

    $this->drupalGet('admin/config/people/okta_user_sync/manual');
    $this->submitForm(['mode' => 'push'], 'Sync all users');
    $this->assertSession()->pageTextContains('Okta sync finished');
    $this->assertSession()->pageTextContains('created');
  }

  /**
   * The deletion guard judges the whole previewed run, not each chunk.
   */
  public function testSyncAllRefusesRunBeyondTheGuardUnlessConfirmed(): void {
    $this->config('okta_user_sync.settings')->set('guard_max_count', 1)->set('batch_size', 2)->save();
    foreach (['dan', 'eve', 'fay'] as $name) {
      $this->drupalCreateUser([], $name)->block()->save();
      $this->seedOktaUser("$name@example.com");
    }
    $this->drupalGet('admin/config/people/okta_user_sync/manual');
    $this->submitForm(['mode' => 'push'], 'Preview (dry run)');
    // admin, the logged-in user and three blocked users.
    $this->assertSession()->pageTextContains('would deactivate or delete 3 of 5 Okta users');
    $this->clearOktaRequests();

    $this->drupalGet('admin/config/people/okta_user_sync/manual');
    $this->assertSession()->fieldExists('guard_override');
    $this->submitForm(['mode' => 'push'], 'Sync all users');
    $this->assertSession()->pageTextContains('Nothing was changed.');
    $this->assertSame([], $this->oktaWrites(), 'refused before any Okta call');

    $this->submitForm(['mode' => 'push', 'guard_override' => TRUE], 'Sync all users');
    $this->assertSession()->pageTextContains('Okta sync finished');
    $this->assertSession()->pageTextContains('3 deactivated');
    $this->assertSame(3, $this->statusRows()['deactivated'] ?? 0);
  }

  /**
   * Tests unconfirmed run stops at the run level limit.
   *
   * Without a confirmation, a real run stops where the run's total exceeds
   * the guard, even when every chunk alone is within it.
   */
  public function testUnconfirmedRunStopsAtTheRunLevelLimit(): void {
    $this->config('okta_user_sync.settings')->set('guard_max_count', 1)->set('batch_size', 2)->save();
    $this->drupalCreateUser([], 'gus');
    // Preview while everyone is active: nothing to confirm.
    $this->drupalGet('admin/config/people/okta_user_sync/manual');
    $this->submitForm(['mode' => 'push'], 'Preview (dry run)');
    $this->assertSession()->pageTextNotContains('would deactivate or delete');
    $this->assertSession()->fieldNotExists('guard_override');
    // Then blocked after the preview: the run itself must stop.
    foreach (['hal', 'ivy'] as $name) {
      $this->drupalCreateUser([], $name)->block()->save();
      $this->seedOktaUser("$name@example.com");
    }
    $this->drupalGet('admin/config/people/okta_user_sync/manual');
    $this->submitForm(['mode' => 'push'], 'Sync all users');
    // Chunks of two: hal's chunk uses the allowance of 1; ivy's would go
    // beyond it (each chunk alone would pass the per-call guard).
    $this->assertSession()->pageTextContains('Deletion guard stopped the run');
    $this->assertSame(1, $this->statusRows()['deactivated'] ?? 0);
  }

}
