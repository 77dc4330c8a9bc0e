<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Standalone;

use Drupal\okta_user_sync\Sync\SecretMask;
use Drupal\okta_user_sync\Sync\SecretResolver;
use PHPUnit\Framework\TestCase;

/**
 * @covers \Drupal\okta_user_sync\Sync\SecretMask
 * @covers \Drupal\okta_user_sync\Sync\SecretResolver
 */
final class SecretHandlingTest extends TestCase {

  /**
   * Tests mask shows only the tail of long secrets.
   */
  public function testMaskShowsOnlyTheTailOfLongSecrets(): void {
    $this->assertSame('not set', SecretMask::describe(NULL));
    $this->assertSame('not set', SecretMask::describe('  '));
    $this->assertSame('set', SecretMask::describe('short-secret'));
    $this->assertSame('set, ending in …wxyz', SecretMask::describe('00abcdefghijklmnopqrstuvwxyz'));
    $pem = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nabcdQ1234==\n-----END PRIVATE KEY-----\n";
    $this->assertSame('4==', substr((string) SecretMask::tail($pem), 1));
    $this->assertStringNotContainsString('KEY', (string) SecretMask::tail($pem));
  }

  /**
   * Tests resolver precedence.
   */
  public function testResolverPrecedence(): void {
    $resolver = new SecretResolver();
    $this->assertSame(['from-settings', 'settings'], $resolver->resolve([
      'state' => 'from-state',
      'settings' => 'from-settings',
      'environment' => 'from-env',
    ]));
    $this->assertSame(['from-env', 'environment'], $resolver->resolve([
      'state' => 'from-state',
      'environment' => ' from-env ',
      'settings' => '',
    ]));
    $this->assertSame(['from-key', 'key'], $resolver->resolve(['state' => 'from-state', 'key' => 'from-key']));
    $this->assertSame(['from-state', 'state'], $resolver->resolve(['state' => 'from-state']));
    $this->assertSame([NULL, NULL], $resolver->resolve(['state' => NULL]));
  }

}
