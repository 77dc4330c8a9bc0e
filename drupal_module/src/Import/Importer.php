<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Import;

use Drupal\Core\Entity\EntityTypeManagerInterface;
use Drupal\okta_user_sync\AccountFinder;
use Drupal\okta_user_sync\Engine\Extension;
use Drupal\okta_user_sync\Event\ImportEvent;
use Drupal\okta_user_sync\PushCollector;
use Drupal\okta_user_sync\SyncStatusStorage;
use Drupal\user\UserInterface;
use Drupal\user\UserStorageInterface;
use Symfony\Contracts\EventDispatcher\EventDispatcherInterface;

/**
 * Writes Okta users into Drupal accounts, as the extension decides.
 *
 * The extension's okta_sync_import_decide() holds the import's rules (which
 * account an Okta user is, create / link / update / block, attribute
 * authority, active statuses); this service finds the candidate accounts by
 * the record's keys, lets ImportEvent subscribers change or veto the write,
 * and saves it. Every write runs with the push collector suppressed, so the
 * import is never pushed back to Okta.
 */
final class Importer {

  public const SKIPPED = 'skipped';

  /**
   * Constructs the importer.
   */
  public function __construct(
    private readonly EntityTypeManagerInterface $entityTypeManager,
    private readonly SyncStatusStorage $status,
    private readonly Extension $extension,
    private readonly PushCollector $pushCollector,
    private readonly EventDispatcherInterface $eventDispatcher,
    private readonly AccountFinder $accounts,
  ) {}

  /**
   * Imports one record of okta_sync_pull().
   *
   * @param array $record
   *   The pulled record (id, login, email, status, fields and the keys the
   *   engine adds: name, mail, match_field, match_values).
   * @param array $settings
   *   The extension settings (connection and import keys).
   *
   * @return array
   *   action (okta_sync_import_decide()'s), uid (NULL for a skipped create)
   *   and, for skips, reason.
   */
  public function apply(array $record, array $settings): array {
    if (!isset($record['match_values'])) {
      // Not from okta_sync_pull(): the engine names the keys all the same.
      $record += $this->extension->importKeys($settings, (string) ($record['login'] ?? ''), (string) ($record['email'] ?? ''));
    }
    $fields = array_keys((array) ($settings['import_map'] ?? []));
    $decision = $this->extension->importDecide($settings, $record, $this->candidates($record, $fields));
    $action = (string) $decision['action'];
    if ($action === self::SKIPPED) {
      return ['action' => $action, 'uid' => $decision['uid'], 'reason' => $decision['reason']];
    }
    $account = $decision['uid'] === NULL ? NULL : $this->storage()->load((int) $decision['uid']);
    if ($action !== 'created' && !$account instanceof UserInterface) {
      throw new ImportException(sprintf('Drupal user %d no longer exists.', (int) $decision['uid']));
    }
    $new = (array) ($decision['create'] ?? []);
    $values = $action === 'created'
      ? ['name' => $new['name'], 'mail' => $new['mail'], 'status' => (bool) $new['active']] + (array) $new['fields']
      : (array) $decision['changes'];
    $event = new ImportEvent($action, $record, $account, $values);
    $this->eventDispatcher->dispatch($event, ImportEvent::NAME);
    if ($event->getVetoReason() !== NULL) {
      return ['action' => self::SKIPPED, 'uid' => $decision['uid'], 'reason' => $event->getVetoReason()];
    }
    $values = $event->getValues();
    if ($action === 'unchanged' && $values !== []) {
      // A subscriber added values to an account the import left alone.
      $action = 'updated';
    }
    $uid = $this->withoutPush(function () use ($account, $values, $record): int {
      $account ??= $this->storage()->create(['init' => (string) $values['mail']]);
      if ($account->isNew() || $values !== []) {
        // No local password for a new account: it signs in through Okta.
        $this->write($account, $values);
        $account->save();
      }
      // Always record the current Okta status, and the link on first match.
      $this->status->link((int) $account->id(), (string) $record['id'], strtoupper((string) $record['status']));
      return (int) $account->id();
    });
    return ['action' => $action, 'uid' => $uid];
  }

  /**
   * Blocks the account of an Okta user that is gone.
   *
   * Gone: deleted, or missing from a reconcile's full listing. The import
   * owns this: it is never pushed (the Okta user is gone, a push would only
   * fail). Subscribers may veto it.
   *
   * @return bool
   *   Whether an active account was blocked.
   */
  public function blockGone(int $uid, string $oktaId): bool {
    $account = $this->storage()->load($uid);
    if (!$account instanceof UserInterface || !$account->isActive()) {
      return FALSE;
    }
    $event = new ImportEvent('blocked', ['id' => $oktaId, 'status' => 'DELETED'], $account, ['status' => FALSE]);
    $this->eventDispatcher->dispatch($event, ImportEvent::NAME);
    if ($event->getVetoReason() !== NULL) {
      return FALSE;
    }
    $this->withoutPush(function () use ($account, $event): void {
      $this->write($account, $event->getValues());
      $account->save();
    });
    return !$account->isActive();
  }

  /**
   * The Drupal accounts the engine decides among, found by the keys.
   *
   * @param array $record
   *   The pulled record.
   * @param string[] $fields
   *   The imported field keys (what the engine compares).
   */
  private function candidates(array $record, array $fields): array {
    $oktaId = is_string($record['id'] ?? NULL) ? $record['id'] : NULL;
    $uid = $oktaId === NULL ? NULL : $this->status->uidOfOktaId($oktaId);
    $linked = $uid === NULL ? NULL : $this->storage()->load($uid);
    $linked = $linked instanceof UserInterface ? $linked : NULL;
    $matched = NULL;
    // Lookups that found nothing (lookups ignore case), so that the name and
    // mail checks of a create do not ask again.
    $missed = [];
    if ($linked === NULL) {
      $property = ($record['match_field'] ?? 'mail') === 'name' ? 'name' : 'mail';
      foreach ((array) ($record['match_values'] ?? []) as $value) {
        if (($matched = $this->accounts->find($property, (string) $value)) !== NULL) {
          break;
        }
        $missed[$property . ':' . mb_strtolower((string) $value)] = TRUE;
      }
    }
    $taken = function (string $property) use ($record, $missed): bool {
      $value = (string) ($record[$property] ?? '');
      return !isset($missed[$property . ':' . mb_strtolower($value)]) && $this->accounts->find($property, $value) !== NULL;
    };
    $free = $linked === NULL && $matched === NULL;
    return [
      // The linked account's Okta id is the record's own.
      'linked' => $this->view($linked, $fields, $oktaId),
      'matched' => $this->view($matched, $fields, $matched === NULL ? NULL : ($this->status->load((int) $matched->id())['okta_id'] ?? NULL)),
      // Only a create needs these: an unrelated account keeps its name.
      'name_taken' => $free && $taken('name'),
      'mail_taken' => $free && $taken('mail'),
    ];
  }

  /**
   * An account as okta_sync_import_decide() reads it, with its Okta link.
   */
  private function view(?UserInterface $account, array $fields, ?string $oktaId): ?array {
    if ($account === NULL) {
      return NULL;
    }
    $values = [];
    foreach ($fields as $field) {
      if ($field !== 'mail' && $account->hasField($field)) {
        $values[$field] = $account->get($field)->value;
      }
    }
    return [
      'uid' => (int) $account->id(),
      'name' => (string) $account->getAccountName(),
      'mail' => (string) $account->getEmail(),
      'active' => $account->isActive(),
      'fields' => $values,
      'okta_id' => is_string($oktaId) && $oktaId !== '' ? $oktaId : NULL,
    ];
  }

  /**
   * Sets values on an account (status and mail through their setters).
   */
  private function write(UserInterface $account, array $values): void {
    foreach ($values as $field => $value) {
      if ($field === 'status') {
        $value ? $account->activate() : $account->block();
      }
      elseif ($field === 'mail') {
        $account->setEmail((string) $value);
      }
      elseif ($account->hasField($field)) {
        $account->set($field, $value);
      }
    }
  }

  /**
   * Runs an import write with pushes to Okta suppressed.
   *
   * It uses suppressAll(), not suppress($uid): a create has no uid before its
   * save.
   */
  private function withoutPush(callable $write): mixed {
    $this->pushCollector->suppressAll();
    try {
      return $write();
    }
    finally {
      $this->pushCollector->releaseAll();
    }
  }

  /**
   * The user storage.
   */
  private function storage(): UserStorageInterface {
    /** @var \Drupal\user\UserStorageInterface */
    return $this->entityTypeManager->getStorage('user');
  }

}
