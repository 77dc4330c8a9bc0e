<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Engine;

/**
 * The status-report lines of hook_requirements(), from plain facts.
 *
 * Texts are returned as ['text' => ..., 'args' => [...]] so that the
 * .install file can translate them with t().
 */
final class RequirementsEvaluator {

  public const OK = 0;
  public const WARNING = 1;
  public const ERROR = 2;

  /**
   * Lowest supported extension version (inclusive).
   */
  public const MIN_VERSION = '0.1.0';

  /**
   * First unsupported extension version (exclusive).
   */
  public const MAX_VERSION = '0.2.0';

  /**
   * Failures at or above this count turn the failures line into an error.
   */
  private const FAILURE_ERROR_THRESHOLD = 50;

  /**
   * Evaluates the requirements.
   *
   * @param string $phase
   *   The phase: 'install', 'update' or 'runtime'.
   * @param string|null $version
   *   okta_sync_version(), or NULL when the extension is not loaded.
   * @param bool $hasCredentials
   *   Whether URL and credentials are configured (runtime only).
   * @param int $failures
   *   Users whose last sync failed (runtime only).
   * @param array|null $lastTest
   *   The last configuration test: ok (bool), time (int), message (string).
   *
   * @return array
   *   hook_requirements() items with abstract severities.
   */
  public function evaluate(string $phase, ?string $version, bool $hasCredentials, int $failures, ?array $lastTest): array {
    $items = ['okta_user_sync_extension' => $this->extension($version)];
    if ($phase !== 'runtime') {
      // Only a missing or incompatible extension matters before runtime.
      return $items['okta_user_sync_extension']['severity'] === self::ERROR ? $items : [];
    }
    $items['okta_user_sync_connection'] = $this->connection($hasCredentials, $lastTest);
    $items['okta_user_sync_failures'] = $this->failures($failures);
    return $items;
  }

  /**
   * Whether $version is within [MIN_VERSION, MAX_VERSION).
   */
  public static function isCompatible(string $version): bool {
    $core = preg_replace('/[-+].*$/', '', trim($version)) ?? '';
    if (preg_match('/^\d+\.\d+\.\d+$/', $core) !== 1) {
      return FALSE;
    }
    return version_compare($core, self::MIN_VERSION, '>=') && version_compare($core, self::MAX_VERSION, '<');
  }

  /**
   * The extension line.
   */
  private function extension(?string $version): array {
    $item = ['title' => $this->text('Okta User Sync: okta_sync PHP extension')];
    if ($version === NULL) {
      return $item + [
        'value' => $this->text('Not loaded'),
        'description' => $this->text('The okta_sync PHP extension is required. Build and enable it (make build && make install, or extension=okta_sync.so in php.ini), then restart PHP.'),
        'severity' => self::ERROR,
      ];
    }
    if (!self::isCompatible($version)) {
      return $item + [
        'value' => $this->text('@version (incompatible)', ['@version' => $version]),
        'description' => $this->text('This module needs okta_sync >= @min and < @max.', [
          '@min' => self::MIN_VERSION,
          '@max' => self::MAX_VERSION,
        ]),
        'severity' => self::ERROR,
      ];
    }
    return $item + ['value' => $this->text('@version', ['@version' => $version]), 'severity' => self::OK];
  }

  /**
   * The credentials / last test line.
   */
  private function connection(bool $hasCredentials, ?array $lastTest): array {
    $item = ['title' => $this->text('Okta User Sync: connection')];
    if (!$hasCredentials) {
      return $item + [
        'value' => $this->text('Not configured'),
        'description' => $this->text('Enter the Okta Portal URL and an API token (or OAuth service app credentials) on the Okta User Sync configuration page.'),
        'severity' => self::WARNING,
      ];
    }
    if ($lastTest === NULL) {
      return $item + [
        'value' => $this->text('Configured, not tested'),
        'description' => $this->text('Use "Save and Test Configuration" to check the connection.'),
        'severity' => self::WARNING,
      ];
    }
    if (empty($lastTest['ok'])) {
      return $item + [
        'value' => $this->text('Last test failed'),
        'description' => $this->text('@message', ['@message' => (string) ($lastTest['message'] ?? '')]),
        'severity' => self::WARNING,
      ];
    }
    return $item + ['value' => $this->text('Configured, last test succeeded'), 'severity' => self::OK];
  }

  /**
   * The recent failures line.
   */
  private function failures(int $failures): array {
    $item = ['title' => $this->text('Okta User Sync: failed users')];
    if ($failures === 0) {
      return $item + ['value' => $this->text('None'), 'severity' => self::OK];
    }
    return $item + [
      'value' => $failures === 1 ? $this->text('1 user') : $this->text('@count users', ['@count' => (string) $failures]),
      'description' => $this->text('The last sync of these users failed. See the <a href=":status_url">Okta User Sync status page</a>, where they can be retried.'),
      'severity' => $failures >= self::FAILURE_ERROR_THRESHOLD ? self::ERROR : self::WARNING,
    ];
  }

  /**
   * A translatable text.
   */
  private function text(string $text, array $args = []): array {
    return ['text' => $text, 'args' => $args];
  }

}
