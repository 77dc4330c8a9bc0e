<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Event;

use Drupal\Component\EventDispatcher\Event;
use Drupal\user\UserInterface;

/**
 * Dispatched before the import writes an Okta user into a Drupal account.
 *
 * Every import takes this path: pulls (incremental, full, reconcile), event
 * hook deliveries, the blocking of accounts whose Okta user is gone, and the
 * user writes of the SCIM server (record 'source' => 'scim'; a veto is
 * answered 403 to the SCIM client).
 * The extension has decided what to do (the action) and what to write (the
 * values); subscribers may change the values or veto the write. See
 * okta_user_sync.api.php.
 */
final class ImportEvent extends Event {

  /**
   * The event name.
   */
  public const NAME = 'okta_user_sync.import';

  /**
   * Why a subscriber vetoed the write, or NULL.
   */
  private ?string $vetoReason = NULL;

  /**
   * Constructs the event.
   *
   * @param string $action
   *   What the import does: 'created', 'linked', 'updated', 'activated',
   *   'blocked' (also for an Okta user that is gone) or 'unchanged'.
   * @param array $record
   *   The Okta user as okta_sync_pull() returns it (id, login, email,
   *   status, fields: Drupal field => value). For an Okta user that is gone,
   *   only id and status 'DELETED'.
   * @param \Drupal\user\UserInterface|null $account
   *   The account written to; NULL for a create.
   * @param array<string, mixed> $values
   *   Drupal field => value to write: for a create name, mail, status and
   *   the mapped fields; otherwise only what changes ('status' as bool).
   */
  public function __construct(
    public readonly string $action,
    public readonly array $record,
    public readonly ?UserInterface $account,
    private array $values,
  ) {}

  /**
   * What the import is about to write.
   *
   * @return array<string, mixed>
   *   Drupal field => value.
   */
  public function getValues(): array {
    return $this->values;
  }

  /**
   * Writes another value (or replaces the extension's).
   *
   * A create needs a non-empty name and mail: those can be changed, not
   * removed.
   */
  public function setValue(string $field, mixed $value): static {
    $this->values[$field] = $value;
    return $this;
  }

  /**
   * Leaves a field as the account has it.
   */
  public function removeValue(string $field): static {
    if ($this->account === NULL && in_array($field, ['name', 'mail'], TRUE)) {
      throw new \InvalidArgumentException(sprintf('A new account needs a %s: change it with setValue().', $field));
    }
    unset($this->values[$field]);
    return $this;
  }

  /**
   * Skips this Okta user: nothing is written, the run counts it skipped.
   */
  public function veto(string $reason): static {
    $this->vetoReason = trim($reason) === '' ? 'vetoed by a subscriber' : $reason;
    $this->stopPropagation();
    return $this;
  }

  /**
   * Why the write was vetoed, or NULL when it was not.
   */
  public function getVetoReason(): ?string {
    return $this->vetoReason;
  }

}
