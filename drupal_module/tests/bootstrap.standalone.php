<?php

/**
 * @file
 * Bootstrap of the standalone (Drupal-free) tests of okta_user_sync.
 *
 * Registers PSR-4 autoloading for the module's framework-free classes
 * (Engine\: the seam to the okta_sync extension) and the standalone
 * tests. Nothing else under
 * Drupal\okta_user_sync\ may be loaded here: those classes need Drupal.
 */

declare(strict_types=1);

spl_autoload_register(static function (string $class): void {
  $map = [
    'Drupal\\okta_user_sync\\Engine\\' => __DIR__ . '/../src/Engine/',
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
