<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Functional;

use Drupal\Tests\okta_user_sync\Standalone\Support\FakeOkta;

/**
 * Points the site under test at the fake Okta (tests/okta-fake).
 *
 * The site's own PHP (the web server the browser test talks to) runs the
 * real okta_sync extension, which calls the fake on loopback; the test
 * looks at what the fake ended up holding. Nothing is mocked.
 */
trait FakeOktaSiteTrait {

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
   */
  protected function seedOktaUser(string $login, string $status = 'ACTIVE'): void {
    $this->fake->control('POST', '/__fake/users', [[
      'profile' => ['login' => $login, 'email' => $login, 'firstName' => 'F', 'lastName' => 'L'],
      'status' => $status,
    ]]);
  }

  /**
   * The API requests that changed something in Okta.
   *
   * @return string[]
   *   "METHOD path", oldest first.
   */
  protected function oktaWrites(): array {
    $writes = [];
    foreach ($this->fake->control('GET', '/__fake/requests') as $request) {
      if ($request['method'] !== 'GET') {
        $writes[] = $request['method'] . ' ' . $request['path'];
      }
    }
    return $writes;
  }

  /**
   * The status storage of the site, read afresh.
   */
  protected function statusRows(): array {
    return $this->container->get('okta_user_sync.status_storage')->countByAction();
  }

}
