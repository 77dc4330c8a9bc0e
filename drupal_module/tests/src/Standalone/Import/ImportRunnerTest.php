<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Standalone\Import;

use Drupal\okta_user_sync\Import\Importer;
use Drupal\okta_user_sync\Import\ImportException;
use Drupal\okta_user_sync\Import\ImportRunner;
use Drupal\okta_user_sync\Import\ImportSettings;
use Drupal\okta_user_sync\Import\PullClientInterface;
use Drupal\okta_user_sync\Sync\Extension;
use Drupal\Tests\okta_user_sync\Standalone\Import\Support\FlakyPullClient;
use Drupal\Tests\okta_user_sync\Standalone\Import\Support\MemoryAccountStore;
use Drupal\Tests\okta_user_sync\Standalone\Import\Support\MemoryImportState;
use Drupal\Tests\okta_user_sync\Standalone\Import\Support\ScriptedPullClient;
use Drupal\Tests\okta_user_sync\Standalone\Import\Support\SpyEchoGuard;
use PHPUnit\Framework\TestCase;

/**
 * Run bookkeeping (pages, watermark, resume, reconcile guard) without Okta.
 *
 * ImportPullTest covers the same against the real extension and fake Okta.
 *
 * @coversDefaultClass \Drupal\okta_user_sync\Import\ImportRunner
 */
final class ImportRunnerTest extends TestCase {

  /**
   * Settings of a connection the scripted pages never call.
   */
  private const CONNECTION = ['org_url' => 'https://example.okta.com', 'api_token' => 'unused-0123456789', 'direction' => 'okta_to_drupal'];

  /**
   * The store.
   */
  private MemoryAccountStore $store;

  /**
   * The state.
   */
  private MemoryImportState $state;

  /**
   * {@inheritdoc}
   */
  protected function setUp(): void {
    $guard = new SpyEchoGuard();
    $this->store = new MemoryAccountStore($guard);
    $this->state = new MemoryImportState();
  }

  /**
   * A runner over the test store and state.
   */
  private function runner(PullClientInterface $pull, array $config = []): ImportRunner {
    $settings = ImportSettings::fromConfig($config + ['direction' => 'okta_to_drupal']);
    $guard = (new \ReflectionProperty($this->store, 'guard'))->getValue($this->store);
    $importer = new Importer($this->store, $guard, new Extension());
    return new ImportRunner($pull, $importer, $this->store, $this->state, $settings);
  }

  /**
   * Pages of generated records.
   */
  private static function pages(int $pages, int $perPage, string $status = 'ACTIVE'): array {
    $out = [];
    for ($p = 0; $p < $pages; $p++) {
      for ($i = 0; $i < $perPage; $i++) {
        $n = $p * $perPage + $i;
        $out[$p][] = [
          'id' => "00u$n",
          'login' => "u$n@example.com",
          'email' => "u$n@example.com",
          'status' => $status,
          'fields' => [],
          'last_updated' => '2026-01-01T00:00:00.000Z',
        ];
      }
    }
    return $out;
  }

  /**
   * A failed page is retried by the next run; the watermark waits.
   */
  public function testResumeAfterFailureCommitsWatermarkAtEnd(): void {
    $this->state->watermark = '2025-12-01T00:00:00.000Z';
    $flaky = new FlakyPullClient(new ScriptedPullClient(self::pages(3, 2), [
      NULL,
      '2026-01-02T00:00:00.000Z',
      '2026-01-03T00:00:00.000Z',
    ]));
    $flaky->failOn = [3];
    $runner = $this->runner($flaky);
    try {
      $runner->run(self::CONNECTION);
      $this->fail('The failing page must surface as an ImportException.');
    }
    catch (ImportException $e) {
      $this->assertStringContainsString('Simulated network failure', $e->getMessage());
    }
    $this->assertSame('2025-12-01T00:00:00.000Z', $this->state->watermark, 'watermark must not move on failure');
    $this->assertSame('p2', $this->state->run['cursor']);
    $this->assertCount(4, $this->store->accounts);

    $run = $runner->run(self::CONNECTION);
    $this->assertTrue($run['done']);
    $this->assertSame(6, $run['counts']['created']);
    $this->assertCount(6, $this->store->accounts);
    $this->assertSame('2026-01-03T00:00:00.000Z', $this->state->watermark);
    $this->assertNull($this->state->run);
    // Every call of the resumed incremental run used the old watermark.
    foreach ($flaky->options as $options) {
      $this->assertSame('2025-12-01T00:00:00.000Z', $options['since']);
    }
    $this->assertSame('p2', $flaky->options[3]['cursor']);
  }

  /**
   * Reconcile blocks linked accounts Okta no longer lists.
   */
  public function testReconcileBlocksMissing(): void {
    $gone = $this->store->seed('gone', 'gone@example.com', TRUE, [], '00uGONE');
    $runner = $this->runner(new ScriptedPullClient(self::pages(2, 10)), ['import_block_missing' => TRUE]);
    $run = $runner->run(self::CONNECTION, ImportRunner::RECONCILE);
    $this->assertSame(1, $run['counts']['blocked_missing']);
    $this->assertFalse($this->store->accounts[$gone]['active']);
    $this->assertSame([], $this->state->seen, 'seen ids are cleared after the run');
    $this->assertSame([], $this->store->pushed);
  }

  /**
   * Without import_block_missing, or when the guard trips, nothing is blocked.
   */
  public function testReconcileGuard(): void {
    $a = $this->store->seed('a', 'a@example.com', TRUE, [], '00uA');
    $b = $this->store->seed('b', 'b@example.com', TRUE, [], '00uB');
    $run = $this->runner(new ScriptedPullClient(self::pages(1, 2)))->run(self::CONNECTION, ImportRunner::RECONCILE);
    $this->assertArrayNotHasKey('blocked_missing', $run['counts']);

    // Two of two linked accounts missing: 100% > guard_max_share.
    $run = $this->runner(new ScriptedPullClient(self::pages(1, 2)), ['import_block_missing' => TRUE])->run(self::CONNECTION, ImportRunner::RECONCILE);
    $this->assertNotNull($run['guard']);
    $this->assertTrue($this->store->accounts[$a]['active']);
    $this->assertTrue($this->store->accounts[$b]['active']);

    // An empty listing never blocks, even a single account.
    $this->store->accounts[$b]['okta_id'] = NULL;
    $run = $this->runner(new ScriptedPullClient([[]]), ['import_block_missing' => TRUE])->run(self::CONNECTION, ImportRunner::RECONCILE);
    $this->assertNotNull($run['guard']);
    $this->assertTrue($this->store->accounts[$a]['active']);

    // --force overrides the guard.
    $run = $this->runner(new ScriptedPullClient([[]]), ['import_block_missing' => TRUE])->run(self::CONNECTION, ImportRunner::RECONCILE, NULL, TRUE);
    $this->assertFalse($this->store->accounts[$a]['active']);
    // 00uA plus the two accounts the earlier runs created (00u0, 00u1).
    $this->assertSame(3, $run['counts']['blocked_missing']);
  }

  /**
   * A malformed record fails alone; the rest of the page is imported.
   */
  public function testBadRecordDoesNotAbortPage(): void {
    $pages = self::pages(1, 3);
    $pages[0][1] = ['login' => 'no-id@example.com'];
    $run = $this->runner(new ScriptedPullClient($pages))->run(self::CONNECTION, ImportRunner::FULL);
    $this->assertSame(2, $run['counts']['created']);
    $this->assertSame(1, $run['counts']['failed']);
    $this->assertCount(1, $run['errors']);
  }

}
