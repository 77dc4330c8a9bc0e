<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Standalone\Import;

use Drupal\okta_user_sync\Import\ImportSettings;
use PHPUnit\Framework\TestCase;

/**
 * Settings from config.
 *
 * @coversDefaultClass \Drupal\okta_user_sync\Import\ImportSettings
 */
final class ImportSettingsTest extends TestCase {

  /**
   * Config sequences and maps both work; bad values fall back safely.
   */
  public function testFromConfig(): void {
    $settings = ImportSettings::fromConfig([
      'direction' => 'both',
      'import_active_statuses' => ['active', 'STAGED', 'SUSPENDED', 'DEPROVISIONED'],
      'import_map' => [['drupal' => 'field_city', 'okta' => 'city'], ['drupal' => '', 'okta' => 'x']],
      'import_page_size' => 5000,
      'login_source' => 'name',
      'login_suffix' => '@corp.test',
    ]);
    $this->assertTrue($settings->importEnabled());
    $this->assertSame(['ACTIVE', 'STAGED'], $settings->activeStatuses, 'blocking statuses can never be active');
    $this->assertSame(['field_city' => 'city'], $settings->importMap);
    $this->assertSame(200, $settings->pageSize);
    $this->assertSame('name', $settings->loginSource);
    $this->assertSame(
      [
        'direction' => 'both',
        'login_source' => 'name',
        'import_active_statuses' => ['ACTIVE', 'STAGED'],
        'import_map' => ['field_city' => 'city'],
        'login_suffix' => '@corp.test',
      ],
      $settings->extensionSettings(),
    );

    $this->assertSame(['field_city' => 'city'], ImportSettings::fromConfig(['import_map' => ['field_city' => 'city']])->importMap);
    $this->assertFalse(ImportSettings::fromConfig(['direction' => 'drupal_to_okta'])->importEnabled());
    $this->assertFalse(ImportSettings::fromConfig(['direction' => 'sideways'])->importEnabled(), 'unknown direction: import off');
    $this->assertSame(ImportSettings::DEFAULT_ACTIVE_STATUSES, ImportSettings::fromConfig([])->activeStatuses);
  }

}
