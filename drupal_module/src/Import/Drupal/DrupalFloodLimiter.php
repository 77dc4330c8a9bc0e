<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Import\Drupal;

use Drupal\Core\Config\ConfigFactoryInterface;
use Drupal\Core\Flood\FloodInterface;
use Drupal\okta_user_sync\Import\FloodLimiterInterface;

/**
 * Drupal's Flood API with the site's own login limits (user.flood config).
 *
 * Identifiers are "login:…" (per account, user_limit per user_window) and
 * "ip:…" (per end-user address, ip_limit per ip_window), as core's login form.
 */
final class DrupalFloodLimiter implements FloodLimiterInterface {

  public const EVENT = 'okta_user_sync.password_hook';

  /**
   * Constructs the limiter.
   */
  public function __construct(
    private readonly FloodInterface $flood,
    private readonly ConfigFactoryInterface $configFactory,
  ) {}

  /**
   * {@inheritdoc}
   */
  public function isAllowed(string $identifier): bool {
    [$limit, $window] = $this->limits($identifier);
    return $this->flood->isAllowed(self::EVENT, $limit, $window, $identifier);
  }

  /**
   * {@inheritdoc}
   */
  public function register(string $identifier): void {
    [, $window] = $this->limits($identifier);
    $this->flood->register(self::EVENT, $window, $identifier);
  }

  /**
   * {@inheritdoc}
   */
  public function clear(string $identifier): void {
    $this->flood->clear(self::EVENT, $identifier);
  }

  /**
   * The limit and window for an identifier.
   *
   * @return array{int, int}
   *   Threshold and window (seconds).
   */
  private function limits(string $identifier): array {
    $config = $this->configFactory->get('user.flood');
    if (str_starts_with($identifier, 'ip:')) {
      return [(int) ($config->get('ip_limit') ?? 50), (int) ($config->get('ip_window') ?? 3600)];
    }
    return [(int) ($config->get('user_limit') ?? 5), (int) ($config->get('user_window') ?? 21600)];
  }

}
