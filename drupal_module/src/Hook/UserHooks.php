<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Hook;

use Drupal\Core\Hook\Attribute\Hook;
use Drupal\okta_user_sync\PushCollector;
use Drupal\user\UserInterface;

/**
 * User entity hooks: hand each change to the push collector.
 *
 * Nothing here talks to Okta: these hooks run inside the entity-save
 * transaction. Cancelling an account needs no hook of its own: the block
 * methods save it with status 0 (hook_user_update), the delete methods
 * delete it (hook_user_delete).
 */
class UserHooks {

  public function __construct(private readonly PushCollector $collector) {}

  /**
   * Implements hook_user_insert().
   */
  #[Hook('user_insert')]
  public function userInsert(UserInterface $account): void {
    $this->collector->collect('insert', $account);
  }

  /**
   * Implements hook_user_update().
   *
   * Blocking an account arrives here too (status 0): the extension turns it
   * into a deactivation when the automatic operations allow it.
   */
  #[Hook('user_update')]
  public function userUpdate(UserInterface $account): void {
    $this->collector->collect('update', $account);
  }

  /**
   * Implements hook_user_delete().
   */
  #[Hook('user_delete')]
  public function userDelete(UserInterface $account): void {
    $this->collector->collect('delete', $account);
  }

}
