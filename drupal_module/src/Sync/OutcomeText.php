<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Sync;

/**
 * Plain-language description of one outcome, for messages and Drush.
 */
final class OutcomeText {

  /**
   * E.g. "created in Okta (00u1abc, STAGED)" or "failed: E0000001: ...".
   */
  public static function describe(array $outcome): string {
    $action = (string) ($outcome['action'] ?? 'failed');
    $ids = array_filter([(string) ($outcome['okta_id'] ?? ''), (string) ($outcome['okta_status'] ?? '')], fn(string $s) => $s !== '');
    $where = $ids === [] ? '' : ' (' . implode(', ', $ids) . ')';
    return match ($action) {
      'failed' => 'failed: ' . OutcomeInterpreter::errorSummary(is_array($outcome['error'] ?? NULL) ? $outcome['error'] : []),
      'skipped' => 'skipped: ' . (string) ($outcome['reason'] ?? 'nothing to do'),
      'planned' => 'would be ' . (string) ($outcome['planned_action'] ?? 'changed') . (empty($outcome['reason']) ? '' : ': ' . $outcome['reason']) . $where,
      'unchanged' => 'already up to date in Okta' . $where,
      'linked' => 'linked to an existing Okta user' . $where,
      default => $action . ' in Okta' . $where,
    };
  }

  /**
   * The Okta documentation link of a failed outcome, if any.
   */
  public static function errorLink(array $outcome): ?string {
    $link = $outcome['error']['link'] ?? NULL;
    if (!is_string($link) || $link === '') {
      return NULL;
    }
    // Okta sends a bare code as errorLink; point it at the error reference.
    if (!str_starts_with($link, 'https://')) {
      return 'https://developer.okta.com/docs/reference/error-codes/#' . rawurlencode($link);
    }
    return $link;
  }

}
