<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Controller;

use Drupal\Core\Config\ConfigFactoryInterface;
use Drupal\Core\DependencyInjection\ContainerInjectionInterface;
use Drupal\Core\Entity\EntityTypeManagerInterface;
use Drupal\Core\Flood\FloodInterface;
use Drupal\Core\PageCache\ResponsePolicy\KillSwitch;
use Drupal\Core\Password\PasswordInterface;
use Drupal\okta_user_sync\SecretStore;
use Drupal\user\UserInterface;
use Psr\Log\LoggerInterface;
use Symfony\Component\DependencyInjection\ContainerInterface;
use Symfony\Component\HttpFoundation\Request;
use Symfony\Component\HttpFoundation\Response;

/**
 * Okta's password import inline hook (/okta_user_sync/password-import).
 *
 * Okta POSTs the credential a user typed at their first Okta sign-in; the
 * answer is a com.okta.action.update command with credential VERIFIED or
 * UNVERIFIED. Okta waits 3 seconds, so the only work is one hash check.
 * Wrong password, unknown or blocked login and flood-limited attempts all
 * answer UNVERIFIED with 200, as Okta asks; only a bad secret (401), a
 * malformed body (400) and a wrong method (405) are HTTP errors. The
 * password is never logged, stored or echoed.
 *
 * Route access is open: Okta calls it anonymously.
 */
final class PasswordImportHookController implements ContainerInjectionInterface {

  use OktaHookResponses;

  public const VERIFIED = 'VERIFIED';
  public const UNVERIFIED = 'UNVERIFIED';

  /**
   * The Flood API event (limits: the site's user.flood settings).
   */
  public const FLOOD_EVENT = 'okta_user_sync.password_hook';

  /**
   * Constructs the controller.
   */
  public function __construct(
    private readonly SecretStore $secrets,
    private readonly EntityTypeManagerInterface $entityTypeManager,
    private readonly PasswordInterface $password,
    private readonly FloodInterface $flood,
    private readonly ConfigFactoryInterface $configFactory,
    private readonly LoggerInterface $logger,
    KillSwitch $pageCacheKillSwitch,
  ) {
    $this->pageCacheKillSwitch = $pageCacheKillSwitch;
  }

  /**
   * {@inheritdoc}
   */
  public static function create(ContainerInterface $container): static {
    return new static(
      $container->get('okta_user_sync.secrets'),
      $container->get('entity_type.manager'),
      $container->get('password'),
      $container->get('flood'),
      $container->get('config.factory'),
      $container->get('logger.channel.okta_user_sync'),
      $container->get('page_cache_kill_switch'),
    );
  }

  /**
   * Answers Okta's credential check.
   */
  public function handle(Request $request): Response {
    if (!$request->isMethod('POST')) {
      return $this->refuse(405, 'Method not allowed.', ['Allow' => 'POST']);
    }
    if (!$this->carriesSecret($request, $this->secrets->get('password_hook_secret'))) {
      return $this->refuse(401, 'Unauthorized.');
    }
    try {
      $payload = json_decode((string) $request->getContent(), TRUE, 64, JSON_THROW_ON_ERROR);
    }
    catch (\JsonException) {
      return $this->refuse(400, 'The body is not JSON.');
    }
    $context = is_array($payload) && is_array($payload['data']['context'] ?? NULL) ? $payload['data']['context'] : [];
    $login = $context['credential']['username'] ?? NULL;
    $password = $context['credential']['password'] ?? NULL;
    if (!is_string($login) || $login === '' || !is_string($password)) {
      return $this->refuse(400, 'The body has no data.context.credential username and password.');
    }
    // Per account and per end-user address, as core's login form limits.
    $user = $this->configFactory->get('user.flood');
    $limits = [
      'login:' . mb_strtolower($login) => [
        (int) ($user->get('user_limit') ?? 5),
        (int) ($user->get('user_window') ?? 21600),
      ],
    ];
    $ip = $context['request']['ipAddress'] ?? NULL;
    if (is_string($ip) && $ip !== '') {
      $limits['ip:' . $ip] = [(int) ($user->get('ip_limit') ?? 50), (int) ($user->get('ip_window') ?? 3600)];
    }
    foreach ($limits as $identifier => [$limit, $window]) {
      if (!$this->flood->isAllowed(self::FLOOD_EVENT, $limit, $window, $identifier)) {
        $this->logger->notice('Okta password import for %login refused: too many failed attempts.', ['%login' => $login]);
        return $this->answer(self::UNVERIFIED);
      }
    }
    $verified = $this->check($login, $password);
    foreach ($limits as $identifier => [, $window]) {
      $verified
        ? $this->flood->clear(self::FLOOD_EVENT, $identifier)
        : $this->flood->register(self::FLOOD_EVENT, $window, $identifier);
    }
    $outcome = $verified ? self::VERIFIED : self::UNVERIFIED;
    $this->logger->notice('Okta password import for %login: %outcome.', ['%login' => $login, '%outcome' => $outcome]);
    return $this->answer($outcome);
  }

  /**
   * The inline hook answer Okta expects.
   */
  private function answer(string $credential): Response {
    return $this->json(200, [
      'commands' => [
        ['type' => 'com.okta.action.update', 'value' => ['credential' => $credential]],
      ],
    ]);
  }

  /**
   * Checks the password of the active account an Okta login belongs to.
   */
  private function check(string $login, #[\SensitiveParameter] string $password): bool {
    $account = $this->account($login);
    $hash = $account?->getPassword();
    if ($password === '' || $account === NULL || !$account->isActive() || !is_string($hash) || $hash === '') {
      // Hashing costs what a check costs: an unknown login takes as long
      // as a known one, so the hook does not reveal which logins exist.
      $this->password->hash($password);
      return FALSE;
    }
    return $this->password->check($password, $hash);
  }

  /**
   * The account of an Okta login, mapped back the way the push built it.
   *
   * With login_source 'mail' by email; with 'name' by name less the login
   * suffix.
   */
  private function account(string $login): ?UserInterface {
    $config = $this->configFactory->get('okta_user_sync.settings');
    $property = 'mail';
    $value = $login;
    if ($config->get('login_source') === 'name') {
      $property = 'name';
      $suffix = trim((string) $config->get('login_suffix'));
      if ($suffix !== '' && str_ends_with(mb_strtolower($login), mb_strtolower($suffix))) {
        $value = substr($login, 0, -strlen($suffix));
      }
    }
    $accounts = $this->entityTypeManager->getStorage('user')->loadByProperties([$property => $value]);
    $account = reset($accounts);
    return $account instanceof UserInterface && (int) $account->id() !== 0 ? $account : NULL;
  }

}
