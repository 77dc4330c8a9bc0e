<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Import;

/**
 * The import's own settings, read once from the module configuration.
 *
 * Config keys (okta_user_sync.settings): direction, login_source,
 * login_suffix, import_active_statuses, import_map (list of {drupal, okta}),
 * import_block_missing, import_page_size, attribute_authority (list of
 * {field, owner}), guard_max_share, guard_max_count (shared with the push).
 */
final class ImportSettings {

  /**
   * Okta statuses that always block the linked Drupal account.
   */
  public const BLOCK_STATUSES = ['DEPROVISIONED', 'SUSPENDED'];

  /**
   * Okta statuses that make an active Drupal account unless configured.
   */
  public const DEFAULT_ACTIVE_STATUSES = ['ACTIVE', 'PASSWORD_EXPIRED', 'LOCKED_OUT', 'RECOVERY'];

  /**
   * Constructs the settings.
   *
   * @param string $direction
   *   One of 'drupal_to_okta', 'okta_to_drupal' or 'both'.
   * @param list<string> $activeStatuses
   *   Okta statuses that make an active Drupal account.
   * @param array<string, string> $importMap
   *   Drupal field key => Okta attribute.
   * @param string $loginSource
   *   'mail' or 'name': how an Okta login matches a Drupal account.
   * @param string $loginSuffix
   *   With 'name': the suffix appended to the Drupal name to form the login.
   * @param bool $blockMissing
   *   Reconcile runs block linked accounts whose Okta user is gone.
   * @param int $pageSize
   *   Okta page size (1..200).
   * @param array<string, string> $authority
   *   Drupal field key => 'okta' | 'drupal' (used when direction is 'both').
   * @param float $guardMaxShare
   *   Reconcile guard: largest share of linked accounts blocked as missing.
   * @param int $guardMaxCount
   *   Reconcile guard: largest number of accounts blocked as missing.
   */
  public function __construct(
    public readonly string $direction = 'okta_to_drupal',
    public readonly array $activeStatuses = self::DEFAULT_ACTIVE_STATUSES,
    public readonly array $importMap = [],
    public readonly string $loginSource = 'mail',
    public readonly string $loginSuffix = '',
    public readonly bool $blockMissing = FALSE,
    public readonly int $pageSize = 200,
    public readonly array $authority = [],
    public readonly float $guardMaxShare = 0.1,
    public readonly int $guardMaxCount = 50,
  ) {}

  /**
   * Builds the settings from the module's configuration array.
   */
  public static function fromConfig(array $config): self {
    $direction = (string) ($config['direction'] ?? 'okta_to_drupal');
    if (!in_array($direction, ['drupal_to_okta', 'okta_to_drupal', 'both'], TRUE)) {
      $direction = 'drupal_to_okta';
    }
    $active = array_values(array_map(
      static fn ($s): string => strtoupper((string) $s),
      array_filter((array) ($config['import_active_statuses'] ?? self::DEFAULT_ACTIVE_STATUSES)),
    ));
    // A blocking status can never make an active account, whatever the
    // configuration says: the issue requires those users to be blocked.
    $active = array_values(array_diff($active, self::BLOCK_STATUSES));
    $map = self::pairs($config['import_map'] ?? [], 'drupal', 'okta');
    $authority = array_filter(
      self::pairs($config['attribute_authority'] ?? [], 'field', 'owner'),
      static fn (string $owner): bool => $owner === 'okta' || $owner === 'drupal',
    );
    $loginSource = ($config['login_source'] ?? 'mail') === 'name' ? 'name' : 'mail';
    $pageSize = (int) ($config['import_page_size'] ?? 200);
    return new self(
      $direction,
      $active,
      $map,
      $loginSource,
      (string) ($config['login_suffix'] ?? ''),
      (bool) ($config['import_block_missing'] ?? FALSE),
      max(1, min(200, $pageSize)),
      $authority,
      (float) ($config['guard_max_share'] ?? 0.1),
      (int) ($config['guard_max_count'] ?? 50),
    );
  }

  /**
   * Reads a key => value setting.
   *
   * Stored either as a map or, as config schema sequences require, as a list
   * of two-key mappings.
   *
   * @return array<string, string>
   *   Non-empty string values keyed by non-empty string keys.
   */
  private static function pairs(mixed $value, string $keyName, string $valueName): array {
    $pairs = [];
    foreach ((array) $value as $key => $item) {
      if (is_array($item)) {
        $key = $item[$keyName] ?? '';
        $item = $item[$valueName] ?? '';
      }
      if (is_string($item) && $item !== '' && (string) $key !== '') {
        $pairs[(string) $key] = $item;
      }
    }
    return $pairs;
  }

  /**
   * Whether Okta → Drupal import is enabled at all.
   */
  public function importEnabled(): bool {
    return $this->direction === 'okta_to_drupal' || $this->direction === 'both';
  }

  /**
   * The extension settings of the import (added to the connection's).
   *
   * @return array
   *   direction, login_source, login_suffix, import_active_statuses,
   *   import_map and attribute_authority, as okta_sync_pull() and
   *   okta_sync_import_decide() read them.
   */
  public function extensionSettings(): array {
    $settings = [
      'direction' => $this->direction,
      'login_source' => $this->loginSource,
      'import_active_statuses' => $this->activeStatuses,
      'import_map' => $this->importMap,
    ];
    if ($this->loginSource === 'name' && trim($this->loginSuffix) !== '') {
      $settings['login_suffix'] = trim($this->loginSuffix);
    }
    if ($this->authority !== []) {
      $settings['attribute_authority'] = $this->authority;
    }
    return $settings;
  }

}
