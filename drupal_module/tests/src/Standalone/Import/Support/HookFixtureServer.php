<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Standalone\Import\Support;

/**
 * Serves tests/fixtures/import_hooks/index.php with `php -S` on loopback.
 *
 * Each instance has its own data directory (config.json in, ledger/queue/
 * flood JSON and requests.log out) and its own port.
 */
final class HookFixtureServer {

  /**
   * The proc_open() handle.
   *
   * @var resource
   */
  private $process;

  private function __construct(public readonly string $url, public readonly string $dir, $process) {
    $this->process = $process;
  }

  /**
   * Starts a server with this configuration.
   */
  public static function start(array $config): self {
    $dir = sys_get_temp_dir() . '/okta-import-fixture-' . bin2hex(random_bytes(6));
    mkdir($dir, 0700);
    file_put_contents("$dir/config.json", json_encode($config, JSON_THROW_ON_ERROR));
    $fixture = dirname(__DIR__, 4) . '/fixtures/import_hooks';
    // Let the OS pick a free port, then hand it to php -S.
    $probe = stream_socket_server('tcp://127.0.0.1:0');
    $port = (int) substr((string) stream_socket_get_name($probe, FALSE), strrpos((string) stream_socket_get_name($probe, FALSE), ':') + 1);
    fclose($probe);
    $pipes = [];
    // setsid: the server and the workers it forks get a process group of
    // their own, so stop() can end them all (terminating php -S alone leaves
    // its PHP_CLI_SERVER_WORKERS running).
    $process = proc_open(
      ['setsid', PHP_BINARY, ...self::extensionArgs(), '-S', "127.0.0.1:$port", '-t', $fixture, "$fixture/index.php"],
      [0 => ['file', '/dev/null', 'r'], 1 => ['file', "$dir/server.out", 'w'], 2 => ['file', "$dir/server.out", 'a']],
      $pipes,
      $fixture,
      ['IMPORT_FIXTURE_DIR' => $dir, 'PHP_CLI_SERVER_WORKERS' => '4'] + getenv(),
    );
    if (!is_resource($process)) {
      throw new \RuntimeException('Could not start php -S for the hook fixture.');
    }
    $server = new self("http://127.0.0.1:$port", $dir, $process);
    $deadline = microtime(TRUE) + 10;
    while (microtime(TRUE) < $deadline) {
      $socket = @stream_socket_client("tcp://127.0.0.1:$port", $errno, $errstr, 0.2);
      if ($socket !== FALSE) {
        fclose($socket);
        return $server;
      }
      usleep(50000);
    }
    $server->stop();
    throw new \RuntimeException('The hook fixture server did not start: ' . @file_get_contents("$dir/server.out"));
  }

  /**
   * Loads this process's okta_sync into the server (the event hook needs it).
   *
   * @return list<string>
   *   ['-d', 'extension=/path/okta_sync.so'], or [] when it is not loaded
   *   from a file this process can name.
   */
  private static function extensionArgs(): array {
    $path = (string) getenv('OKTA_SYNC_EXT');
    if ($path === '' && extension_loaded('okta_sync')) {
      // The very file this process loaded (make test-module: -d extension=).
      foreach (@file('/proc/self/maps') ?: [] as $line) {
        if (preg_match('~\s(/\S*okta_sync\S*\.so)$~', trim($line), $m) === 1) {
          $path = $m[1];
          break;
        }
      }
    }
    return $path === '' ? [] : ['-d', "extension=$path"];
  }

  /**
   * Rewrites config.json (takes effect on the next request).
   */
  public function configure(array $config): void {
    file_put_contents("{$this->dir}/config.json", json_encode($config, JSON_THROW_ON_ERROR));
  }

  /**
   * A JSON file the fixture wrote (ledger, queue, flood), decoded.
   */
  public function json(string $name): array {
    $path = "{$this->dir}/$name.json";
    return is_file($path) ? (array) json_decode((string) file_get_contents($path), TRUE) : [];
  }

  /**
   * Lines of requests.log ("METHOD /path STATUS").
   *
   * @return list<string>
   *   One per request.
   */
  public function requests(): array {
    $path = "{$this->dir}/requests.log";
    return is_file($path) ? array_values(array_filter(explode("\n", (string) file_get_contents($path)))) : [];
  }

  /**
   * One HTTP request to the fixture.
   *
   * @return array{status: int, body: string, headers: array<string, string>}
   *   The response.
   */
  public function request(string $method, string $path, array $headers = [], string $body = ''): array {
    $lines = ['Content-Length: ' . strlen($body)];
    foreach ($headers as $name => $value) {
      $lines[] = "$name: $value";
    }
    $context = stream_context_create([
      'http' => [
        'method' => $method,
        'header' => implode("\r\n", $lines),
        'content' => $body,
        'ignore_errors' => TRUE,
        'timeout' => 10,
      ],
    ]);
    $response = @file_get_contents($this->url . $path, FALSE, $context);
    $status = 0;
    $out = [];
    foreach ($http_response_header ?? [] as $line) {
      if (preg_match('#^HTTP/\S+ (\d{3})#', $line, $m) === 1) {
        $status = (int) $m[1];
      }
      elseif (str_contains($line, ':')) {
        [$name, $value] = explode(':', $line, 2);
        $out[strtolower(trim($name))] = trim($value);
      }
    }
    return ['status' => $status, 'body' => $response === FALSE ? '' : $response, 'headers' => $out];
  }

  /**
   * Stops the server and its workers, and removes its data directory.
   *
   * @throws \RuntimeException
   *   When a process of the server is still alive afterwards.
   */
  public function stop(): void {
    if (is_resource($this->process)) {
      $pid = (int) proc_get_status($this->process)['pid'];
      self::signalGroup($pid, 15);
      $deadline = microtime(TRUE) + 5;
      while (self::groupAlive($pid) && microtime(TRUE) < $deadline) {
        usleep(20000);
      }
      if (self::groupAlive($pid)) {
        self::signalGroup($pid, 9);
        usleep(100000);
      }
      proc_close($this->process);
      if (self::groupAlive($pid)) {
        throw new \RuntimeException("The hook fixture server's process group $pid is still running.");
      }
    }
    foreach (glob("{$this->dir}/*") ?: [] as $file) {
      @unlink($file);
    }
    @rmdir($this->dir);
  }

  /**
   * Sends a signal to every process of the group $pgid.
   */
  private static function signalGroup(int $pgid, int $signal): void {
    if (function_exists('posix_kill')) {
      posix_kill(-$pgid, $signal);
      return;
    }
    exec(sprintf('kill -%d -- -%d 2>/dev/null', $signal, $pgid));
  }

  /**
   * Whether a live (not zombie) process of the group $pgid remains.
   */
  private static function groupAlive(int $pgid): bool {
    foreach (glob('/proc/[0-9]*/stat') ?: [] as $stat) {
      $line = @file_get_contents($stat);
      // "pid (comm) state ppid pgrp ...": comm may hold spaces, so split
      // after its closing parenthesis.
      if ($line === FALSE || ($close = strrpos($line, ')')) === FALSE) {
        continue;
      }
      $fields = explode(' ', trim(substr($line, $close + 2)));
      if (($fields[2] ?? '') === (string) $pgid && ($fields[0] ?? 'Z') !== 'Z') {
        return TRUE;
      }
    }
    return FALSE;
  }

}
