<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Import\Drupal;

use Drupal\Core\PageCache\ResponsePolicy\KillSwitch;
use Drupal\okta_user_sync\Import\HookResponse;
use Symfony\Component\HttpFoundation\Request;
use Symfony\Component\HttpFoundation\Response;

/**
 * Converts between Symfony requests/responses and the framework-free hooks.
 */
final class HookResponder {

  /**
   * Constructs the responder.
   */
  public function __construct(private readonly KillSwitch $pageCacheKillSwitch) {}

  /**
   * Request headers as name => first value.
   *
   * @return array<string, string>
   *   Lower-case header names.
   */
  public function headers(Request $request): array {
    $headers = [];
    foreach ($request->headers->all() as $name => $values) {
      $headers[strtolower((string) $name)] = (string) (is_array($values) ? ($values[0] ?? '') : $values);
    }
    return $headers;
  }

  /**
   * The Symfony response; never cached (answers depend on headers).
   */
  public function respond(HookResponse $response): Response {
    $this->pageCacheKillSwitch->trigger();
    $symfony = new Response($response->body, $response->status, $response->headers);
    $symfony->setPrivate();
    $symfony->headers->addCacheControlDirective('no-store');
    return $symfony;
  }

}
