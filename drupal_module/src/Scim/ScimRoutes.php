<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Scim;

use Drupal\Core\Config\ConfigFactoryInterface;
use Symfony\Component\Routing\Route;
use Symfony\Component\Routing\RouteCollection;

/**
 * The SCIM routes, under the configured base path (default /scim/v2).
 *
 * The base and every path below it (ScimPathProcessor) go to the one
 * controller, whatever the method:
 * the engine answers unknown endpoints (404) and methods (405) in SCIM's
 * shape. The router is rebuilt when the base path changes.
 */
final class ScimRoutes {

  /**
   * Constructs the route provider.
   */
  public function __construct(private readonly ConfigFactoryInterface $configFactory) {}

  /**
   * The routes (a route_callbacks entry).
   */
  public function routes(): RouteCollection {
    $base = ScimConfig::normalizePath((string) ($this->configFactory->get('okta_user_sync.settings')->get('scim_base_path') ?? ''));
    $defaults = ['_controller' => '\Drupal\okta_user_sync\Controller\ScimController::handle'];
    // The bearer token is the credential, checked by the controller.
    $requirements = ['_access' => 'TRUE'];
    $options = ['no_cache' => TRUE];
    // Drupal limits routes without methods to GET and POST: SCIM needs all.
    $methods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
    $collection = new RouteCollection();
    // The paths below the base reach it through ScimPathProcessor.
    $collection->add('okta_user_sync.scim', new Route($base, $defaults, $requirements, $options, '', [], $methods));
    return $collection;
  }

}
