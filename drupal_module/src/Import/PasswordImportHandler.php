<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Import;

/**
 * Handles Okta's password import inline hook, framework-free.
 *
 * Okta POSTs the credential a user typed at their first Okta sign-in; the
 * answer is a com.okta.action.update command with credential VERIFIED or
 * UNVERIFIED. Okta waits 3 seconds, so the only work done is one hash check.
 * Wrong password, unknown login and flood-blocked attempts all answer
 * UNVERIFIED with 200, as Okta asks (no data problems in status codes); only
 * a bad secret (401), a malformed body (400) and a wrong method (405) are
 * HTTP errors. The password is never logged, stored or echoed.
 */
final class PasswordImportHandler {

  public const VERIFIED = 'VERIFIED';
  public const UNVERIFIED = 'UNVERIFIED';

  /**
   * Constructs the handler.
   *
   * @param \Drupal\okta_user_sync\Import\SecretCheck $secret
   *   The shared secret check.
   * @param \Drupal\okta_user_sync\Import\PasswordCheckerInterface $checker
   *   Checks the password.
   * @param \Drupal\okta_user_sync\Import\FloodLimiterInterface $flood
   *   Limits failed attempts per login and per end-user IP.
   * @param \Closure|null $log
   *   Called as fn (string $message, array $context): void for notices;
   *   the context carries the login and the outcome, never the password.
   */
  public function __construct(
    private readonly SecretCheck $secret,
    private readonly PasswordCheckerInterface $checker,
    private readonly FloodLimiterInterface $flood,
    private readonly ?\Closure $log = NULL,
  ) {}

  /**
   * Handles one request.
   *
   * @param string $method
   *   The HTTP method.
   * @param array<string, string|list<string>> $headers
   *   Request headers, any key case.
   * @param string $body
   *   The raw request body.
   */
  public function handle(string $method, array $headers, #[\SensitiveParameter] string $body): HookResponse {
    if (strtoupper($method) !== 'POST') {
      return HookResponse::error(405, 'Method not allowed.', ['Allow' => 'POST']);
    }
    if (!$this->secret->matches($headers)) {
      return HookResponse::error(401, 'Unauthorized.');
    }
    try {
      $payload = json_decode($body, TRUE, 64, JSON_THROW_ON_ERROR);
    }
    catch (\JsonException) {
      return HookResponse::error(400, 'The body is not JSON.');
    }
    $credential = is_array($payload) ? ($payload['data']['context']['credential'] ?? NULL) : NULL;
    $login = is_array($credential) ? ($credential['username'] ?? NULL) : NULL;
    $password = is_array($credential) ? ($credential['password'] ?? NULL) : NULL;
    if (!is_string($login) || $login === '' || !is_string($password)) {
      return HookResponse::error(400, 'The body has no data.context.credential username and password.');
    }
    $ip = $payload['data']['context']['request']['ipAddress'] ?? NULL;
    $keys = ['login:' . mb_strtolower($login)];
    if (is_string($ip) && $ip !== '') {
      $keys[] = 'ip:' . $ip;
    }

    foreach ($keys as $key) {
      if (!$this->flood->isAllowed($key)) {
        $this->notice('Okta password import for %login refused: too many failed attempts.', $login, 'flood');
        return self::answer(self::UNVERIFIED);
      }
    }
    $verified = $password !== '' && $this->checker->check($login, $password);
    foreach ($keys as $key) {
      if ($verified) {
        $this->flood->clear($key);
      }
      else {
        $this->flood->register($key);
      }
    }
    $this->notice('Okta password import for %login: %outcome.', $login, $verified ? self::VERIFIED : self::UNVERIFIED);
    return self::answer($verified ? self::VERIFIED : self::UNVERIFIED);
  }

  /**
   * The inline hook response Okta expects.
   */
  public static function answer(string $credential): HookResponse {
    return HookResponse::json(200, [
      'commands' => [
        ['type' => 'com.okta.action.update', 'value' => ['credential' => $credential]],
      ],
    ]);
  }

  /**
   * Logs a notice without the password.
   */
  private function notice(string $message, string $login, string $outcome): void {
    if ($this->log !== NULL) {
      ($this->log)($message, ['%login' => $login, '%outcome' => $outcome]);
    }
  }

}
