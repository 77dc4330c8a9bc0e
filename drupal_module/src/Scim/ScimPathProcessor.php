<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Scim;

use Drupal\Core\Config\ConfigFactoryInterface;
use Drupal\Core\PathProcessor\InboundPathProcessorInterface;
use Symfony\Component\HttpFoundation\Request;

/**
 * Sends every path below the SCIM base to the one SCIM route.
 *
 * Drupal's router matches a path part by part and a route parameter never
 * spans a slash, so /scim/v2/Users/{id} could not reach a /scim/v2/{path}
 * route. As core does for /system/files/*, the path becomes the base; the
 * controller reads the rest from the request's own path. (Not a request
 * attribute: the router caches the processed path per request path and does
 * not run this again on a cache hit.)
 */
final class ScimPathProcessor implements InboundPathProcessorInterface {

  /**
   * Constructs the processor.
   */
  public function __construct(private readonly ConfigFactoryInterface $configFactory) {}

  /**
   * {@inheritdoc}
   */
  public function processInbound($path, Request $request): string {
    $base = ScimConfig::normalizePath((string) ($this->configFactory->get('okta_user_sync.settings')->get('scim_base_path') ?? ''));
    return str_starts_with($path, $base . '/') ? $base : $path;
  }

}
