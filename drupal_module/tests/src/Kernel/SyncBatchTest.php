<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Kernel;

use Drupal\Component\Datetime\TimeInterface;

/**
 * Tests the "Sync all users" batch steps: small chunks inside a time box.
 *
 * @group okta_user_sync
 */
class SyncBatchTest extends OktaUserSyncKernelTestBase {

  /**
   * Creates accounts without pushing them.
   */
  private function quietAccounts(string ...$names): void {
    $collector = $this->container->get('okta_user_sync.push_collector');
    $collector->suppressAll();
    foreach ($names as $name) {
      $this->createAccount($name);
    }
    $collector->releaseAll();
  }

  /**
   * Runs one batch request (one call of the operation).
   */
  private function step(array &$context): void {
    $this->container->get('okta_user_sync.batch')->process(NULL, TRUE, 'push', 0, $context);
  }

  /**
   * Tests fast chunks all run in one request.
   */
  public function testFastChunksRunInOneRequest(): void {
    $this->config('okta_user_sync.settings')->set('ui_batch_size', 2)->save();
    $this->quietAccounts('a', 'b', 'c', 'd');
    $this->resetCalls();
    $context = [];
    $this->step($context);
    // The admin + 4 users, chunks of 2, all within the time box.
    $this->assertSame(5, $context['sandbox']['position']);
    $this->assertSame(1, $context['finished']);
    $this->assertCount(5, $this->calls());
  }

  /**
   * Tests a slow request stops starting chunks at the time box.
   */
  public function testSlowChunksEndTheRequest(): void {
    $this->config('okta_user_sync.settings')->set('ui_batch_size', 2)->save();
    $this->quietAccounts('a', 'b', 'c', 'd');
    $this->resetCalls();
    // Every clock reading is 15 s later: each chunk "takes" 15 s.
    $this->container->set('datetime.time', new class() implements TimeInterface {

      /**
       * The fake clock.
       */
      private float $now = 1000.0;

      /**
       * {@inheritdoc}
       */
      public function getRequestTime() {
        return (int) $this->now;
      }

      /**
       * {@inheritdoc}
       */
      public function getRequestMicroTime() {
        return $this->now;
      }

      /**
       * {@inheritdoc}
       */
      public function getCurrentTime() {
        return (int) $this->now;
      }

      /**
       * {@inheritdoc}
       */
      public function getCurrentMicroTime() {
        $this->now += 15.0;
        return $this->now;
      }

    });
    $this->container->set('okta_user_sync.batch', NULL);
    $context = [];
    $this->step($context);
    $this->assertSame(2, $context['sandbox']['position'], 'one chunk of 2, then the time box is used up');
    $this->assertSame(0.4, $context['finished']);
    $this->step($context);
    $this->assertSame(4, $context['sandbox']['position']);
    $this->step($context);
    $this->assertSame(5, $context['sandbox']['position']);
    $this->assertSame(1, $context['finished']);
    $this->assertCount(5, $this->calls());
  }

}
