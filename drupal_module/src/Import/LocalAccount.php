<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Import;

/**
 * What the importer needs to know about one Drupal account.
 */
final class LocalAccount {

  /**
   * Constructs the account view.
   *
   * @param int $uid
   *   The Drupal user id.
   * @param string $name
   *   The account name.
   * @param string $mail
   *   The account email.
   * @param bool $active
   *   TRUE when not blocked.
   * @param array<string, scalar|null> $fields
   *   Current values of the mapped Drupal field keys.
   * @param string|null $oktaId
   *   The linked Okta user id, NULL when not linked yet.
   */
  public function __construct(
    public readonly int $uid,
    public readonly string $name,
    public readonly string $mail,
    public readonly bool $active,
    public readonly array $fields = [],
    public readonly ?string $oktaId = NULL,
  ) {}

  /**
   * The account as okta_sync_import_decide() takes it.
   */
  public function toArray(): array {
    return [
      'uid' => $this->uid,
      'name' => $this->name,
      'mail' => $this->mail,
      'active' => $this->active,
      'fields' => $this->fields,
      'okta_id' => $this->oktaId,
    ];
  }

}
