<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Hook;

use Drupal\Core\Hook\Attribute\Hook;
use Drupal\Core\Routing\RouteMatchInterface;
use Drupal\Core\StringTranslation\StringTranslationTrait;

/**
 * Help texts.
 */
class HelpHooks {

  use StringTranslationTrait;

  /**
   * Implements hook_help().
   */
  #[Hook('help')]
  public function help(string $route_name, RouteMatchInterface $route_match): ?string {
    return match ($route_name) {
      'help.page.okta_user_sync' => '<p>' . $this->t('Okta User Sync provisions Drupal users into Okta: manually (one user or all users, with a dry-run preview), automatically when accounts are created, changed, blocked or deleted, and on a schedule. It can also import Okta users. All Okta calls go through the okta_sync PHP extension.') . '</p>',
      'okta_user_sync.manual_sync' => '<p>' . $this->t('Sync one user now, or all users with a dry-run preview first. Blocked users are deactivated in Okta when the manual provisioning operations include "Deactivate".') . '</p>',
      default => NULL,
    };
  }

}
