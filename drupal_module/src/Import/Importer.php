<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Import;

/**
 * Applies Okta records to Drupal accounts: the import's rules in one place.
 *
 * - A new Okta user gets a Drupal account (active when its status is one of
 *   the configured active statuses), unless it is DEPROVISIONED or SUSPENDED.
 * - An existing, unlinked account with the same login (mail or name, per
 *   login_source) is linked rather than duplicated.
 * - Changed fields are written where Okta owns them (AttributeAuthority).
 * - DEPROVISIONED and SUSPENDED always block the linked account; an active
 *   status unblocks it only when Okta owns 'status'.
 * Every write goes through the echo guard, so the push never sends it back.
 */
final class Importer {

  public const CREATED = 'created';
  public const LINKED = 'linked';
  public const UPDATED = 'updated';
  public const BLOCKED = 'blocked';
  public const ACTIVATED = 'activated';
  public const UNCHANGED = 'unchanged';
  public const SKIPPED = 'skipped';

  /**
   * Constructs the importer.
   */
  public function __construct(
    private readonly AccountStoreInterface $accounts,
    private readonly EchoGuardInterface $echoGuard,
    private readonly ImportSettings $settings,
    private readonly AttributeAuthority $authority,
  ) {}

  /**
   * Applies one Okta record.
   *
   * @return array{action: string, uid: int|null, reason?: string}
   *   What happened.
   */
  public function apply(OktaRecord $record): array {
    $blocking = in_array($record->status, ImportSettings::BLOCK_STATUSES, TRUE);
    $activeStatus = in_array($record->status, $this->settings->activeStatuses, TRUE);

    $account = $this->accounts->findByOktaId($record->id);
    if ($account === NULL) {
      $account = $this->match($record);
      if ($account !== NULL && $account->oktaId !== NULL && $account->oktaId !== $record->id) {
        return $this->skip($account->uid, 'The matching Drupal account is linked to another Okta user.');
      }
    }

    if ($account === NULL) {
      return $this->create($record, $blocking, $activeStatus);
    }

    $justLinked = $account->oktaId === NULL;
    $changes = $this->changes($account, $record, $blocking, $activeStatus);
    $this->echoGuard->withoutPush(function () use ($account, $record, $changes): void {
      if ($changes !== []) {
        $this->accounts->update($account->uid, $changes);
      }
      // Always record the current Okta status, and the link on first match.
      $this->accounts->link($account->uid, $record->id, $record->status);
    });

    if (array_key_exists('status', $changes)) {
      $action = $changes['status'] ? self::ACTIVATED : self::BLOCKED;
    }
    elseif ($changes !== []) {
      $action = self::UPDATED;
    }
    else {
      $action = $justLinked ? self::LINKED : self::UNCHANGED;
    }
    return ['action' => $action, 'uid' => $account->uid];
  }

  /**
   * Blocks a linked account whose Okta user no longer exists.
   *
   * @return bool
   *   TRUE when the account was active and is now blocked.
   */
  public function blockMissing(int $uid): bool {
    // Only the import owns this decision: it is never pushed to Okta (the
    // Okta user is gone, a push would only fail).
    return (bool) $this->echoGuard->withoutPush(function () use ($uid): bool {
      $this->accounts->update($uid, ['status' => FALSE]);
      return TRUE;
    });
  }

  /**
   * Finds an unlinked candidate for an Okta user by its login.
   */
  private function match(OktaRecord $record): ?LocalAccount {
    if ($this->settings->loginSource === 'name') {
      $name = $this->nameFromLogin($record->login);
      return $name === '' ? NULL : $this->accounts->findByName($name);
    }
    foreach (array_unique(array_filter([$record->login, $record->email])) as $mail) {
      $found = $this->accounts->findByMail($mail);
      if ($found !== NULL) {
        return $found;
      }
    }
    return NULL;
  }

  /**
   * Creates the Drupal account of a new Okta user.
   */
  private function create(OktaRecord $record, bool $blocking, bool $activeStatus): array {
    if ($blocking) {
      return $this->skip(NULL, sprintf('Okta user is %s: no Drupal account is created for it.', $record->status));
    }
    $name = $this->settings->loginSource === 'name' ? $this->nameFromLogin($record->login) : $record->login;
    $mail = $record->email !== '' ? $record->email : $record->login;
    if ($name === '' || $mail === '') {
      return $this->skip(NULL, 'Okta user has no login or email.');
    }
    // The name is unique in Drupal; an unrelated account holding it (matched
    // neither by link nor by login) must not be overwritten.
    if ($this->accounts->findByName($name) !== NULL || $this->accounts->findByMail($mail) !== NULL) {
      return $this->skip(NULL, 'A different Drupal account already uses this name or email.');
    }
    $uid = $this->echoGuard->withoutPush(
      fn (): int => $this->accounts->create($name, $mail, $activeStatus, $record->fields, $record->id, $record->status),
    );
    return ['action' => self::CREATED, 'uid' => (int) $uid];
  }

  /**
   * The writes an existing account needs.
   *
   * @return array<string, mixed>
   *   'mail', 'status' and field keys whose value differs.
   */
  private function changes(LocalAccount $account, OktaRecord $record, bool $blocking, bool $activeStatus): array {
    $incoming = $record->fields;
    if ($record->email !== '') {
      $incoming['mail'] = $record->email;
    }
    $changes = [];
    foreach ($this->authority->filterImport($incoming) as $field => $value) {
      $current = $field === 'mail' ? $account->mail : ($account->fields[$field] ?? NULL);
      // Email case is not meaningful in practice; a case-only difference
      // would make every run rewrite the account.
      $same = $field === 'mail' ? strcasecmp($account->mail, (string) $value) === 0 : self::same($current, $value);
      if (!$same) {
        $changes[$field] = $value;
      }
    }
    if ($blocking && $account->active) {
      // Security rule, independent of attribute ownership.
      $changes['status'] = FALSE;
    }
    elseif ($activeStatus && !$account->active && $this->authority->importMayWrite('status')) {
      $changes['status'] = TRUE;
    }
    return $changes;
  }

  /**
   * Derives the Drupal name from an Okta login with login_source 'name'.
   */
  private function nameFromLogin(string $login): string {
    $suffix = $this->settings->loginSuffix;
    if ($suffix !== '' && str_ends_with(strtolower($login), strtolower($suffix))) {
      return substr($login, 0, -strlen($suffix));
    }
    return $login;
  }

  /**
   * Compares a Drupal and an Okta value the way a text field stores them.
   */
  private static function same(mixed $drupal, mixed $okta): bool {
    if (is_bool($drupal) || is_bool($okta)) {
      return (bool) $drupal === (bool) $okta;
    }
    return (string) ($drupal ?? '') === (string) ($okta ?? '');
  }

  /**
   * A skipped outcome.
   */
  private function skip(?int $uid, string $reason): array {
    return ['action' => self::SKIPPED, 'uid' => $uid, 'reason' => $reason];
  }

}
