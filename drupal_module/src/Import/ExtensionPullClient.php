<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Import;

/**
 * Pulls Okta users through the okta_sync extension.
 */
final class ExtensionPullClient implements PullClientInterface {

  /**
   * {@inheritdoc}
   */
  public function pull(array $settings, array $options): array {
    if (!function_exists('okta_sync_pull')) {
      throw new ImportException('The okta_sync PHP extension is not loaded.');
    }
    return \okta_sync_pull($settings, $options);
  }

}
