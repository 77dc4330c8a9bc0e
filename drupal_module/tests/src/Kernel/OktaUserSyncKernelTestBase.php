<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Kernel;

use Drupal\KernelTests\KernelTestBase;
use Drupal\okta_user_sync_test\FakeExtension;
use Drupal\user\Entity\User;
use Drupal\user\UserInterface;

/**
 * Common setup: the module with the scripted extension, configured.
 */
abstract class OktaUserSyncKernelTestBase extends KernelTestBase {

  /**
   * {@inheritdoc}
   */
  protected static $modules = ['system', 'user', 'okta_user_sync', 'okta_user_sync_test'];

  /**
   * {@inheritdoc}
   */
  protected function setUp(): void {
    parent::setUp();
    $this->installEntitySchema('user');
    $this->installSchema('user', ['users_data']);
    $this->installSchema('okta_user_sync', ['okta_user_sync_status']);
    $this->installConfig(['okta_user_sync']);
    $this->config('okta_user_sync.settings')->set('org_url', 'https://example.okta.com')->save();
    $this->container->get('okta_user_sync.secrets')->set('api_token', 'kernel-test-token-0123456789');
    // Uid 1 exists on real sites; keep ids realistic.
    User::create(['uid' => 1, 'name' => 'admin', 'mail' => 'admin@example.com', 'status' => 1])->save();
    $this->flush();
    $this->resetCalls();
  }

  /**
   * Calls recorded by the fake extension.
   */
  protected function calls(): array {
    return $this->container->get('state')->get(FakeExtension::CALLS, []);
  }

  /**
   * Forgets recorded calls.
   */
  protected function resetCalls(): void {
    $this->container->get('state')->delete(FakeExtension::CALLS);
  }

  /**
   * Scripts the next outcomes of the fake extension.
   */
  protected function scriptOutcomes(array ...$outcomes): void {
    $this->container->get('state')->set(FakeExtension::OUTCOMES, $outcomes);
  }

  /**
   * What the kernel does after the response is sent: destruct services.
   */
  protected function flush(): void {
    $this->container->get('okta_user_sync.push_collector')->destruct();
  }

  /**
   * Creates and saves an account.
   */
  protected function createAccount(string $name, bool $active = TRUE): UserInterface {
    $account = User::create(['name' => $name, 'mail' => "$name@example.com", 'status' => $active ? 1 : 0]);
    $account->save();
    return $account;
  }

  /**
   * The status row of a user.
   */
  protected function statusRow(int $uid): ?array {
    return $this->container->get('okta_user_sync.status_storage')->load($uid);
  }

  /**
   * A retryable failure outcome.
   */
  protected static function retryableFailure(): array {
    return [
      'action' => 'failed',
      'okta_id' => NULL,
      'okta_status' => NULL,
      'error' => [
        'code' => 'E0000047',
        'summary' => 'API call exceeded rate limit due to too many requests.',
        'causes' => [],
        'http_status' => 429,
        'retryable' => TRUE,
        'retry_after' => 0,
      ],
    ];
  }

}
