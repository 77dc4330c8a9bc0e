<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Standalone;

use PHPUnit\Framework\TestCase;
use Symfony\Component\Yaml\Yaml;

/**
 * Checks the module's wiring without Drupal: files, YAML, classes, hooks.
 *
 * Drupal cannot be installed here, so this catches what a site would only
 * report at runtime: a route pointing to a missing class, a service whose
 * class is misspelled, a hook shim calling a method that does not exist, a
 * config key without schema.
 */
final class WiringTest extends TestCase {

  private const NS = 'Drupal\\okta_user_sync\\';

  /**
   * Root.
   */
  private static function root(): string {
    return dirname(__DIR__, 3);
  }

  /**
   * Module files with one of the given suffixes (vendor excluded).
   *
   * @return string[]
   *   Absolute paths.
   */
  private static function files(array $suffixes): array {
    $found = [];
    $iterator = new \RecursiveIteratorIterator(new \RecursiveDirectoryIterator(self::root(), \FilesystemIterator::SKIP_DOTS));
    foreach ($iterator as $file) {
      $path = $file->getPathname();
      if (str_contains($path, '/vendor/')) {
        continue;
      }
      foreach ($suffixes as $suffix) {
        if (str_ends_with($path, $suffix)) {
          $found[] = $path;
        }
      }
    }
    sort($found);
    return $found;
  }

  /**
   * Yaml.
   */
  private static function yaml(string $name): array {
    $path = self::root() . '/' . $name;
    return is_file($path) ? (array) Yaml::parseFile($path) : [];
  }

  /**
   * The source of a module class, or NULL when its PSR-4 file is missing.
   */
  private static function classSource(string $class): ?string {
    $class = ltrim($class, '\\');
    if (!str_starts_with($class, self::NS)) {
      return NULL;
    }
    $path = self::root() . '/src/' . str_replace('\\', '/', substr($class, strlen(self::NS))) . '.php';
    return is_file($path) ? (string) file_get_contents($path) : NULL;
  }

  /**
   * Asserts a module class exists in its PSR-4 file (and has $method).
   */
  private function assertModuleClass(string $class, ?string $method, string $where): void {
    $class = ltrim($class, '\\');
    $this->assertStringStartsWith(self::NS, $class, "$where: $class is not a class of this module");
    $source = self::classSource($class);
    $this->assertNotNull($source, "$where: no file for $class");
    $short = substr($class, strrpos($class, '\\') + 1);
    $namespace = substr($class, 0, strrpos($class, '\\'));
    $this->assertMatchesRegularExpression('/^namespace ' . preg_quote($namespace, '/') . ';/m', $source, "$where: wrong namespace in the file of $class");
    $this->assertMatchesRegularExpression('/^(final |abstract )?(class|interface) ' . preg_quote($short, '/') . '\b/m', $source, "$where: $class not declared in its file");
    if ($method !== NULL) {
      $this->assertMatchesRegularExpression('/function ' . preg_quote($method, '/') . '\(/', $source, "$where: $class has no method $method()");
    }
  }

  /**
   * The routing file's route callbacks ('service:method'), by their class.
   *
   * @return array<string, string>
   *   Callback => class of its service.
   */
  private static function routeCallbacks(): array {
    $services = self::yaml('okta_user_sync.services.yml')['services'] ?? [];
    $out = [];
    foreach ((array) (self::yaml('okta_user_sync.routing.yml')['route_callbacks'] ?? []) as $callback) {
      [$service] = explode(':', (string) $callback);
      $out[(string) $callback] = (string) ($services[$service]['class'] ?? "(no service $service)");
    }
    return $out;
  }

  /**
   * Tests every php file lints.
   */
  public function testEveryPhpFileLints(): void {
    $files = self::files(['.php', '.module', '.install', '.inc']);
    $this->assertNotEmpty($files);
    foreach ($files as $file) {
      $output = [];
      $code = 0;
      exec(escapeshellarg(PHP_BINARY) . ' -n -l ' . escapeshellarg($file) . ' 2>&1', $output, $code);
      $this->assertSame(0, $code, implode("\n", $output));
    }
  }

  /**
   * Tests every yaml file parses.
   */
  public function testEveryYamlFileParses(): void {
    $files = self::files(['.yml', '.yaml']);
    $this->assertGreaterThanOrEqual(8, count($files));
    foreach ($files as $file) {
      try {
        Yaml::parseFile($file);
      }
      catch (\Throwable $e) {
        $this->fail("$file: " . $e->getMessage());
      }
    }
    $this->addToAssertionCount(count($files));
  }

  /**
   * Tests info file.
   */
  public function testInfoFile(): void {
    $info = self::yaml('okta_user_sync.info.yml');
    $this->assertSame('module', $info['type']);
    $this->assertSame('^10.3 || ^11', $info['core_version_requirement']);
    $this->assertArrayHasKey($info['configure'], self::yaml('okta_user_sync.routing.yml'), 'configure route exists');
  }

  /**
   * Tests routes point to existing classes.
   */
  public function testRoutesPointToExistingClasses(): void {
    $routes = self::yaml('okta_user_sync.routing.yml');
    $this->assertNotEmpty($routes);
    $permissions = self::yaml('okta_user_sync.permissions.yml');
    foreach (self::routeCallbacks() as $callback => $class) {
      $this->assertModuleClass($class, explode(':', $callback)[1], "route callback $callback");
      // The routes it builds name module classes too.
      preg_match_all("/'_controller' => '([^']+)'/", (string) self::classSource($class), $m);
      $this->assertNotEmpty($m[1], "route callback $callback builds no controller route");
      foreach ($m[1] as $controller) {
        [$target, $method] = explode('::', $controller) + [1 => '__invoke'];
        $this->assertModuleClass($target, $method, "route callback $callback");
      }
    }
    unset($routes['route_callbacks']);
    foreach ($routes as $name => $route) {
      $defaults = $route['defaults'] ?? [];
      if (isset($defaults['_form'])) {
        $this->assertModuleClass($defaults['_form'], 'buildForm', "route $name");
      }
      elseif (isset($defaults['_controller'])) {
        [$class, $method] = explode('::', $defaults['_controller']) + [1 => '__invoke'];
        $this->assertModuleClass($class, $method, "route $name");
      }
      else {
        $this->fail("route $name has neither _form nor _controller");
      }
      $permission = $route['requirements']['_permission'] ?? NULL;
      if ($permission !== NULL) {
        foreach (preg_split('/[+,]/', $permission) as $one) {
          $this->assertArrayHasKey($one, $permissions + ['access content' => 1], "route $name: unknown permission $one");
        }
      }
      else {
        $this->assertNotEmpty($route['requirements'] ?? [], "route $name has no access requirement");
      }
    }
  }

  /**
   * Tests links point to routes.
   */
  public function testLinksPointToRoutes(): void {
    $routes = self::yaml('okta_user_sync.routing.yml');
    foreach (['links.menu', 'links.task', 'links.action'] as $kind) {
      foreach (self::yaml("okta_user_sync.$kind.yml") as $id => $link) {
        $this->assertArrayHasKey($link['route_name'], $routes, "$kind $id");
        if (isset($link['base_route'])) {
          $this->assertArrayHasKey($link['base_route'], $routes, "$kind $id base_route");
        }
      }
    }
  }

  /**
   * Tests services exist and arguments resolve.
   */
  public function testServicesExistAndArgumentsResolve(): void {
    $services = self::yaml('okta_user_sync.services.yml')['services'] ?? [];
    $this->assertNotEmpty($services);
    foreach ($services as $id => $service) {
      $class = $service['class'] ?? (str_starts_with((string) $id, self::NS) ? $id : NULL);
      if ($class !== NULL) {
        $this->assertModuleClass($class, isset($service['arguments']) ? '__construct' : NULL, "service $id");
        $this->assertConstructorArity($class, count($service['arguments'] ?? []), "service $id");
      }
      foreach ($service['arguments'] ?? [] as $argument) {
        if (is_string($argument) && str_starts_with($argument, '@okta_user_sync.')) {
          $this->assertArrayHasKey(substr($argument, 1), $services, "service $id: argument $argument");
        }
      }
      foreach ($service['tags'] ?? [] as $tag) {
        if (($tag['name'] ?? '') === 'needs_destruction') {
          $this->assertModuleClass($class, 'destruct', "service $id (needs_destruction)");
        }
      }
    }
  }

  /**
   * The constructor takes as many parameters as services.yml passes.
   */
  private function assertConstructorArity(string $class, int $given, string $where): void {
    $source = (string) self::classSource($class);
    if (preg_match('/function __construct\((.*?)\)\s*\{/s', $source, $m) !== 1) {
      $this->assertSame(0, $given, "$where: arguments given but no constructor");
      return;
    }
    $params = trim($m[1]) === '' ? [] : array_filter(array_map('trim', explode(',', rtrim(trim($m[1]), ','))));
    $required = count(array_filter($params, fn(string $p) => !str_contains($p, '=')));
    $this->assertGreaterThanOrEqual($required, $given, "$where: constructor needs $required arguments");
    $this->assertLessThanOrEqual(count($params), $given, "$where: constructor takes " . count($params) . ' arguments');
  }

  /**
   * Tests hook shims call existing service methods.
   */
  public function testHookShimsCallExistingServiceMethods(): void {
    $module = (string) file_get_contents(self::root() . '/okta_user_sync.module');
    $services = self::yaml('okta_user_sync.services.yml')['services'] ?? [];
    preg_match_all('/^use (Drupal\\\\okta_user_sync\\\\[^;]+);/m', $module, $uses);
    $imports = [];
    foreach ($uses[1] as $fqcn) {
      $imports[substr($fqcn, strrpos($fqcn, '\\') + 1)] = $fqcn;
    }
    preg_match_all('/#\[LegacyHook\]\s*function okta_user_sync_(\w+)\(.*?\{\s*(.*?)\n\}/s', $module, $shims, PREG_SET_ORDER);
    $this->assertNotEmpty($shims, 'no #[LegacyHook] shims found');
    $shimHooks = [];
    foreach ($shims as [, $hook, $body]) {
      $this->assertMatchesRegularExpression('/^(return )?\\\\Drupal::service\((\w+)::class\)->(\w+)\(/', trim($body), "shim $hook must be one line into a service");
      preg_match('/\\\\Drupal::service\((\w+)::class\)->(\w+)\(/', $body, $call);
      $class = $imports[$call[1]] ?? '';
      $this->assertArrayHasKey($class, $services, "shim $hook: $class is not a service (needed on Drupal 10.3)");
      $this->assertModuleClass($class, $call[2], "shim $hook");
      // The OOP implementation carries the matching #[Hook] attribute.
      $source = (string) self::classSource($class);
      $this->assertMatchesRegularExpression('/#\[Hook\(\'' . preg_quote($hook, '/') . '\'\)\]\s*(\#\[[^\]]+\]\s*)*public function ' . preg_quote($call[2], '/') . '\(/', $source, "shim $hook: $class::{$call[2]}() lacks #[Hook('$hook')]");
      $shimHooks[] = $hook;
    }
    // And every #[Hook] has its shim, so Drupal 10.3 runs it too.
    foreach (self::files(['.php']) as $file) {
      if (!str_contains($file, '/src/Hook/')) {
        continue;
      }
      preg_match_all('/#\[Hook\(\'(\w+)\'/', (string) file_get_contents($file), $hooks);
      foreach ($hooks[1] as $hook) {
        $this->assertContains($hook, $shimHooks, basename($file) . ": #[Hook('$hook')] has no #[LegacyHook] shim");
      }
    }
  }

  /**
   * Tests config install is covered by schema.
   */
  public function testConfigInstallIsCoveredBySchema(): void {
    $schema = self::yaml('config/schema/okta_user_sync.schema.yml');
    $dir = self::root() . '/config/install';
    $files = glob($dir . '/*.yml') ?: [];
    $this->assertNotEmpty($files);
    foreach ($files as $file) {
      $name = basename($file, '.yml');
      $this->assertArrayHasKey($name, $schema, "$name has no schema");
      $this->assertCovered((array) Yaml::parseFile($file), $schema[$name], $name, $schema);
    }
  }

  /**
   * Recursively checks that every key of $data has a schema entry.
   */
  private function assertCovered(mixed $data, array $definition, string $path, array $types): void {
    // Resolve named types defined in this module (e.g. a shared mapping).
    while (isset($definition['type'], $types[$definition['type']]) && !isset($definition['mapping']) && !isset($definition['sequence'])) {
      $definition = $types[$definition['type']] + ['type' => NULL];
    }
    $type = $definition['type'] ?? 'mapping';
    if (isset($definition['mapping'])) {
      $this->assertIsArray($data, "$path: expected a mapping");
      foreach ($data as $key => $value) {
        $this->assertArrayHasKey($key, $definition['mapping'], "$path.$key has no schema");
        $this->assertCovered($value, $definition['mapping'][$key], "$path.$key", $types);
      }
      return;
    }
    if ($type === 'sequence') {
      $this->assertIsArray($data, "$path: expected a sequence");
      foreach ($data as $key => $value) {
        $this->assertCovered($value, $definition['sequence'] ?? [], "$path.$key", $types);
      }
      return;
    }
    $scalars = ['string', 'label', 'text', 'uri', 'email', 'path', 'integer', 'float', 'boolean', 'machine_name'];
    $this->assertContains($type, $scalars, "$path: unexpected type $type");
    $this->assertTrue(is_scalar($data) || $data === NULL, "$path: a $type must be a scalar");
    $check = match ($type) {
      'integer' => is_int($data),
      'float' => is_float($data) || is_int($data),
      'boolean' => is_bool($data),
      default => is_string($data),
    };
    $this->assertTrue($check, "$path: value does not match type $type");
  }

  /**
   * Tests referenced services and routes exist.
   */
  public function testReferencedServicesAndRoutesExist(): void {
    $services = self::yaml('okta_user_sync.services.yml')['services'] ?? [];
    $routes = self::yaml('okta_user_sync.routing.yml');
    // Routes built by route callbacks ($collection->add('name', ...)).
    foreach (self::routeCallbacks() as $class) {
      preg_match_all("/->add\\('(okta_user_sync\\.[a-z0-9_.]+)'/", (string) self::classSource($class), $m);
      $routes += array_fill_keys($m[1], []);
    }
    $checked = 0;
    foreach (self::files(['.php', '.module', '.install']) as $file) {
      if (str_contains($file, '/tests/')) {
        continue;
      }
      $source = (string) file_get_contents($file);
      preg_match_all("/(?:container->get|Drupal::service)\\('(okta_user_sync\\.[a-z0-9_.]+)'\\)/", $source, $m);
      foreach ($m[1] as $id) {
        $this->assertArrayHasKey($id, $services, basename($file) . " uses unknown service $id");
        $checked++;
      }
      preg_match_all("/(?:fromRoute|setRedirect)\\('(okta_user_sync\\.[a-z0-9_.]+)'/", $source, $m);
      foreach ($m[1] as $route) {
        $this->assertArrayHasKey($route, $routes, basename($file) . " uses unknown route $route");
        $checked++;
      }
    }
    $this->assertGreaterThan(10, $checked);
  }

  /**
   * Tests queue worker matches queue name.
   */
  public function testQueueWorkerMatchesQueueName(): void {
    $source = self::classSource(self::NS . 'Plugin\\QueueWorker\\SyncQueueWorker');
    $this->assertNotNull($source, 'queue worker plugin missing');
    $this->assertMatchesRegularExpression('/#\[QueueWorker\(\s*id: \'okta_user_sync\'/', $source);
  }

  /**
   * Tests drush commands have create.
   */
  public function testDrushCommandsHaveCreate(): void {
    $this->assertModuleClass(self::NS . 'Drush\\Commands\\OktaSyncCommands', 'create', 'drush');
    $source = (string) self::classSource(self::NS . 'Drush\\Commands\\OktaSyncCommands');
    foreach (['okta-sync:test', 'okta-sync:user', 'okta-sync:all', 'okta-sync:status'] as $command) {
      $this->assertStringContainsString("#[CLI\\Command(name: '$command'", $source);
    }
  }

  /**
   * Tests uninstall removes every storage name used in src.
   *
   * Every State key, queue and key-value collection in src/ is removed by
   * hook_uninstall (secrets above all).
   */
  public function testUninstallRemovesEveryStorageNameUsedInSrc(): void {
    $install = (string) file_get_contents(self::root() . '/okta_user_sync.install');
    $this->assertSame(1, preg_match('/function okta_user_sync_uninstall\(.*?\n\}/s', $install, $m), 'hook_uninstall missing');
    $uninstall = $m[0];
    $names = [];
    foreach (self::files(['.php']) as $file) {
      if (str_contains($file, '/tests/')) {
        continue;
      }
      $source = (string) file_get_contents($file);
      // Constants naming a State key, queue or collection. A lock name, a
      // flood event and a dispatched event's name are not stored data; the
      // table goes with the schema.
      preg_match_all("/const ([A-Z_]+) = '(okta_user_sync[a-z0-9_.]*)'/", $source, $found, PREG_SET_ORDER);
      foreach ($found as [, $const, $name]) {
        if (!in_array($const, ['LOCK', 'TABLE', 'FLOOD_EVENT'], TRUE) && !str_contains($file, '/src/Event/')) {
          $names[$name] = basename($file);
        }
      }
      // Literal State / key-value names.
      preg_match_all("/(?:state|stateStore|keyValue)->(?:get|set|delete)\('(okta_user_sync\.[a-z0-9_.]+)'/", $source, $found);
      foreach ($found[1] as $name) {
        $names[$name] = basename($file);
      }
    }
    $secretStore = (string) file_get_contents(self::root() . '/src/SecretStore.php');
    $this->assertSame(1, preg_match('/const NAMES = \[(.*?)\];/', $secretStore, $secrets));
    preg_match_all("/'([a-z_]+)'/", $secrets[1], $secretNames);
    $this->assertNotEmpty($secretNames[1]);
    foreach ($secretNames[1] as $secret) {
      // SecretStore::stateKey().
      $names['okta_user_sync.' . $secret] = 'SecretStore.php';
    }
    $this->assertGreaterThan(15, count($names), 'the scan found too little: ' . implode(', ', array_keys($names)));
    foreach ($names as $name => $file) {
      $this->assertStringContainsString("'$name'", $uninstall, "$file stores $name, which hook_uninstall leaves behind");
    }
  }

}
