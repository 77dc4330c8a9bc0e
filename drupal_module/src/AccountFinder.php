<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync;

use Drupal\Core\Database\Connection;
use Drupal\Core\Entity\EntityTypeManagerInterface;
use Drupal\Core\Entity\Query\ConditionInterface;
use Drupal\Core\Entity\Query\QueryInterface;
use Drupal\user\UserInterface;

/**
 * Finds accounts by name or mail ignoring case, on every core database.
 *
 * The name column (and text fields) ignore case on every core driver, so
 * '=' does; the mail column does not on SQLite, where only LIKE ignores
 * case (escaped: '_' and '%' are literals). The import and the SCIM server
 * both match accounts this way.
 */
final class AccountFinder {

  /**
   * Constructs the finder.
   */
  public function __construct(
    private readonly EntityTypeManagerInterface $entityTypeManager,
    private readonly Connection $database,
  ) {}

  /**
   * The one account (never anonymous) with this name or mail.
   */
  public function find(string $property, string $value): ?UserInterface {
    if ($value === '') {
      return NULL;
    }
    $storage = $this->entityTypeManager->getStorage('user');
    $query = $storage->getQuery()->accessCheck(FALSE)->condition('uid', 0, '>')->range(0, 1);
    $this->condition($query, $property, $value);
    $ids = $query->execute();
    $account = $ids === [] ? NULL : $storage->load(reset($ids));
    return $account instanceof UserInterface ? $account : NULL;
  }

  /**
   * Adds "$property $operator $value" to an account query, ignoring case.
   */
  public function condition(QueryInterface|ConditionInterface $group, string $property, mixed $value, string $operator = '='): void {
    if ($property === 'mail' && is_string($value) && in_array($operator, ['=', '<>'], TRUE)) {
      $operator = $operator === '=' ? 'LIKE' : 'NOT LIKE';
      $value = $this->database->escapeLike($value);
    }
    $group->condition($property, $value, $operator);
  }

}
