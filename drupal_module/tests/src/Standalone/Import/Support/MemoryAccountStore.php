<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Standalone\Import\Support;

use Drupal\okta_user_sync\Import\AccountStoreInterface;
use Drupal\okta_user_sync\Import\LocalAccount;

/**
 * In-memory Drupal accounts; records writes the push would have sent.
 */
final class MemoryAccountStore implements AccountStoreInterface {

  /**
   * Accounts by uid: name, mail, active, fields, okta_id, okta_status.
   *
   * @var array<int, array>
   */
  public array $accounts = [];

  /**
   * Writes made while the echo guard was off (they would be pushed).
   *
   * @var list<string>
   */
  public array $pushed = [];

  /**
   * Every write, in order: "create:uid", "update:uid", "link:uid".
   *
   * @var list<string>
   */
  public array $writes = [];

  /**
   * The next uid.
   */
  private int $nextUid = 2;

  public function __construct(private readonly SpyEchoGuard $guard) {}

  /**
   * Adds an existing Drupal account (not an import write).
   */
  public function seed(string $name, string $mail, bool $active = TRUE, array $fields = [], ?string $oktaId = NULL): int {
    $uid = $this->nextUid++;
    $this->accounts[$uid] = [
      'name' => $name,
      'mail' => $mail,
      'active' => $active,
      'fields' => $fields,
      'okta_id' => $oktaId,
      'okta_status' => NULL,
    ];
    return $uid;
  }

  /**
   * The account linked to an Okta id, as stored.
   */
  public function byOktaId(string $oktaId): ?array {
    foreach ($this->accounts as $uid => $account) {
      if ($account['okta_id'] === $oktaId) {
        return ['uid' => $uid] + $account;
      }
    }
    return NULL;
  }

  /**
   * {@inheritdoc}
   */
  public function findByOktaId(string $oktaId): ?LocalAccount {
    $row = $this->byOktaId($oktaId);
    return $row === NULL ? NULL : $this->view($row['uid']);
  }

  /**
   * {@inheritdoc}
   */
  public function findByMail(string $mail): ?LocalAccount {
    return $this->findBy('mail', $mail);
  }

  /**
   * {@inheritdoc}
   */
  public function findByName(string $name): ?LocalAccount {
    return $this->findBy('name', $name);
  }

  /**
   * {@inheritdoc}
   */
  public function create(string $name, string $mail, bool $active, array $fields, string $oktaId, string $oktaStatus): int {
    $uid = $this->nextUid++;
    $this->accounts[$uid] = [
      'name' => $name,
      'mail' => $mail,
      'active' => $active,
      'fields' => $fields,
      'okta_id' => $oktaId,
      'okta_status' => $oktaStatus,
    ];
    $this->written('create', $uid);
    return $uid;
  }

  /**
   * {@inheritdoc}
   */
  public function update(int $uid, array $changes): void {
    foreach ($changes as $key => $value) {
      match ($key) {
        'mail' => $this->accounts[$uid]['mail'] = (string) $value,
        'status' => $this->accounts[$uid]['active'] = (bool) $value,
        default => $this->accounts[$uid]['fields'][$key] = $value,
      };
    }
    $this->written('update', $uid);
  }

  /**
   * {@inheritdoc}
   */
  public function link(int $uid, string $oktaId, string $oktaStatus): void {
    $this->accounts[$uid]['okta_id'] = $oktaId;
    $this->accounts[$uid]['okta_status'] = $oktaStatus;
    $this->written('link', $uid);
  }

  /**
   * {@inheritdoc}
   */
  public function linkedOktaIds(): array {
    $linked = [];
    foreach ($this->accounts as $uid => $account) {
      if ($account['okta_id'] !== NULL) {
        $linked[$uid] = $account['okta_id'];
      }
    }
    return $linked;
  }

  /**
   * Records a write and whether the push would have seen it.
   */
  private function written(string $what, int $uid): void {
    $this->writes[] = "$what:$uid";
    // What the module's user hooks do on every save.
    if ($what !== 'link') {
      $this->guard->buffer?->add($what === 'create' ? 'insert' : 'update', ['uid' => $uid]);
    }
    if (!$this->guard->suppressed()) {
      $this->pushed[] = "$what:$uid";
    }
  }

  /**
   * Case-insensitive lookup by one column.
   */
  private function findBy(string $column, string $value): ?LocalAccount {
    foreach ($this->accounts as $uid => $account) {
      if (mb_strtolower($account[$column]) === mb_strtolower($value)) {
        return $this->view($uid);
      }
    }
    return NULL;
  }

  /**
   * The importer's view of an account.
   */
  private function view(int $uid): LocalAccount {
    $a = $this->accounts[$uid];
    return new LocalAccount($uid, $a['name'], $a['mail'], $a['active'], $a['fields'], $a['okta_id']);
  }

}
