<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Kernel\Import;

use Drupal\okta_user_sync\Event\ImportEvent;
use Drupal\okta_user_sync\Import\ImportException;
use Drupal\okta_user_sync\Import\ImportRunner;
use Drupal\Tests\okta_user_sync\Kernel\OktaUserSyncKernelTestBase;
use Drupal\user\Entity\User;
use Drupal\user\UserInterface;

/**
 * The Okta → Drupal import on real Drupal users, from the fake Okta.
 *
 * The real extension lists the fake's users page by page and decides each
 * one; the runner and importer write Drupal accounts. Okta changes are made
 * through Okta's own API on the fake, as an Okta admin would.
 *
 * @group okta_user_sync
 */
final class ImportRunnerTest extends OktaUserSyncKernelTestBase {

  /**
   * {@inheritdoc}
   */
  protected function setUp(): void {
    parent::setUp();
    $this->config('okta_user_sync.settings')
      ->set('direction', 'okta_to_drupal')
      ->set('import_page_size', 2)
      // A failed page must surface at once, not be retried away.
      ->set('max_retries', 0)
      ->save();
  }

  /**
   * A full import over several pages creates, links and blocks accounts.
   */
  public function testFullImportOverSeveralPages(): void {
    $bob = $this->createAccount('bob');
    $statuses = [
      'ann' => 'ACTIVE',
      'bob' => 'SUSPENDED',
      'cy' => 'STAGED',
      'dee' => 'DEPROVISIONED',
      'eve' => 'PASSWORD_EXPIRED',
    ];
    foreach ($statuses as $name => $status) {
      $this->seedOktaUser("$name@example.com", $status);
    }

    $run = $this->runner()->run(ImportRunner::FULL);

    $this->assertTrue($run['done']);
    // Okta lists every user but the DEPROVISIONED ones, and the admin the
    // base class pushed: 5 users, in pages of 2.
    $this->assertSame(3, $run['pages']);
    $this->assertSame(5, array_sum($run['counts']));
    $this->assertSame(['created' => 3, 'blocked' => 1], array_intersect_key($run['counts'], [
      'created' => 0,
      'blocked' => 0,
      'skipped' => 0,
    ]));
    $this->assertTrue($this->account('ann@example.com')->isActive());
    $this->assertTrue($this->account('eve@example.com')->isActive(), 'PASSWORD_EXPIRED can still sign in');
    $this->assertTrue($this->account('cy@example.com')->isBlocked(), 'STAGED is not an active status by default');
    $this->assertNull($this->account('dee@example.com'), 'a DEPROVISIONED user is never created');
    $this->assertTrue(User::load($bob->id())->isBlocked(), 'SUSPENDED blocks the matched account');
    $row = $this->statusRow((int) $bob->id());
    $this->assertSame($this->oktaUser('bob@example.com')['id'], $row['okta_id']);
    $this->assertSame('SUSPENDED', $row['okta_status']);

    // The next incremental run starts at the listing's start on Okta's clock,
    // less the extension's overlap: never after a change it did not list.
    $watermark = $this->runner()->watermark();
    $this->assertNotNull($watermark);
    $this->assertLessThanOrEqual(time(), strtotime($watermark));
    $this->assertGreaterThan(time() - 60, strtotime($watermark));
    $this->assertNull($this->runner()->currentRun());
    $this->assertSame(3, $this->runner()->lastRun()['counts']['created']);
  }

  /**
   * An incremental run reads only what changed since the watermark.
   */
  public function testIncrementalReadsOnlyChanges(): void {
    $this->seedOktaUser('ann@example.com');
    $this->seedOktaUser('bea@example.com');
    // Okta stamps whole seconds and the extension lists a few seconds back
    // from the watermark (an update in its own second is never lost): wait
    // until the seeded users are older than that overlap.
    sleep(3);
    $this->runner()->run(ImportRunner::FULL);
    $ann = $this->oktaUser('ann@example.com');
    sleep(3);

    $this->fake->api('POST', '/api/v1/users/' . $ann['id'], ['profile' => ['email' => 'ann.new@example.com']]);
    $run = $this->runner()->run(ImportRunner::INCREMENTAL);

    $this->assertSame(['updated' => 1], $run['counts'], 'only the changed user was listed');
    $this->assertSame('ann.new@example.com', User::load($this->statusUid($ann['id']))->getEmail());
    // The overlap lists a change once more on the next run; it changes
    // nothing.
    $quiet = $this->runner()->run(ImportRunner::INCREMENTAL);
    $this->assertSame([], array_diff_key($quiet['counts'], ['unchanged' => 0]), 'nothing changed since');
    $this->assertLessThanOrEqual(1, $quiet['counts']['unchanged'] ?? 0);
  }

  /**
   * A page that fails keeps the run; the next step resumes at that page.
   */
  public function testFailedPageResumes(): void {
    for ($i = 1; $i <= 5; $i++) {
      $this->seedOktaUser("u$i@example.com");
    }
    $runner = $this->runner();
    $runner->start(ImportRunner::FULL);
    $first = $runner->step();
    $this->assertSame(2, array_sum($first['counts']), 'one page of 2');

    $this->fake->knobs([
      'faults' => [
        'kind' => 'status',
        'status' => 500,
        'next' => 1,
        'path_prefix' => '/api/v1/users',
      ],
    ]);
    try {
      $runner->step();
      $this->fail('the failed page was not reported');
    }
    catch (ImportException $e) {
      $this->assertStringContainsString('Listing Okta users failed', $e->getMessage());
    }
    $kept = $runner->currentRun();
    $this->assertSame($first['cursor'], $kept['cursor'], 'the cursor still points at the failed page');

    $run = $runner->run(ImportRunner::FULL);
    $this->assertTrue($run['done']);
    $this->assertSame(5, $run['counts']['created']);
    $this->assertCount(6, User::loadMultiple(), 'every Okta user once, plus the admin');
  }

  /**
   * Reconcile blocks the accounts whose Okta user is gone, within the guard.
   */
  public function testReconcileBlocksMissingWithinTheGuard(): void {
    $this->config('okta_user_sync.settings')->set('import_block_missing', TRUE)->set('guard_max_count', 2)->save();
    for ($i = 1; $i <= 8; $i++) {
      $this->seedOktaUser("u$i@example.com");
    }
    $this->runner()->run(ImportRunner::FULL);

    $this->deleteOktaUser('u8@example.com');
    $run = $this->runner()->run(ImportRunner::RECONCILE);
    $this->assertSame(1, $run['counts']['blocked_missing']);
    $this->assertNull($run['guard']);
    $this->assertTrue($this->account('u8@example.com')->isBlocked());
    $this->assertTrue($this->account('u7@example.com')->isActive());

    foreach ([5, 6, 7] as $i) {
      $this->deleteOktaUser("u$i@example.com");
    }
    $stopped = $this->runner()->run(ImportRunner::RECONCILE);
    $this->assertStringContainsString('would block 3 Drupal accounts', (string) $stopped['guard']);
    $this->assertStringContainsString('guard_max_count (2)', (string) $stopped['guard']);
    $this->assertArrayNotHasKey('blocked_missing', $stopped['counts']);
    $this->assertTrue($this->account('u5@example.com')->isActive(), 'the guard blocked nothing');

    $forced = $this->runner()->run(ImportRunner::RECONCILE, TRUE);
    $this->assertSame(3, $forced['counts']['blocked_missing']);
    $this->assertTrue($this->account('u5@example.com')->isBlocked());
  }

  /**
   * An empty listing (wrong org, filter or credentials) never blocks.
   */
  public function testEmptyListingNeverBlocks(): void {
    $this->config('okta_user_sync.settings')->set('import_block_missing', TRUE)->set('guard_max_count', 1000)->set('guard_max_share', 1.0)->save();
    $this->seedOktaUser('ann@example.com');
    $this->runner()->run(ImportRunner::FULL);
    $this->fake->reset();

    $run = $this->runner()->run(ImportRunner::RECONCILE);
    $this->assertStringContainsString('Okta listed no users', (string) $run['guard']);
    $this->assertTrue($this->account('ann@example.com')->isActive());
  }

  /**
   * A record that cannot be imported is counted; the others go on.
   */
  public function testUnimportableRecordDoesNotStopTheRun(): void {
    // An unrelated account already has the name a new account would get.
    User::create(['name' => 'ann@example.com', 'mail' => 'someone.else@example.com', 'status' => 1])->save();
    $this->seedOktaUser('ann@example.com');
    $this->seedOktaUser('bea@example.com');

    $run = $this->runner()->run(ImportRunner::FULL);

    $this->assertSame(1, $run['counts']['skipped']);
    $this->assertSame(1, $run['counts']['created']);
    $this->assertStringContainsString('ann@example.com', $run['errors'][0]);
    $this->assertNotNull($this->account('bea@example.com'));
    $this->assertSame('someone.else@example.com', $this->accountByName('ann@example.com')->getEmail(), 'the unrelated account is left alone');
  }

  /**
   * ImportEvent subscribers change what is written, or veto it.
   */
  public function testImportEventAltersAndVetoes(): void {
    $this->container->get('event_dispatcher')->addListener(ImportEvent::NAME, static function (ImportEvent $event): void {
      if ($event->record['login'] === 'vip@example.com') {
        $event->veto('VIPs are managed by hand');
      }
      elseif ($event->action === 'created') {
        $event->setValue('name', 'okta-' . strtok((string) $event->record['login'], '@'));
      }
    });
    $this->seedOktaUser('vip@example.com');
    $this->seedOktaUser('ann@example.com');

    $run = $this->runner()->run(ImportRunner::FULL);

    $this->assertSame(1, $run['counts']['skipped']);
    $this->assertStringContainsString('VIPs are managed by hand', $run['errors'][0]);
    $this->assertNull($this->account('vip@example.com'));
    $this->assertSame('okta-ann', $this->account('ann@example.com')->getAccountName());
  }

  /**
   * With both directions on, an import is never pushed back to Okta.
   */
  public function testImportIsNeverPushedBack(): void {
    $this->config('okta_user_sync.settings')->set('direction', 'both')->save();
    $this->seedOktaUser('ann@example.com');
    $this->seedOktaUser('bea@example.com', 'SUSPENDED');
    $this->createAccount('bea', TRUE);
    $this->flush();
    $this->clearOktaRequests();

    $this->runner()->run(ImportRunner::FULL);
    $collector = $this->container->get('okta_user_sync.push_collector');
    $this->assertSame(0, $collector->pending(), 'imported accounts were collected for a push');
    $this->flush();
    $this->assertSame([], $this->oktaWrites());

    // The same collector does collect an ordinary save (the check can fail).
    $this->account('ann@example.com')->set('mail', 'ann2@example.com')->save();
    $this->assertSame(1, $collector->pending());
  }

  /**
   * An account is found by mail whatever its case, on every database.
   *
   * SQLite's mail column is case-sensitive for '='; a second account for
   * the same person would be created if the lookup relied on it.
   */
  public function testMailMatchIgnoresCase(): void {
    User::create(['name' => 'cara', 'mail' => 'Cara.Jones@Example.com', 'status' => 1])->save();
    User::create(['name' => 'caraxjones', 'mail' => 'caraxjones@example.com', 'status' => 1])->save();
    $this->seedOktaUser('cara.jones@example.com');
    $this->seedOktaUser('cara_jones@example.com');
    $this->runner()->run(ImportRunner::FULL);
    $storage = $this->container->get('entity_type.manager')->getStorage('user');
    $same = $storage->getQuery()->accessCheck(FALSE)->condition('mail', 'cara.jones@example.com', 'LIKE')->execute();
    $this->assertCount(1, $same, 'one account for cara.jones, whatever the case of its mail');
    $this->assertSame('Cara.Jones@Example.com', $storage->load(reset($same))->getEmail(), 'the existing account was linked');
    // '_' is a literal in the lookup, not a LIKE wildcard matching 'x'.
    $this->assertCount(1, $storage->loadByProperties(['mail' => 'cara_jones@example.com']), 'a new account for cara_jones');
    $this->assertSame('caraxjones@example.com', $this->account('caraxjones@example.com')->getEmail());
  }

  /**
   * Queued event hook users are imported on cron, deletions included.
   */
  public function testCronImportsTheQueue(): void {
    $this->seedOktaUser('ann@example.com');
    $this->seedOktaUser('bea@example.com');
    $this->runner()->run(ImportRunner::FULL);
    $bea = $this->oktaUser('bea@example.com');
    $this->seedOktaUser('cy@example.com');
    $this->deleteOktaUser('bea@example.com');
    $queue = $this->container->get('queue')->get(ImportRunner::QUEUE);
    $queue->createItem(['okta_id' => $this->oktaUser('cy@example.com')['id'], 'event_type' => 'user.lifecycle.create']);
    $queue->createItem(['okta_id' => $bea['id'], 'event_type' => 'user.lifecycle.delete.initiated']);

    $this->container->get('cron')->run();

    $this->assertSame(0, $queue->numberOfItems());
    $this->assertTrue($this->account('cy@example.com')->isActive());
    $this->assertTrue($this->account('bea@example.com')->isBlocked(), 'a deleted Okta user blocks the account');
    $this->assertSame(1, $this->runner()->lastRun()['deleted']);
  }

  /**
   * When Okta fails, queued users stay queued for the next cron.
   */
  public function testQueueKeptWhenOktaFails(): void {
    $queue = $this->container->get('queue')->get(ImportRunner::QUEUE);
    $queue->createItem(['okta_id' => '00uX', 'event_type' => 'user.lifecycle.create']);
    $this->faultsOn(503);
    $this->assertSame(0, $this->runner()->processQueue());
    $this->faultsOff();
    $this->assertSame(1, $queue->numberOfItems());
    $this->assertSame(1, $this->runner()->processQueue());
  }

  /**
   * Scheduled imports run on cron at their interval.
   */
  public function testScheduledImportOnCron(): void {
    $this->config('okta_user_sync.settings')->set('import_cron', TRUE)->set('import_interval', 3600)->save();
    $this->seedOktaUser('ann@example.com');
    $this->runner()->cron();
    $this->assertNotNull($this->account('ann@example.com'));
    $this->assertGreaterThan(0, (int) $this->container->get('state')->get(ImportRunner::LAST_SCHEDULED));

    $this->seedOktaUser('bea@example.com');
    $this->runner()->cron();
    $this->assertNull($this->account('bea@example.com'), 'the interval has not passed');
  }

  /**
   * With the import off, nothing runs.
   */
  public function testImportOffRefuses(): void {
    $this->config('okta_user_sync.settings')->set('direction', 'drupal_to_okta')->save();
    $this->expectException(ImportException::class);
    $this->runner()->run();
  }

  /**
   * The runner service.
   */
  private function runner(): ImportRunner {
    return $this->container->get('okta_user_sync.import_runner');
  }

  /**
   * The account with this mail, or NULL.
   */
  private function account(string $mail): ?UserInterface {
    $accounts = $this->container->get('entity_type.manager')->getStorage('user')->loadByProperties(['mail' => $mail]);
    return $accounts === [] ? NULL : reset($accounts);
  }

  /**
   * The account with this name, or NULL.
   */
  private function accountByName(string $name): ?UserInterface {
    return user_load_by_name($name) ?: NULL;
  }

  /**
   * The uid linked to an Okta id.
   */
  private function statusUid(string $oktaId): int {
    return (int) $this->container->get('okta_user_sync.status_storage')->uidOfOktaId($oktaId);
  }

  /**
   * Deletes an Okta user the way Okta does: deactivate, then delete.
   */
  private function deleteOktaUser(string $login): void {
    $id = $this->oktaUser($login)['id'];
    $this->fake->api('POST', "/api/v1/users/$id/lifecycle/deactivate");
    $this->fake->api('DELETE', "/api/v1/users/$id");
  }

}
