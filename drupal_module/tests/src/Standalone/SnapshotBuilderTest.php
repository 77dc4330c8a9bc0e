<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Standalone;

use Drupal\okta_user_sync\Sync\SnapshotBuilder;
use PHPUnit\Framework\TestCase;

/**
 * @coversDefaultClass \Drupal\okta_user_sync\Sync\SnapshotBuilder
 */
final class SnapshotBuilderTest extends TestCase {

  /**
   * Tests full snapshot.
   */
  public function testFullSnapshot(): void {
    $snapshot = (new SnapshotBuilder())->build(
      7,
      'ada',
      'ada@example.com',
      TRUE,
      ['authenticated', 'editor', 'anonymous'],
      [
        'field_first' => [['value' => 'Ada']],
        'field_age' => 36,
        'field_empty' => [],
        'field_ref' => [['target_id' => 12]],
        'field_null' => NULL,
      ],
      'S3cret!pass',
      '$2y$10$hash',
      ['okta_id' => '00u1', 'profile_hash' => 'abc', 'okta_status' => 'ACTIVE', 'last_error' => 'x'],
    );
    $this->assertSame([
      'uid' => 7,
      'name' => 'ada',
      'mail' => 'ada@example.com',
      'status' => TRUE,
      'roles' => ['authenticated', 'editor'],
      'fields' => ['field_first' => 'Ada', 'field_age' => 36, 'field_ref' => 12],
      'password' => 'S3cret!pass',
      'pass_hash' => '$2y$10$hash',
      'okta_id' => '00u1',
      'profile_hash' => 'abc',
      'okta_status' => 'ACTIVE',
    ], $snapshot);
  }

  /**
   * Tests optional keys omitted.
   */
  public function testOptionalKeysOmitted(): void {
    $snapshot = (new SnapshotBuilder())->build(3, 'bob', 'bob@example.com', FALSE, [], [], '', NULL, ['okta_id' => NULL]);
    $this->assertFalse($snapshot['status']);
    foreach (['password', 'pass_hash', 'okta_id', 'profile_hash', 'okta_status'] as $key) {
      $this->assertArrayNotHasKey($key, $snapshot);
    }
  }

  /**
   * Tests without secrets.
   */
  public function testWithoutSecrets(): void {
    $clean = SnapshotBuilder::withoutSecrets(['uid' => 1, 'password' => 'p', 'pass_hash' => 'h', 'okta_id' => '00u']);
    $this->assertSame(['uid' => 1, 'okta_id' => '00u'], $clean);
  }

}
