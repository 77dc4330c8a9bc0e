<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Engine;

use Drupal\okta_user_sync\Engine\Exception\MissingCredentialsException;

/**
 * Turns the module's config values plus the secret into the settings array.
 *
 * The settings array is what every okta_sync_* function takes (keys: see
 * okta_sync.stubs.php). Config keys that are Drupal-only (push_mode, queue
 * and scheduler settings, ...) are left out, because the extension rejects
 * unknown keys.
 */
final class SettingsAssembler {

  public const OPERATIONS = ['read', 'create', 'update', 'deactivate', 'delete'];

  public const METHODS = ['manual', 'automatic', 'scheduled'];

  /**
   * The SCIM settings array (okta_sync_scim_* functions) from config.
   *
   * @param array $config
   *   The okta_user_sync.settings config data.
   * @param string $baseUrl
   *   The absolute SCIM base URL Okta is given (meta.location, $ref).
   * @param string[] $adminRoles
   *   Roles with the "is admin" flag: never assigned over SCIM, whatever
   *   the mapping says (administrator is protected by the engine anyway).
   */
  public function scim(array $config, string $baseUrl, array $adminRoles): array {
    return [
      'base_url' => rtrim($baseUrl, '/'),
      'user_name_field' => ($config['scim_user_name_field'] ?? 'mail') === 'name' ? 'name' : 'mail',
      'attribute_map' => $this->rowsToMap($config['scim_attribute_map'] ?? [], 'scim', 'drupal'),
      'role_map' => $this->rowsToMap($config['scim_role_map'] ?? [], 'group', 'role'),
      'create_roles' => (bool) ($config['scim_create_roles'] ?? FALSE),
      'protected_roles' => array_values(array_unique(array_merge(['administrator'], $this->stringList($adminRoles)))),
      // The import's attribute authority holds for SCIM too.
      'direction' => in_array($config['direction'] ?? '', ['okta_to_drupal', 'both'], TRUE) ? $config['direction'] : 'drupal_to_okta',
      'attribute_authority' => array_filter(
        $this->rowsToMap($config['attribute_authority'] ?? [], 'field', 'owner'),
        static fn (string $owner): bool => in_array($owner, ['okta', 'drupal'], TRUE),
      ),
    ];
  }

  /**
   * Builds the settings array.
   *
   * @param array $config
   *   The okta_user_sync.settings config data.
   * @param array $secrets
   *   The secrets: 'api_token' and/or 'oauth_private_key' (string|null).
   * @param array $overrides
   *   Extension settings that win over config (e.g. shorter timeouts for
   *   inline pushes, or the import keys of the Okta -> Drupal side).
   *
   * @throws \Drupal\okta_user_sync\Engine\Exception\MissingCredentialsException
   *   When the URL or the credentials for the chosen method are missing.
   */
  public function assemble(array $config, array $secrets, array $overrides = []): array {
    $missing = $this->missing($config, $secrets);
    if ($missing !== []) {
      throw new MissingCredentialsException('Okta connection not configured: missing ' . implode(', ', $missing) . '.');
    }
    $settings = ['org_url' => rtrim(trim((string) $config['org_url']), '/')];
    if ($this->authMethod($config) === 'oauth') {
      $settings['oauth_client_id'] = trim((string) $config['oauth_client_id']);
      $settings['oauth_private_key'] = (string) $secrets['oauth_private_key'];
      if (trim((string) ($config['oauth_key_id'] ?? '')) !== '') {
        $settings['oauth_key_id'] = trim((string) $config['oauth_key_id']);
      }
      // The extension's oauth_dpop: 'auto', or TRUE / FALSE.
      $settings['oauth_dpop'] = match ($config['oauth_dpop'] ?? 'auto') {
        'required' => TRUE,
        'off' => FALSE,
        default => 'auto',
      };
      $scopes = $this->stringList($config['oauth_scopes'] ?? []);
      if ($scopes !== []) {
        $settings['oauth_scopes'] = $scopes;
      }
    }
    else {
      $settings['api_token'] = trim((string) $secrets['api_token']);
    }
    if (trim((string) ($config['ca_file'] ?? '')) !== '') {
      $settings['ca_file'] = trim((string) $config['ca_file']);
    }
    foreach (['connect_timeout', 'request_timeout'] as $key) {
      if (isset($config[$key]) && (float) $config[$key] > 0) {
        $settings[$key] = (float) $config[$key];
      }
    }
    if (isset($config['max_retries'])) {
      $settings['max_retries'] = max(0, (int) $config['max_retries']);
    }
    $settings += $this->provisioning($config);
    return array_replace($settings, $overrides);
  }

  /**
   * Whether the connection is fully configured.
   */
  public function isConfigured(array $config, array $secrets): bool {
    return $this->missing($config, $secrets) === [];
  }

  /**
   * Human names of what is missing for a connection (no values).
   *
   * @return string[]
   *   Empty when everything needed is present.
   */
  public function missing(array $config, array $secrets): array {
    $missing = [];
    if (trim((string) ($config['org_url'] ?? '')) === '') {
      $missing[] = 'Okta Portal URL';
    }
    if ($this->authMethod($config) === 'oauth') {
      if (trim((string) ($config['oauth_client_id'] ?? '')) === '') {
        $missing[] = 'OAuth client ID';
      }
      if (trim((string) ($secrets['oauth_private_key'] ?? '')) === '') {
        $missing[] = 'OAuth private key';
      }
    }
    elseif (trim((string) ($secrets['api_token'] ?? '')) === '') {
      $missing[] = 'Okta API token';
    }
    return $missing;
  }

  /**
   * The provisioning part of the settings.
   */
  private function provisioning(array $config): array {
    $settings = [];
    foreach (['direction', 'create_mode', 'on_delete', 'login_source'] as $key) {
      if (is_string($config[$key] ?? NULL) && $config[$key] !== '') {
        $settings[$key] = $config[$key];
      }
    }
    $operations = [];
    foreach (self::METHODS as $method) {
      $operations[$method] = array_values(array_intersect(self::OPERATIONS, $this->stringList($config['operations'][$method] ?? [])));
    }
    $settings['operations'] = $operations;
    foreach (['activation_email', 'provision_blocked', 'password_sync'] as $key) {
      if (isset($config[$key])) {
        $settings[$key] = (bool) $config[$key];
      }
    }
    if (($settings['login_source'] ?? '') === 'name' && trim((string) ($config['login_suffix'] ?? '')) !== '') {
      $settings['login_suffix'] = trim((string) $config['login_suffix']);
    }
    foreach (['first_name_field', 'last_name_field'] as $key) {
      if (trim((string) ($config[$key] ?? '')) !== '') {
        $settings[$key] = trim((string) $config[$key]);
      }
    }
    $settings['attribute_map'] = $this->rowsToMap($config['attribute_map'] ?? [], 'okta', 'drupal');
    // With both directions on, who owns each field: the extension leaves
    // Okta-owned fields out of pushes and Drupal-owned ones out of imports.
    $authority = array_filter(
      $this->rowsToMap($config['attribute_authority'] ?? [], 'field', 'owner'),
      static fn (string $owner): bool => in_array($owner, ['okta', 'drupal'], TRUE),
    );
    if ($authority !== []) {
      $settings['attribute_authority'] = $authority;
    }
    $settings['group_map'] = $this->groupMap($config['group_map'] ?? []);
    if (isset($config['guard_max_share'])) {
      $settings['guard_max_share'] = min(1.0, max(0.0, (float) $config['guard_max_share']));
    }
    if (isset($config['guard_max_count'])) {
      $settings['guard_max_count'] = max(0, (int) $config['guard_max_count']);
    }
    // The import (Okta -> Drupal): which statuses make an active account
    // (the engine validates them and always blocks SUSPENDED and
    // DEPROVISIONED) and which Okta attribute fills which Drupal field.
    if (isset($config['import_active_statuses'])) {
      $settings['import_active_statuses'] = $this->stringList($config['import_active_statuses']);
    }
    $settings['import_map'] = $this->rowsToMap($config['import_map'] ?? [], 'drupal', 'okta');
    // The retry policy; the engine decides each outcome's retry from it.
    foreach (['backoff_base', 'backoff_max', 'max_attempts'] as $key) {
      if (isset($config[$key]) && (int) $config[$key] > 0) {
        $settings[$key] = (int) $config[$key];
      }
    }
    return $settings;
  }

  /**
   * Config stores pairs (schema-friendly); the extension wants a map.
   *
   * Rows are [{$key: k, $value: v}, ...]; a plain map k => v is read too.
   *
   * @return array<string, string>
   *   k => v for the rows with both non-empty.
   */
  private function rowsToMap(mixed $rows, string $key, string $value): array {
    $map = [];
    foreach (is_array($rows) ? $rows : [] as $k => $row) {
      [$k, $v] = is_array($row) ? [$row[$key] ?? '', $row[$value] ?? ''] : [$k, $row];
      if (is_scalar($k) && is_scalar($v) && trim((string) $k) !== '' && trim((string) $v) !== '') {
        $map[trim((string) $k)] = trim((string) $v);
      }
    }
    return $map;
  }

  /**
   * Role => list of Okta group names, from config pairs.
   *
   * @return array<string, string[]>
   *   Drupal role id => Okta group names.
   */
  private function groupMap(mixed $rows): array {
    $map = [];
    foreach (is_array($rows) ? $rows : [] as $row) {
      $role = trim((string) ($row['role'] ?? ''));
      $groups = $this->stringList($row['groups'] ?? []);
      if ($role !== '' && $groups !== []) {
        $map[$role] = array_values(array_unique(array_merge($map[$role] ?? [], $groups)));
      }
    }
    return $map;
  }

  /**
   * The configured authentication method.
   */
  private function authMethod(array $config): string {
    return ($config['auth_method'] ?? 'api_token') === 'oauth' ? 'oauth' : 'api_token';
  }

  /**
   * A list of non-empty trimmed strings.
   *
   * @return string[]
   *   The strings, in order.
   */
  private function stringList(mixed $value): array {
    $list = [];
    foreach (is_array($value) ? $value : [] as $item) {
      if (is_scalar($item) && trim((string) $item) !== '') {
        $list[] = trim((string) $item);
      }
    }
    return $list;
  }

}
