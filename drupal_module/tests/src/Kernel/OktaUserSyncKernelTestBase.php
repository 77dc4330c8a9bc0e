<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Kernel;

use Drupal\KernelTests\KernelTestBase;
use Drupal\Tests\okta_user_sync\Traits\FakeOktaTrait;
use Drupal\user\Entity\User;
use Drupal\user\UserInterface;

/**
 * Kernel tests of the Drupal → Okta side, against the fake Okta.
 *
 * The real okta_sync extension against the fake Okta (tests/okta-fake) on
 * loopback.
 *
 * Nothing is mocked: the extension makes every decision, the fake answers
 * as Okta does, and the tests look at what Okta ended up holding. The
 * extension must be loaded in the PHP that runs the tests (and its child
 * processes); without it these tests fail, they are not skipped.
 */
abstract class OktaUserSyncKernelTestBase extends KernelTestBase {

  use FakeOktaTrait;

  /**
   * {@inheritdoc}
   */
  protected static $modules = ['system', 'user', 'okta_user_sync'];

  /**
   * {@inheritdoc}
   */
  protected function setUp(): void {
    parent::setUp();
    $this->assertTrue(extension_loaded('okta_sync'), 'The okta_sync extension is not loaded in the PHP running the tests (load it through an ini file: PHPUnit runs each test in a child process).');
    $this->installEntitySchema('user');
    $this->installSchema('user', ['users_data']);
    $this->installSchema('okta_user_sync', ['okta_user_sync_status']);
    $this->installConfig(['okta_user_sync']);
    $this->connectToFakeOkta();
    // Uid 1 exists on real sites; keep ids realistic.
    User::create(['uid' => 1, 'name' => 'admin', 'mail' => 'admin@example.com', 'status' => 1])->save();
    $this->flush();
    $this->clearOktaRequests();
  }

  /**
   * Pushes what the collector holds, as at the end of a request.
   */
  protected function flush(): void {
    $this->container->get('okta_user_sync.push_collector')->destruct();
  }

  /**
   * A saved account named $name.
   */
  protected function createAccount(string $name, bool $active = TRUE): UserInterface {
    $account = User::create(['name' => $name, 'mail' => "$name@example.com", 'status' => $active ? 1 : 0]);
    $account->save();
    return $account;
  }

  /**
   * The user's status row, or NULL.
   */
  protected function statusRow(int $uid): ?array {
    return $this->container->get('okta_user_sync.status_storage')->load($uid);
  }

  /**
   * Items in the okta_user_sync queue.
   */
  protected function queueLength(): int {
    return $this->container->get('okta_user_sync.status_storage')->queueLength();
  }

  /**
   * Every request to Okta fails with $status until faultsOff().
   */
  protected function faultsOn(int $status = 503, array $options = []): void {
    $this->fake->knobs(['faults' => ['kind' => 'status', 'status' => $status] + $options]);
  }

  /**
   * Okta answers normally again.
   */
  protected function faultsOff(): void {
    $this->fake->knobs(['faults' => NULL]);
  }

}
