<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Import;

/**
 * Decides which side owns each mapped attribute.
 *
 * With one direction only, that direction's source owns everything. With both
 * directions on, the admin picks an owner per Drupal field key ('mail',
 * 'status' and mapped field keys); the owner's value wins a conflict, the
 * import never writes a Drupal-owned field and the push should never send an
 * Okta-owned one (see filterPushMap()). Fields nobody configured belong to
 * $defaultOwner.
 */
final class AttributeAuthority {

  public const OKTA = 'okta';
  public const DRUPAL = 'drupal';

  /**
   * Constructs the authority.
   *
   * @param string $direction
   *   One of 'drupal_to_okta', 'okta_to_drupal' or 'both'.
   * @param array<string, string> $owners
   *   Drupal field key => 'okta' | 'drupal'.
   * @param string $defaultOwner
   *   Owner of fields absent from $owners when both directions are on.
   */
  public function __construct(
    private readonly string $direction,
    private readonly array $owners = [],
    private readonly string $defaultOwner = self::DRUPAL,
  ) {}

  /**
   * Builds the authority from the import settings.
   */
  public static function fromSettings(ImportSettings $settings): self {
    return new self($settings->direction, $settings->authority);
  }

  /**
   * The side that owns a Drupal field key.
   */
  public function ownerOf(string $field): string {
    return match ($this->direction) {
      'okta_to_drupal' => self::OKTA,
      'drupal_to_okta' => self::DRUPAL,
      default => $this->owners[$field] ?? $this->defaultOwner,
    };
  }

  /**
   * Whether an import may overwrite this Drupal field.
   */
  public function importMayWrite(string $field): bool {
    return $this->ownerOf($field) === self::OKTA;
  }

  /**
   * Whether a push may send this Drupal field to Okta.
   */
  public function pushMaySend(string $field): bool {
    return $this->ownerOf($field) === self::DRUPAL;
  }

  /**
   * Keeps only the imported values the import may write.
   *
   * @param array<string, mixed> $fields
   *   Drupal field key => value from Okta.
   *
   * @return array<string, mixed>
   *   The subset owned by Okta.
   */
  public function filterImport(array $fields): array {
    return array_filter($fields, fn (string $field): bool => $this->importMayWrite($field), ARRAY_FILTER_USE_KEY);
  }

  /**
   * Removes Okta-owned fields from a push attribute map.
   *
   * @param array<string, string> $attributeMap
   *   Okta attribute => Drupal field key (the extension's attribute_map).
   *
   * @return array<string, string>
   *   The map without the attributes whose Drupal field Okta owns.
   */
  public function filterPushMap(array $attributeMap): array {
    return array_filter($attributeMap, fn ($field): bool => $this->pushMaySend((string) $field));
  }

  /**
   * Resolves a conflict: both sides changed a field since the last sync.
   */
  public function resolve(string $field, mixed $drupalValue, mixed $oktaValue): mixed {
    return $this->ownerOf($field) === self::OKTA ? $oktaValue : $drupalValue;
  }

}
