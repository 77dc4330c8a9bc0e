<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Import;

use Drupal\okta_user_sync\Sync\Extension;

/**
 * Applies Okta records to Drupal accounts, as the extension decides.
 *
 * okta_sync_import_decide() holds the import's rules (which account an Okta
 * user is, create / link / update / block, attribute authority, active
 * statuses); this class looks the candidate accounts up by the record's
 * keys and writes the decision. Every write goes through the echo guard, so
 * the push never sends it back.
 */
final class Importer {

  public const CREATED = 'created';
  public const LINKED = 'linked';
  public const UPDATED = 'updated';
  public const BLOCKED = 'blocked';
  public const ACTIVATED = 'activated';
  public const UNCHANGED = 'unchanged';
  public const SKIPPED = 'skipped';

  public function __construct(
    private readonly AccountStoreInterface $accounts,
    private readonly EchoGuardInterface $echoGuard,
    private readonly Extension $extension,
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
   *   action (one of the constants), uid (NULL for a skipped create) and,
   *   for skips, reason.
   */
  public function apply(array $record, array $settings): array {
    if (!isset($record['match_values'])) {
      // Not from okta_sync_pull(): the engine names the keys all the same.
      $record += $this->extension->importKeys($settings, (string) ($record['login'] ?? ''), (string) ($record['email'] ?? ''));
    }
    $decision = $this->extension->importDecide($settings, $record, $this->candidates($record));
    $action = (string) $decision['action'];
    if ($action === self::SKIPPED) {
      return ['action' => $action, 'uid' => $decision['uid'], 'reason' => $decision['reason']];
    }
    $oktaId = (string) $record['id'];
    $status = strtoupper((string) $record['status']);
    if ($action === self::CREATED) {
      $new = $decision['create'];
      $uid = $this->echoGuard->withoutPush(
        fn (): int => $this->accounts->create((string) $new['name'], (string) $new['mail'], (bool) $new['active'], (array) $new['fields'], $oktaId, $status),
      );
      return ['action' => $action, 'uid' => (int) $uid];
    }
    $uid = (int) $decision['uid'];
    $changes = (array) $decision['changes'];
    $this->echoGuard->withoutPush(function () use ($uid, $changes, $oktaId, $status): void {
      if ($changes !== []) {
        $this->accounts->update($uid, $changes);
      }
      // Always record the current Okta status, and the link on first match.
      $this->accounts->link($uid, $oktaId, $status);
    });
    return ['action' => $action, 'uid' => $uid];
  }

  /**
   * Blocks an account whose Okta user is gone (reconcile with block_missing).
   *
   * Only the import owns this decision: it is never pushed to Okta (the
   * Okta user is gone, a push would only fail).
   */
  public function blockMissing(int $uid): bool {
    return (bool) $this->echoGuard->withoutPush(function () use ($uid): bool {
      $this->accounts->update($uid, ['status' => FALSE]);
      return TRUE;
    });
  }

  /**
   * The Drupal accounts the engine decides among, looked up by the keys.
   */
  private function candidates(array $record): array {
    $linked = is_string($record['id'] ?? NULL) ? $this->accounts->findByOktaId($record['id']) : NULL;
    $matched = NULL;
    if ($linked === NULL) {
      foreach ((array) ($record['match_values'] ?? []) as $value) {
        $matched = ($record['match_field'] ?? 'mail') === 'name'
          ? $this->accounts->findByName((string) $value)
          : $this->accounts->findByMail((string) $value);
        if ($matched !== NULL) {
          break;
        }
      }
    }
    $free = $linked === NULL && $matched === NULL;
    return [
      'linked' => $linked?->toArray(),
      'matched' => $matched?->toArray(),
      // Only a create needs these: an unrelated account must keep its name.
      'name_taken' => $free && (string) ($record['name'] ?? '') !== '' && $this->accounts->findByName((string) $record['name']) !== NULL,
      'mail_taken' => $free && (string) ($record['mail'] ?? '') !== '' && $this->accounts->findByMail((string) $record['mail']) !== NULL,
    ];
  }

}
