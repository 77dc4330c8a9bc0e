<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Event;

use Drupal\Component\EventDispatcher\Event;
use Drupal\user\UserInterface;

/**
 * Dispatched before an account is sent to Okta: change what Okta gets.
 *
 * Every push takes this path: automatic events, queued retries, manual and
 * scheduled runs, dry runs. Subscribers may set the Okta login (instead of
 * the one the login source builds), set or clear profile attributes over
 * the configured mapping, and replace the Okta groups the roles map to. The
 * extension compares, hashes and sends the result, so a change here is seen
 * as a change of the account. See okta_user_sync.api.php.
 */
final class PushEvent extends Event {

  /**
   * The event name.
   */
  public const NAME = 'okta_user_sync.push';

  /**
   * The Okta login to use, or NULL for the configured one.
   */
  private ?string $login = NULL;

  /**
   * Okta attributes set over the mapped profile.
   *
   * @var array<string, string|int|float|bool|null>
   */
  private array $profile = [];

  /**
   * The Okta group names, or NULL for those the roles map to.
   *
   * @var string[]|null
   */
  private ?array $groups = NULL;

  public function __construct(public readonly UserInterface $account) {}

  /**
   * Sets the Okta login (an email-shaped unique name).
   */
  public function setLogin(string $login): static {
    $login = trim($login);
    if ($login === '') {
      throw new \InvalidArgumentException('The Okta login cannot be empty.');
    }
    $this->login = $login;
    return $this;
  }

  /**
   * Sets an Okta profile attribute; NULL clears it in Okta.
   *
   * The login has its own setter, so that every lookup by login sees it.
   */
  public function setAttribute(string $attribute, string|int|float|bool|null $value): static {
    if ($attribute === 'login') {
      throw new \InvalidArgumentException('Set the Okta login with setLogin().');
    }
    $this->profile[$attribute] = $value;
    return $this;
  }

  /**
   * Replaces the Okta groups the account's roles map to.
   *
   * Groups listed in the group mapping that are not given here are removed
   * from the user in Okta; other Okta groups are never touched.
   *
   * @param string[] $groups
   *   Okta group names.
   */
  public function setGroups(array $groups): static {
    $this->groups = array_values(array_unique(array_map('strval', $groups)));
    return $this;
  }

  /**
   * The Okta login set by a subscriber, or NULL.
   */
  public function getLogin(): ?string {
    return $this->login;
  }

  /**
   * The attributes set by subscribers.
   *
   * @return array<string, string|int|float|bool|null>
   *   Okta attribute => value.
   */
  public function getProfile(): array {
    return $this->profile;
  }

  /**
   * The Okta groups set by a subscriber, or NULL.
   *
   * @return string[]|null
   *   Okta group names.
   */
  public function getGroups(): ?array {
    return $this->groups;
  }

}
