<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Standalone\Import;

use Drupal\okta_user_sync\Import\AttributeAuthority;
use Drupal\okta_user_sync\Import\ImportSettings;
use PHPUnit\Framework\TestCase;

/**
 * @coversDefaultClass \Drupal\okta_user_sync\Import\AttributeAuthority
 */
final class AttributeAuthorityTest extends TestCase {

  /**
   * One direction: its source owns everything, whatever is configured.
   */
  public function testSingleDirectionOwnsEverything(): void {
    $import = new AttributeAuthority('okta_to_drupal', ['mail' => 'drupal']);
    $this->assertTrue($import->importMayWrite('mail'));
    $this->assertFalse($import->pushMaySend('mail'));
    $push = new AttributeAuthority('drupal_to_okta', ['mail' => 'okta']);
    $this->assertFalse($push->importMayWrite('mail'));
    $this->assertTrue($push->pushMaySend('mail'));
  }

  /**
   * Both directions: the configured owner wins, others default to Drupal.
   */
  public function testBothDirectionsFollowConfiguredOwner(): void {
    $authority = new AttributeAuthority('both', ['field_title' => 'okta', 'mail' => 'drupal']);
    $this->assertSame('okta', $authority->ownerOf('field_title'));
    $this->assertSame('drupal', $authority->ownerOf('mail'));
    $this->assertSame('drupal', $authority->ownerOf('field_unconfigured'));

    $this->assertSame(
      ['field_title' => 'Boss'],
      $authority->filterImport(['field_title' => 'Boss', 'mail' => 'x@example.com', 'field_unconfigured' => 'y']),
    );
    // The push map (Okta attribute => Drupal field) loses Okta-owned fields.
    $this->assertSame(
      ['email' => 'mail', 'city' => 'field_city'],
      $authority->filterPushMap(['title' => 'field_title', 'email' => 'mail', 'city' => 'field_city']),
    );
  }

  /**
   * A conflict follows the owner.
   */
  public function testConflictFollowsOwner(): void {
    $authority = new AttributeAuthority('both', ['field_title' => 'okta', 'field_city' => 'drupal']);
    $this->assertSame('Okta title', $authority->resolve('field_title', 'Drupal title', 'Okta title'));
    $this->assertSame('Drupal city', $authority->resolve('field_city', 'Drupal city', 'Okta city'));
  }

  /**
   * Settings read from config sequences build the same authority.
   */
  public function testFromSettings(): void {
    $settings = ImportSettings::fromConfig([
      'direction' => 'both',
      'attribute_authority' => [
        ['field' => 'field_title', 'owner' => 'okta'],
        ['field' => 'mail', 'owner' => 'nobody'],
      ],
    ]);
    $authority = AttributeAuthority::fromSettings($settings);
    $this->assertTrue($authority->importMayWrite('field_title'));
    // An invalid owner is ignored: the field falls back to Drupal.
    $this->assertFalse($authority->importMayWrite('mail'));
  }

}
