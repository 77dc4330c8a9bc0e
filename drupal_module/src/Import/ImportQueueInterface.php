<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Import;

/**
 * The queue of Okta users to import (Drupal queue okta_user_sync_import).
 */
interface ImportQueueInterface {

  /**
   * Enqueues one affected Okta user.
   *
   * @param array $item
   *   Keys: okta_id, login, event_type, published, uuid (login, published
   *   and uuid may be NULL; see okta_sync_hook_events()).
   */
  public function enqueue(array $item): void;

}
