<?php

/**
 * @file
 * Autoloads the framework-free import classes for the standalone tests.
 *
 * Drupal\okta_user_sync\Import\Drupal\* (the Drupal adapters) is excluded:
 * those classes need Drupal. Required by every Import test and the hook
 * fixture, because the shared standalone bootstrap maps only Sync\.
 */

declare(strict_types=1);

spl_autoload_register(static function (string $class): void {
  $prefix = 'Drupal\\okta_user_sync\\Import\\';
  if (!str_starts_with($class, $prefix) || str_starts_with($class, $prefix . 'Drupal\\')) {
    return;
  }
  $file = dirname(__DIR__, 4) . '/src/Import/' . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
  if (is_file($file)) {
    require $file;
  }
});
