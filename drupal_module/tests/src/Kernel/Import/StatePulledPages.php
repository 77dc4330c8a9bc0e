<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Kernel\Import;

use Drupal\Core\State\StateInterface;
use Drupal\okta_user_sync\Import\PullClientInterface;
use Drupal\Tests\okta_user_sync\Standalone\Import\Support\ScriptedPullClient;

/**
 * Pull client serving pages from State (set by the test).
 */
final class StatePulledPages implements PullClientInterface {

  public const KEY = 'okta_user_sync.test_pulled_pages';

  public function __construct(private readonly StateInterface $state) {}

  /**
   * {@inheritdoc}
   */
  public function pull(array $settings, array $options): array {
    $script = $this->state->get(self::KEY, ['pages' => [[]], 'watermarks' => []]);
    $calls = $this->state->get(self::KEY . '.calls', []);
    $calls[] = $options;
    $this->state->set(self::KEY . '.calls', $calls);
    return (new ScriptedPullClient($script['pages'], $script['watermarks']))->pull($settings, $options);
  }

}
