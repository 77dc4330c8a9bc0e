<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Import;

/**
 * Checks an Okta sign-in's password against the Drupal account's hash.
 *
 * The Drupal adapter looks the account up by the Okta login (mail or name,
 * per login_source) and uses Drupal's password service.
 */
interface PasswordCheckerInterface {

  /**
   * Whether $password is the password of the active account for $login.
   *
   * Implementations take about the same time whether or not the account
   * exists, so the hook does not reveal which logins are known.
   */
  public function check(string $login, #[\SensitiveParameter] string $password): bool;

}
