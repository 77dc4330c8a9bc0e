<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Import\Drupal;

use Drupal\Component\Datetime\TimeInterface;
use Drupal\Core\Config\ConfigFactoryInterface;
use Drupal\Core\Database\Connection;
use Drupal\Core\Entity\EntityTypeManagerInterface;
use Drupal\okta_user_sync\Import\AccountStoreInterface;
use Drupal\okta_user_sync\Import\ImportSettings;
use Drupal\okta_user_sync\Import\LocalAccount;
use Drupal\user\UserInterface;
use Drupal\user\UserStorageInterface;

/**
 * Drupal user entities plus the Okta link in okta_user_sync_status.
 */
final class DrupalAccountStore implements AccountStoreInterface {

  private const TABLE = 'okta_user_sync_status';

  /**
   * Constructs the store.
   */
  public function __construct(
    private readonly EntityTypeManagerInterface $entityTypeManager,
    private readonly Connection $database,
    private readonly ConfigFactoryInterface $configFactory,
    private readonly TimeInterface $time,
  ) {}

  /**
   * {@inheritdoc}
   */
  public function findByOktaId(string $oktaId): ?LocalAccount {
    $uid = $this->database->select(self::TABLE, 's')
      ->fields('s', ['uid'])
      ->condition('okta_id', $oktaId)
      ->range(0, 1)
      ->execute()
      ->fetchField();
    return $uid === FALSE ? NULL : $this->view($this->storage()->load($uid));
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
    /** @var \Drupal\user\UserInterface $user */
    $user = $this->storage()->create([
      'name' => $name,
      'mail' => $mail,
      'init' => $mail,
      'status' => $active ? 1 : 0,
    ]);
    $this->setFields($user, $fields);
    // No local password: the account signs in through Okta (or resets one).
    $user->save();
    $uid = (int) $user->id();
    $this->link($uid, $oktaId, $oktaStatus);
    return $uid;
  }

  /**
   * {@inheritdoc}
   */
  public function update(int $uid, array $changes): void {
    $user = $this->storage()->load($uid);
    if (!$user instanceof UserInterface) {
      throw new \RuntimeException(sprintf('Drupal user %d no longer exists.', $uid));
    }
    foreach ($changes as $key => $value) {
      if ($key === 'status') {
        $value ? $user->activate() : $user->block();
      }
      elseif ($key === 'mail') {
        $user->setEmail((string) $value);
      }
    }
    $this->setFields($user, array_diff_key($changes, ['status' => 0, 'mail' => 0]));
    $user->save();
  }

  /**
   * {@inheritdoc}
   */
  public function link(int $uid, string $oktaId, string $oktaStatus): void {
    $this->database->merge(self::TABLE)
      ->key('uid', $uid)
      ->fields([
        'okta_id' => $oktaId,
        'okta_status' => $oktaStatus,
        'last_sync' => $this->time->getRequestTime(),
      ])
      ->insertFields([
        'uid' => $uid,
        'okta_id' => $oktaId,
        'okta_status' => $oktaStatus,
        'last_action' => 'imported',
        'last_sync' => $this->time->getRequestTime(),
        'attempts' => 0,
      ])
      ->execute();
  }

  /**
   * {@inheritdoc}
   */
  public function linkedOktaIds(): array {
    $query = $this->database->select(self::TABLE, 's')->fields('s', ['uid', 'okta_id']);
    $query->isNotNull('okta_id');
    $query->condition('okta_id', '', '<>');
    return array_map('strval', $query->execute()->fetchAllKeyed());
  }

  /**
   * Loads the one account with this mail or name (case-insensitive).
   */
  private function findBy(string $property, string $value): ?LocalAccount {
    if ($value === '') {
      return NULL;
    }
    // Entity queries compare case-insensitively on every core database
    // driver for these fields (they are not case-sensitive strings).
    $ids = $this->storage()->getQuery()
      ->accessCheck(FALSE)
      ->condition($property, $value)
      ->condition('uid', 0, '<>')
      ->range(0, 1)
      ->execute();
    return $ids === [] ? NULL : $this->view($this->storage()->load(reset($ids)));
  }

  /**
   * The importer's view of a user entity.
   */
  private function view(mixed $user): ?LocalAccount {
    if (!$user instanceof UserInterface) {
      return NULL;
    }
    $uid = (int) $user->id();
    $fields = [];
    foreach (array_keys($this->settings()->importMap) as $field) {
      if ($field !== 'mail' && $user->hasField($field)) {
        $fields[$field] = $user->get($field)->value;
      }
    }
    $oktaId = $this->database->select(self::TABLE, 's')
      ->fields('s', ['okta_id'])
      ->condition('uid', $uid)
      ->execute()
      ->fetchField();
    return new LocalAccount(
      $uid,
      (string) $user->getAccountName(),
      (string) $user->getEmail(),
      $user->isActive(),
      $fields,
      is_string($oktaId) && $oktaId !== '' ? $oktaId : NULL,
    );
  }

  /**
   * Writes mapped field values the entity has.
   */
  private function setFields(UserInterface $user, array $fields): void {
    foreach ($fields as $field => $value) {
      if ($user->hasField($field)) {
        $user->set($field, $value);
      }
    }
  }

  /**
   * The import settings (for the mapped field keys).
   */
  private function settings(): ImportSettings {
    return ImportSettings::fromConfig($this->configFactory->get('okta_user_sync.settings')->get() ?? []);
  }

  /**
   * The user storage.
   */
  private function storage(): UserStorageInterface {
    /** @var \Drupal\user\UserStorageInterface */
    return $this->entityTypeManager->getStorage('user');
  }

}
