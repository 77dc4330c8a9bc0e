<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Standalone\Support;

/**
 * Starts the fake Okta server (tests/okta-fake) once per test run.
 *
 * The binary is target/release/okta-fake (override: OKTA_FAKE_BIN). It prints
 * "listening on http://127.0.0.1:PORT" first; control endpoints live under
 * /__fake/. The process is stopped when PHP exits.
 */
final class FakeOkta {

  public const TOKEN = 'standalone-test-token-0123456789abcdef';

  /**
   * The shared instance.
   */
  private static ?FakeOkta $instance = NULL;

  /**
   * The proc_open() handle.
   *
   * @var resource
   */
  private $process;

  private function __construct(private readonly string $baseUrl, $process) {
    $this->process = $process;
  }

  /**
   * The running fake (started on first use).
   */
  public static function instance(): self {
    if (self::$instance === NULL) {
      self::$instance = self::start();
      register_shutdown_function(static function (): void {
        self::$instance?->stop();
      });
    }
    return self::$instance;
  }

  /**
   * Starts a separate fake with extra command-line arguments.
   *
   * The caller stops it (stop()); e.g. ['--oauth-client', 'ID=/path/key.pem'].
   */
  public static function startWith(array $arguments): self {
    return self::start($arguments);
  }

  /**
   * The fake's base URL, e.g. http://127.0.0.1:41234.
   */
  public function url(): string {
    return $this->baseUrl;
  }

  /**
   * Forgets every user, group and knob.
   */
  public function reset(): void {
    $this->control('POST', '/__fake/reset');
  }

  /**
   * The fake's state (users, groups, ...), decoded.
   */
  public function state(): array {
    return $this->control('GET', '/__fake/state');
  }

  /**
   * Sets fault/latency knobs (see tests/okta-fake/README.md).
   */
  public function knobs(array $knobs): array {
    return $this->control('POST', '/__fake/knobs', $knobs);
  }

  /**
   * Calls a control endpoint.
   */
  public function control(string $method, string $path, ?array $body = NULL): array {
    return $this->request($method, $path, $body, []);
  }

  /**
   * Calls the Okta API of the fake with the test token.
   */
  public function api(string $method, string $path, ?array $body = NULL): array {
    return $this->request($method, $path, $body, ['Authorization: SSWS ' . self::TOKEN]);
  }

  /**
   * Stops the process.
   */
  public function stop(): void {
    if (is_resource($this->process)) {
      proc_terminate($this->process);
      proc_close($this->process);
    }
  }

  /**
   * One HTTP request; returns the decoded JSON body (or [] for none).
   */
  private function request(string $method, string $path, ?array $body, array $headers): array {
    $headers[] = 'Accept: application/json';
    $content = '';
    if ($body !== NULL) {
      $headers[] = 'Content-Type: application/json';
      $content = json_encode($body, JSON_THROW_ON_ERROR);
    }
    $headers[] = 'Content-Length: ' . strlen($content);
    $context = stream_context_create([
      'http' => [
        'method' => $method,
        'header' => implode("\r\n", $headers),
        'content' => $content,
        'ignore_errors' => TRUE,
        'timeout' => 10,
      ],
    ]);
    $response = @file_get_contents($this->baseUrl . $path, FALSE, $context);
    if ($response === FALSE) {
      throw new \RuntimeException("Fake Okta request failed: $method $path");
    }
    if (trim($response) === '') {
      return [];
    }
    $decoded = json_decode($response, TRUE);
    return is_array($decoded) ? $decoded : ['raw' => $response];
  }

  /**
   * Starts the binary and waits for its "listening on" line.
   */
  private static function start(array $arguments = []): self {
    $bin = getenv('OKTA_FAKE_BIN') ?: dirname(__DIR__, 5) . '/target/release/okta-fake';
    if (!is_executable($bin)) {
      throw new \RuntimeException("Fake Okta binary not found at $bin: run `make build` first.");
    }
    // Stdout goes to a file, not a pipe: a chatty fake can never block on a
    // full pipe that nobody reads.
    $log = tempnam(sys_get_temp_dir(), 'okta-fake-');
    $pipes = [];
    $process = proc_open(
      array_merge([$bin, '--listen', '127.0.0.1:0', '--token', self::TOKEN], $arguments),
      [0 => ['pipe', 'r'], 1 => ['file', $log, 'w'], 2 => ['file', $log . '.err', 'w']],
      $pipes,
    );
    if (!is_resource($process)) {
      throw new \RuntimeException("Could not start $bin");
    }
    fclose($pipes[0]);
    $deadline = microtime(TRUE) + 20;
    $m = [];
    while (microtime(TRUE) < $deadline) {
      if (preg_match('#listening on (http://\S+)#', (string) file_get_contents($log), $m) === 1) {
        break;
      }
      usleep(20000);
    }
    if (!isset($m[1])) {
      proc_terminate($process);
      throw new \RuntimeException('Fake Okta did not report its address: ' . file_get_contents($log) . file_get_contents($log . '.err'));
    }
    return new self(rtrim($m[1], '/'), $process);
  }

}
