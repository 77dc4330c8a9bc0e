<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Kernel;

use Drupal\okta_user_sync\Event\PushEvent;
use Drupal\user\Entity\User;

/**
 * Automatic provisioning: hooks, the push collector, the status row.
 *
 * @group okta_user_sync
 */
class UserHooksTest extends OktaUserSyncKernelTestBase {

  /**
   * An insert reaches Okta at the end of the request and is recorded.
   */
  public function testInsertIsPushedAfterTheRequestAndRecorded(): void {
    $account = $this->createAccount('ann');
    $this->assertSame([], $this->oktaWrites(), 'Nothing is sent while the request runs.');
    $this->flush();
    $okta = $this->oktaUser('ann@example.com');
    $this->assertNotNull($okta);
    $this->assertSame('STAGED', $okta['status']);
    $row = $this->statusRow((int) $account->id());
    $this->assertSame($okta['id'], $row['okta_id']);
    $this->assertSame('created', $row['last_action']);
    $this->assertSame(0, (int) $row['attempts']);
    $this->assertNotEmpty($row['profile_hash']);
  }

  /**
   * Inline mode pushes after the commit, never inside the transaction.
   *
   * Defect: the push used to run inside the entity-save transaction, row
   * locks held during HTTP.
   */
  public function testInlinePushWaitsForTheCommit(): void {
    $this->config('okta_user_sync.settings')->set('push_mode', 'inline')->save();
    $database = $this->container->get('database');
    $transaction = $database->startTransaction();
    $this->createAccount('bea');
    $this->assertSame([], $this->oktaWrites(), 'Nothing is sent before the commit.');
    // Committing the outermost transaction runs the post-commit push.
    unset($transaction);
    $this->assertNotNull($this->oktaUser('bea@example.com'), 'Pushed right after the commit, in the request.');
  }

  /**
   * A rolled-back save leaves nothing in Okta.
   */
  public function testRolledBackSaveSendsNothing(): void {
    foreach (['inline', 'destruct'] as $mode) {
      $this->config('okta_user_sync.settings')->set('push_mode', $mode)->save();
      $database = $this->container->get('database');
      $transaction = $database->startTransaction();
      $this->createAccount("rolled_$mode");
      $transaction->rollBack();
      unset($transaction);
      $this->flush();
      $this->assertNull($this->oktaUser("rolled_$mode@example.com"), $mode);
    }
    $this->assertSame([], $this->oktaWrites());
  }

  /**
   * The newest profile is pushed, whatever the order of the saves.
   *
   * Defect: the snapshot was taken at hook time, so when two requests saved
   * one user the older profile could be pushed last. The account is read
   * when it is pushed.
   */
  public function testTheAccountIsReadWhenPushedNotWhenSaved(): void {
    $account = $this->createAccount('cleo');
    $this->flush();
    $account->set('name', 'cleo_old')->save();
    // Another request saves the account meanwhile (straight to the database).
    $this->container->get('database')->update('users_field_data')
      ->fields(['name' => 'cleo_new', 'mail' => 'cleo.new@example.com'])
      ->condition('uid', $account->id())
      ->execute();
    $this->flush();
    $this->assertNotNull($this->oktaUser('cleo.new@example.com'), 'the newest mail is the login in Okta');
    $this->assertNull($this->oktaUser('cleo_old@example.com'));
  }

  /**
   * Two saves in one request send one update.
   */
  public function testTwoSavesInOneRequestSendOneUpdate(): void {
    $account = $this->createAccount('dan');
    $this->flush();
    $this->clearOktaRequests();
    $account->setEmail('dan2@example.com')->save();
    $account->setEmail('dan3@example.com')->save();
    $this->flush();
    $updates = array_filter($this->oktaWrites(), fn(string $r) => str_starts_with($r, 'POST /api/v1/users/'));
    $this->assertCount(1, $updates, implode(', ', $this->oktaWrites()));
    $this->assertNotNull($this->oktaUser('dan3@example.com'));
  }

  /**
   * Blocking deactivates; deleting deactivates and forgets the row.
   */
  public function testBlockingDeactivatesAndDeleteForgetsTheRow(): void {
    $account = $this->createAccount('eve');
    $this->flush();
    $account->block()->save();
    $this->flush();
    $this->assertSame('DEPROVISIONED', $this->oktaUser('eve@example.com')['status']);
    $this->assertSame('deactivated', $this->statusRow((int) $account->id())['last_action']);

    $other = $this->createAccount('fay');
    $this->flush();
    $uid = (int) $other->id();
    $other->delete();
    $this->flush();
    $this->assertSame('DEPROVISIONED', $this->oktaUser('fay@example.com')['status']);
    $this->assertNull($this->statusRow($uid));
  }

  /**
   * A retryable failure is kept as one pending retry, without the password.
   */
  public function testRetryableFailuresKeepOneRetryPerUser(): void {
    $this->config('okta_user_sync.settings')->set('create_mode', 'password')->set('max_retries', 0)->save();
    $this->faultsOn(503);
    $account = User::create(['name' => 'gus', 'mail' => 'gus@example.com', 'status' => 1]);
    $this->container->get('okta_user_sync.password_capture')->capture($account, 'Secret-Passw0rd-9');
    $account->save();
    $this->flush();
    $uid = (int) $account->id();
    $row = $this->statusRow($uid);
    $this->assertSame('failed', $row['last_action']);
    $this->assertSame(1, (int) $row['attempts']);
    $this->assertSame('insert', $row['retry_event']);
    $this->assertNotNull($row['retry_at']);
    $this->assertSame(1, $this->queueLength());
    // Saved again while the retry waits: still one item, one counter.
    $account->setEmail('gus2@example.com')->save();
    $this->flush();
    $row = $this->statusRow($uid);
    $this->assertSame(2, (int) $row['attempts']);
    $this->assertSame('insert', $row['retry_event'], 'the pending insert stays an insert');
    $this->assertSame(1, $this->queueLength());
    $stored = json_encode($row) . serialize($this->container->get('database')->select('queue', 'q')->fields('q')->execute()->fetchAll());
    $this->assertStringNotContainsString('Secret-Passw0rd-9', $stored);
  }

  /**
   * A visitor's request never waits on Okta beyond inline_timeout.
   *
   * Okta answers 429 with a reset a minute away: the inline push gives up
   * within its budget, records a retryable failure and queues it.
   */
  public function testInlinePushIsBoundedUnderRateLimits(): void {
    $this->config('okta_user_sync.settings')->set('push_mode', 'inline')->set('inline_timeout', 1.0)->save();
    $this->fake->knobs(['rate_limits' => ['window_secs' => 60]]);
    $this->faultsOn(429, ['reset_offset_secs' => 60]);
    $started = microtime(TRUE);
    $account = $this->createAccount('hal');
    $elapsed = microtime(TRUE) - $started;
    $this->assertLessThan(3.0, $elapsed, 'bounded by inline_timeout, not by the rate-limit window');
    $row = $this->statusRow((int) $account->id());
    $this->assertSame('failed', $row['last_action']);
    $this->assertNotNull($row['retry_at']);
    $this->assertGreaterThanOrEqual(1, $this->queueLength());
  }

  /**
   * Saves made by the Okta import are not pushed back.
   */
  public function testImportSavesAreNotEchoed(): void {
    $collector = $this->container->get('okta_user_sync.push_collector');
    $collector->suppressAll();
    $account = $this->createAccount('ian');
    $collector->releaseAll();
    $collector->suppress((int) $account->id());
    $account->setEmail('ian2@example.com')->save();
    $collector->release((int) $account->id());
    $this->flush();
    $this->assertSame([], $this->oktaWrites());
  }

  /**
   * Nothing is pushed when automatic is off or the direction is import only.
   */
  public function testNothingIsPushedWhenAutomaticIsOffOrDirectionIsImportOnly(): void {
    $this->config('okta_user_sync.settings')->set('operations.automatic', [])->save();
    $this->createAccount('jo');
    $this->flush();
    $this->config('okta_user_sync.settings')->set('operations.automatic', ['read', 'create'])->set('direction', 'okta_to_drupal')->save();
    $this->createAccount('kim');
    $this->flush();
    $this->assertSame([], $this->oktaRequests());
  }

  /**
   * The register and edit forms capture the password before the save.
   */
  public function testRegisterAndEditFormsCaptureThePasswordBeforeSave(): void {
    $this->installConfig(['system', 'user']);
    // The account forms link to user routes.
    $this->container->get('router.builder')->rebuild();
    $this->container->get('current_user')->setAccount(User::load(1));
    $formBuilder = $this->container->get('entity.form_builder');
    foreach (['register' => User::create(), 'default' => User::load(1)] as $operation => $account) {
      $form = $formBuilder->getForm($account, $operation);
      $handlers = $form['actions']['submit']['#submit'];
      $position = array_search('::submitForm', $handlers, TRUE);
      $this->assertIsInt($position, $operation);
      $capture = $handlers[$position + 1];
      $this->assertIsArray($capture, "$operation: capture handler right after ::submitForm");
      $this->assertSame('capturePassword', $capture[1]);
      $this->assertSame('::save', $handlers[$position + 2]);
    }
  }

  /**
   * Integrators change the login, attributes and groups before a push.
   */
  public function testPushEventChangesWhatOktaGets(): void {
    $this->fake->control('POST', '/__fake/groups', [['profile' => ['name' => 'Staff', 'description' => '']]]);
    $this->container->get('event_dispatcher')->addListener(PushEvent::NAME, function (PushEvent $event): void {
      $event->setLogin($event->account->getAccountName() . '@corp.example.com')
        ->setAttribute('department', 'Research')
        ->setGroups(['Staff']);
    });
    $account = $this->createAccount('max');
    $this->flush();
    $okta = $this->oktaUser('max@corp.example.com');
    $this->assertNotNull($okta, 'created with the login the subscriber set');
    $this->assertSame('max@example.com', $okta['profile']['email']);
    $this->assertSame('Research', $okta['profile']['department']);
    $staff = array_values(array_filter($this->fake->state()['groups'], fn(array $g) => $g['profile']['name'] === 'Staff'))[0];
    $this->assertContains($okta['id'], $this->fake->state()['memberships'][$staff['id']] ?? []);
    // Unchanged on the next save: the hash covers the subscriber's values.
    $this->clearOktaRequests();
    $account->save();
    $this->flush();
    $this->assertSame([], $this->oktaWrites());
  }

  /**
   * A captured password goes with the create (create_mode password).
   */
  public function testCapturedPasswordCreatesWithCredentials(): void {
    $this->config('okta_user_sync.settings')->set('create_mode', 'password')->save();
    $account = User::create(['name' => 'lou', 'mail' => 'lou@example.com', 'status' => 1]);
    $this->container->get('okta_user_sync.password_capture')->capture($account, 'Str0ng-Passw0rd!xyz');
    $account->save();
    $this->flush();
    $okta = $this->oktaUser('lou@example.com');
    $this->assertSame('plain', $okta['_fake']['password']);
    $this->assertStringNotContainsString('Str0ng-Passw0rd!xyz', json_encode($this->statusRow((int) $account->id())));
  }

}
