<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Kernel;

use Drupal\KernelTests\KernelTestBase;

/**
 * Uninstalling the module leaves no secret, queue item or stored run behind.
 *
 * @group okta_user_sync
 */
class UninstallTest extends KernelTestBase {

  /**
   * {@inheritdoc}
   */
  protected static $modules = ['system', 'user', 'okta_user_sync'];

  /**
   * {@inheritdoc}
   */
  protected function setUp(): void {
    parent::setUp();
    $this->installEntitySchema('user');
    // user_modules_uninstalled() clears users_data.
    $this->installSchema('user', ['users_data']);
    $this->installSchema('okta_user_sync', ['okta_user_sync_status']);
    $this->installConfig(['okta_user_sync']);
  }

  /**
   * Tests uninstall deletes state queues and collections.
   */
  public function testUninstallDeletesStateQueuesAndCollections(): void {
    $state = $this->container->get('state');
    $keys = [
      'okta_user_sync.api_token',
      'okta_user_sync.oauth_private_key',
      'okta_user_sync.last_test',
      'okta_user_sync.last_preview',
      'okta_user_sync.scheduler_last_run',
      'okta_user_sync.reconcile_last_run',
      'okta_user_sync.event_hook_secret',
      'okta_user_sync.password_hook_secret',
      'okta_user_sync.import_watermark',
      'okta_user_sync.import_run',
      'okta_user_sync.import_last_run',
      'okta_user_sync.import_cron_last',
      'okta_user_sync.import_reconcile_last',
    ];
    foreach ($keys as $key) {
      $state->set($key, 'value-of-' . $key);
    }
    $this->container->get('okta_user_sync.secrets')->set('api_token', 'uninstall-test-token-0123456789');
    foreach (['okta_user_sync', 'okta_user_sync_import'] as $queue) {
      $this->container->get('queue')->get($queue)->createItem(['kind' => 'chunk', 'uids' => [1]]);
    }
    $this->container->get('keyvalue')->get('okta_user_sync.import_seen')->set('00u1', TRUE);
    $collections = [
      'okta_user_sync.event_hook_seen',
      'okta_user_sync.event_hook_order',
      'okta_user_sync.event_hook_published',
      'okta_user_sync.run_guard',
    ];
    foreach ($collections as $collection) {
      $this->container->get('keyvalue.expirable')->get($collection)->setWithExpire('k', 'v', 3600);
    }

    $this->container->get('module_installer')->uninstall(['okta_user_sync']);

    $state = $this->container->get('state');
    $state->resetCache();
    foreach ($keys as $key) {
      $this->assertNull($state->get($key), "$key survived the uninstall");
    }
    foreach (['okta_user_sync', 'okta_user_sync_import'] as $queue) {
      $this->assertSame(0, $this->container->get('queue')->get($queue)->numberOfItems(), "queue $queue survived");
    }
    $this->assertSame([], $this->container->get('keyvalue')->get('okta_user_sync.import_seen')->getAll());
    foreach ($collections as $collection) {
      $this->assertSame([], $this->container->get('keyvalue.expirable')->get($collection)->getAll(), "$collection survived");
    }
    $this->assertTrue($this->container->get('config.factory')->get('okta_user_sync.settings')->isNew(), 'config removed');
    $this->assertFalse($this->container->get('database')->schema()->tableExists('okta_user_sync_status'));
  }

}
