<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Kernel\Import;

use Drupal\okta_user_sync\Import\ImportException;
use Drupal\okta_user_sync\Import\ImportRunner;
use Drupal\user\Entity\User;

/**
 * The importer on real Drupal users: creation, linking, blocking, echo.
 *
 * @group okta_user_sync
 */
final class ImportServiceTest extends ImportKernelTestBase {

  /**
   * Creates, updates and blocks accounts; commits the watermark at the end.
   */
  public function testImportCreatesUpdatesAndBlocks(): void {
    $existing = User::create(['name' => 'bob', 'mail' => 'bob@example.com', 'status' => 1]);
    $existing->save();
    $this->setOktaPages([
      [self::record('00u1', 'ann@example.com'), self::record('00u2', 'bob@example.com', 'SUSPENDED')],
      [self::record('00u3', 'cy@example.com', 'STAGED'), self::record('00u4', 'dee@example.com', 'DEPROVISIONED')],
    ], ['2026-01-01T00:00:01.000Z', '2026-01-02T00:00:00.000Z']);

    $run = $this->container->get('okta_user_sync.import')->run(ImportRunner::FULL);

    $this->assertTrue($run['done']);
    $this->assertSame(2, $run['counts']['created']);
    $this->assertSame(1, $run['counts']['blocked']);
    $this->assertSame(1, $run['counts']['skipped']);
    $users = $this->container->get('entity_type.manager')->getStorage('user');
    $ann = current($users->loadByProperties(['mail' => 'ann@example.com']));
    $this->assertTrue($ann->isActive());
    $this->assertSame('ann@example.com', $ann->getAccountName());
    $cy = current($users->loadByProperties(['mail' => 'cy@example.com']));
    $this->assertTrue($cy->isBlocked(), 'STAGED is not an active status by default');
    $this->assertEmpty($users->loadByProperties(['mail' => 'dee@example.com']));
    $bob = $users->load($existing->id());
    $this->assertTrue($bob->isBlocked(), 'SUSPENDED blocks the linked account');

    $link = $this->container->get('okta_user_sync.status_storage')->load((int) $bob->id());
    $this->assertSame('00u2', $link['okta_id']);
    $this->assertSame('SUSPENDED', $link['okta_status']);
    $this->assertSame('2026-01-02T00:00:00.000Z', $this->container->get('okta_user_sync.import_state')->getWatermark());
  }

  /**
   * Import saves are never collected for a push to Okta.
   */
  public function testEchoPrevention(): void {
    $collector = $this->container->get('okta_user_sync.push_collector');
    $this->setOktaPages([[self::record('00u1', 'ann@example.com'), self::record('00u2', 'bea@example.com')]]);
    $this->container->get('okta_user_sync.import')->run(ImportRunner::FULL);
    $this->assertSame(0, $collector->pending(), 'imported users were queued for a push back to Okta');

    // The same collector does collect an ordinary save (the check can fail).
    User::create(['name' => 'local', 'mail' => 'local@example.com', 'status' => 1])->save();
    $this->assertSame(1, $collector->pending());
  }

  /**
   * Reconcile blocks a linked account whose Okta user is gone.
   */
  public function testReconcileBlocksMissing(): void {
    $this->config('okta_user_sync.settings')->set('import_block_missing', TRUE)->set('guard_max_share', 0.5)->save();
    $pages = [];
    for ($i = 1; $i <= 10; $i++) {
      $pages[0][] = self::record("00u$i", "u$i@example.com");
    }
    $this->setOktaPages($pages);
    $import = $this->container->get('okta_user_sync.import');
    $import->run(ImportRunner::FULL);

    unset($pages[0][9]);
    $this->setOktaPages([array_values($pages[0])]);
    $run = $import->run(ImportRunner::RECONCILE);
    $this->assertSame(1, $run['counts']['blocked_missing']);
    $users = $this->container->get('entity_type.manager')->getStorage('user');
    $this->assertTrue(current($users->loadByProperties(['mail' => 'u10@example.com']))->isBlocked());
    $this->assertTrue(current($users->loadByProperties(['mail' => 'u9@example.com']))->isActive());
  }

  /**
   * Queued event hook users are imported on cron; items are deleted.
   */
  public function testCronProcessesQueue(): void {
    $queue = $this->container->get('queue')->get('okta_user_sync_import');
    $queue->createItem(['okta_id' => '00u1', 'event_type' => 'user.lifecycle.create']);
    $this->setOktaPages([[self::record('00u1', 'ann@example.com')]]);
    $this->container->get('okta_user_sync.import_cron')->run();
    $this->assertSame(0, $queue->numberOfItems());
    $this->assertNotEmpty($this->container->get('entity_type.manager')->getStorage('user')->loadByProperties(['mail' => 'ann@example.com']));
  }

  /**
   * With import off, nothing runs.
   */
  public function testImportOffRefuses(): void {
    $this->config('okta_user_sync.settings')->set('direction', 'drupal_to_okta')->save();
    $this->expectException(ImportException::class);
    $this->container->get('okta_user_sync.import')->run();
  }

}
