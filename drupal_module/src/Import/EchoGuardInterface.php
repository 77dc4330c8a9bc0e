<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Import;

/**
 * Runs account writes that must never be pushed back to Okta.
 *
 * An import saves Drupal users; without this, the Drupal → Okta push would
 * send the same change back (an echo), burning rate budget and possibly
 * overwriting a newer Okta value.
 */
interface EchoGuardInterface {

  /**
   * Runs $write with the Drupal → Okta push suppressed.
   *
   * @param callable $write
   *   The write.
   *
   * @return mixed
   *   What $write returns.
   */
  public function withoutPush(callable $write): mixed;

}
