<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Standalone\Import;

use Drupal\okta_user_sync\Import\Importer;
use Drupal\okta_user_sync\Import\ImportSettings;
use Drupal\okta_user_sync\Sync\Extension;
use Drupal\okta_user_sync\Sync\SettingsAssembler;
use Drupal\Tests\okta_user_sync\Standalone\Import\Support\MemoryAccountStore;
use Drupal\Tests\okta_user_sync\Standalone\Import\Support\SpyEchoGuard;
use PHPUnit\Framework\TestCase;

/**
 * The import rules, against in-memory accounts.
 *
 * @coversDefaultClass \Drupal\okta_user_sync\Import\Importer
 */
final class ImporterTest extends TestCase {

  /**
   * The store.
   */
  private MemoryAccountStore $store;

  /**
   * {@inheritdoc}
   */
  protected function setUp(): void {
    $this->store = new MemoryAccountStore(new SpyEchoGuard());
  }

  /**
   * An importer over the test store, with the settings the module sends.
   *
   * The decisions are the real extension's (okta_sync_import_decide()); the
   * test checks what the store ends up holding.
   */
  private function importer(array $config = []): object {
    $config += ['direction' => 'okta_to_drupal'];
    $settings = (new SettingsAssembler())->assemble(
      $config + ['org_url' => 'https://example.okta.com'],
      ['api_token' => 'unused-by-decisions-0123456789'],
      ImportSettings::fromConfig($config)->extensionSettings(),
    );
    // The store's guard is the one the importer must use.
    $guard = (new \ReflectionProperty($this->store, 'guard'))->getValue($this->store);
    $importer = new Importer($this->store, $guard, new Extension());
    return new class($importer, $settings) {

      public function __construct(private readonly Importer $importer, private readonly array $settings) {}

      /**
       * Imports one record with the test's settings.
       */
      public function apply(array $record): array {
        return $this->importer->apply($record, $this->settings);
      }

      /**
       * Blocks a missing account.
       */
      public function blockMissing(int $uid): bool {
        return $this->importer->blockMissing($uid);
      }

    };
  }

  /**
   * A record as okta_sync_pull() returns it, without the keys it adds.
   */
  private static function record(string $id, string $login, string $status = 'ACTIVE', array $fields = [], ?string $email = NULL): array {
    return [
      'id' => $id,
      'login' => $login,
      'email' => $email ?? $login,
      'status' => $status,
      'fields' => $fields,
      'last_updated' => '2026-01-01T00:00:00.000Z',
    ];
  }

  /**
   * New Okta users: account created, active per the status setting.
   */
  public function testCreatesAccountsWithStatusRule(): void {
    $importer = $this->importer(['import_active_statuses' => ['ACTIVE']]);
    $active = $importer->apply(self::record('00u1', 'ann@example.com', 'ACTIVE', ['field_title' => 'CTO']));
    $staged = $importer->apply(self::record('00u2', 'bob@example.com', 'STAGED'));
    $this->assertSame(Importer::CREATED, $active['action']);
    $this->assertSame(Importer::CREATED, $staged['action']);
    $ann = $this->store->byOktaId('00u1');
    $this->assertSame('ann@example.com', $ann['name']);
    $this->assertSame('ann@example.com', $ann['mail']);
    $this->assertTrue($ann['active']);
    $this->assertSame(['field_title' => 'CTO'], $ann['fields']);
    $this->assertSame('ACTIVE', $ann['okta_status']);
    $this->assertFalse($this->store->byOktaId('00u2')['active'], 'STAGED is not an active status here');

    // With STAGED configured as active, the next STAGED user is active.
    $importer = $this->importer(['import_active_statuses' => ['ACTIVE', 'STAGED']]);
    $importer->apply(self::record('00u3', 'cy@example.com', 'STAGED'));
    $this->assertTrue($this->store->byOktaId('00u3')['active']);
  }

  /**
   * Blocking statuses can never be configured active, and never create.
   */
  public function testDeprovisionedAndSuspendedNeverCreate(): void {
    $importer = $this->importer(['import_active_statuses' => ['ACTIVE', 'SUSPENDED']]);
    foreach (['DEPROVISIONED', 'SUSPENDED'] as $i => $status) {
      $outcome = $importer->apply(self::record("00uX$i", "x$i@example.com", $status));
      $this->assertSame(Importer::SKIPPED, $outcome['action']);
    }
    $this->assertSame([], $this->store->accounts);
  }

  /**
   * Existing accounts are linked by mail, or by name minus the suffix.
   */
  public function testLinksExistingAccounts(): void {
    $uid = $this->store->seed('ann', 'Ann@Example.com', TRUE);
    $outcome = $this->importer()->apply(self::record('00u1', 'ann@example.com'));
    $this->assertSame(['action' => Importer::LINKED, 'uid' => $uid], $outcome);
    $this->assertSame('00u1', $this->store->accounts[$uid]['okta_id']);
    $this->assertCount(1, $this->store->accounts, 'no duplicate account');

    $bob = $this->store->seed('bob', 'bob@elsewhere.test', TRUE);
    $importer = $this->importer(['login_source' => 'name', 'login_suffix' => '@corp.test']);
    $outcome = $importer->apply(self::record('00u2', 'bob@corp.test', 'ACTIVE', [], 'bob@elsewhere.test'));
    $this->assertSame($bob, $outcome['uid']);
    $this->assertSame('00u2', $this->store->accounts[$bob]['okta_id']);
  }

  /**
   * An account linked to another Okta user is not taken over.
   */
  public function testDoesNotStealLinkedAccount(): void {
    $uid = $this->store->seed('ann', 'ann@example.com', TRUE, [], '00uOTHER');
    $outcome = $this->importer()->apply(self::record('00u1', 'ann@example.com'));
    $this->assertSame(Importer::SKIPPED, $outcome['action']);
    $this->assertSame('00uOTHER', $this->store->accounts[$uid]['okta_id']);
  }

  /**
   * Changed fields are updated; unchanged records write nothing but status.
   */
  public function testUpdatesChangedFields(): void {
    $uid = $this->store->seed('ann', 'ann@example.com', TRUE, ['field_title' => 'Dev'], '00u1');
    $importer = $this->importer();
    $outcome = $importer->apply(self::record('00u1', 'ann@example.com', 'ACTIVE', ['field_title' => 'CTO'], 'ann@new.example.com'));
    $this->assertSame(Importer::UPDATED, $outcome['action']);
    $this->assertSame('CTO', $this->store->accounts[$uid]['fields']['field_title']);
    $this->assertSame('ann@new.example.com', $this->store->accounts[$uid]['mail']);

    $again = $importer->apply(self::record('00u1', 'ann@example.com', 'ACTIVE', ['field_title' => 'CTO'], 'ann@new.example.com'));
    $this->assertSame(Importer::UNCHANGED, $again['action']);
  }

  /**
   * DEPROVISIONED and SUSPENDED block; an active status unblocks.
   */
  public function testStatusBlocksAndReactivates(): void {
    $uid = $this->store->seed('ann', 'ann@example.com', TRUE, [], '00u1');
    $importer = $this->importer();
    $this->assertSame(Importer::BLOCKED, $importer->apply(self::record('00u1', 'ann@example.com', 'SUSPENDED'))['action']);
    $this->assertFalse($this->store->accounts[$uid]['active']);
    $this->assertSame('SUSPENDED', $this->store->accounts[$uid]['okta_status']);
    $this->assertSame(Importer::ACTIVATED, $importer->apply(self::record('00u1', 'ann@example.com', 'ACTIVE'))['action']);
    $this->assertTrue($this->store->accounts[$uid]['active']);
    $this->assertSame(Importer::BLOCKED, $importer->apply(self::record('00u1', 'ann@example.com', 'DEPROVISIONED'))['action']);
    $this->assertFalse($this->store->accounts[$uid]['active']);
  }

  /**
   * Tests both directions respect authority.
   *
   * With both directions, Drupal-owned fields and status are left alone,
   * but a blocking status still blocks.
   */
  public function testBothDirectionsRespectAuthority(): void {
    $uid = $this->store->seed('ann', 'ann@example.com', FALSE, ['field_title' => 'Dev', 'field_city' => 'Oslo'], '00u1');
    $importer = $this->importer([
      'direction' => 'both',
      'attribute_authority' => ['field_title' => 'okta', 'field_city' => 'drupal'],
    ]);
    $outcome = $importer->apply(self::record('00u1', 'ann@example.com', 'ACTIVE', [
      'field_title' => 'CTO',
      'field_city' => 'Rome',
    ], 'changed@example.com'));
    $this->assertSame(Importer::UPDATED, $outcome['action']);
    $account = $this->store->accounts[$uid];
    $this->assertSame('CTO', $account['fields']['field_title']);
    $this->assertSame('Oslo', $account['fields']['field_city'], 'Drupal owns field_city');
    $this->assertSame('ann@example.com', $account['mail'], 'Drupal owns mail by default');
    $this->assertFalse($account['active'], 'Drupal owns status: not reactivated');

    $this->store->accounts[$uid]['active'] = TRUE;
    $importer->apply(self::record('00u1', 'ann@example.com', 'DEPROVISIONED'));
    $this->assertFalse($this->store->accounts[$uid]['active'], 'DEPROVISIONED always blocks');
  }

  /**
   * Echo prevention: every import write happens with the push suppressed.
   */
  public function testEveryWriteIsSuppressed(): void {
    $this->store->seed('old', 'old@example.com', TRUE, [], '00u9');
    $importer = $this->importer();
    $importer->apply(self::record('00u1', 'ann@example.com'));
    $importer->apply(self::record('00u9', 'old@example.com', 'SUSPENDED', ['field_title' => 'x']));
    $importer->blockMissing(2);
    $this->assertNotEmpty($this->store->writes);
    $this->assertSame([], $this->store->pushed, 'import writes would have been pushed back to Okta');
  }

  /**
   * A name taken by an unrelated account skips rather than overwriting it.
   */
  public function testNameCollisionSkips(): void {
    $this->store->seed('ann@example.com', 'someone@else.test', TRUE);
    $outcome = $this->importer(['login_source' => 'name'])->apply(self::record('00u1', 'ann@example.com', 'ACTIVE', [], 'ann@example.com'));
    // login_source name: the name matches, so it links that account and
    // Okta's email replaces the Drupal one (Okta owns mail here).
    $this->assertSame(Importer::UPDATED, $outcome['action']);
    $this->assertSame('ann@example.com', $this->store->byOktaId('00u1')['mail']);

    $this->store->seed('bob@example.com', 'other@else.test', TRUE);
    $outcome = $this->importer()->apply(self::record('00u2', 'bob@example.com'));
    $this->assertSame(Importer::SKIPPED, $outcome['action']);
  }

}
