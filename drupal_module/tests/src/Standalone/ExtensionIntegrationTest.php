<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Standalone;

use Drupal\okta_user_sync\Sync\BackoffPolicy;
use Drupal\okta_user_sync\Sync\Extension;
use Drupal\okta_user_sync\Sync\OutcomeInterpreter;
use Drupal\okta_user_sync\Sync\OutcomeText;
use Drupal\okta_user_sync\Sync\RequirementsEvaluator;
use Drupal\okta_user_sync\Sync\RunGuard;
use Drupal\okta_user_sync\Sync\RunReport;
use Drupal\okta_user_sync\Sync\SettingsAssembler;
use Drupal\okta_user_sync\Sync\SnapshotBuilder;
use Drupal\Tests\okta_user_sync\Standalone\Support\FakeOkta;
use PHPUnit\Framework\TestCase;

/**
 * The module's framework-free classes against the real extension + fake Okta.
 *
 * Needs the extension loaded (make test-module does that) and the fake
 * binary built; without them these tests fail, they are not skipped.
 */
final class ExtensionIntegrationTest extends TestCase {

  /**
   * The fake.
   */
  private FakeOkta $fake;

  /**
   * The extension.
   */
  private Extension $extension;

  /**
   * {@inheritdoc}
   */
  protected function setUp(): void {
    $this->extension = new Extension();
    $this->assertTrue($this->extension->isLoaded(), 'The okta_sync extension is not loaded: run `make test-module` (php -d extension=target/php/okta_sync.so).');
    $this->fake = FakeOkta::instance();
    $this->fake->reset();
  }

  /**
   * Settings as the module builds them: shipped config + overrides.
   */
  private function settings(array $config = [], ?string $token = FakeOkta::TOKEN): array {
    $config = array_replace(SettingsAssemblerTest::defaults(), ['org_url' => $this->fake->url()], $config);
    // Fail fast in tests: no retries unless a test asks.
    return (new SettingsAssembler())->assemble($config, ['api_token' => $token], ['max_retries' => 0]);
  }

  /**
   * Snapshot.
   */
  private function snapshot(int $uid, bool $active = TRUE, array $extra = []): array {
    $snapshot = (new SnapshotBuilder())->build($uid, "user$uid", "user$uid@example.com", $active, ['authenticated'], [
      'field_first_name' => [['value' => "First$uid"]],
      'field_last_name' => [['value' => "Last$uid"]],
    ]);
    return array_replace($snapshot, $extra);
  }

  /**
   * With field names.
   */
  private function withFieldNames(array $config = []): array {
    return ['first_name_field' => 'field_first_name', 'last_name_field' => 'field_last_name'] + $config;
  }

  /**
   * What an Okta admin does with a staged user: activate it.
   */
  private function activateInOkta(string $oktaId): void {
    $this->fake->api('POST', '/api/v1/users/' . $oktaId . '/lifecycle/activate?sendEmail=false');
    // Without a password Okta activates into PROVISIONED (activation pending).
    $this->assertContains($this->fake->api('GET', '/api/v1/users/' . $oktaId)['status'], ['ACTIVE', 'PROVISIONED']);
  }

  /**
   * Interpreter.
   */
  private function interpreter(): OutcomeInterpreter {
    return new OutcomeInterpreter(new BackoffPolicy(60, 3600, 5));
  }

  /**
   * Tests extension version is supported by the module.
   */
  public function testExtensionVersionIsSupportedByTheModule(): void {
    $version = (string) $this->extension->version();
    $this->assertTrue(RequirementsEvaluator::isCompatible($version), "okta_sync $version is outside the module's supported range");
  }

  /**
   * Tests shipped config is accepted and test finds user.
   */
  public function testShippedConfigIsAcceptedAndTestFindsUser(): void {
    $created = $this->extension->syncUser($this->settings($this->withFieldNames()), 'insert', $this->snapshot(11));
    $this->assertSame('created', $created['action'], OutcomeText::describe($created));
    $result = $this->extension->test($this->settings(), 'user11@example.com');
    $this->assertTrue($result['ok'], json_encode($result));
    $this->assertSame($created['okta_id'], $result['user']['id']);
  }

  /**
   * Tests config test with bad token gives okta error and no secret.
   */
  public function testConfigTestWithBadTokenGivesOktaErrorAndNoSecret(): void {
    $token = 'wrong-token-0123456789-SECRET';
    $result = $this->extension->test($this->settings([], $token), 'nobody@example.com');
    $this->assertFalse($result['ok']);
    $this->assertSame('E0000011', $result['error']['code']);
    $this->assertNotNull(OutcomeText::errorLink(['error' => $result['error']]));
    $this->assertStringNotContainsString($token, json_encode($result));
  }

  /**
   * Tests insert then unchanged then blocked is deactivated.
   */
  public function testInsertThenUnchangedThenBlockedIsDeactivated(): void {
    $settings = $this->settings($this->withFieldNames());
    $interpreter = $this->interpreter();
    $created = $this->extension->syncUser($settings, 'insert', $this->snapshot(21));
    $this->assertSame('created', $created['action'], OutcomeText::describe($created));
    $this->assertSame('STAGED', $created['okta_status']);
    $row = $interpreter->interpret($created)->row;
    $this->assertSame($created['okta_id'], $row['okta_id']);

    // What the module stores is what the next snapshot carries.
    $again = $this->extension->syncUser($settings, 'update', $this->snapshot(21, TRUE, [
      'okta_id' => $row['okta_id'],
      'profile_hash' => $row['profile_hash'] ?? '',
      'okta_status' => $row['okta_status'],
    ]));
    $this->assertSame('unchanged', $again['action'], OutcomeText::describe($again));

    // An Okta admin activates the staged user; then Drupal blocks the account.
    $this->activateInOkta($row['okta_id']);
    $blocked = $this->extension->syncUser($settings, 'manual', $this->snapshot(21, FALSE, ['okta_id' => $row['okta_id']]));
    $this->assertSame('deactivated', $blocked['action'], OutcomeText::describe($blocked));
    $okta = $this->fake->api('GET', '/api/v1/users/' . $row['okta_id']);
    $this->assertSame('DEPROVISIONED', $okta['status']);
  }

  /**
   * Tests mappings from config pairs reach okta.
   */
  public function testMappingsFromConfigPairsReachOkta(): void {
    $this->fake->api('POST', '/api/v1/groups', ['profile' => ['name' => 'Editors']]);
    $settings = $this->settings($this->withFieldNames([
      'attribute_map' => [['okta' => 'city', 'drupal' => 'field_city']],
      'group_map' => [['role' => 'editor', 'groups' => ['Editors']]],
    ]));
    $snapshot = (new SnapshotBuilder())->build(71, 'user71', 'user71@example.com', TRUE, ['authenticated', 'editor'], [
      'field_first_name' => [['value' => 'Ada']],
      'field_last_name' => [['value' => 'Lovelace']],
      'field_city' => [['value' => 'Paris']],
    ]);
    $outcome = $this->extension->syncUser($settings, 'insert', $snapshot);
    $this->assertSame('created', $outcome['action'], OutcomeText::describe($outcome));
    $this->assertSame(['Editors'], $outcome['groups_added']);
    $okta = $this->fake->api('GET', '/api/v1/users/' . $outcome['okta_id']);
    $this->assertSame('Paris', $okta['profile']['city']);
    $this->assertSame('Ada', $okta['profile']['firstName']);
    $groups = $this->fake->api('GET', '/api/v1/users/' . $outcome['okta_id'] . '/groups');
    $this->assertContains('Editors', array_map(fn(array $g) => $g['profile']['name'] ?? '', $groups));
  }

  /**
   * Both directions: an Okta-owned attribute changed in Okta survives a push.
   */
  public function testOktaOwnedAttributeIsNotOverwrittenByThePush(): void {
    $settings = $this->settings($this->withFieldNames([
      'direction' => 'both',
      'attribute_map' => [
        ['okta' => 'city', 'drupal' => 'field_city'],
        ['okta' => 'department', 'drupal' => 'field_department'],
      ],
      'attribute_authority' => [['field' => 'field_city', 'owner' => 'okta']],
    ]));
    $fields = [
      'field_first_name' => [['value' => 'Ada']],
      'field_last_name' => [['value' => 'Lovelace']],
      'field_city' => [['value' => 'Paris']],
      'field_department' => [['value' => 'Maths']],
    ];
    $snapshot = (new SnapshotBuilder())->build(72, 'user72', 'user72@example.com', TRUE, ['authenticated'], $fields);
    $created = $this->extension->syncUser($settings, 'insert', $snapshot);
    $this->assertSame('created', $created['action'], OutcomeText::describe($created));
    $okta = $this->fake->api('GET', '/api/v1/users/' . $created['okta_id']);
    $this->assertArrayNotHasKey('city', array_filter($okta['profile'], fn($v) => $v !== NULL), 'Okta owns city: never pushed');
    $this->assertSame('Maths', $okta['profile']['department']);

    // Okta's admin sets the city; Drupal changes its own copy and the
    // department. The push updates the department only.
    $this->fake->api('POST', '/api/v1/users/' . $created['okta_id'], ['profile' => ['city' => 'Lyon']]);
    $fields['field_city'] = [['value' => 'Nice']];
    $fields['field_department'] = [['value' => 'Physics']];
    $changed = (new SnapshotBuilder())->build(72, 'user72', 'user72@example.com', TRUE, ['authenticated'], $fields);
    $updated = $this->extension->syncUser($settings, 'update', array_replace($changed, [
      'okta_id' => $created['okta_id'],
      'profile_hash' => $created['profile_hash'] ?? NULL,
    ]));
    $this->assertSame('updated', $updated['action'], OutcomeText::describe($updated));
    $okta = $this->fake->api('GET', '/api/v1/users/' . $created['okta_id']);
    $this->assertSame('Lyon', $okta['profile']['city']);
    $this->assertSame('Physics', $okta['profile']['department']);
  }

  /**
   * Tests network failure is retryable and requeued.
   */
  public function testNetworkFailureIsRetryableAndRequeued(): void {
    // Nothing listens on port 9 of loopback: connection refused.
    $config = array_replace(SettingsAssemblerTest::defaults(), $this->withFieldNames(['org_url' => 'http://127.0.0.1:9']));
    $settings = (new SettingsAssembler())->assemble($config, [
      'api_token' => FakeOkta::TOKEN,
    ], ['max_retries' => 0, 'connect_timeout' => 1.0]);
    $outcome = $this->extension->syncUser($settings, 'insert', $this->snapshot(31, TRUE, ['password' => 'Plaintext-Secret-1']));
    $this->assertSame('failed', $outcome['action']);
    $this->assertTrue($outcome['error']['retryable']);
    $decision = $this->interpreter()->interpret($outcome);
    $this->assertTrue($decision->requeue);
    $this->assertSame(60, $decision->delay);
    $this->assertStringNotContainsString('Plaintext-Secret-1', json_encode($outcome) . $decision->row['last_error']);
  }

  /**
   * Tests invalid token is permanent failure without secret.
   */
  public function testInvalidTokenIsPermanentFailureWithoutSecret(): void {
    $token = 'revoked-token-0123456789-SECRET';
    $outcome = $this->extension->syncUser($this->settings($this->withFieldNames(), $token), 'insert', $this->snapshot(41));
    $this->assertSame('failed', $outcome['action']);
    $this->assertFalse($outcome['error']['retryable']);
    $decision = $this->interpreter()->interpret($outcome);
    $this->assertFalse($decision->requeue);
    $this->assertSame('error', $decision->logLevel);
    $this->assertStringContainsString('E0000011', $decision->row['last_error']);
    $this->assertStringNotContainsString($token, json_encode($outcome) . $decision->row['last_error']);
  }

  /**
   * Tests weak password is recorded as staged with the reason.
   */
  public function testWeakPasswordIsRecordedAsStagedWithTheReason(): void {
    $settings = $this->settings($this->withFieldNames(['create_mode' => 'password']));
    $outcome = $this->extension->syncUser($settings, 'insert', $this->snapshot(42, TRUE, ['password' => 'abc']));
    $this->assertSame('created', $outcome['action'], OutcomeText::describe($outcome));
    $this->assertSame('STAGED', $outcome['okta_status']);
    $this->assertStringContainsString('password', (string) $outcome['reason']);
    $this->assertStringNotContainsString('abc"', json_encode($outcome));
    $strong = $this->extension->syncUser($settings, 'insert', $this->snapshot(43, TRUE, ['password' => 'Str0ng-Passw0rd!xyz']));
    $this->assertSame('password', $strong['create_mode']);
  }

  /**
   * Tests dry run plans and changes nothing.
   */
  public function testDryRunPlansAndChangesNothing(): void {
    $users = [$this->snapshot(51), $this->snapshot(52), $this->snapshot(53)];
    $result = $this->extension->syncUsers($this->settings($this->withFieldNames()), $users, [
      'method' => 'manual',
      'dry_run' => TRUE,
    ]);
    $report = new RunReport();
    $report->addResult($result);
    $this->assertSame(['planned' => 3], $report->counts());
    $this->assertSame(3, array_sum($report->plannedByReason()));
    $missing = $this->fake->api('GET', '/api/v1/users/user51@example.com');
    $this->assertSame('E0000007', $missing['errorCode'] ?? NULL, 'dry run must not create users');
  }

  /**
   * Tests guard stops mass deactivation.
   */
  public function testGuardStopsMassDeactivation(): void {
    $settings = $this->settings($this->withFieldNames(['guard_max_count' => 2, 'guard_max_share' => 0.1]));
    $users = [];
    for ($uid = 61; $uid <= 66; $uid++) {
      $users[] = $this->snapshot($uid);
    }
    $first = $this->extension->syncUsers($settings, $users, ['method' => 'manual']);
    $this->assertSame(6, count(array_filter($first['outcomes'], fn(array $o) => $o['action'] === 'created')), json_encode($first['outcomes']));
    $blocked = [];
    foreach ($first['outcomes'] as $i => $outcome) {
      $this->activateInOkta($outcome['okta_id']);
      $blocked[] = array_replace($users[$i], ['status' => FALSE, 'okta_id' => $outcome['okta_id']]);
    }
    // The preview warns, without stopping anything.
    $preview = new RunReport();
    $preview->addResult($this->extension->syncUsers($settings, $blocked, ['method' => 'manual', 'dry_run' => TRUE]));
    $this->assertFalse($preview->guardStopped());
    $this->assertStringStartsWith('Deletion guard: ', $preview->guards()[0] ?? '');
    $this->assertSame(['deactivated' => 6], $preview->plannedByReason());

    $result = $this->extension->syncUsers($settings, $blocked, ['method' => 'manual']);
    $report = new RunReport();
    $report->addResult($result);
    $this->assertTrue($report->guardStopped(), json_encode($result));
    $this->assertStringStartsWith('Deletion guard stopped the run', $report->guards()[0]);
    $okta = $this->fake->api('GET', '/api/v1/users/' . $first['outcomes'][0]['okta_id']);
    $this->assertNotSame('DEPROVISIONED', $okta['status'], 'the guard must stop before deactivating anyone');
  }

  /**
   * Tests run level guard stops deactivation spread over chunks.
   *
   * Mass deactivation spread over chunks: each chunk passes the extension's
   * per-call guard, the run-level total stops the run.
   */
  public function testRunLevelGuardStopsDeactivationSpreadOverChunks(): void {
    $config = $this->withFieldNames(['guard_max_count' => 3, 'guard_max_share' => 0.1]);
    $settings = $this->settings($config);
    $users = [];
    for ($uid = 81; $uid <= 92; $uid++) {
      $users[] = $this->snapshot($uid);
    }
    $created = $this->extension->syncUsers($settings, $users, ['method' => 'manual']);
    $chunks = [];
    foreach ($created['outcomes'] as $i => $outcome) {
      $this->assertSame('created', $outcome['action'], OutcomeText::describe($outcome));
      $this->activateInOkta($outcome['okta_id']);
      // Two blocked users in each chunk of four: 6 of 12 in all.
      $chunks[intdiv($i, 4)][] = array_replace($users[$i], ['status' => $i % 4 >= 2, 'okta_id' => $outcome['okta_id']]);
    }

    // The preview (every user, chunk by chunk) is refused as a whole.
    $preview = new RunReport();
    foreach ($chunks as $chunk) {
      $preview->addResult($this->extension->syncUsers($settings, $chunk, ['method' => 'manual', 'dry_run' => TRUE]));
    }
    $this->assertSame([], $preview->guards(), 'no chunk alone trips the extension guard');
    $guard = RunGuard::fromConfig(array_replace(SettingsAssemblerTest::defaults(), $config));
    $this->assertStringContainsString('6 of 12', (string) $guard->previewProblem($preview));

    // The real run, as BulkSync runs it: each chunk gets the remainder.
    $tally = $guard->startRun(12);
    $report = new RunReport();
    foreach ($chunks as $chunk) {
      if ($tally->isStopped()) {
        break;
      }
      $result = $this->extension->syncUsers($this->settings(array_replace($config, $tally->chunkOverrides())), $chunk, ['method' => 'manual']);
      $report->addResult($tally->record($result));
    }
    $this->assertTrue($report->guardStopped(), json_encode($report->toArray()));
    $this->assertSame(2, $tally->disabled(), 'the first chunk fits the allowance of 3; the second would make 4');
    $this->assertSame(['deactivated' => 2, 'skipped' => 4, 'unchanged' => 2], $report->counts());
    $statuses = [];
    foreach ($chunks as $chunk) {
      foreach ($chunk as $user) {
        $statuses[] = $this->fake->api('GET', '/api/v1/users/' . $user['okta_id'])['status'] === 'DEPROVISIONED';
      }
    }
    $this->assertSame(2, count(array_filter($statuses)), 'only the first chunk\'s blocked users were deactivated');

    // An admin who confirmed the previewed 6 may run them all, no more.
    $tally = $guard->startRun(12, $preview->destructive());
    $report = new RunReport();
    foreach ($chunks as $chunk) {
      $report->addResult($tally->record($this->extension->syncUsers($this->settings(array_replace($config, $tally->chunkOverrides())), $chunk, ['method' => 'manual'])));
    }
    $this->assertFalse($report->guardStopped(), json_encode($report->toArray()));
    $this->assertSame(4, $report->counts()['deactivated'] ?? 0, 'the two already deactivated are unchanged');
  }

}
