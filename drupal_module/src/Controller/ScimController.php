<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Controller;

use Drupal\Core\DependencyInjection\ContainerInjectionInterface;
use Drupal\Core\Flood\FloodInterface;
use Drupal\Core\PageCache\ResponsePolicy\KillSwitch;
use Drupal\okta_user_sync\Engine\Exception\ExtensionMissingException;
use Drupal\okta_user_sync\Engine\Extension;
use Drupal\okta_user_sync\Scim\ScimConfig;
use Drupal\okta_user_sync\Scim\ScimLog;
use Drupal\okta_user_sync\Scim\ScimServer;
use Symfony\Component\DependencyInjection\ContainerInterface;
use Symfony\Component\HttpFoundation\Request;
use Symfony\Component\HttpFoundation\Response;

/**
 * The SCIM 2.0 endpoint (default /scim/v2/*) that Okta provisioning calls.
 *
 * Order of checks: on/off (404 when off, as if absent), flood control of
 * failed sign-ins (429), the bearer token (okta_sync_scim_authorize():
 * HTTPS outside loopback, constant time against the stored hash), then
 * the engine parses the request and ScimServer carries it out. Writes are
 * logged with the SCIM client's request id and kept in the recent list.
 * Route access is open: the token is the credential.
 */
final class ScimController implements ContainerInjectionInterface {

  /**
   * Failed sign-ins allowed per client address and window.
   */
  private const FLOOD_LIMIT = 10;

  /**
   * The flood window, seconds.
   */
  private const FLOOD_WINDOW = 3600;

  /**
   * Most body bytes read: one more than the engine's cap.
   *
   * The engine's max_body_bytes is 1 MiB: a larger body is answered 413
   * without being read whole.
   */
  private const READ_LIMIT = 1024 * 1024 + 1;

  /**
   * The flood event name.
   */
  private const FLOOD_EVENT = 'okta_user_sync.scim_auth';

  /**
   * Constructs the controller.
   */
  public function __construct(
    private readonly ScimConfig $config,
    private readonly ScimServer $server,
    private readonly ScimLog $log,
    private readonly Extension $extension,
    private readonly FloodInterface $flood,
    private readonly KillSwitch $pageCacheKillSwitch,
  ) {}

  /**
   * {@inheritdoc}
   */
  public static function create(ContainerInterface $container): static {
    return new static(
      $container->get('okta_user_sync.scim_config'),
      $container->get('okta_user_sync.scim_server'),
      $container->get('okta_user_sync.scim_log'),
      $container->get('okta_user_sync.extension'),
      $container->get('flood'),
      $container->get('page_cache_kill_switch'),
    );
  }

  /**
   * Answers one SCIM request.
   */
  public function handle(Request $request): Response {
    $this->pageCacheKillSwitch->trigger();
    if (!$this->config->enabled()) {
      return $this->send([
        'status' => 404,
        'headers' => ['Content-Type' => 'text/plain; charset=utf-8'],
        'body' => 'Not Found',
      ]);
    }
    if (!$this->extension->isLoaded()) {
      return $this->send($this->plainError(503, (new ExtensionMissingException())->getMessage()));
    }
    $ip = (string) $request->getClientIp();
    if (!$this->flood->isAllowed(self::FLOOD_EVENT, self::FLOOD_LIMIT, self::FLOOD_WINDOW, $ip)) {
      $answer = $this->extension->scimResponse('error', [
        'status' => 429,
        'detail' => 'too many failed sign-ins from this address; try again later',
      ]);
      $answer['headers']['Retry-After'] = (string) self::FLOOD_WINDOW;
      return $this->send($answer);
    }
    $auth = $this->extension->scimAuthorize($request->headers->get('Authorization'), $request->isSecure(), $ip, $this->config->tokenHash());
    if (!$auth['ok']) {
      if (in_array($auth['reason'], ['invalid', 'missing'], TRUE)) {
        $this->flood->register(self::FLOOD_EVENT, self::FLOOD_WINDOW, $ip);
      }
      return $this->send($auth['response']);
    }
    // Failures are not cleared on success (a write per request): they
    // expire with the window.
    $scim = $this->config->engineSettings();
    $op = $this->extension->scimRequest([
      'method' => $request->getMethod(),
      // Below the base (ScimPathProcessor routed every such path here).
      'path' => '/' . ltrim(substr($request->getPathInfo(), strlen($this->config->basePath())), '/'),
      'query' => array_filter($request->query->all(), 'is_string'),
      'headers' => array_filter([
        'content-type' => $request->headers->get('Content-Type'),
        'if-match' => $request->headers->get('If-Match'),
      ], 'is_string'),
      'body' => $this->body($request),
    ], $scim);
    try {
      $answer = $op['response'] ?? $this->server->handle($op, $scim, ['delete' => $this->config->deleteMode()]);
    }
    catch (\Throwable $e) {
      // A storage failure (database, a module's hook) still gets a SCIM
      // answer, so Okta retries it; the details go to the site log only.
      $this->log->failure($e);
      $answer = $this->extension->scimResponse('error', [
        'status' => 500,
        'detail' => 'the site could not complete the request; its log has the details',
      ]);
    }
    $this->log->record($request, $op, $answer);
    return $this->send($answer);
  }

  /**
   * The request body, at most READ_LIMIT bytes of it.
   */
  private function body(Request $request): string {
    $stream = $request->getContent(TRUE);
    return is_resource($stream) ? (string) stream_get_contents($stream, self::READ_LIMIT) : '';
  }

  /**
   * The engine's response array as an HTTP response, never cached.
   */
  private function send(array $answer): Response {
    $response = new Response((string) $answer['body'], (int) $answer['status'], (array) $answer['headers']);
    $response->setPrivate();
    $response->headers->addCacheControlDirective('no-store');
    return $response;
  }

  /**
   * A SCIM-shaped error without the engine (it is missing).
   */
  private function plainError(int $status, string $detail): array {
    return [
      'status' => $status,
      'headers' => ['Content-Type' => 'application/scim+json'],
      'body' => json_encode([
        'schemas' => ['urn:ietf:params:scim:api:messages:2.0:Error'],
        'status' => (string) $status,
        'detail' => $detail,
      ]),
    ];
  }

}
