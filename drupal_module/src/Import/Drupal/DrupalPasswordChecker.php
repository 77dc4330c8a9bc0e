<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Import\Drupal;

use Drupal\Core\Config\ConfigFactoryInterface;
use Drupal\Core\Entity\EntityTypeManagerInterface;
use Drupal\Core\Password\PasswordInterface;
use Drupal\okta_user_sync\Import\ImportSettings;
use Drupal\okta_user_sync\Import\PasswordCheckerInterface;
use Drupal\user\UserInterface;

/**
 * Checks an Okta sign-in's password with Drupal's password service.
 *
 * The Okta login is mapped back to the account the way the push built it:
 * login_source 'mail' looks up by email, 'name' by name (minus the suffix).
 */
final class DrupalPasswordChecker implements PasswordCheckerInterface {

  /**
   * Constructs the checker.
   */
  public function __construct(
    private readonly EntityTypeManagerInterface $entityTypeManager,
    private readonly PasswordInterface $password,
    private readonly ConfigFactoryInterface $configFactory,
  ) {}

  /**
   * {@inheritdoc}
   */
  public function check(string $login, #[\SensitiveParameter] string $password): bool {
    $user = $this->account($login);
    $hash = $user?->getPassword();
    if (!$user instanceof UserInterface || !$user->isActive() || !is_string($hash) || $hash === '') {
      // Hashing costs what a check costs: an unknown login takes as long as
      // a known one, so the hook does not reveal which logins exist.
      $this->password->hash($password);
      return FALSE;
    }
    return $this->password->check($password, $hash);
  }

  /**
   * The account an Okta login belongs to.
   */
  private function account(string $login): ?UserInterface {
    $config = $this->configFactory->get('okta_user_sync.settings');
    $settings = ImportSettings::fromConfig($config->get() ?? []);
    $property = 'mail';
    $value = $login;
    if ($settings->loginSource === 'name') {
      $property = 'name';
      $suffix = $settings->loginSuffix;
      if ($suffix !== '' && str_ends_with(strtolower($login), strtolower($suffix))) {
        $value = substr($login, 0, -strlen($suffix));
      }
    }
    $accounts = $this->entityTypeManager->getStorage('user')->loadByProperties([$property => $value]);
    $user = reset($accounts);
    return $user instanceof UserInterface && (int) $user->id() !== 0 ? $user : NULL;
  }

}
