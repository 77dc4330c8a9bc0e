<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Kernel;

use Drupal\okta_user_sync\BulkSync;

/**
 * Scheduled provisioning on cron.
 *
 * @group okta_user_sync
 */
class SchedulerTest extends OktaUserSyncKernelTestBase {

  /**
   * Tests disabled scheduler queues nothing.
   */
  public function testDisabledSchedulerQueuesNothing(): void {
    $this->assertSame(0, $this->container->get('okta_user_sync.scheduler')->cron());
    $this->assertSame(0, $this->queueLength());
  }

  /**
   * Tests cron queues changed users in chunks at the interval.
   */
  public function testCronQueuesChangedUsersInChunksAtTheInterval(): void {
    $this->config('okta_user_sync.settings')
      ->set('scheduler_enabled', TRUE)
      ->set('scheduler_interval', 3600)
      ->set('reconcile_interval', 0)
      ->set('batch_size', 2)
      ->save();
    $this->createAccount('a');
    $this->createAccount('b');
    $this->flush();
    // Through the hook, as cron runs it (procedural shim or #[Hook]).
    $this->container->get('module_handler')->invoke('okta_user_sync', 'cron');
    // Admin + a + b = 3 users in chunks of 2.
    $this->assertSame(2, $this->queueLength());
    $item = $this->container->get('queue')->get('okta_user_sync')->claimItem();
    $this->assertSame('chunk', $item->data['kind']);
    $this->assertSame('push', $item->data['mode']);
    // The interval has not elapsed: nothing more.
    $this->assertSame(0, $this->container->get('okta_user_sync.scheduler')->cron());
  }

  /**
   * Tests reconcile queues everyone.
   */
  public function testReconcileQueuesEveryone(): void {
    $this->config('okta_user_sync.settings')
      ->set('scheduler_enabled', TRUE)
      ->set('reconcile_interval', 86400)
      ->save();
    $this->createAccount('c');
    $this->flush();
    $this->assertSame(2, $this->container->get('okta_user_sync.scheduler')->cron());
    $item = $this->container->get('queue')->get('okta_user_sync')->claimItem();
    $this->assertSame('reconcile', $item->data['mode']);
  }

  /**
   * The chunks of one scheduled run share the deletion guard total.
   */
  public function testGuardTotalSpansTheChunksOfScheduledRun(): void {
    $this->config('okta_user_sync.settings')
      ->set('scheduler_enabled', TRUE)
      ->set('reconcile_interval', 0)
      ->set('batch_size', 2)
      ->set('guard_max_count', 2)
      ->set('operations.scheduled', ['read', 'create', 'update', 'deactivate'])
      ->save();
    // Admin + 5 accounts blocked in Drupal, active in Okta, created without
    // pushing them.
    $collector = $this->container->get('okta_user_sync.push_collector');
    $collector->suppressAll();
    foreach (['b1', 'b2', 'b3', 'b4', 'b5'] as $name) {
      $this->createAccount($name, FALSE);
      $this->fake->control('POST', '/__fake/users', [
        [
          'profile' => [
            'login' => "$name@example.com",
            'email' => "$name@example.com",
            'firstName' => $name,
            'lastName' => 'B',
          ],
          'status' => 'ACTIVE',
        ],
      ]);
    }
    $collector->releaseAll();
    $this->assertSame(6, $this->container->get('okta_user_sync.scheduler')->cron());
    $queue = $this->container->get('queue')->get('okta_user_sync');
    $worker = $this->container->get('plugin.manager.queue_worker')->createInstance('okta_user_sync');
    $runs = [];
    while ($item = $queue->claimItem()) {
      $this->assertSame('chunk', $item->data['kind']);
      $runs[] = $item->data['run'] ?? NULL;
      $worker->processItem($item->data);
      $queue->deleteItem($item);
    }
    $this->assertCount(3, $runs);
    $this->assertCount(1, array_unique($runs), 'one run id for all chunks');
    $this->assertNotNull($runs[0]);
    $run = $this->container->get('keyvalue.expirable')->get(BulkSync::RUNS)->get($runs[0]);
    // Chunk 1 (admin, b1): one deactivation, 1 left. Chunk 2 (b2, b3) would
    // make two: stopped, nobody changed. Chunk 3 (b4, b5) is not sent.
    $this->assertTrue($run['stopped'], print_r($run, TRUE));
    $this->assertSame(1, $run['disabled']);
    $statuses = [];
    foreach (['b1', 'b2', 'b3', 'b4', 'b5'] as $name) {
      $statuses[$name] = $this->oktaUser("$name@example.com")['status'];
    }
    $this->assertSame(['b1' => 'DEPROVISIONED', 'b2' => 'ACTIVE', 'b3' => 'ACTIVE', 'b4' => 'ACTIVE', 'b5' => 'ACTIVE'], $statuses);
  }

}
