<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Standalone\Import;

use Drupal\okta_user_sync\Import\ExtensionPullClient;
use Drupal\okta_user_sync\Import\Importer;
use Drupal\okta_user_sync\Import\ImportException;
use Drupal\okta_user_sync\Import\ImportQueueProcessor;
use Drupal\okta_user_sync\Import\ImportRunner;
use Drupal\okta_user_sync\Import\ImportSettings;
use Drupal\okta_user_sync\Import\PullClientInterface;
use Drupal\okta_user_sync\Sync\Extension;
use Drupal\Tests\okta_user_sync\Standalone\Import\Support\FlakyPullClient;
use Drupal\Tests\okta_user_sync\Standalone\Import\Support\HookFixtureServer;
use Drupal\Tests\okta_user_sync\Standalone\Import\Support\MemoryAccountStore;
use Drupal\Tests\okta_user_sync\Standalone\Import\Support\MemoryImportState;
use Drupal\Tests\okta_user_sync\Standalone\Import\Support\PushSpy;
use Drupal\Tests\okta_user_sync\Standalone\Import\Support\SpyEchoGuard;
use Drupal\Tests\okta_user_sync\Standalone\Support\FakeOkta;
use PHPUnit\Framework\TestCase;

/**
 * The import against the real okta_sync extension and the fake Okta.
 *
 * Full and incremental pulls over many pages, mapping, status rules,
 * watermark advance, resume after a failed page, echo prevention.
 */
final class ImportPullTest extends TestCase {

  private const PAGE = 100;

  /**
   * The okta.
   */
  private FakeOkta $okta;

  /**
   * The buffer.
   */
  private PushSpy $buffer;

  /**
   * The guard.
   */
  private SpyEchoGuard $guard;

  /**
   * The store.
   */
  private MemoryAccountStore $store;

  /**
   * The state.
   */
  private MemoryImportState $state;

  /**
   * The settings.
   */
  private ImportSettings $settings;

  /**
   * {@inheritdoc}
   */
  protected function setUp(): void {
    if (!function_exists('okta_sync_pull')) {
      $this->fail('The okta_sync extension is not loaded: run with php -d extension=target/php/okta_sync.so (make test-module).');
    }
    $this->okta = FakeOkta::instance();
    $this->okta->reset();
    $this->buffer = new PushSpy();
    $this->guard = new SpyEchoGuard($this->buffer);
    $this->store = new MemoryAccountStore($this->guard);
    $this->state = new MemoryImportState();
    $this->settings = ImportSettings::fromConfig([
      'direction' => 'okta_to_drupal',
      'import_active_statuses' => ['ACTIVE', 'PASSWORD_EXPIRED'],
      'import_map' => [
        ['drupal' => 'field_first_name', 'okta' => 'firstName'],
        ['drupal' => 'field_city', 'okta' => 'city'],
      ],
      'import_page_size' => self::PAGE,
    ]);
  }

  /**
   * The extension's connection settings for the fake.
   */
  private function connection(): array {
    return [
      'org_url' => $this->okta->url(),
      'api_token' => FakeOkta::TOKEN,
      'direction' => 'okta_to_drupal',
    ];
  }

  /**
   * A runner over the real extension (optionally wrapped).
   */
  private function runner(?PullClientInterface $pull = NULL): ImportRunner {
    $importer = new Importer($this->store, $this->guard, new Extension());
    return new ImportRunner($pull ?? new ExtensionPullClient(), $importer, $this->store, $this->state, $this->settings);
  }

  /**
   * Seeds users n..m straight into the fake (no API calls, no rate limit).
   *
   * Every 10th is STAGED, every 37th SUSPENDED; the rest ACTIVE.
   *
   * @return array<string, array>
   *   Login => expected {status, city}.
   */
  private function seed(int $from, int $to): array {
    $expected = [];
    $batch = [];
    for ($i = $from; $i <= $to; $i++) {
      $status = $i % 37 === 0 ? 'SUSPENDED' : ($i % 10 === 0 ? 'STAGED' : 'ACTIVE');
      $login = "imp$i@example.com";
      $batch[] = [
        'profile' => [
          'login' => $login,
          'email' => $login,
          'firstName' => "First$i",
          'lastName' => "Last$i",
          'city' => "City$i",
        ],
        'status' => $status,
      ];
      $expected[$login] = ['status' => $status, 'city' => "City$i", 'first' => "First$i"];
      if (count($batch) === 100) {
        $this->seedBatch($batch);
        $batch = [];
      }
    }
    if ($batch !== []) {
      $this->seedBatch($batch);
    }
    return $expected;
  }

  /**
   * One seeding request.
   */
  private function seedBatch(array $batch): void {
    $created = $this->okta->control('POST', '/__fake/users', $batch);
    $this->assertCount(count($batch), $created, 'seeding failed: ' . json_encode(array_slice($created, 0, 3)));
  }

  /**
   * Okta id by login (from the fake's state).
   */
  private function oktaIds(): array {
    $ids = [];
    foreach ($this->okta->api('GET', '/api/v1/users?limit=200&filter=' . rawurlencode('status eq "ACTIVE"')) as $user) {
      $ids[$user['profile']['login']] = $user['id'];
    }
    return $ids;
  }

  /**
   * Asserts every non-blocked Okta user has exactly one, correct account.
   */
  private function assertImported(array $expected): void {
    $byMail = [];
    foreach ($this->store->accounts as $account) {
      $this->assertArrayNotHasKey($account['mail'], $byMail, 'duplicate account for ' . $account['mail']);
      $byMail[$account['mail']] = $account;
    }
    foreach ($expected as $login => $want) {
      if ($want['status'] === 'SUSPENDED') {
        $this->assertArrayNotHasKey($login, $byMail, "$login is SUSPENDED: no account");
        continue;
      }
      $this->assertArrayHasKey($login, $byMail, "$login not imported");
      $account = $byMail[$login];
      $this->assertSame($login, $account['name']);
      $this->assertSame($want['status'] === 'ACTIVE', $account['active'], "$login active flag");
      $this->assertSame($want['city'], $account['fields']['field_city'] ?? NULL, "$login city");
      $this->assertSame($want['first'], $account['fields']['field_first_name'] ?? NULL, "$login first name");
      $this->assertMatchesRegularExpression('/^00u/', (string) $account['okta_id']);
      $this->assertSame($want['status'], $account['okta_status']);
    }
  }

  /**
   * A full pull over five pages creates the right accounts.
   */
  public function testFullPullOverManyPages(): void {
    $expected = $this->seed(1, 450);
    $pages = 0;
    $run = $this->runner()->run($this->connection(), ImportRunner::FULL, function () use (&$pages): void {
      $pages++;
    });
    $this->assertTrue($run['done']);
    $this->assertSame(5, $pages, '450 users at 100 a page');
    $this->assertSame(450, $run['seen']);
    $suspended = count(array_filter($expected, fn ($e) => $e['status'] === 'SUSPENDED'));
    $this->assertSame(450 - $suspended, $run['counts']['created']);
    $this->assertSame($suspended, $run['counts']['skipped']);
    $this->assertImported($expected);
    $this->assertNotNull($this->state->watermark, 'a full run sets the watermark');
    $this->assertSame(0, $this->buffer->count(), 'import saves must not be queued for a push to Okta');
  }

  /**
   * Incremental pulls read only what changed since the watermark.
   */
  public function testIncrementalPullAndWatermark(): void {
    $this->seed(1, 120);
    $this->runner()->run($this->connection(), ImportRunner::FULL);
    $first = $this->state->watermark;
    $this->assertNotNull($first);
    $ids = $this->oktaIds();
    // lastUpdated has millisecond precision: make sure changes are later.
    usleep(20000);

    // Profile change, suspend, deactivate, and 230 new users (3 pages).
    $this->okta->api('POST', '/api/v1/users/' . $ids['imp1@example.com'], ['profile' => ['city' => 'Lisbon']]);
    $this->okta->api('POST', '/api/v1/users/' . $ids['imp2@example.com'] . '/lifecycle/suspend');
    $this->okta->api('POST', '/api/v1/users/' . $ids['imp3@example.com'] . '/lifecycle/deactivate?sendEmail=false');
    $new = $this->seed(1001, 1230);

    $calls = new FlakyPullClient(new ExtensionPullClient());
    $run = $this->runner($calls)->run($this->connection(), ImportRunner::INCREMENTAL);
    $this->assertTrue($run['done']);
    foreach ($calls->options as $options) {
      $this->assertSame($first, $options['since'], 'every page of the run filters on the old watermark');
    }
    $this->assertGreaterThanOrEqual(3, $calls->calls, '233 changed users at 100 a page');
    $this->assertLessThan(120 + 233, $run['seen'], 'an incremental run does not list everybody');
    $this->assertSame(1, $run['counts']['updated'] ?? 0, json_encode($run['counts']));
    $this->assertSame(2, $run['counts']['blocked'] ?? 0, json_encode($run['counts']));
    $newSuspended = count(array_filter($new, fn ($e) => $e['status'] === 'SUSPENDED'));
    $this->assertSame(230 - $newSuspended, $run['counts']['created'] ?? 0);

    $byMail = array_column($this->store->accounts, NULL, 'mail');
    $this->assertSame('Lisbon', $byMail['imp1@example.com']['fields']['field_city']);
    $this->assertFalse($byMail['imp2@example.com']['active']);
    $this->assertSame('SUSPENDED', $byMail['imp2@example.com']['okta_status']);
    $this->assertFalse($byMail['imp3@example.com']['active']);
    $this->assertSame('DEPROVISIONED', $byMail['imp3@example.com']['okta_status']);
    $this->assertImported($new);
    // Millisecond precision: strtotime() would drop it.
    $this->assertGreaterThan(new \DateTimeImmutable($first), new \DateTimeImmutable((string) $this->state->watermark), 'watermark advanced');

    // Nothing changed since: the next run imports nothing.
    $quiet = $this->runner()->run($this->connection(), ImportRunner::INCREMENTAL);
    $this->assertSame([], array_diff_key($quiet['counts'], ['unchanged' => 1]), json_encode($quiet['counts']));
    $this->assertSame(0, $this->buffer->count());
  }

  /**
   * A page that fails mid-run is resumed; nothing is skipped or duplicated.
   */
  public function testResumeAfterFailure(): void {
    $expected = $this->seed(1, 350);
    $flaky = new FlakyPullClient(new ExtensionPullClient());
    $flaky->failOn = [3];
    try {
      $this->runner($flaky)->run($this->connection(), ImportRunner::FULL);
      $this->fail('The third page must fail.');
    }
    catch (ImportException $e) {
      $this->assertStringContainsString('Simulated network failure', $e->getMessage());
    }
    $this->assertNull($this->state->watermark, 'no watermark before the run completes');
    $this->assertNotNull($this->state->run['cursor']);
    $this->assertGreaterThan(0, count($this->store->accounts));
    $started = $this->state->run['started'];

    // The next run (cron, drush, batch) resumes from the saved cursor.
    $run = $this->runner($flaky)->run($this->connection(), ImportRunner::FULL);
    $this->assertTrue($run['done']);
    $this->assertSame($started, $run['started'], 'same run, resumed');
    $this->assertSame($flaky->options[2]['cursor'] ?? NULL, $flaky->options[3]['cursor'] ?? NULL, 'the failed page is fetched again');
    $this->assertImported($expected);
    $this->assertSame(350, $run['seen']);
    $this->assertNotNull($this->state->watermark);
  }

  /**
   * Tests echo prevention.
   *
   * Echo prevention, and that the check can fail: a save outside the
   * guard is queued for a push.
   */
  public function testEchoPrevention(): void {
    $this->seed(1, 30);
    $uid = $this->store->seed('local', 'local@example.com');
    $this->runner()->run($this->connection(), ImportRunner::FULL);
    $this->assertNotEmpty($this->store->writes);
    $this->assertSame(0, $this->buffer->count(), 'import writes were collected for a push back to Okta');

    // An ordinary Drupal edit (not the import) is pushed.
    $this->store->update($uid, ['field_city' => 'Here']);
    $this->assertSame(1, $this->buffer->count());
  }

  /**
   * Queued event hook users are imported by one incremental run.
   */
  public function testQueueProcessing(): void {
    $this->seed(1, 20);
    $this->runner()->run($this->connection(), ImportRunner::FULL);
    $ids = $this->oktaIds();
    usleep(20000);
    $this->okta->api('POST', '/api/v1/users/' . $ids['imp5@example.com'], ['profile' => ['city' => 'Queued']]);
    $settings = $this->settings;
    $importer = new Importer($this->store, $this->guard, new Extension());
    $processor = new ImportQueueProcessor($this->runner(), $importer, $this->store);
    $run = $processor->process([
      ['okta_id' => $ids['imp5@example.com'], 'event_type' => 'user.account.update_profile'],
    ], $this->connection());
    $this->assertSame(1, $run['counts']['updated'] ?? 0, json_encode($run['counts']));
    $byMail = array_column($this->store->accounts, NULL, 'mail');
    $this->assertSame('Queued', $byMail['imp5@example.com']['fields']['field_city']);
  }

  /**
   * Tests event hook to import.
   *
   * End to end: an Okta change reaches the event hook over HTTP, is queued,
   * and the queue processor imports it.
   */
  public function testEventHookToImport(): void {
    $this->seed(1, 10);
    $this->runner()->run($this->connection(), ImportRunner::FULL);
    $hooks = HookFixtureServer::start(['event_secret' => 'Bearer e2e']);
    try {
      $this->okta->control('POST', '/__fake/event-hooks', [
        'uri' => $hooks->url . '/event-hook',
        'auth_header_value' => 'Bearer e2e',
      ]);
      $id = $this->oktaIds()['imp4@example.com'];
      usleep(20000);
      $this->okta->api('POST', "/api/v1/users/$id/lifecycle/suspend");
      $deadline = microtime(TRUE) + 8;
      while ($hooks->json('queue') === [] && microtime(TRUE) < $deadline) {
        usleep(100000);
      }
      $items = $hooks->json('queue');
      $this->assertSame([$id], array_column($items, 'okta_id'));
      $this->assertSame('user.lifecycle.suspend', $items[0]['event_type']);

      $importer = new Importer($this->store, $this->guard, new Extension());
      $run = (new ImportQueueProcessor($this->runner(), $importer, $this->store))->process($items, $this->connection());
      $this->assertSame(['blocked' => 1], $run['counts']);
      $this->assertFalse($this->store->byOktaId($id)['active']);
      $this->assertSame(0, $this->buffer->count());
    }
    finally {
      $this->okta->control('DELETE', '/__fake/event-hooks');
      $hooks->stop();
    }
  }

}
