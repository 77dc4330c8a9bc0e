<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Controller;

use Drupal\Core\DependencyInjection\ContainerInjectionInterface;
use Drupal\okta_user_sync\Import\Drupal\DrupalFloodLimiter;
use Drupal\okta_user_sync\Import\Drupal\DrupalPasswordChecker;
use Drupal\okta_user_sync\Import\Drupal\HookResponder;
use Drupal\okta_user_sync\Import\Drupal\HookSecrets;
use Drupal\okta_user_sync\Import\PasswordImportHandler;
use Drupal\okta_user_sync\Import\SecretCheck;
use Psr\Log\LoggerInterface;
use Symfony\Component\DependencyInjection\ContainerInterface;
use Symfony\Component\HttpFoundation\Request;
use Symfony\Component\HttpFoundation\Response;

/**
 * The Okta password import inline hook (/okta_user_sync/password-import).
 *
 * Authenticated by the shared secret inside PasswordImportHandler; the
 * password is checked with Drupal's password service and never logged.
 */
final class PasswordImportHookController implements ContainerInjectionInterface {

  /**
   * Constructs the controller.
   */
  public function __construct(
    private readonly HookSecrets $secrets,
    private readonly DrupalPasswordChecker $checker,
    private readonly DrupalFloodLimiter $flood,
    private readonly HookResponder $responder,
    private readonly LoggerInterface $logger,
  ) {}

  /**
   * {@inheritdoc}
   */
  public static function create(ContainerInterface $container): static {
    return new static(
      $container->get('okta_user_sync.hook_secrets'),
      $container->get('okta_user_sync.password_checker'),
      $container->get('okta_user_sync.password_flood'),
      $container->get('okta_user_sync.hook_responder'),
      $container->get('logger.channel.okta_user_sync'),
    );
  }

  /**
   * Answers Okta's credential check.
   */
  public function handle(Request $request): Response {
    $handler = new PasswordImportHandler(
      new SecretCheck($this->secrets->get(HookSecrets::PASSWORD_HOOK)),
      $this->checker,
      $this->flood,
      fn (string $message, array $context) => $this->logger->notice($message, $context),
    );
    return $this->responder->respond(
      $handler->handle($request->getMethod(), $this->responder->headers($request), (string) $request->getContent()),
    );
  }

}
