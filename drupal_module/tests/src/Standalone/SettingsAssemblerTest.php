<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Standalone;

use Drupal\okta_user_sync\Engine\Exception\MissingCredentialsException;
use Drupal\okta_user_sync\Engine\SettingsAssembler;
use PHPUnit\Framework\TestCase;
use Symfony\Component\Yaml\Yaml;

/**
 * @coversDefaultClass \Drupal\okta_user_sync\Engine\SettingsAssembler
 */
final class SettingsAssemblerTest extends TestCase {

  /**
   * The shipped default config (config/install).
   */
  public static function defaults(): array {
    return Yaml::parseFile(dirname(__DIR__, 3) . '/config/install/okta_user_sync.settings.yml');
  }

  /**
   * Tests api token settings from defaults.
   */
  public function testApiTokenSettingsFromDefaults(): void {
    $config = ['org_url' => 'https://example.okta.com/'] + self::defaults();
    $settings = (new SettingsAssembler())->assemble($config, ['api_token' => ' tok123 ']);
    $this->assertSame('https://example.okta.com', $settings['org_url']);
    $this->assertSame('tok123', $settings['api_token']);
    $this->assertArrayNotHasKey('oauth_client_id', $settings);
    $this->assertArrayNotHasKey('oauth_private_key', $settings);
    // Drupal-only keys never reach the extension (it rejects unknown keys).
    foreach ([
      'push_mode',
      'scheduler_interval',
      'batch_size',
      'test_email',
      'auth_method',
      'inline_timeout',
    ] as $key) {
      $this->assertArrayNotHasKey($key, $settings);
    }
    $this->assertSame(['read', 'create', 'update', 'deactivate'], $settings['operations']['manual']);
    $this->assertSame('staged', $settings['create_mode']);
    $this->assertSame(5.0, $settings['connect_timeout']);
    // The retry policy goes to the engine, which decides each retry.
    $this->assertSame([60, 21600, 8], [$settings['backoff_base'], $settings['backoff_max'], $settings['max_attempts']]);
    // ca_file is empty by default: left out, not sent as ''.
    $this->assertArrayNotHasKey('ca_file', $settings);
  }

  /**
   * Tests oauth settings.
   */
  public function testOauthSettings(): void {
    $config = [
      'org_url' => 'https://example.okta.com',
      'auth_method' => 'oauth',
      'oauth_client_id' => '0oa123',
      'oauth_key_id' => 'kid1',
      'oauth_scopes' => ['okta.users.manage', ''],
    ];
    $settings = (new SettingsAssembler())->assemble($config, [
      'api_token' => 'ignored',
      'oauth_private_key' => '-----BEGIN PRIVATE KEY-----x',
    ]);
    $this->assertSame('0oa123', $settings['oauth_client_id']);
    $this->assertSame('kid1', $settings['oauth_key_id']);
    $this->assertSame(['okta.users.manage'], $settings['oauth_scopes']);
    // Never both credentials: the extension rejects that.
    $this->assertArrayNotHasKey('api_token', $settings);
    $this->assertSame('auto', $settings['oauth_dpop'], 'DPoP first unless told otherwise');
    $assembler = new SettingsAssembler();
    $secrets = ['oauth_private_key' => '-----BEGIN PRIVATE KEY-----x'];
    $this->assertTrue($assembler->assemble(['oauth_dpop' => 'required'] + $config, $secrets)['oauth_dpop']);
    $this->assertFalse($assembler->assemble(['oauth_dpop' => 'off'] + $config, $secrets)['oauth_dpop']);
  }

  /**
   * Tests missing credentials name what is missing but no values.
   */
  public function testMissingCredentialsNameWhatIsMissingButNoValues(): void {
    $assembler = new SettingsAssembler();
    $this->assertSame(['Okta Portal URL', 'Okta API token'], $assembler->missing([], []));
    $this->assertSame([
      'OAuth client ID',
      'OAuth private key',
    ], $assembler->missing([
      'org_url' => 'https://x.okta.com',
      'auth_method' => 'oauth',
    ], ['api_token' => 'secret-token-value']));
    $this->assertFalse($assembler->isConfigured(['org_url' => 'https://x.okta.com'], ['api_token' => '  ']));
    try {
      $assembler->assemble(['org_url' => 'https://x.okta.com', 'auth_method' => 'oauth', 'oauth_client_id' => 'c'], ['api_token' => 'secret-token-value']);
      $this->fail('Expected MissingCredentialsException');
    }
    catch (MissingCredentialsException $e) {
      $this->assertStringContainsString('OAuth private key', $e->getMessage());
      $this->assertStringNotContainsString('secret-token-value', $e->getMessage());
    }
  }

  /**
   * Tests maps from config pairs.
   */
  public function testMapsFromConfigPairs(): void {
    $config = [
      'org_url' => 'https://x.okta.com',
      'attribute_map' => [
        ['okta' => 'city', 'drupal' => 'field_city'],
        ['okta' => '', 'drupal' => 'field_ignored'],
      ],
      'group_map' => [
        ['role' => 'editor', 'groups' => ['Editors', 'Staff']],
        ['role' => 'editor', 'groups' => ['Staff', 'Writers']],
        ['role' => 'empty', 'groups' => []],
      ],
      'login_source' => 'name',
      'login_suffix' => '@example.com',
      'guard_max_share' => 7,
      'operations' => ['manual' => ['read', 'bogus', 'create']],
    ];
    $settings = (new SettingsAssembler())->assemble($config, ['api_token' => 't']);
    $this->assertSame(['city' => 'field_city'], $settings['attribute_map']);
    $this->assertSame(['editor' => ['Editors', 'Staff', 'Writers']], $settings['group_map']);
    $this->assertSame('@example.com', $settings['login_suffix']);
    $this->assertSame(1.0, $settings['guard_max_share']);
    $this->assertSame(['read', 'create'], $settings['operations']['manual']);
    $this->assertSame([], $settings['operations']['automatic']);
  }

  /**
   * The owners of fields go to the extension, which applies them.
   *
   * The push leaves Okta-owned fields out and the import Drupal-owned ones
   * (ExtensionIntegrationTest and the engine's tests show both); here: what
   * the module sends, and that the extension accepts it.
   */
  public function testAttributeOwnersAreSentToTheExtension(): void {
    $config = [
      'org_url' => 'https://x.okta.com',
      'direction' => 'both',
      'attribute_map' => [
        ['okta' => 'city', 'drupal' => 'field_city'],
        ['okta' => 'department', 'drupal' => 'field_department'],
      ],
      'attribute_authority' => [
        ['field' => 'field_city', 'owner' => 'okta'],
        ['field' => 'field_department', 'owner' => 'drupal'],
        // Not an owner: ignored, so the field keeps the default (Drupal).
        ['field' => 'field_phone', 'owner' => 'nobody'],
      ],
    ];
    $settings = (new SettingsAssembler())->assemble($config, ['api_token' => 't']);
    $this->assertSame(['city' => 'field_city', 'department' => 'field_department'], $settings['attribute_map']);
    $this->assertSame(['field_city' => 'okta', 'field_department' => 'drupal'], $settings['attribute_authority']);
    $this->assertIsArray(\okta_sync_import_keys($settings, 'ann@example.com', ''), 'the extension accepts the settings');
  }

  /**
   * The import's keys come from config, and the extension accepts them.
   */
  public function testImportKeysFromConfig(): void {
    $config = [
      'org_url' => 'https://x.okta.com',
      'direction' => 'okta_to_drupal',
      'import_active_statuses' => ['ACTIVE', 'staged', ''],
      'import_map' => [
        ['drupal' => 'field_city', 'okta' => 'city'],
        ['drupal' => 'field_none', 'okta' => ''],
      ],
    ] + self::defaults();
    $settings = (new SettingsAssembler())->assemble($config, ['api_token' => 't']);
    $this->assertSame(['ACTIVE', 'staged'], $settings['import_active_statuses']);
    $this->assertSame(['field_city' => 'city'], $settings['import_map']);
    $record = [
      'id' => '00u1',
      'login' => 'a@example.com',
      'email' => 'a@example.com',
      'status' => 'STAGED',
      'fields' => ['field_city' => 'Oslo'],
    ];
    $candidates = [
      'linked' => NULL,
      'matched' => NULL,
      'name_taken' => FALSE,
      'mail_taken' => FALSE,
    ];
    $decision = \okta_sync_import_decide($settings, $record, $candidates);
    $this->assertSame('created', $decision['action']);
    $this->assertTrue($decision['create']['active'], 'STAGED was configured active (any case)');
    $this->assertSame(['field_city' => 'Oslo'], $decision['create']['fields']);

    // The defaults are a valid list the extension takes as it is.
    $defaults = (new SettingsAssembler())->assemble(['org_url' => 'https://x.okta.com'] + self::defaults(), ['api_token' => 't']);
    $this->assertSame(array_map('strval', self::defaults()['import_active_statuses']), $defaults['import_active_statuses']);
    $this->assertSame([], $defaults['import_map']);
  }

  /**
   * Tests overrides win.
   */
  public function testOverridesWin(): void {
    $settings = (new SettingsAssembler())->assemble([
      'org_url' => 'https://x.okta.com',
      'request_timeout' => 20,
    ], ['api_token' => 't'], ['request_timeout' => 3.0, 'max_retries' => 0]);
    $this->assertSame(3.0, $settings['request_timeout']);
    $this->assertSame(0, $settings['max_retries']);
  }

}
