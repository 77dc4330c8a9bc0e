<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Traits;

use Drupal\Tests\okta_user_sync\Standalone\Support\FakeOkta;

/**
 * Points the site at the fake Okta, for Kernel and Functional tests.
 *
 * The real okta_sync extension (in the test's PHP, and in the web server a
 * browser test talks to) calls the fake (tests/okta-fake) on loopback; the
 * test looks at what the fake ended up holding. Nothing is mocked.
 */
trait FakeOktaTrait {

  /**
   * The fake Okta.
   */
  protected FakeOkta $fake;

  /**
   * Starts (or resets) the fake and configures the connection to it.
   */
  protected function connectToFakeOkta(): void {
    $this->fake = FakeOkta::instance();
    $this->fake->reset();
    $this->config('okta_user_sync.settings')
      ->set('org_url', $this->fake->url())
      ->set('connect_timeout', 2)
      ->set('request_timeout', 5)
      ->save();
    $this->container->get('state')->set('okta_user_sync.api_token', FakeOkta::TOKEN);
  }

  /**
   * The Okta user with this login, as the fake holds it, or NULL.
   */
  protected function oktaUser(string $login): ?array {
    foreach ($this->fake->state()['users'] ?? [] as $user) {
      if (strcasecmp((string) ($user['profile']['login'] ?? ''), $login) === 0) {
        return $user;
      }
    }
    return NULL;
  }

  /**
   * Puts a user into Okta directly (as an Okta admin would have).
   *
   * Into $fake when given (a fake a test started for itself), else into
   * the connected one.
   */
  protected function seedOktaUser(string $login, string $status = 'ACTIVE', ?FakeOkta $fake = NULL): void {
    ($fake ?? $this->fake)->control('POST', '/__fake/users', [
      [
        'profile' => [
          'login' => $login,
          'email' => $login,
          'firstName' => 'F',
          'lastName' => 'L',
        ],
        'status' => $status,
      ],
    ]);
  }

  /**
   * Each API request the fake received since the last clear, as "METHOD path".
   *
   * @return string[]
   *   The requests, oldest first.
   */
  protected function oktaRequests(): array {
    return array_map(fn(array $r) => $r['method'] . ' ' . $r['path'], $this->fake->control('GET', '/__fake/requests'));
  }

  /**
   * The API requests that changed something in Okta.
   *
   * @return string[]
   *   "METHOD path", oldest first.
   */
  protected function oktaWrites(): array {
    return array_values(array_filter($this->oktaRequests(), fn(string $r) => !str_starts_with($r, 'GET ')));
  }

  /**
   * Forgets the fake's request log.
   */
  protected function clearOktaRequests(): void {
    $this->fake->control('DELETE', '/__fake/requests');
  }

  /**
   * The status storage of the site, read afresh.
   */
  protected function statusRows(): array {
    return $this->container->get('okta_user_sync.status_storage')->countByAction();
  }

}
