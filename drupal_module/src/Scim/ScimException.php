<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Scim;

/**
 * A SCIM error found on the Drupal side (storage), answered as SCIM Error.
 *
 * The detail is sent to the SCIM client: it never quotes a secret.
 */
final class ScimException extends \RuntimeException {

  /**
   * Constructs the exception.
   *
   * @param int $status
   *   The HTTP status (4xx/5xx).
   * @param string|null $scimType
   *   The RFC 7644 scimType (e.g. 'uniqueness'), if any.
   * @param string $detail
   *   What went wrong, for the SCIM client.
   */
  public function __construct(
    public readonly int $status,
    public readonly ?string $scimType,
    public readonly string $detail,
  ) {
    parent::__construct($detail);
  }

}
