<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync;

use Drupal\Core\Config\ConfigFactoryInterface;
use Drupal\okta_user_sync\Event\PushEvent;
use Drupal\user\UserInterface;
use Symfony\Contracts\EventDispatcher\EventDispatcherInterface;

/**
 * Builds the extension's user snapshot from a Drupal account.
 *
 * Keys: see okta_sync.stubs.php ("User snapshot array"). Optional keys
 * are left out rather than sent as NULL.
 */
class SnapshotFactory {

  /**
   * Fields that are not profile data (name and mail stay: mappable).
   *
   * The one list: snapshots leave them out, and the mapping forms do not
   * offer them.
   */
  public const UNMAPPABLE_FIELDS = [
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
    private readonly EventDispatcherInterface $eventDispatcher,
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
    $status = $status !== FALSE ? $status : ($uid > 0 ? $this->statusStorage->load($uid) : NULL);
    $snapshot = [
      'uid' => $uid,
      'name' => (string) $account->getAccountName(),
      'mail' => (string) $account->getEmail(),
      'status' => $account->isActive(),
      'roles' => array_values(array_diff($account->getRoles(), ['anonymous'])),
      'fields' => $this->fields($account),
    ];
    $password = $withPassword ? $this->passwordCapture->get($account) : NULL;
    if ($password !== NULL && $password !== '') {
      $snapshot['password'] = $password;
    }
    // Drupal's hash only matters when users are created with it.
    if ($config->get('create_mode') === 'hash' && (string) $account->getPassword() !== '') {
      $snapshot['pass_hash'] = (string) $account->getPassword();
    }
    foreach (['okta_id', 'profile_hash', 'okta_status'] as $key) {
      if (isset($status[$key]) && is_string($status[$key]) && $status[$key] !== '') {
        $snapshot[$key] = $status[$key];
      }
    }
    // The engine decides the next retry from the failures so far.
    $snapshot['attempts'] = max(0, (int) ($status['attempts'] ?? 0));
    // Integrators change what Okta gets (see okta_user_sync.api.php).
    $event = $this->eventDispatcher->dispatch(new PushEvent($account), PushEvent::NAME);
    if ($event->getLogin() !== NULL) {
      $snapshot['okta_login'] = $event->getLogin();
    }
    if ($event->getProfile() !== []) {
      $snapshot['okta_profile'] = $event->getProfile();
    }
    if ($event->getGroups() !== NULL) {
      $snapshot['okta_groups'] = $event->getGroups();
    }
    if (!isset($snapshot['okta_id'])) {
      // Only an unlinked account is matched by login, so only it can
      // collide with another account's Okta user; the engine decides.
      $source = $config->get('login_source') === 'name' ? 'name' : 'mail';
      $owner = $this->statusStorage->linkedOwnerOfLogin($uid, $source, $source === 'name' ? $snapshot['name'] : $snapshot['mail']);
      if ($owner !== NULL) {
        $snapshot['login_claimed_by'] = $owner;
      }
    }
    return $snapshot;
  }

  /**
   * Field values: field name => the first item's main scalar value.
   *
   * The extension takes scalars; attribute_map names the field, and a
   * field's main property (value, target_id, ...) is its first scalar.
   */
  private function fields(UserInterface $account): array {
    $fields = [];
    foreach ($account->getFields(FALSE) as $name => $items) {
      if (in_array($name, self::UNMAPPABLE_FIELDS, TRUE) || $items->isEmpty()) {
        continue;
      }
      $scalar = self::firstScalar($items->getValue());
      if ($scalar !== NULL) {
        $fields[$name] = $scalar;
      }
    }
    return $fields;
  }

  /**
   * The value itself when scalar, else the first scalar found depth-first.
   */
  private static function firstScalar(mixed $value): string|int|float|bool|null {
    if (is_scalar($value)) {
      return $value;
    }
    foreach (is_array($value) ? $value : [] as $item) {
      $scalar = self::firstScalar($item);
      if ($scalar !== NULL) {
        return $scalar;
      }
    }
    return NULL;
  }

}
