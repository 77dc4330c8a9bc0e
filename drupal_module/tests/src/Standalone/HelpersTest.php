<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Standalone;

use Drupal\okta_user_sync\Sync\OrgUrl;
use PHPUnit\Framework\TestCase;

/**
 * @covers \Drupal\okta_user_sync\Sync\OrgUrl
 */
final class HelpersTest extends TestCase {

  /**
   * Tests org url.
   */
  public function testOrgUrl(): void {
    $this->assertNull(OrgUrl::problem('https://acme.okta.com'));
    $this->assertNull(OrgUrl::problem('https://acme.okta.com/'));
    $this->assertNull(OrgUrl::problem('http://127.0.0.1:8080'));
    $this->assertStringContainsString('https://', (string) OrgUrl::problem('http://acme.okta.com'));
    $this->assertStringContainsString('-admin', (string) OrgUrl::problem('https://acme-admin.okta.com'));
    $this->assertStringContainsString('path', (string) OrgUrl::problem('https://acme.okta.com/oauth2/default'));
    $this->assertStringContainsString('password', (string) OrgUrl::problem('https://u:p@acme.okta.com'));
    $this->assertNotNull(OrgUrl::problem('acme.okta.com'));
    $this->assertSame('https://acme.okta.com', OrgUrl::normalize(' https://acme.okta.com/ '));
  }

}
