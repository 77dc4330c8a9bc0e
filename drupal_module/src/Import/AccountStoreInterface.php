<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Import;

/**
 * The Drupal side of an import: finds, creates, updates and links accounts.
 *
 * The Drupal adapter wraps the user entity storage and the module's
 * okta_user_sync_status table; tests use an in-memory store.
 */
interface AccountStoreInterface {

  /**
   * Finds the account linked to an Okta user.
   */
  public function findByOktaId(string $oktaId): ?LocalAccount;

  /**
   * Finds an account by email (case-insensitive).
   */
  public function findByMail(string $mail): ?LocalAccount;

  /**
   * Finds an account by name (case-insensitive).
   */
  public function findByName(string $name): ?LocalAccount;

  /**
   * Creates an account linked to an Okta user.
   *
   * @param string $name
   *   The account name.
   * @param string $mail
   *   The account email.
   * @param bool $active
   *   Whether the account is active (else blocked).
   * @param array<string, scalar|null> $fields
   *   Mapped field values.
   * @param string $oktaId
   *   The Okta user id to link.
   * @param string $oktaStatus
   *   The Okta status to record.
   *
   * @return int
   *   The new uid.
   */
  public function create(string $name, string $mail, bool $active, array $fields, string $oktaId, string $oktaStatus): int;

  /**
   * Updates an account.
   *
   * @param int $uid
   *   The account.
   * @param array<string, mixed> $changes
   *   Keys: 'mail' (string), 'status' (bool: active) and mapped field keys.
   */
  public function update(int $uid, array $changes): void;

  /**
   * Links an account to an Okta user and records the Okta status.
   */
  public function link(int $uid, string $oktaId, string $oktaStatus): void;

  /**
   * Every linked account.
   *
   * @return array<int, string>
   *   uid => Okta user id.
   */
  public function linkedOktaIds(): array;

}
