<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Sync;

/**
 * Builds the user snapshot array the extension takes, from plain values.
 *
 * Keys: see okta_sync.stubs.php ("User snapshot array"). Optional keys are
 * left out rather than sent as NULL.
 */
final class SnapshotBuilder {

  /**
   * Roles every account has; they map to no Okta group on their own.
   */
  private const IMPLICIT_ROLES = ['anonymous'];

  /**
   * Builds one snapshot.
   *
   * @param int $uid
   *   Drupal user ID.
   * @param string $name
   *   Account name.
   * @param string $mail
   *   Email address.
   * @param bool $active
   *   TRUE when the account is not blocked.
   * @param string[] $roles
   *   Role IDs.
   * @param array $fields
   *   Field key => value; values that are not scalars are reduced to their
   *   first scalar (a field's main property) or dropped.
   * @param string|null $password
   *   Plaintext password submitted by a form in this request, if any.
   * @param string|null $passHash
   *   Drupal's stored password hash.
   * @param array|null $status
   *   The user's okta_user_sync_status row (okta_id, profile_hash,
   *   okta_status), if any.
   */
  public function build(int $uid, string $name, string $mail, bool $active, array $roles, array $fields, ?string $password = NULL, ?string $passHash = NULL, ?array $status = NULL): array {
    $snapshot = [
      'uid' => $uid,
      'name' => $name,
      'mail' => $mail,
      'status' => $active,
      'roles' => array_values(array_diff(array_map('strval', $roles), self::IMPLICIT_ROLES)),
      'fields' => $this->scalarFields($fields),
    ];
    if ($password !== NULL && $password !== '') {
      $snapshot['password'] = $password;
    }
    if ($passHash !== NULL && $passHash !== '') {
      $snapshot['pass_hash'] = $passHash;
    }
    foreach (['okta_id', 'profile_hash', 'okta_status'] as $key) {
      if (isset($status[$key]) && is_string($status[$key]) && $status[$key] !== '') {
        $snapshot[$key] = $status[$key];
      }
    }
    return $snapshot;
  }

  /**
   * Returns a copy safe to keep outside the request (queue, logs).
   *
   * The plaintext password must never be stored; the hash is dropped too
   * because the worker reloads the account and reads it again.
   */
  public static function withoutSecrets(array $snapshot): array {
    unset($snapshot['password'], $snapshot['pass_hash']);
    return $snapshot;
  }

  /**
   * Reduces field values to scalars.
   */
  private function scalarFields(array $fields): array {
    $out = [];
    foreach ($fields as $key => $value) {
      $scalar = $this->firstScalar($value);
      if ($scalar !== NULL) {
        $out[(string) $key] = $scalar;
      }
    }
    return $out;
  }

  /**
   * The value itself when scalar, else the first scalar found depth-first.
   */
  private function firstScalar(mixed $value): string|int|float|bool|null {
    if (is_scalar($value)) {
      return $value;
    }
    if (is_array($value)) {
      foreach ($value as $item) {
        $scalar = $this->firstScalar($item);
        if ($scalar !== NULL) {
          return $scalar;
        }
      }
    }
    return NULL;
  }

}
