<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Kernel;

use Drupal\Core\Site\Settings;
use Drupal\KernelTests\KernelTestBase;
use Drupal\okta_user_sync\SecretStore;

/**
 * Where secrets come from, and what a form may say about them.
 *
 * @group okta_user_sync
 */
final class SecretStoreTest extends KernelTestBase {

  /**
   * {@inheritdoc}
   */
  protected static $modules = ['system', 'user', 'okta_user_sync'];

  /**
   * {@inheritdoc}
   */
  protected function tearDown(): void {
    putenv('OKTA_USER_SYNC_API_TOKEN');
    parent::tearDown();
  }

  /**
   * A settings.php value wins over the environment, which wins over State.
   */
  public function testSourcesInOrder(): void {
    $store = $this->store();
    $this->assertNull($store->get('api_token'));
    $store->set('api_token', ' from-state ');
    $this->assertSame(['from-state', 'state'], [$store->get('api_token'), $store->source('api_token')]);
    $this->assertFalse($store->isOverridden('api_token'));

    putenv('OKTA_USER_SYNC_API_TOKEN= from-env ');
    $this->assertSame(['from-env', 'environment'], [$store->get('api_token'), $store->source('api_token')]);
    $this->assertTrue($store->isOverridden('api_token'));

    new Settings(['okta_user_sync.api_token' => 'from-settings'] + Settings::getAll());
    $store = $this->store();
    $this->assertSame(['from-settings', 'settings'], [$store->get('api_token'), $store->source('api_token')]);

    // Clearing State leaves the overriding sources alone.
    $store->clear('api_token');
    $this->assertSame('from-settings', $store->get('api_token'));
    $this->assertNull($this->container->get('state')->get('okta_user_sync.api_token'));
  }

  /**
   * Forms see "set" and at most the last four characters.
   */
  public function testDescribeShowsOnlyTheTail(): void {
    $store = $this->store();
    $this->assertSame('not set', $store->describe('api_token'));
    $store->set('api_token', 'short-secret');
    $this->assertSame('set', $store->describe('api_token'));
    $store->set('api_token', '00abcdefghijklmnopqrstuvwxyz');
    $this->assertSame('set, ending in …wxyz', $store->describe('api_token'));
    $store->set('oauth_private_key', "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA4x==\n-----END PRIVATE KEY-----\n");
    $this->assertSame('set, ending in …4x==', $store->describe('oauth_private_key'), 'the tail of the key body, not of its footer');
    $this->assertStringNotContainsString('KEY', $store->describe('oauth_private_key'));
  }

  /**
   * Hook secrets are secrets too; unknown names are refused.
   */
  public function testHookSecretsAndUnknownNames(): void {
    $store = $this->store();
    $this->assertFalse($store->has('event_hook_secret'));
    $store->set('event_hook_secret', 'Bearer abc');
    $this->assertTrue($store->has('event_hook_secret'));
    $this->assertSame('Bearer abc', $this->container->get('state')->get('okta_user_sync.event_hook_secret'));
    $this->assertSame(['api_token', 'oauth_private_key'], array_keys($store->all()), 'the connection gets only its own secrets');
    $this->expectException(\InvalidArgumentException::class);
    $store->get('password');
  }

  /**
   * A store over the current settings.
   */
  private function store(): SecretStore {
    return new SecretStore(
      $this->container->get('state'),
      Settings::getInstance(),
      $this->container->get('config.factory'),
    );
  }

}
