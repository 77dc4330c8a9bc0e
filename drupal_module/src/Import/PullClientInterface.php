<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Import;

/**
 * Lists Okta users for import: one page per call.
 *
 * The production implementation is a one-line call to okta_sync_pull(); the
 * interface exists so the importer can be driven page by page and so a
 * failing page can be simulated in tests.
 */
interface PullClientInterface {

  /**
   * Fetches the next page(s).
   *
   * @param array $settings
   *   The extension settings array (see okta_sync.stubs.php).
   * @param array $options
   *   Keys: since, cursor, limit, max_pages.
   *
   * @return array
   *   users (list of normalised records), cursor (?string, NULL when the
   *   listing is complete), watermark (?string).
   *
   * @throws \Exception
   *   Whatever the extension throws (\OktaSync\Exception, ConfigException).
   */
  public function pull(array $settings, array $options): array;

}
