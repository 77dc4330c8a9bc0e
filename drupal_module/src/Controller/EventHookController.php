<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Controller;

use Drupal\Component\Datetime\TimeInterface;
use Drupal\Core\DependencyInjection\ContainerInjectionInterface;
use Drupal\okta_user_sync\Import\Drupal\DrupalEventLedger;
use Drupal\okta_user_sync\Import\Drupal\HookResponder;
use Drupal\okta_user_sync\Import\Drupal\HookSecrets;
use Drupal\okta_user_sync\Import\EventHookHandler;
use Drupal\okta_user_sync\Import\SecretCheck;
use Drupal\okta_user_sync\Sync\Extension;
use Symfony\Component\DependencyInjection\ContainerInterface;
use Symfony\Component\HttpFoundation\Request;
use Symfony\Component\HttpFoundation\Response;

/**
 * The Okta Event Hook endpoint (/okta_user_sync/event-hook).
 *
 * Access is open at the routing level: every delivery is authenticated by
 * the shared secret inside EventHookHandler.
 */
final class EventHookController implements ContainerInjectionInterface {

  /**
   * Constructs the controller.
   */
  public function __construct(
    private readonly HookSecrets $secrets,
    private readonly DrupalEventLedger $ledger,
    private readonly HookResponder $responder,
    private readonly Extension $extension,
    private readonly TimeInterface $time,
  ) {}

  /**
   * {@inheritdoc}
   */
  public static function create(ContainerInterface $container): static {
    return new static(
      $container->get('okta_user_sync.hook_secrets'),
      $container->get('okta_user_sync.event_ledger'),
      $container->get('okta_user_sync.hook_responder'),
      $container->get('okta_user_sync.extension'),
      $container->get('datetime.time'),
    );
  }

  /**
   * Handles a verification GET or a delivery POST.
   */
  public function handle(Request $request): Response {
    $handler = new EventHookHandler(
      new SecretCheck($this->secrets->get(HookSecrets::EVENT_HOOK)),
      $this->ledger,
      $this->ledger,
      $this->extension,
    );
    return $this->responder->respond($handler->handle(
      $request->getMethod(),
      $this->responder->headers($request),
      (string) $request->getContent(),
      (int) floor($this->time->getCurrentMicroTime() * 1000),
    ));
  }

}
