<?php

/**
 * @file
 * Bootstrap of the standalone (Drupal-free) tests of okta_user_sync.
 *
 * Registers PSR-4 autoloading for the module's framework-free classes (Sync\
 * and Import\) and the standalone tests. Nothing else under
 * Drupal\okta_user_sync\ may be loaded here, Import\Drupal\ included: those
 * classes need Drupal. Also required by the import hook fixture
 * (tests/fixtures/import_hooks/index.php), which runs in its own process.
 */

declare(strict_types=1);

spl_autoload_register(static function (string $class): void {
  // The Drupal adapters of the import need Drupal: never load them here.
  if (str_starts_with($class, 'Drupal\\okta_user_sync\\Import\\Drupal\\')) {
    return;
  }
  $map = [
    'Drupal\\okta_user_sync\\Sync\\' => __DIR__ . '/../src/Sync/',
    'Drupal\\okta_user_sync\\Import\\' => __DIR__ . '/../src/Import/',
    'Drupal\\Tests\\okta_user_sync\\Standalone\\' => __DIR__ . '/src/Standalone/',
  ];
  foreach ($map as $prefix => $dir) {
    if (str_starts_with($class, $prefix)) {
      $file = $dir . str_replace('\\', '/', substr($class, strlen($prefix))) . '.php';
      if (is_file($file)) {
        require $file;
      }
      return;
    }
  }
});

// Symfony YAML from the Debian package php-symfony-yaml (wiring test).
foreach (['/usr/share/php/Symfony/Component/Yaml/autoload.php'] as $yamlAutoload) {
  if (is_file($yamlAutoload)) {
    require_once $yamlAutoload;
  }
}
