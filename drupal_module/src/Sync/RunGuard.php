<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Sync;

/**
 * The deletion guard applied to a whole run rather than to one chunk.
 *
 * The extension checks guard_max_share / guard_max_count per
 * okta_sync_users() call, i.e. per chunk of batch_size users, so a mass
 * deactivation spread over several chunks would pass chunk by chunk. This
 * class applies the same limits to the run: the manual batch refuses to
 * start when its dry-run preview exceeds them, and bulk runs give each chunk
 * only what is left of the run's allowance (see RunTally).
 */
final class RunGuard {

  /**
   * As the extension: below this many users only the count limit applies.
   */
  public const MIN_USERS_FOR_SHARE = 20;

  /**
   * Actions that deactivate or delete an Okta user.
   */
  public const DESTRUCTIVE_ACTIONS = ['deactivated', 'deleted'];

  /**
   * Constructs the guard.
   *
   * @param float $maxShare
   *   Largest share (0..1) of the run's users it may deactivate or delete.
   * @param int $maxCount
   *   Largest number of users it may deactivate or delete.
   */
  public function __construct(
    private readonly float $maxShare,
    private readonly int $maxCount,
  ) {}

  /**
   * Builds the guard from the okta_user_sync.settings data.
   */
  public static function fromConfig(array $config): self {
    return new self(
      min(1.0, max(0.0, (float) ($config['guard_max_share'] ?? 0.1))),
      max(0, (int) ($config['guard_max_count'] ?? 50)),
    );
  }

  /**
   * How many users a run of $users may deactivate or delete.
   */
  public function allowance(int $users): int {
    $allowed = $this->maxCount;
    if ($users >= self::MIN_USERS_FOR_SHARE) {
      // The extension stops when disabled / users > max_share; the epsilon
      // keeps 0.29 * 100 from flooring to 28.
      $allowed = min($allowed, (int) floor($this->maxShare * $users + 1e-9));
    }
    return max(0, $allowed);
  }

  /**
   * Whether deactivating or deleting $disabled of $users exceeds the guard.
   */
  public function exceeds(int $disabled, int $users): bool {
    return $disabled > $this->allowance($users);
  }

  /**
   * Why a dry-run preview may not be run for real, or NULL when it may.
   */
  public function previewProblem(RunReport $preview): ?string {
    $disabled = $preview->destructive();
    $users = $preview->total();
    if (!$this->exceeds($disabled, $users)) {
      return NULL;
    }
    return sprintf(
      'Deletion guard: the run would deactivate or delete %d of %d Okta users, more than it allows (%s).',
      $disabled,
      $users,
      $this->limits($users),
    );
  }

  /**
   * The limits in words, for messages.
   */
  public function limits(int $users): string {
    $share = $users >= self::MIN_USERS_FOR_SHARE
      ? sprintf('guard_max_share %s %% of %d users', rtrim(rtrim(number_format($this->maxShare * 100, 2, '.', ''), '0'), '.'), $users)
      : 'guard_max_share not applied below ' . self::MIN_USERS_FOR_SHARE . ' users';
    return sprintf('at most %d: guard_max_count %d, %s', $this->allowance($users), $this->maxCount, $share);
  }

  /**
   * Starts the running total of a real run.
   *
   * @param int $users
   *   The users of the whole run.
   * @param int $confirmed
   *   Deactivations/deletions an admin explicitly confirmed after a preview
   *   (0: none): the run may do that many even beyond the guard, not more.
   */
  public function startRun(int $users, int $confirmed = 0): RunTally {
    return RunTally::start($users, max($this->allowance($users), $confirmed), $this->limits($users));
  }

}
