<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Kernel;

use Drupal\Tests\okta_user_sync\Standalone\Support\FakeOkta;
use Drupal\Tests\SchemaCheckTestTrait;

/**
 * Config schema, secrets outside config, status report lines.
 *
 * @group okta_user_sync
 */
class ConfigAndRequirementsTest extends OktaUserSyncKernelTestBase {

  use SchemaCheckTestTrait;

  /**
   * Tests shipped config matches schema.
   */
  public function testShippedConfigMatchesSchema(): void {
    $config = $this->config('okta_user_sync.settings');
    $this->assertConfigSchema($this->container->get('config.typed'), 'okta_user_sync.settings', $config->get());
  }

  /**
   * Tests secret never in config.
   */
  public function testSecretNeverInConfig(): void {
    $stored = $this->container->get('config.storage')->read('okta_user_sync.settings');
    $this->assertStringNotContainsString(FakeOkta::TOKEN, serialize($stored));
    $this->assertSame(FakeOkta::TOKEN, $this->container->get('okta_user_sync.secrets')->get('api_token'));
    $this->assertSame('state', $this->container->get('okta_user_sync.secrets')->source('api_token'));
  }

  /**
   * Tests settings php overrides state.
   */
  public function testSettingsPhpOverridesState(): void {
    $this->setSetting('okta_user_sync.api_token', 'from-settings-php-token');
    $secrets = $this->container->get('okta_user_sync.secrets');
    $this->assertSame('from-settings-php-token', $secrets->get('api_token'));
    $this->assertTrue($secrets->isOverridden('api_token'));
  }

  /**
   * Tests requirements.
   */
  public function testRequirements(): void {
    $this->container->get('module_handler')->loadInclude('okta_user_sync', 'install');
    $items = okta_user_sync_requirements('runtime');
    $this->assertSame(REQUIREMENT_OK, $items['okta_user_sync_extension']['severity']);
    $this->assertSame(REQUIREMENT_WARNING, $items['okta_user_sync_connection']['severity'], 'configured but never tested');
    $this->assertSame(REQUIREMENT_OK, $items['okta_user_sync_failures']['severity']);

    $this->seedOktaUser('ada@example.com');
    $this->assertTrue($this->container->get('okta_user_sync.client')->test('ada@example.com')['ok']);
    $this->container->get('okta_user_sync.status_storage')->merge(7, [
      'last_action' => 'failed',
      'attempts' => 3,
      'last_error' => 'E0000001: x',
    ]);
    $items = okta_user_sync_requirements('runtime');
    $this->assertSame(REQUIREMENT_OK, $items['okta_user_sync_connection']['severity']);
    $this->assertSame(REQUIREMENT_WARNING, $items['okta_user_sync_failures']['severity']);
  }

}
