<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync;

use Drupal\Component\Datetime\TimeInterface;
use Drupal\Core\Database\Connection;
use Drupal\Core\Database\Query\PagerSelectExtender;

/**
 * The okta_user_sync_status table: one row per Drupal user that was synced.
 */
class SyncStatusStorage {

  public const TABLE = 'okta_user_sync_status';

  private const COLUMNS = ['okta_id', 'okta_status', 'profile_hash', 'last_action', 'last_error', 'attempts'];

  public function __construct(
    private readonly Connection $database,
    private readonly TimeInterface $time,
  ) {}

  /**
   * The row of one user, or NULL.
   */
  public function load(int $uid): ?array {
    $row = $this->database->select(self::TABLE, 's')
      ->fields('s')
      ->condition('uid', $uid)
      ->execute()
      ->fetchAssoc();
    return $row === FALSE ? NULL : $row;
  }

  /**
   * Rows keyed by uid.
   *
   * @param int[] $uids
   *   User IDs.
   */
  public function loadMultiple(array $uids): array {
    if ($uids === []) {
      return [];
    }
    return $this->database->select(self::TABLE, 's')
      ->fields('s')
      ->condition('uid', $uids, 'IN')
      ->execute()
      ->fetchAllAssoc('uid', \PDO::FETCH_ASSOC);
  }

  /**
   * Another account linked to Okta whose login equals this one's.
   *
   * Okta logins are unique ignoring case, Drupal's mail and name uniqueness
   * is case-insensitive only on some databases: the extension must not link
   * a second account to the Okta user the first one holds. LIKE (escaped)
   * is Drupal's portable case-insensitive match (ILIKE on PostgreSQL).
   *
   * @param int $uid
   *   The account asking.
   * @param string $field
   *   The login source: 'mail' or 'name'.
   * @param string $value
   *   This account's mail or name.
   *
   * @return int|null
   *   The lowest such uid, or NULL.
   */
  public function linkedOwnerOfLogin(int $uid, string $field, string $value): ?int {
    if (!in_array($field, ['mail', 'name'], TRUE) || trim($value) === '') {
      return NULL;
    }
    $query = $this->database->select('users_field_data', 'u');
    $query->innerJoin(self::TABLE, 's', 's.uid = u.uid');
    $owner = $query->fields('u', ['uid'])
      ->condition('u.uid', $uid, '<>')
      ->condition('u.' . $field, $this->database->escapeLike($value), 'LIKE')
      ->isNotNull('s.okta_id')
      ->orderBy('u.uid')
      ->range(0, 1)
      ->execute()
      ->fetchField();
    return $owner === FALSE ? NULL : (int) $owner;
  }

  /**
   * Inserts or updates the given columns of a user's row; stamps last_sync.
   */
  public function merge(int $uid, array $columns): void {
    $fields = array_intersect_key($columns, array_flip(self::COLUMNS));
    $fields['last_sync'] = $this->time->getCurrentTime();
    $this->database->merge(self::TABLE)
      ->key('uid', $uid)
      ->fields($fields)
      ->execute();
  }

  /**
   * Removes a user's row.
   */
  public function delete(int $uid): void {
    $this->database->delete(self::TABLE)->condition('uid', $uid)->execute();
  }

  /**
   * Rows per last action, e.g. ['created' => 10, 'failed' => 2].
   */
  public function countByAction(): array {
    $query = $this->database->select(self::TABLE, 's');
    $query->addField('s', 'last_action');
    $query->addExpression('COUNT(*)', 'n');
    $query->groupBy('s.last_action');
    $counts = [];
    foreach ($query->execute() as $record) {
      $counts[(string) ($record->last_action ?? 'unknown')] = (int) $record->n;
    }
    ksort($counts);
    return $counts;
  }

  /**
   * Users whose last sync failed.
   */
  public function countFailures(): int {
    return (int) $this->database->select(self::TABLE, 's')
      ->condition('last_action', 'failed')
      ->countQuery()
      ->execute()
      ->fetchField();
  }

  /**
   * The uids whose last sync failed, oldest first.
   *
   * @return int[]
   *   User IDs.
   */
  public function failedUids(int $limit = 1000): array {
    return array_map('intval', $this->database->select(self::TABLE, 's')
      ->fields('s', ['uid'])
      ->condition('last_action', 'failed')
      ->orderBy('last_sync')
      ->range(0, $limit)
      ->execute()
      ->fetchCol());
  }

  /**
   * One page of rows joined with the account name, for the status screen.
   *
   * @return array[]
   *   Rows with uid, name, okta_id, okta_status, last_action, last_sync,
   *   last_error, attempts.
   */
  public function page(bool $onlyFailures, int $limit = 50): array {
    $query = $this->database->select(self::TABLE, 's')
      ->extend(PagerSelectExtender::class)
      ->limit($limit);
    $query->leftJoin('users_field_data', 'u', 'u.uid = s.uid AND u.default_langcode = 1');
    $query->fields('s', ['uid', 'okta_id', 'okta_status', 'last_action', 'last_sync', 'last_error', 'attempts']);
    $query->addField('u', 'name');
    if ($onlyFailures) {
      $query->condition('s.last_action', 'failed');
    }
    $query->orderBy('s.last_sync', 'DESC');
    return $query->execute()->fetchAll(\PDO::FETCH_ASSOC);
  }

}
