<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Scim;

use Drupal\Core\Database\Connection;
use Drupal\Core\Lock\LockBackendInterface;
use Drupal\okta_user_sync\Engine\Extension;
use Drupal\okta_user_sync\Event\ImportEvent;
use Drupal\okta_user_sync\PushCollector;
use Drupal\user\Plugin\Validation\Constraint\UserMailRequired;
use Drupal\user\UserInterface;
use Symfony\Contracts\EventDispatcher\EventDispatcherInterface;

/**
 * Carries out one SCIM operation on Drupal's accounts and roles.
 *
 * The engine parsed and validated the request (okta_sync_scim_request()),
 * and decides everything SCIM: PATCH, mapping, preconditions, the answer's
 * shape. This class does what only Drupal can: find, lock, validate and
 * save entities. Every save runs with the push collector suppressed, so a
 * SCIM-driven change is never pushed back to Okta.
 */
final class ScimServer {

  /**
   * Seconds a per-resource lock is held at most.
   */
  private const LOCK_TTL = 30.0;

  /**
   * Constructs the server.
   */
  public function __construct(
    private readonly ScimStorage $storage,
    private readonly Extension $extension,
    private readonly PushCollector $pushCollector,
    private readonly LockBackendInterface $lock,
    private readonly Connection $database,
    private readonly EventDispatcherInterface $eventDispatcher,
  ) {}

  /**
   * Answers one parsed operation.
   *
   * @param array $op
   *   The operation of okta_sync_scim_request() (not error/discovery).
   * @param array $scim
   *   The SCIM settings array.
   * @param array $options
   *   'delete': 'block' or 'delete' (what DELETE /Users does).
   *
   * @return array
   *   The engine's response array: status, headers, body.
   */
  public function handle(array $op, array $scim, array $options = []): array {
    try {
      return $op['resource'] === 'Group' ? $this->group($op, $scim) : $this->user($op, $scim, $options);
    }
    catch (ScimException $e) {
      return $this->error($e->status, $e->scimType, $e->detail);
    }
  }

  /**
   * Answers the /Users operations.
   */
  private function user(array $op, array $scim, array $options): array {
    $fields = array_values((array) ($scim['attribute_map'] ?? []));
    if ($op['kind'] === 'list') {
      $page = $this->storage->listUsers((array) $op['query'], (int) $op['start_index'], (int) $op['count']);
      $resources = [];
      foreach ($page['accounts'] as $account) {
        $resources[] = $this->userResource($account, $fields, $scim);
      }
      return $this->extension->scimResponse('list', ['resources' => $resources, 'total_results' => $page['total']] + $op, $scim);
    }
    if ($op['kind'] === 'create') {
      $values = $this->extension->scimToDrupal('User', (array) $op['body'], $scim);
      if ($values['error'] !== NULL) {
        return $values['error'];
      }
      return $this->locked('name:' . mb_strtolower((string) $values['name']), function () use ($op, $scim, $fields, $values): array {
        $account = $this->storage->findUser('name', (string) $values['name'])
          ?? ($values['mail'] === NULL ? NULL : $this->storage->findUser('mail', (string) $values['mail']));
        if ($account !== NULL && !$this->storage->isDeleted($account)) {
          throw new ScimException(409, 'uniqueness', sprintf('a user with userName "%s" already exists', $values['name']));
        }
        // A user SCIM deleted but the site kept comes back as it is now.
        $account ??= $this->storage->newUser((string) $values['name'], $values['mail']);
        $values['status'] ??= TRUE;
        $this->saveUser($account, $values);
        return $this->respond($op, $this->userResource($account, $fields, $scim), $scim);
      });
    }
    return $this->locked('user:' . $op['id'], function () use ($op, $scim, $fields, $options): array {
      $account = $this->storage->loadUser((string) $op['id']);
      if ($account === NULL) {
        throw new ScimException(404, NULL, sprintf('no User %s', $op['id']));
      }
      $current = $this->userResource($account, $fields, $scim);
      $failed = $this->extension->scimPrecondition($op, $current);
      if ($failed !== NULL) {
        return $failed;
      }
      switch ($op['kind']) {
        case 'get':
          return $this->respond($op, $current, $scim);

        case 'delete':
          $this->deleteUser($account, ($options['delete'] ?? 'block') === 'delete');
          return $this->extension->scimResponse('no_content', []);
      }
      $update = $this->update('User', $op, $current, $scim);
      if (isset($update['answer'])) {
        return $update['answer'];
      }
      $values = self::withoutDrupalOwned($update['values']);
      foreach (['name', 'mail'] as $property) {
        $other = $values[$property] === NULL || ($property === 'mail' && !empty($values['keep_mail'])) ? NULL : $this->storage->findUser($property, (string) $values[$property]);
        if ($other !== NULL && (int) $other->id() !== (int) $account->id()) {
          throw new ScimException(409, 'uniqueness', sprintf('another user already has this %s', $property === 'name' ? 'userName' : 'email'));
        }
      }
      $this->saveUser($account, $values);
      return $this->respond($op, $this->userResource($account, $fields, $scim), $scim);
    });
  }

  /**
   * The values an update may write: what Drupal owns is left alone.
   *
   * The engine names those keys (drupal_owned: the import's attribute
   * authority).
   */
  private static function withoutDrupalOwned(array $values): array {
    foreach ((array) ($values['drupal_owned'] ?? []) as $key) {
      if ($key === 'status') {
        $values['status'] = NULL;
      }
      elseif ($key === 'mail') {
        $values['keep_mail'] = TRUE;
      }
      else {
        unset($values['fields'][$key]);
      }
    }
    return $values;
  }

  /**
   * Answers the /Groups operations.
   */
  private function group(array $op, array $scim): array {
    if ($op['kind'] === 'list') {
      return $this->listGroups($op, $scim);
    }
    if ($op['kind'] === 'create') {
      $values = $this->extension->scimToDrupal('Group', (array) $op['body'], $scim);
      if ($values['error'] !== NULL) {
        return $values['error'];
      }
      return $this->locked('role:' . $values['role'], function () use ($op, $scim, $values): array {
        if ($this->storage->groupOfRole((string) $values['role']) !== NULL) {
          throw new ScimException(409, 'uniqueness', sprintf('the group "%s" already exists (its Drupal role is bound to a SCIM group)', $values['label']));
        }
        if (!$values['create'] && $this->storage->role((string) $values['role']) === NULL) {
          throw new ScimException(400, 'invalidValue', sprintf('the group "%s" is mapped to the Drupal role "%s", which does not exist', $values['label'], $values['role']));
        }
        $row = $this->transaction(function () use ($values): array {
          $row = $this->storage->createGroup((string) $values['role'], (string) $values['label'], $values['external_id'], (bool) $values['create']);
          $this->setMembers((string) $row['entity_id'], (array) $values['members']);
          return $row;
        });
        return $this->respond($op, $this->groupResource($row, TRUE, $scim), $scim);
      });
    }
    $row = $this->storage->loadGroup((string) $op['id']);
    if ($row === NULL) {
      throw new ScimException(404, NULL, sprintf('no Group %s', $op['id']));
    }
    return $this->locked('role:' . $row['entity_id'], function () use ($op, $scim): array {
      // Read again under the lock: another request may have changed it.
      $row = $this->storage->loadGroup((string) $op['id']);
      if ($row === NULL) {
        throw new ScimException(404, NULL, sprintf('no Group %s', $op['id']));
      }
      $current = $this->groupResource($row, TRUE, $scim);
      $failed = $this->extension->scimPrecondition($op, $current);
      if ($failed !== NULL) {
        return $failed;
      }
      switch ($op['kind']) {
        case 'get':
          return $this->respond($op, $current, $scim);

        case 'delete':
          $this->transaction(function () use ($row): void {
            $this->setMembers((string) $row['entity_id'], []);
            $this->storage->deleteGroup($row);
          });
          return $this->extension->scimResponse('no_content', []);
      }
      $update = $this->update('Group', $op, $current, $scim);
      if (isset($update['answer'])) {
        return $update['answer'];
      }
      $values = $update['values'];
      $this->transaction(function () use ($row, $values): void {
        // The group keeps its role: a rename changes what Okta calls it.
        $this->storage->updateGroup($row, (string) $values['label'], $values['external_id']);
        $this->setMembers((string) $row['entity_id'], (array) $values['members']);
      });
      return $this->respond($op, $this->groupResource((array) $this->storage->loadGroup((string) $op['id']), TRUE, $scim), $scim);
    });
  }

  /**
   * What a PUT or PATCH makes of the current resource, as Drupal values.
   *
   * @return array
   *   ['answer' => response] when there is nothing to write (an error, or
   *   a PATCH that changes nothing), else ['values' => the flat array of
   *   okta_sync_scim_to_drupal()].
   */
  private function update(string $type, array $op, array $current, array $scim): array {
    $new = (array) $op['body'];
    if ($op['kind'] === 'patch') {
      $patched = $this->extension->scimPatch($current, (array) $op['operations'], $scim);
      if ($patched['error'] !== NULL) {
        return ['answer' => $patched['error']];
      }
      if (!$patched['changed']) {
        return ['answer' => $this->respond($op, $current, $scim)];
      }
      $new = (array) $patched['resource'];
    }
    $values = $this->extension->scimToDrupal($type, $new, $scim);
    return $values['error'] !== NULL ? ['answer' => $values['error']] : ['values' => $values];
  }

  /**
   * GET /Groups: the few SCIM groups, tested with the engine's evaluator.
   */
  private function listGroups(array $op, array $scim): array {
    $hits = [];
    $query = (array) $op['query'];
    if (($query['match'] ?? 'all') !== 'none') {
      // Members are read only when the filter needs them or they are shown.
      $needMembers = str_contains(json_encode($op['filter']) ?: '', '"member');
      foreach ($this->storage->groupRows() as $row) {
        $resource = $this->groupResource($row, $needMembers, $scim);
        if ($op['filter'] === NULL || $this->extension->scimMatches((array) $op['filter'], $resource)) {
          $hits[] = [$row, $resource, $needMembers];
        }
      }
    }
    $showMembers = !in_array('members', array_map('strtolower', (array) $op['excluded_attributes']), TRUE)
      && ($op['attributes'] === [] || in_array('members', array_map('strtolower', (array) $op['attributes']), TRUE));
    $resources = [];
    $page = array_slice($hits, (int) $op['start_index'] - 1, max(0, (int) $op['count']));
    foreach ($page as [$row, $resource, $withMembers]) {
      $resources[] = $showMembers && !$withMembers ? $this->groupResource($row, TRUE, $scim) : $resource;
    }
    return $this->extension->scimResponse('list', ['resources' => $resources, 'total_results' => count($hits)] + $op, $scim);
  }

  /**
   * Gives the role to exactly these accounts (by SCIM id).
   *
   * @param string $rid
   *   The role.
   * @param string[] $members
   *   SCIM user ids; unknown ones are refused before anything changes.
   */
  private function setMembers(string $rid, array $members): void {
    $wanted = $this->storage->usersByScimId($members);
    $unknown = array_diff(array_unique($members), array_keys($wanted));
    if ($unknown !== []) {
      throw new ScimException(400, 'invalidValue', sprintf('no User %s', reset($unknown)));
    }
    $current = $this->storage->memberUids($rid);
    $keep = [];
    foreach ($wanted as $account) {
      $keep[(int) $account->id()] = TRUE;
      if (!$account->hasRole($rid)) {
        $account->addRole($rid);
        $this->save($account);
      }
    }
    $gone = array_diff($current, array_keys($keep));
    foreach (array_chunk($gone, 200) as $chunk) {
      foreach ($this->storage->users()->loadMultiple($chunk) as $account) {
        assert($account instanceof UserInterface);
        $account->removeRole($rid);
        $this->save($account);
      }
    }
  }

  /**
   * Validates and saves an account from SCIM values, with its row.
   */
  private function saveUser(UserInterface $account, array $values): void {
    $values = $this->dispatch($account, $values);
    $this->storage->writeUser($account, $values);
    $problems = [];
    foreach ($account->validate() as $violation) {
      // SCIM requires only userName; Drupal lets administrators create
      // accounts without an email, and Okta provisions as one.
      if (!$violation->getConstraint() instanceof UserMailRequired) {
        $problems[] = trim(strip_tags((string) $violation->getMessage()));
      }
    }
    if ($problems !== []) {
      throw new ScimException(400, 'invalidValue', implode(' ', array_unique($problems)));
    }
    $this->transaction(function () use ($account, $values): void {
      $this->save($account);
      $this->storage->saveUserRow($account, $values['external_id']);
    });
  }

  /**
   * Lets ImportEvent subscribers change or veto a SCIM write.
   *
   * SCIM is an import path like the pull and the event hook: integrators
   * see its writes the same way. The record says where it came from
   * ('source' => 'scim'); the password is never in the event.
   *
   * @throws \Drupal\okta_user_sync\Scim\ScimException
   *   403 when a subscriber vetoes the write.
   */
  private function dispatch(UserInterface $account, array $values): array {
    $event_values = ['name' => $values['name']];
    if (empty($values['keep_mail'])) {
      $event_values['mail'] = $values['mail'];
    }
    if ($values['status'] !== NULL) {
      $event_values['status'] = (bool) $values['status'];
    }
    $event_values += (array) $values['fields'];
    $action = match (TRUE) {
      $account->isNew() => 'created',
      $values['status'] === FALSE && $account->isActive() => 'blocked',
      $values['status'] === TRUE && !$account->isActive() => 'activated',
      default => 'updated',
    };
    $record = [
      'source' => 'scim',
      'id' => $values['external_id'],
      'login' => $values['name'],
      'email' => $values['mail'],
      'status' => $values['status'] === FALSE ? 'DEPROVISIONED' : 'ACTIVE',
      'fields' => (array) $values['fields'],
    ];
    $event = new ImportEvent($action, $record, $account->isNew() ? NULL : $account, $event_values);
    $this->eventDispatcher->dispatch($event, ImportEvent::NAME);
    if ($event->getVetoReason() !== NULL) {
      throw new ScimException(403, NULL, 'the site refused this change: ' . $event->getVetoReason());
    }
    $changed = $event->getValues();
    $values['name'] = (string) ($changed['name'] ?? $values['name']);
    $values['keep_mail'] = !array_key_exists('mail', $changed);
    $values['mail'] = $changed['mail'] ?? NULL;
    $values['status'] = array_key_exists('status', $changed) ? (bool) $changed['status'] : NULL;
    unset($changed['name'], $changed['mail'], $changed['status']);
    $values['fields'] = $changed;
    return $values;
  }

  /**
   * DELETE /Users/{id}: blocks (kept, hidden from SCIM) or deletes.
   */
  private function deleteUser(UserInterface $account, bool $delete): void {
    if ($delete) {
      $uid = (int) $account->id();
      $this->withoutPush(fn () => $account->delete());
      $this->storage->forgetUser($uid);
      return;
    }
    if ($account->isActive()) {
      // Subscribers see the block as any other SCIM write (and may veto it).
      $this->dispatch($account, [
        'name' => $account->getAccountName(),
        'mail' => $account->getEmail(),
        'keep_mail' => TRUE,
        'status' => FALSE,
        'fields' => [],
        'external_id' => NULL,
      ]);
    }
    $this->transaction(function () use ($account): void {
      if ($account->isActive()) {
        $account->block();
        $this->save($account);
      }
      $this->storage->saveUserRow($account, NULL, TRUE);
    });
  }

  /**
   * Saves an account without pushing it to Okta (echo prevention).
   */
  private function save(UserInterface $account): void {
    $this->withoutPush(fn () => $account->save());
  }

  /**
   * Runs $fn with every push suppressed.
   */
  private function withoutPush(callable $fn): mixed {
    $this->pushCollector->suppressAll();
    try {
      return $fn();
    }
    finally {
      $this->pushCollector->releaseAll();
    }
  }

  /**
   * Runs $fn in a database transaction: all of a write, or none of it.
   */
  private function transaction(callable $fn): mixed {
    $transaction = $this->database->startTransaction();
    try {
      return $fn();
    }
    catch (\Throwable $e) {
      $transaction->rollBack();
      throw $e;
    }
  }

  /**
   * Runs $fn holding the lock of one resource.
   *
   * Okta pushes in parallel: requests for different resources run side by
   * side; two for the same one (or two creates of one userName) in turn.
   */
  private function locked(string $key, callable $fn): array {
    $name = 'okta_user_sync_scim:' . hash('sha256', $key);
    $deadline = microtime(TRUE) + self::LOCK_TTL;
    while (!$this->lock->acquire($name, self::LOCK_TTL)) {
      if (microtime(TRUE) >= $deadline) {
        throw new ScimException(503, NULL, 'the resource is busy with another request; retry');
      }
      $this->lock->wait($name, 1);
    }
    try {
      return $fn();
    }
    finally {
      $this->lock->release($name);
    }
  }

  /**
   * The SCIM User of an account.
   */
  private function userResource(UserInterface $account, array $fields, array $scim): array {
    return $this->extension->scimFromDrupal('User', $this->storage->userEntity($account, $fields), $scim);
  }

  /**
   * The SCIM Group of a row.
   */
  private function groupResource(array $row, bool $members, array $scim): array {
    return $this->extension->scimFromDrupal('Group', $this->storage->groupEntity($row, $members), $scim);
  }

  /**
   * A single-resource answer (201 for a create).
   */
  private function respond(array $op, array $resource, array $scim): array {
    return $this->extension->scimResponse('resource', ['resource' => $resource] + $op, $scim);
  }

  /**
   * A SCIM Error answer.
   */
  private function error(int $status, ?string $scimType, string $detail): array {
    return $this->extension->scimResponse('error', ['status' => $status, 'scim_type' => $scimType, 'detail' => $detail]);
  }

}
