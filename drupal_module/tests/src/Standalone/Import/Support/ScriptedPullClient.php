<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Standalone\Import\Support;

use Drupal\okta_user_sync\Import\PullClientInterface;

/**
 * Serves pre-built pages (no Okta): pure runner logic tests.
 *
 * Cursor "p<N>" means page N; a call without cursor gets page 0.
 */
final class ScriptedPullClient implements PullClientInterface {

  /**
   * Options of every call.
   *
   * @var list<array>
   */
  public array $options = [];

  /**
   * Constructs the object.
   *
   * @param list<list<array>> $pages
   *   Records per page.
   * @param list<string|null> $watermarks
   *   Watermark returned with each page.
   */
  public function __construct(private readonly array $pages, private readonly array $watermarks = []) {}

  /**
   * {@inheritdoc}
   */
  public function pull(array $settings, array $options): array {
    $this->options[] = $options;
    $page = isset($options['cursor']) ? (int) substr((string) $options['cursor'], 1) : 0;
    $next = $page + 1 < count($this->pages) ? 'p' . ($page + 1) : NULL;
    return [
      'users' => $this->pages[$page] ?? [],
      'cursor' => $next,
      'watermark' => $this->watermarks[$page] ?? NULL,
    ];
  }

}
