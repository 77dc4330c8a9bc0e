<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync;

use Drupal\Component\Datetime\TimeInterface;
use Drupal\Core\Database\Connection;
use Drupal\Core\Database\Query\PagerSelectExtender;
use Drupal\Core\Queue\QueueFactory;
use Psr\Log\LoggerInterface;

/**
 * The okta_user_sync_status table: one row per Drupal user that was synced.
 *
 * It owns the row: it stores what the extension's outcome `record` says
 * (status columns, the log line, the retry) and the user's one pending retry.
 * A user has at most one retry waiting (retry_event, retry_at; for a delete,
 * the last snapshot without secrets in retry_snapshot) and one queue item
 * that wakes the queue worker for it; later failures move the retry, they
 * never add a second item.
 */
class SyncStatusStorage {

  public const TABLE = 'okta_user_sync_status';

  /**
   * The queue of retries and scheduled chunks.
   */
  public const QUEUE = 'okta_user_sync';

  private const COLUMNS = [
    'okta_id',
    'okta_status',
    'profile_hash',
    'last_action',
    'error_code',
    'last_error',
    'attempts',
  ];

  public function __construct(
    private readonly Connection $database,
    private readonly TimeInterface $time,
    private readonly QueueFactory $queueFactory,
    private readonly LoggerInterface $logger,
  ) {}

  /**
   * Stores one outcome as its record says; returns the record.
   *
   * @param array $outcome
   *   An outcome of okta_sync_user() / okta_sync_users(), with `record`.
   * @param string $event
   *   What produced it: insert, update, delete, manual or scheduled (the
   *   retry repeats it under the same operations).
   * @param array|null $snapshot
   *   The snapshot that was sent; kept, without secrets, for a retried
   *   delete (the account no longer exists to be read again).
   * @param bool $fromQueue
   *   The queue worker's retry: its item stays the user's one item (it is
   *   delayed), so no new one is created.
   */
  public function record(array $outcome, string $event, ?array $snapshot = NULL, bool $fromQueue = FALSE): array {
    $uid = (int) ($outcome['uid'] ?? $snapshot['uid'] ?? 0);
    $record = is_array($outcome['record'] ?? NULL) ? $outcome['record'] : [];
    if ($uid <= 0) {
      return $record;
    }
    if (!empty($record['delete_row'])) {
      $this->delete($uid);
    }
    elseif (is_array($record['row'] ?? NULL)) {
      $row = $record['row'];
      if (!isset($record['retry_in'])) {
        // Settled, or given up: no retry left waiting.
        $row += ['retry_event' => NULL, 'retry_at' => NULL, 'retry_snapshot' => NULL];
      }
      $this->merge($uid, $row);
    }
    if (!empty($record['log']) && isset($record['message'])) {
      $this->logger->log((string) ($record['level'] ?? 'info'), '@message', ['@message' => (string) $record['message']]);
    }
    if (isset($record['retry_in'])) {
      $this->scheduleRetry($uid, $event, (int) $record['retry_in'], $event === 'delete' ? $snapshot : NULL, !$fromQueue);
    }
    return $record;
  }

  /**
   * Sets (or moves) the user's one pending retry.
   *
   * A delete wins over anything pending; otherwise a pending event is kept
   * (an insert still waiting stays an insert). The account is read afresh
   * when the retry runs, so only a delete keeps a snapshot.
   */
  public function scheduleRetry(int $uid, string $event, int $delay, ?array $snapshot = NULL, bool $enqueue = TRUE): void {
    $row = $this->load($uid);
    $pending = $row !== NULL && $row['retry_at'] !== NULL;
    $pendingEvent = $pending ? (string) $row['retry_event'] : NULL;
    $event = ($event === 'delete' || $pendingEvent === NULL) ? $event : $pendingEvent;
    $fields = [
      'retry_event' => $event,
      'retry_at' => $this->time->getCurrentTime() + max(0, $delay),
      'retry_snapshot' => NULL,
    ];
    if ($event === 'delete') {
      $fields['retry_snapshot'] = $snapshot !== NULL
        ? json_encode(self::withoutSecrets($snapshot), JSON_THROW_ON_ERROR)
        : ($row['retry_snapshot'] ?? NULL);
    }
    $this->merge($uid, $fields);
    if (!$pending && $enqueue) {
      $this->queueFactory->get(self::QUEUE)->createItem(['kind' => 'user', 'uid' => $uid]);
    }
  }

  /**
   * The user's pending retry: event, seconds until due, snapshot (deletes).
   *
   * @return array{event: string, wait: int, snapshot: ?array}|null
   *   NULL when nothing is pending (it succeeded meanwhile, or the row is
   *   gone).
   */
  public function pendingRetry(int $uid): ?array {
    $row = $this->load($uid);
    if ($row === NULL || $row['retry_at'] === NULL || (string) $row['retry_event'] === '') {
      return NULL;
    }
    $snapshot = is_string($row['retry_snapshot']) ? json_decode($row['retry_snapshot'], TRUE) : NULL;
    return [
      'event' => (string) $row['retry_event'],
      'wait' => max(0, (int) $row['retry_at'] - $this->time->getCurrentTime()),
      'snapshot' => is_array($snapshot) ? $snapshot : NULL,
    ];
  }

  /**
   * The snapshot without what must never be stored (passwords, hashes).
   */
  public static function withoutSecrets(array $snapshot): array {
    unset($snapshot['password'], $snapshot['pass_hash']);
    return $snapshot;
  }

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
   * The account linked to an Okta user, or NULL.
   */
  public function uidOfOktaId(string $oktaId): ?int {
    if ($oktaId === '') {
      return NULL;
    }
    $uid = $this->database->select(self::TABLE, 's')
      ->fields('s', ['uid'])
      ->condition('okta_id', $oktaId)
      ->orderBy('uid')
      ->range(0, 1)
      ->execute()
      ->fetchField();
    return $uid === FALSE ? NULL : (int) $uid;
  }

  /**
   * The accounts linked to an Okta user.
   *
   * @param bool $activeOnly
   *   Only the accounts that are not blocked.
   *
   * @return array<int, string>
   *   uid => Okta id.
   */
  public function linkedOktaIds(bool $activeOnly = FALSE): array {
    $query = $this->database->select(self::TABLE, 's')->fields('s', ['uid', 'okta_id']);
    $query->isNotNull('s.okta_id');
    $query->condition('s.okta_id', '', '<>');
    if ($activeOnly) {
      $query->innerJoin('users_field_data', 'u', 'u.uid = s.uid');
      $query->condition('u.status', 1);
    }
    return array_map('strval', $query->execute()->fetchAllKeyed());
  }

  /**
   * Links an account to its Okta user as the import found it.
   *
   * A new row says 'imported'; an existing row keeps its push history and
   * only takes the link and Okta's current status.
   */
  public function link(int $uid, string $oktaId, string $oktaStatus): void {
    $now = $this->time->getCurrentTime();
    $this->database->merge(self::TABLE)
      ->key('uid', $uid)
      ->fields(['okta_id' => $oktaId, 'okta_status' => $oktaStatus, 'last_sync' => $now])
      ->insertFields([
        'uid' => $uid,
        'okta_id' => $oktaId,
        'okta_status' => $oktaStatus,
        'last_action' => 'imported',
        'last_sync' => $now,
        'attempts' => 0,
      ])
      ->execute();
  }

  /**
   * Inserts or updates columns of a user's row; stamps last_sync.
   */
  public function merge(int $uid, array $columns): void {
    $fields = array_intersect_key($columns, array_flip([...self::COLUMNS, 'retry_event', 'retry_at', 'retry_snapshot']));
    if (isset($fields['last_action']) || array_key_exists('last_error', $fields)) {
      $fields['last_sync'] = $this->time->getCurrentTime();
    }
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
   * Items waiting in the queue (retries and scheduled chunks).
   */
  public function queueLength(): int {
    return (int) $this->queueFactory->get(self::QUEUE)->numberOfItems();
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
   * Users whose last sync failed; with $code, only that error code.
   */
  public function countFailures(?string $code = NULL): int {
    $query = $this->database->select(self::TABLE, 's')->condition('last_action', 'failed');
    if ($code !== NULL) {
      $query->condition('error_code', $code);
    }
    return (int) $query->countQuery()->execute()->fetchField();
  }

  /**
   * The uids whose last sync failed, after $afterUid, in uid order.
   *
   * Callers page through all of them (a run reads one chunk at a time).
   *
   * @return int[]
   *   User IDs.
   */
  public function failedUids(int $afterUid = 0, int $limit = 200): array {
    return array_map('intval', $this->database->select(self::TABLE, 's')
      ->fields('s', ['uid'])
      ->condition('last_action', 'failed')
      ->condition('uid', $afterUid, '>')
      ->orderBy('uid')
      ->range(0, max(1, $limit))
      ->execute()
      ->fetchCol());
  }

  /**
   * One page of rows joined with the account name, for the status screen.
   *
   * @param string $filter
   *   'all', 'failures' or 'conflicts' (two accounts for one Okta user).
   * @param int $limit
   *   Rows per page.
   *
   * @return array[]
   *   Rows with uid, name, okta_id, okta_status, last_action, last_sync,
   *   error_code, last_error, attempts, retry_at.
   */
  public function page(string $filter = 'all', int $limit = 50): array {
    $query = $this->database->select(self::TABLE, 's')
      ->extend(PagerSelectExtender::class)
      ->limit($limit);
    $query->leftJoin('users_field_data', 'u', 'u.uid = s.uid AND u.default_langcode = 1');
    $query->fields('s', [
      'uid',
      'okta_id',
      'okta_status',
      'last_action',
      'last_sync',
      'error_code',
      'last_error',
      'attempts',
      'retry_at',
    ]);
    $query->addField('u', 'name');
    if ($filter === 'failures' || $filter === 'conflicts') {
      $query->condition('s.last_action', 'failed');
    }
    if ($filter === 'conflicts') {
      $query->condition('s.error_code', 'conflict');
    }
    $query->orderBy('s.last_sync', 'DESC');
    return $query->execute()->fetchAll(\PDO::FETCH_ASSOC);
  }

}
