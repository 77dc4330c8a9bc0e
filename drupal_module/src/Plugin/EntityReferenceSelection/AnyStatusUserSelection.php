<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Plugin\EntityReferenceSelection;

use Drupal\Core\Entity\Attribute\EntityReferenceSelection;
use Drupal\Core\Entity\Plugin\EntityReferenceSelection\DefaultSelection;
use Drupal\Core\StringTranslation\TranslatableMarkup;
use Drupal\user\Plugin\EntityReferenceSelection\UserSelection;

/**
 * User selection that includes blocked accounts, for "Sync users manually".
 *
 * Core's user selection hides blocked accounts from anyone without
 * "administer users"; deactivating a blocked user in Okta is exactly what an
 * Okta User Sync admin selects them for. Anonymous is never offered. Blocked
 * accounts are offered only to users with "administer okta user sync", so the
 * handler reveals nothing more if a site builder picks it for a field.
 */
#[EntityReferenceSelection(
  id: 'okta_user_sync:user',
  label: new TranslatableMarkup('Okta User Sync: active and blocked accounts'),
  entity_types: ['user'],
  group: 'okta_user_sync',
  weight: 0,
)]
class AnyStatusUserSelection extends UserSelection {

  /**
   * {@inheritdoc}
   */
  protected function buildEntityQuery($match = NULL, $match_operator = 'CONTAINS') {
    if (!$this->currentUser->hasPermission('administer okta user sync')) {
      return parent::buildEntityQuery($match, $match_operator);
    }
    // Skip UserSelection's status condition, keep the rest of it.
    $query = DefaultSelection::buildEntityQuery($match, $match_operator);
    $query->condition('uid', 0, '<>');
    if (isset($match)) {
      $query->condition('name', $match, $match_operator);
    }
    return $query;
  }

}
