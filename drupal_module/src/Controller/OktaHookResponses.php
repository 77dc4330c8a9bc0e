<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Controller;

use Drupal\Core\PageCache\ResponsePolicy\KillSwitch;
use Symfony\Component\HttpFoundation\JsonResponse;
use Symfony\Component\HttpFoundation\Request;
use Symfony\Component\HttpFoundation\Response;

/**
 * What both Okta hook endpoints share: the secret check and the answers.
 *
 * Okta sends the configured secret verbatim in the Authorization header;
 * it is compared in constant time. Answers depend on request headers, so
 * none is ever cached, by Drupal's page cache or anything in between.
 */
trait OktaHookResponses {

  /**
   * The page cache kill switch (set by the controller's constructor).
   */
  protected KillSwitch $pageCacheKillSwitch;

  /**
   * Whether the request carries the configured secret.
   *
   * No secret configured means every call is refused.
   */
  protected function carriesSecret(Request $request, #[\SensitiveParameter] ?string $secret): bool {
    $given = $request->headers->get('Authorization');
    return $secret !== NULL && $secret !== '' && is_string($given) && hash_equals($secret, $given);
  }

  /**
   * A JSON answer.
   */
  protected function json(int $status, array $data, array $headers = []): Response {
    return $this->uncached(new JsonResponse($data, $status, $headers));
  }

  /**
   * An error with a short explanation that never echoes request data.
   */
  protected function refuse(int $status, string $message, array $headers = []): Response {
    return $this->json($status, ['error' => $message], $headers);
  }

  /**
   * An empty answer (204 No Content).
   */
  protected function noContent(): Response {
    return $this->uncached(new Response('', 204));
  }

  /**
   * Marks a response private and not storable, out of the page cache.
   */
  private function uncached(Response $response): Response {
    $this->pageCacheKillSwitch->trigger();
    $response->setPrivate();
    $response->headers->addCacheControlDirective('no-store');
    return $response;
  }

}
