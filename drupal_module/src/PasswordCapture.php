<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync;

use Drupal\user\UserInterface;

/**
 * Holds plaintext passwords submitted by the user forms, for this request.
 *
 * Drupal hashes the password before hook_user_insert/update run, so the
 * register and edit forms hand it over here (see FormHooks). It lives in
 * memory only: never stored, logged or put in a queue item.
 */
class PasswordCapture {

  /**
   * Passwords keyed by the account object's id.
   *
   * @var array<int, string>
   */
  private array $byObject = [];

  /**
   * Passwords keyed by lower-cased email (the entity may be cloned).
   *
   * @var array<string, string>
   */
  private array $byMail = [];

  /**
   * Remembers the password the form submitted for $account.
   */
  public function capture(UserInterface $account, string $password): void {
    if ($password === '') {
      return;
    }
    $this->byObject[spl_object_id($account)] = $password;
    $mail = mb_strtolower((string) $account->getEmail());
    if ($mail !== '') {
      $this->byMail[$mail] = $password;
    }
  }

  /**
   * The password captured for $account in this request, if any.
   */
  public function get(UserInterface $account): ?string {
    return $this->byObject[spl_object_id($account)]
      ?? $this->byMail[mb_strtolower((string) $account->getEmail())]
      ?? NULL;
  }

  /**
   * Forgets everything (end of request; tests).
   */
  public function clear(): void {
    $this->byObject = [];
    $this->byMail = [];
  }

  /**
   * Never reveal the passwords through var_dump()/print_r()/debuggers.
   */
  public function __debugInfo(): array {
    return ['captured' => count($this->byObject)];
  }

  /**
   * Never serialize the passwords (e.g. into a form or batch cache).
   */
  public function __serialize(): array {
    return [];
  }

  /**
   * Restores an empty capture.
   */
  public function __unserialize(array $data): void {
    $this->clear();
  }

}
