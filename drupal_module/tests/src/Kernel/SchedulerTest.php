<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Kernel;

use Drupal\okta_user_sync\OutcomeRecorder;

/**
 * Scheduled provisioning on cron.
 *
 * @group okta_user_sync
 */
class SchedulerTest extends OktaUserSyncKernelTestBase {

  private function queueLength(): int {
    return $this->container->get('queue')->get(OutcomeRecorder::QUEUE)->numberOfItems();
  }

  public function testDisabledSchedulerQueuesNothing(): void {
    $this->assertSame(0, $this->container->get('okta_user_sync.scheduler')->cron());
    $this->assertSame(0, $this->queueLength());
  }

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
    // admin + a + b = 3 users in chunks of 2.
    $this->assertSame(2, $this->queueLength());
    $item = $this->container->get('queue')->get(OutcomeRecorder::QUEUE)->claimItem();
    $this->assertSame('chunk', $item->data['kind']);
    $this->assertSame('push', $item->data['mode']);
    // The interval has not elapsed: nothing more.
    $this->assertSame(0, $this->container->get('okta_user_sync.scheduler')->cron());
  }

  public function testReconcileQueuesEveryone(): void {
    $this->config('okta_user_sync.settings')
      ->set('scheduler_enabled', TRUE)
      ->set('reconcile_interval', 86400)
      ->save();
    $this->createAccount('c');
    $this->flush();
    $this->assertSame(2, $this->container->get('okta_user_sync.scheduler')->cron());
    $item = $this->container->get('queue')->get(OutcomeRecorder::QUEUE)->claimItem();
    $this->assertSame('reconcile', $item->data['mode']);
  }

}
