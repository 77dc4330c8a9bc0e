<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Scim;

use Drupal\Component\Datetime\TimeInterface;
use Drupal\Component\Uuid\UuidInterface;
use Drupal\Core\Database\Connection;
use Drupal\Core\Entity\EntityTypeManagerInterface;
use Drupal\Core\Entity\Query\ConditionInterface;
use Drupal\Core\Entity\Query\QueryInterface;
use Drupal\okta_user_sync\AccountFinder;
use Drupal\user\RoleInterface;
use Drupal\user\UserInterface;
use Drupal\user\UserStorageInterface;

/**
 * What the SCIM server stores: Drupal accounts and roles, and its table.
 *
 * Accounts are SCIM Users (their SCIM id is the account UUID, never the
 * uid); a SCIM Group is a row of okta_user_sync_scim bound to one Drupal
 * role, its members the accounts with that role. The engine's query plan
 * (okta_sync_scim_request()'s 'query') becomes an entity query here, so a
 * filtered list reads the indexes, not every account.
 */
final class ScimStorage {

  /**
   * The table: externalId, group bindings, SCIM-deleted accounts.
   */
  public const TABLE = 'okta_user_sync_scim';

  /**
   * Most ids a side lookup may turn into an IN condition.
   *
   * Side lookups: externalId, a role's members. A broader filter is
   * refused rather than run.
   */
  private const MAX_IDS = 5000;

  /**
   * The group rows of this request (NULL: not read yet; writes reset it).
   */
  private ?array $groupRows = NULL;

  /**
   * User rows read ahead for a page of accounts, by uid.
   */
  private array $userRows = [];

  /**
   * Constructs the storage.
   */
  public function __construct(
    private readonly EntityTypeManagerInterface $entityTypeManager,
    private readonly Connection $database,
    private readonly UuidInterface $uuid,
    private readonly TimeInterface $time,
    private readonly AccountFinder $accounts,
  ) {}

  /**
   * The account with this SCIM id (its UUID), unless SCIM deleted it.
   */
  public function loadUser(string $scimId): ?UserInterface {
    $ids = $this->users()->getQuery()->accessCheck(FALSE)
      ->condition('uuid', $scimId)
      ->condition('uid', 0, '>')
      ->execute();
    $account = $ids === [] ? NULL : $this->users()->load(reset($ids));
    return $account instanceof UserInterface && !$this->isDeleted($account) ? $account : NULL;
  }

  /**
   * The account with this name or mail, ignoring case (any, even deleted).
   */
  public function findUser(string $property, string $value): ?UserInterface {
    return $this->accounts->find($property, $value);
  }

  /**
   * Whether SCIM deleted this account (the site kept it, blocked).
   */
  public function isDeleted(UserInterface $account): bool {
    return (bool) ($this->row('user', (string) $account->id())['deleted'] ?? FALSE);
  }

  /**
   * One page of accounts matching the engine's query plan.
   *
   * @param array $query
   *   The operation's 'query' (match all/none/some with a condition).
   * @param int $start
   *   The 1-based index of the first result.
   * @param int $count
   *   Most results to return.
   *
   * @return array{total: int, accounts: \Drupal\user\UserInterface[]}
   *   The total number of matches and this page's accounts, by uid.
   *
   * @throws \Drupal\okta_user_sync\Scim\ScimException
   *   400 invalidFilter when a side lookup would be too broad.
   */
  public function listUsers(array $query, int $start, int $count): array {
    if (($query['match'] ?? 'all') === 'none') {
      return ['total' => 0, 'accounts' => []];
    }
    $q = $this->users()->getQuery()->accessCheck(FALSE)->condition('uid', 0, '>');
    $deleted = $this->deletedUids();
    if ($deleted !== []) {
      $q->condition('uid', $deleted, 'NOT IN');
    }
    if (($query['match'] ?? 'all') === 'some') {
      $this->addUserCondition($q, $q, (array) $query['condition']);
    }
    $ids = $count <= 0 ? [] : (clone $q)->sort('uid')->range($start - 1, $count)->execute();
    // A first page that is not full is the whole result (Okta's lookups by
    // userName): no second query to count it.
    $total = $start === 1 && $count > 0 && count($ids) < $count ? count($ids) : (int) $q->count()->execute();
    if ($ids !== []) {
      // One query for the page's rows, not one per account rendered.
      $this->userRows = array_fill_keys(array_map('strval', $ids), NULL);
      $rows = $this->database->select(self::TABLE, 's')->fields('s')
        ->condition('type', 'user')
        ->condition('entity_id', array_map('strval', $ids), 'IN')
        ->execute()->fetchAll(\PDO::FETCH_ASSOC);
      foreach ($rows as $row) {
        $this->userRows[(string) $row['entity_id']] = $row;
      }
    }
    return ['total' => $total, 'accounts' => $ids === [] ? [] : array_values($this->users()->loadMultiple($ids))];
  }

  /**
   * The account as okta_sync_scim_from_drupal() takes it.
   *
   * @param \Drupal\user\UserInterface $account
   *   The account.
   * @param string[] $fields
   *   The mapped Drupal field keys.
   */
  public function userEntity(UserInterface $account, array $fields): array {
    $values = [];
    foreach ($fields as $field) {
      $values[$field] = $this->fieldValue($account, $field);
    }
    $groups = [];
    $bound = $this->groupRowsByRole();
    foreach ($account->getRoles(TRUE) as $rid) {
      if (isset($bound[$rid])) {
        $groups[] = ['id' => $bound[$rid]['scim_id'], 'display' => (string) $bound[$rid]['display']];
      }
    }
    $row = $this->row('user', (string) $account->id());
    return [
      'id' => (string) $account->uuid(),
      'name' => (string) $account->getAccountName(),
      'mail' => $account->getEmail(),
      'status' => $account->isActive(),
      'fields' => $values,
      'external_id' => $row['external_id'] ?? NULL,
      'groups' => $groups,
      'created' => (int) $account->getCreatedTime(),
      'changed' => (int) $account->getChangedTime(),
    ];
  }

  /**
   * A new, unsaved account.
   */
  public function newUser(string $name, ?string $mail): UserInterface {
    $account = $this->users()->create(['name' => $name, 'mail' => $mail, 'init' => $mail, 'status' => 1]);
    assert($account instanceof UserInterface);
    return $account;
  }

  /**
   * Writes the flat array of okta_sync_scim_to_drupal() onto an account.
   *
   * @param \Drupal\user\UserInterface $account
   *   The account (saved by the caller).
   * @param array $values
   *   name, mail (NULL: none), keep_mail (TRUE: leave the mail), status
   *   (NULL: unchanged), password (NULL: unchanged), fields (NULL clears
   *   one).
   */
  public function writeUser(UserInterface $account, array $values): void {
    $account->setUsername((string) $values['name']);
    if (empty($values['keep_mail'])) {
      $account->setEmail($values['mail'] === NULL ? NULL : (string) $values['mail']);
    }
    if ($values['status'] !== NULL) {
      $values['status'] ? $account->activate() : $account->block();
    }
    if ($values['password'] !== NULL) {
      // Hashed by the password service when the account is saved.
      $account->setPassword((string) $values['password']);
    }
    foreach ((array) $values['fields'] as $field => $value) {
      if ($account->hasField($field)) {
        $account->set($field, $value);
      }
    }
  }

  /**
   * Records what SCIM knows of a saved account.
   */
  public function saveUserRow(UserInterface $account, ?string $externalId, bool $deleted = FALSE): void {
    $id = (string) $account->id();
    unset($this->userRows[$id]);
    if ($externalId === NULL && !$deleted) {
      $this->database->delete(self::TABLE)->condition('type', 'user')->condition('entity_id', $id)->execute();
      return;
    }
    $now = $this->time->getRequestTime();
    $this->database->merge(self::TABLE)
      ->keys(['type' => 'user', 'entity_id' => $id])
      ->insertFields([
        'type' => 'user',
        'entity_id' => $id,
        'scim_id' => (string) $account->uuid(),
        'external_id' => $externalId,
        'deleted' => (int) $deleted,
        'created' => $now,
        'changed' => $now,
      ])
      ->updateFields(['external_id' => $externalId, 'deleted' => (int) $deleted, 'changed' => $now])
      ->execute();
  }

  /**
   * Forgets an account SCIM no longer knows (deleted from the site).
   */
  public function forgetUser(int $uid): void {
    unset($this->userRows[(string) $uid]);
    $this->database->delete(self::TABLE)->condition('type', 'user')->condition('entity_id', (string) $uid)->execute();
  }

  /**
   * The SCIM group row with this SCIM id, whose role still exists.
   */
  public function loadGroup(string $scimId): ?array {
    $row = $this->database->select(self::TABLE, 's')->fields('s')
      ->condition('type', 'group')
      ->condition('scim_id', $scimId)
      ->execute()->fetchAssoc();
    return $row && $this->role((string) $row['entity_id']) !== NULL ? $row : NULL;
  }

  /**
   * The group row bound to this role, if any.
   */
  public function groupOfRole(string $rid): ?array {
    return $this->row('group', $rid);
  }

  /**
   * Every SCIM group whose role exists, by SCIM id order of creation.
   *
   * SCIM groups are the roles Okta pushed: a handful, so they are read
   * whole; their members are not (see groupEntity()).
   */
  public function groupRows(): array {
    if ($this->groupRows !== NULL) {
      return $this->groupRows;
    }
    $rows = $this->database->select(self::TABLE, 's')->fields('s')
      ->condition('type', 'group')
      ->orderBy('created')
      ->orderBy('scim_id')
      ->execute()->fetchAll(\PDO::FETCH_ASSOC);
    return $this->groupRows = array_values(array_filter($rows, fn (array $row): bool => $this->role((string) $row['entity_id']) !== NULL));
  }

  /**
   * A group row as okta_sync_scim_from_drupal() takes it.
   *
   * @param array $row
   *   The group row.
   * @param bool $members
   *   Whether to read the members (every account with the role).
   */
  public function groupEntity(array $row, bool $members): array {
    $entity = [
      'id' => (string) $row['scim_id'],
      'label' => (string) $row['display'],
      'external_id' => $row['external_id'],
      'members' => [],
      'created' => (int) $row['created'],
      'changed' => (int) $row['changed'],
    ];
    if ($members) {
      foreach ($this->members((string) $row['entity_id']) as $uuid => $name) {
        $entity['members'][] = ['id' => $uuid, 'display' => $name];
      }
    }
    return $entity;
  }

  /**
   * Binds a new SCIM group to a role (created first when asked).
   *
   * @return array
   *   The new row.
   */
  public function createGroup(string $rid, string $label, ?string $externalId, bool $createRole): array {
    $this->groupRows = NULL;
    if ($createRole && $this->role($rid) === NULL) {
      $this->entityTypeManager->getStorage('user_role')->create(['id' => $rid, 'label' => $label])->save();
    }
    $now = $this->time->getRequestTime();
    $row = [
      'type' => 'group',
      'entity_id' => $rid,
      'scim_id' => $this->uuid->generate(),
      'external_id' => $externalId,
      'display' => $label,
      'role_created' => (int) $createRole,
      'deleted' => 0,
      'created' => $now,
      'changed' => $now,
    ];
    $this->database->insert(self::TABLE)->fields($row)->execute();
    return $row;
  }

  /**
   * Renames a group (and its role, when SCIM created it).
   */
  public function updateGroup(array $row, string $label, ?string $externalId): void {
    $this->groupRows = NULL;
    $this->database->update(self::TABLE)
      ->fields(['display' => $label, 'external_id' => $externalId, 'changed' => $this->time->getRequestTime()])
      ->condition('type', 'group')
      ->condition('entity_id', $row['entity_id'])
      ->execute();
    $role = $this->role((string) $row['entity_id']);
    if ($row['role_created'] && $role !== NULL && $role->label() !== $label) {
      $role->set('label', $label)->save();
    }
  }

  /**
   * Unbinds a group; deletes its role when SCIM created it.
   */
  public function deleteGroup(array $row): void {
    $this->groupRows = NULL;
    $this->database->delete(self::TABLE)
      ->condition('type', 'group')
      ->condition('entity_id', $row['entity_id'])
      ->execute();
    $role = $this->role((string) $row['entity_id']);
    if ($row['role_created'] && $role !== NULL) {
      $role->delete();
    }
  }

  /**
   * The live accounts (not SCIM-deleted) with these SCIM ids.
   *
   * @param string[] $scimIds
   *   Account UUIDs.
   *
   * @return \Drupal\user\UserInterface[]
   *   By UUID; unknown ids are missing.
   */
  public function usersByScimId(array $scimIds): array {
    $out = [];
    $deleted = array_flip($this->deletedUids());
    foreach (array_chunk(array_values(array_unique($scimIds)), 500) as $chunk) {
      $ids = $this->users()->getQuery()->accessCheck(FALSE)
        ->condition('uuid', $chunk, 'IN')
        ->condition('uid', 0, '>')
        ->execute();
      foreach ($this->users()->loadMultiple($ids) as $account) {
        if ($account instanceof UserInterface && !isset($deleted[(int) $account->id()])) {
          $out[(string) $account->uuid()] = $account;
        }
      }
    }
    return $out;
  }

  /**
   * The uids of the live accounts with this role.
   *
   * @return int[]
   *   Uids.
   */
  public function memberUids(string $rid): array {
    $ids = $this->users()->getQuery()->accessCheck(FALSE)
      ->condition('roles', $rid)
      ->condition('uid', 0, '>')
      ->execute();
    return array_values(array_diff(array_map('intval', $ids), $this->deletedUids()));
  }

  /**
   * The user storage.
   */
  public function users(): UserStorageInterface {
    $storage = $this->entityTypeManager->getStorage('user');
    assert($storage instanceof UserStorageInterface);
    return $storage;
  }

  /**
   * The role, if it exists.
   */
  public function role(string $rid): ?RoleInterface {
    $role = $this->entityTypeManager->getStorage('user_role')->load($rid);
    return $role instanceof RoleInterface ? $role : NULL;
  }

  /**
   * UUID => userName of the live accounts with this role.
   *
   * Read with one query per 1000 accounts, not loaded as entities: a group
   * can have every account of the site as members.
   */
  private function members(string $rid): array {
    $out = [];
    foreach (array_chunk($this->memberUids($rid), 1000) as $chunk) {
      $q = $this->database->select('users', 'u');
      $q->join('users_field_data', 'd', 'd.uid = u.uid AND d.default_langcode = 1');
      $q->fields('u', ['uuid'])->fields('d', ['name', 'mail'])->condition('u.uid', $chunk, 'IN')->orderBy('u.uid');
      foreach ($q->execute() as $r) {
        $out[(string) $r->uuid] = (string) $r->name;
      }
    }
    return $out;
  }

  /**
   * A mapped field's value (its main property), NULL when empty.
   */
  private function fieldValue(UserInterface $account, string $field): mixed {
    if (!$account->hasField($field) || $account->get($field)->isEmpty()) {
      return NULL;
    }
    $list = $account->get($field);
    $main = $list->getFieldDefinition()->getFieldStorageDefinition()->getMainPropertyName();
    $value = $main === NULL ? NULL : $list->first()?->get($main)->getValue();
    return is_scalar($value) ? $value : NULL;
  }

  /**
   * Adds one node of the engine's condition tree to an entity query.
   */
  private function addUserCondition(QueryInterface $q, QueryInterface|ConditionInterface $parent, array $c): void {
    if (isset($c['conjunction'])) {
      $group = $c['conjunction'] === 'OR' ? $q->orConditionGroup() : $q->andConditionGroup();
      foreach ((array) $c['conditions'] as $child) {
        $this->addUserCondition($q, $group, (array) $child);
      }
      $parent->condition($group);
      return;
    }
    $property = (string) $c['property'];
    $operator = (string) $c['operator'];
    $value = $c['value'] ?? NULL;
    switch ($property) {
      case 'external_id':
        $this->addUidCondition($parent, $operator, $this->uidsWhere('external_id', $operator === 'IS NULL' ? 'IS NOT NULL' : $operator, $value), $operator === 'IS NULL');
        return;

      case 'group':
        $this->addGroupCondition($parent, $operator, $value);
        return;

      case 'id':
        $property = 'uuid';
        break;

      case 'status':
        $value = (int) (bool) $value;
        break;
    }
    match ($operator) {
      'IS NULL' => $parent->notExists($property),
      'IS NOT NULL' => $parent->exists($property),
      // SCIM compares userName and emails ignoring case.
      default => $this->accounts->condition($parent, $property, $value, $operator),
    };
  }

  /**
   * Users by SCIM group: "has the group's role" (or not).
   */
  private function addGroupCondition(QueryInterface|ConditionInterface $parent, string $operator, mixed $value): void {
    $rids = array_column($this->groupRows(), 'entity_id', 'scim_id');
    switch ($operator) {
      case '=':
      case '<>':
        $uids = isset($rids[(string) $value]) ? $this->memberUids((string) $rids[(string) $value]) : [];
        $this->addUidCondition($parent, $operator, $uids, $operator === '<>');
        return;

      case 'IS NOT NULL':
      case 'IS NULL':
        $uids = [];
        foreach ($rids as $rid) {
          $uids = array_merge($uids, $this->memberUids((string) $rid));
        }
        $this->addUidCondition($parent, $operator, array_values(array_unique($uids)), $operator === 'IS NULL');
        return;
    }
    throw new ScimException(400, 'invalidFilter', 'groups can be searched by id with eq, ne and pr only');
  }

  /**
   * Adds "uid IN ids" (or NOT IN), bounded.
   */
  private function addUidCondition(QueryInterface|ConditionInterface $parent, string $operator, array $uids, bool $negate): void {
    if (count($uids) > self::MAX_IDS) {
      throw new ScimException(400, 'invalidFilter', sprintf('the filter selects more than %d accounts through a side lookup; narrow it', self::MAX_IDS));
    }
    if ($uids === []) {
      // Nobody (IN) or everybody (NOT IN).
      $negate ? $parent->condition('uid', 0, '>') : $parent->condition('uid', -1);
      return;
    }
    $parent->condition('uid', $uids, $negate ? 'NOT IN' : 'IN');
  }

  /**
   * Uids of the user rows whose column satisfies the operator.
   */
  private function uidsWhere(string $column, string $operator, mixed $value): array {
    $q = $this->database->select(self::TABLE, 's')->fields('s', ['entity_id'])->condition('type', 'user');
    $like = fn (string $pattern) => $q->condition($column, $pattern, 'LIKE');
    match ($operator) {
      'IS NOT NULL' => $q->isNotNull($column),
      'CONTAINS' => $like('%' . $this->database->escapeLike((string) $value) . '%'),
      'STARTS_WITH' => $like($this->database->escapeLike((string) $value) . '%'),
      'ENDS_WITH' => $like('%' . $this->database->escapeLike((string) $value)),
      default => $q->condition($column, $value, $operator),
    };
    return array_map('intval', $q->range(0, self::MAX_IDS + 1)->execute()->fetchCol());
  }

  /**
   * Uids of accounts SCIM deleted but the site kept.
   *
   * @return int[]
   *   Uids.
   */
  private function deletedUids(): array {
    return array_map('intval', $this->database->select(self::TABLE, 's')->fields('s', ['entity_id'])
      ->condition('type', 'user')
      ->condition('deleted', 1)
      ->execute()->fetchCol());
  }

  /**
   * Group rows by role.
   */
  private function groupRowsByRole(): array {
    return array_column($this->groupRows(), NULL, 'entity_id');
  }

  /**
   * One row of the table.
   */
  private function row(string $type, string $entityId): ?array {
    if ($type === 'user' && array_key_exists($entityId, $this->userRows)) {
      return $this->userRows[$entityId];
    }
    $row = $this->database->select(self::TABLE, 's')->fields('s')
      ->condition('type', $type)
      ->condition('entity_id', $entityId)
      ->execute()->fetchAssoc();
    return $row ?: NULL;
  }

}
