<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Standalone;

use Drupal\okta_user_sync\Engine\Extension;
use Drupal\okta_user_sync\Engine\RequirementsEvaluator;
use Drupal\okta_user_sync\Engine\SettingsAssembler;
use Drupal\Tests\okta_user_sync\Standalone\Support\FakeOkta;
use PHPUnit\Framework\TestCase;

/**
 * The module's settings and snapshots against the real extension + fake Okta.
 *
 * The shipped config is accepted, and the outcomes' records say what the
 * module stores (run-level behaviour is tested in the engine).
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
    $snapshot = self::build($uid, $active, ['authenticated'], [
      'field_first_name' => "First$uid",
      'field_last_name' => "Last$uid",
    ]);
    return array_replace($snapshot, $extra);
  }

  /**
   * A snapshot in the shape SnapshotFactory sends.
   */
  private static function build(int $uid, bool $active, array $roles, array $fields): array {
    return [
      'uid' => $uid,
      'name' => "user$uid",
      'mail' => "user$uid@example.com",
      'status' => $active,
      'roles' => $roles,
      'fields' => $fields,
      'attempts' => 0,
    ];
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
   * Tests extension version is supported by the module.
   */
  public function testExtensionVersionIsSupportedByTheModule(): void {
    $version = (string) $this->extension->version();
    $this->assertTrue(RequirementsEvaluator::isCompatible($version), "okta_sync $version is outside the module's supported range");
  }

  /**
   * The Configuration form's org URL check is the extension's.
   */
  public function testOrgUrlCheck(): void {
    $this->assertSame(['ok' => TRUE, 'url' => 'https://acme.okta.com', 'message' => NULL], $this->extension->orgUrl(' https://acme.okta.com/ '));
    $this->assertTrue($this->extension->orgUrl('http://127.0.0.1:8080')['ok'], 'http is fine on loopback');
    foreach ([
      'http://acme.okta.com' => 'https',
      'https://acme-admin.okta.com' => 'https://acme.okta.com',
      'https://acme.okta.com/oauth2/default' => 'path',
      'https://u:secret-pass@acme.okta.com' => 'user name or password',
      'acme.okta.com' => 'not a valid absolute URL',
    ] as $url => $hint) {
      $check = $this->extension->orgUrl($url);
      $this->assertFalse($check['ok'], $url);
      $this->assertStringContainsString($hint, (string) $check['message'], $url);
      $this->assertStringNotContainsString('secret-pass', (string) $check['message']);
    }
  }

  /**
   * Tests shipped config is accepted and test finds user.
   */
  public function testShippedConfigIsAcceptedAndTestFindsUser(): void {
    $created = $this->extension->syncUser($this->settings($this->withFieldNames()), 'insert', $this->snapshot(11));
    $this->assertSame('created', $created['action'], (string) json_encode($created['record'] ?? $created));
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
    $this->assertNotSame('', (string) ($result['error']['link'] ?? ''));
    $this->assertStringNotContainsString($token, json_encode($result));
  }

  /**
   * Tests insert then unchanged then blocked is deactivated.
   */
  public function testInsertThenUnchangedThenBlockedIsDeactivated(): void {
    $settings = $this->settings($this->withFieldNames());
    $created = $this->extension->syncUser($settings, 'insert', $this->snapshot(21));
    $this->assertSame('created', $created['action'], (string) json_encode($created['record'] ?? $created));
    $this->assertSame('STAGED', $created['okta_status']);
    // What the module stores: the outcome's record.
    $row = $created['record']['row'];
    $this->assertSame($created['okta_id'], $row['okta_id']);

    // What the module stores is what the next snapshot carries.
    $again = $this->extension->syncUser($settings, 'update', $this->snapshot(21, TRUE, [
      'okta_id' => $row['okta_id'],
      'profile_hash' => $row['profile_hash'] ?? '',
      'okta_status' => $row['okta_status'],
    ]));
    $this->assertSame('unchanged', $again['action'], (string) json_encode($again['record'] ?? $again));

    // An Okta admin activates the staged user; then Drupal blocks the account.
    $this->activateInOkta($row['okta_id']);
    $blocked = $this->extension->syncUser($settings, 'manual', $this->snapshot(21, FALSE, ['okta_id' => $row['okta_id']]));
    $this->assertSame('deactivated', $blocked['action'], (string) json_encode($blocked['record'] ?? $blocked));
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
    $snapshot = self::build(71, TRUE, ['authenticated', 'editor'], [
      'field_first_name' => 'Ada',
      'field_last_name' => 'Lovelace',
      'field_city' => 'Paris',
    ]);
    $outcome = $this->extension->syncUser($settings, 'insert', $snapshot);
    $this->assertSame('created', $outcome['action'], (string) json_encode($outcome['record'] ?? $outcome));
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
      'field_first_name' => 'Ada',
      'field_last_name' => 'Lovelace',
      'field_city' => 'Paris',
      'field_department' => 'Maths',
    ];
    $snapshot = self::build(72, TRUE, ['authenticated'], $fields);
    $created = $this->extension->syncUser($settings, 'insert', $snapshot);
    $this->assertSame('created', $created['action'], (string) json_encode($created['record'] ?? $created));
    $okta = $this->fake->api('GET', '/api/v1/users/' . $created['okta_id']);
    $this->assertArrayNotHasKey('city', array_filter($okta['profile'], fn($v) => $v !== NULL), 'Okta owns city: never pushed');
    $this->assertSame('Maths', $okta['profile']['department']);

    // Okta's admin sets the city; Drupal changes its own copy and the
    // department. The push updates the department only.
    $this->fake->api('POST', '/api/v1/users/' . $created['okta_id'], ['profile' => ['city' => 'Lyon']]);
    $fields['field_city'] = 'Nice';
    $fields['field_department'] = 'Physics';
    $changed = self::build(72, TRUE, ['authenticated'], $fields);
    $updated = $this->extension->syncUser($settings, 'update', array_replace($changed, [
      'okta_id' => $created['okta_id'],
      'profile_hash' => $created['profile_hash'] ?? NULL,
    ]));
    $this->assertSame('updated', $updated['action'], (string) json_encode($updated['record'] ?? $updated));
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
    // The shipped backoff_base: retried in a minute, attempt 1 recorded.
    $this->assertSame(60, $outcome['record']['retry_in']);
    $this->assertSame(1, $outcome['record']['row']['attempts']);
    $this->assertStringNotContainsString('Plaintext-Secret-1', json_encode($outcome));
  }

  /**
   * Tests invalid token is permanent failure without secret.
   */
  public function testInvalidTokenIsPermanentFailureWithoutSecret(): void {
    $token = 'revoked-token-0123456789-SECRET';
    $outcome = $this->extension->syncUser($this->settings($this->withFieldNames(), $token), 'insert', $this->snapshot(41));
    $this->assertSame('failed', $outcome['action']);
    $this->assertFalse($outcome['error']['retryable']);
    $this->assertNull($outcome['record']['retry_in']);
    $this->assertSame('error', $outcome['record']['level']);
    $this->assertStringContainsString('E0000011', $outcome['record']['row']['last_error']);
    $this->assertStringNotContainsString($token, json_encode($outcome));
  }

  /**
   * Tests weak password is recorded as staged with the reason.
   */
  public function testWeakPasswordIsRecordedAsStagedWithTheReason(): void {
    $settings = $this->settings($this->withFieldNames(['create_mode' => 'password']));
    $outcome = $this->extension->syncUser($settings, 'insert', $this->snapshot(42, TRUE, ['password' => 'abc']));
    $this->assertSame('created', $outcome['action'], (string) json_encode($outcome['record'] ?? $outcome));
    $this->assertSame('STAGED', $outcome['okta_status']);
    $this->assertStringContainsString('password', (string) $outcome['reason']);
    $this->assertStringNotContainsString('abc"', json_encode($outcome));
    $strong = $this->extension->syncUser($settings, 'insert', $this->snapshot(43, TRUE, ['password' => 'Str0ng-Passw0rd!xyz']));
    $this->assertSame('password', $strong['create_mode']);
  }

}
