<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Import;

/**
 * One Okta user as okta_sync_pull() returns it (a normalised record).
 *
 * Built from the extension's array so the importer never indexes into an
 * untyped array: a record missing its id or status is rejected here, once.
 */
final class OktaRecord {

  /**
   * Constructs a record.
   *
   * @param string $id
   *   The Okta user id (00u…).
   * @param string $login
   *   The profile.login.
   * @param string $email
   *   The profile.email.
   * @param string $status
   *   The Okta status (ACTIVE, STAGED, SUSPENDED, DEPROVISIONED, …).
   * @param array<string, scalar|null> $fields
   *   Mapped Drupal field values, keyed by Drupal field key (import_map).
   * @param string $lastUpdated
   *   ISO-8601 lastUpdated.
   */
  public function __construct(
    public readonly string $id,
    public readonly string $login,
    public readonly string $email,
    public readonly string $status,
    public readonly array $fields,
    public readonly string $lastUpdated,
  ) {}

  /**
   * Builds a record from one entry of okta_sync_pull()['users'].
   *
   * @throws \UnexpectedValueException
   *   When the entry lacks an id or a status.
   */
  public static function fromArray(array $user): self {
    $id = $user['id'] ?? NULL;
    $status = $user['status'] ?? NULL;
    if (!is_string($id) || $id === '' || !is_string($status) || $status === '') {
      throw new \UnexpectedValueException('An Okta record without id or status was returned by okta_sync_pull().');
    }
    $fields = [];
    foreach ((array) ($user['fields'] ?? []) as $key => $value) {
      // Okta attributes may be arrays (multi-valued); Drupal base fields here
      // take scalars, so arrays are flattened to a comma list.
      $fields[(string) $key] = is_array($value) ? implode(', ', array_map('strval', $value)) : $value;
    }
    return new self(
      $id,
      (string) ($user['login'] ?? ''),
      (string) ($user['email'] ?? ''),
      strtoupper($status),
      $fields,
      (string) ($user['last_updated'] ?? ''),
    );
  }

}
