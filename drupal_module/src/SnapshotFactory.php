<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync;

use Drupal\Core\Config\ConfigFactoryInterface;
use Drupal\okta_user_sync\Sync\SnapshotBuilder;
use Drupal\user\UserInterface;

/**
 * Builds the extension's user snapshot from a Drupal account.
 *
 * Reading the entity is the only Drupal part; SnapshotBuilder shapes it.
 */
class SnapshotFactory {

  /**
   * Base fields that are not profile data (name and mail stay: mappable).
   */
  private const SKIPPED_FIELDS = [
    'uid',
    'uuid',
    'pass',
    'roles',
    'status',
    'init',
    'access',
    'login',
    'created',
    'changed',
    'default_langcode',
    'content_translation_source',
    'content_translation_outdated',
    'content_translation_uid',
    'content_translation_status',
    'content_translation_created',
    'content_translation_changed',
    'user_picture',
  ];

  public function __construct(
    private readonly ConfigFactoryInterface $configFactory,
    private readonly SyncStatusStorage $statusStorage,
    private readonly PasswordCapture $passwordCapture,
  ) {}

  /**
   * The snapshot of one account.
   *
   * @param \Drupal\user\UserInterface $account
   *   The account.
   * @param bool $withPassword
   *   Include a password captured from a form in this request (automatic
   *   provisioning); bulk runs never have one.
   * @param array|false|null $status
   *   The user's status row when the caller already loaded it (bulk runs
   *   load a chunk's rows in one query; NULL = no row); FALSE = load it here.
   */
  public function fromAccount(UserInterface $account, bool $withPassword = TRUE, array|false|null $status = FALSE): array {
    $uid = (int) $account->id();
    $config = $this->configFactory->get('okta_user_sync.settings');
    $createMode = (string) $config->get('create_mode');
    $status = $status !== FALSE ? $status : ($uid > 0 ? $this->statusStorage->load($uid) : NULL);
    $snapshot = (new SnapshotBuilder())->build(
      $uid,
      (string) $account->getAccountName(),
      (string) $account->getEmail(),
      $account->isActive(),
      $account->getRoles(),
      $this->fields($account),
      $withPassword ? $this->passwordCapture->get($account) : NULL,
      // Drupal's hash only matters when users are created with it.
      $createMode === 'hash' ? $account->getPassword() : NULL,
      $status,
    );
    if (!isset($snapshot['okta_id'])) {
      // Only an unlinked account is matched by login, so only it can
      // collide with another account's Okta user; the engine decides.
      $source = $config->get('login_source') === 'name' ? 'name' : 'mail';
      $owner = $this->statusStorage->linkedOwnerOfLogin($uid, $source, $source === 'name' ? (string) $account->getAccountName() : (string) $account->getEmail());
      if ($owner !== NULL) {
        $snapshot['login_claimed_by'] = $owner;
      }
    }
    return $snapshot;
  }

  /**
   * Field values: field name => list of item values.
   */
  private function fields(UserInterface $account): array {
    $fields = [];
    foreach ($account->getFields(FALSE) as $name => $items) {
      if (in_array($name, self::SKIPPED_FIELDS, TRUE) || $items->isEmpty()) {
        continue;
      }
      $fields[$name] = $items->getValue();
    }
    return $fields;
  }

}
