<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Kernel\Import;

use Drupal\Core\DependencyInjection\ContainerBuilder;
use Drupal\KernelTests\KernelTestBase;
use Symfony\Component\DependencyInjection\Reference;

/**
 * Base of the import kernel tests: module installed, Okta pull scripted.
 *
 * The okta_sync extension is not needed: the pull client service is
 * replaced by ScriptedPullClient (pages kept in State so a test can set
 * them after the container is built).
 */
abstract class ImportKernelTestBase extends KernelTestBase {

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
    $this->installSchema('user', ['users_data']);
    $this->installSchema('okta_user_sync', ['okta_user_sync_status']);
    $this->installConfig(['system', 'user', 'okta_user_sync']);
    $this->config('okta_user_sync.settings')
      ->set('org_url', 'https://example.okta.com')
      ->set('direction', 'both')
      ->save();
    $this->container->get('okta_user_sync.secrets')->set('api_token', 'kernel-test-token');
  }

  /**
   * {@inheritdoc}
   */
  public function register(ContainerBuilder $container): void {
    parent::register($container);
    if ($container->hasDefinition('okta_user_sync.import_pull_client')) {
      $container->getDefinition('okta_user_sync.import_pull_client')
        ->setClass(StatePulledPages::class)
        ->setArguments([new Reference('state')]);
    }
  }

  /**
   * Sets the pages the next pulls return.
   *
   * @param list<list<array>> $pages
   *   Normalised records per page.
   * @param list<string|null> $watermarks
   *   The watermark returned with each page.
   */
  protected function setOktaPages(array $pages, array $watermarks = []): void {
    $this->container->get('state')->set(StatePulledPages::KEY, ['pages' => $pages, 'watermarks' => $watermarks]);
  }

  /**
   * A normalised record as okta_sync_pull() returns it.
   */
  protected static function record(string $id, string $login, string $status = 'ACTIVE', array $fields = []): array {
    return [
      'id' => $id,
      'login' => $login,
      'email' => $login,
      'status' => $status,
      'fields' => $fields,
      'last_updated' => '2026-01-01T00:00:00.000Z',
    ];
  }

}
