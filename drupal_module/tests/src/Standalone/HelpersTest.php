<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Standalone;

use Drupal\okta_user_sync\Sync\OrgUrl;
use Drupal\okta_user_sync\Sync\OutcomeText;
use PHPUnit\Framework\TestCase;

/**
 * @covers \Drupal\okta_user_sync\Sync\OrgUrl
 * @covers \Drupal\okta_user_sync\Sync\OutcomeText
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

  /**
   * Tests outcome text.
   */
  public function testOutcomeText(): void {
    $this->assertSame('created in Okta (00u1, STAGED)', OutcomeText::describe([
      'action' => 'created',
      'okta_id' => '00u1',
      'okta_status' => 'STAGED',
    ]));
    $this->assertSame('deactivated in Okta (00u1)', OutcomeText::describe([
      'action' => 'deactivated',
      'okta_id' => '00u1',
    ]));
    $this->assertSame('already up to date in Okta', OutcomeText::describe(['action' => 'unchanged']));
    $this->assertSame('would be created: no Okta user with this login', OutcomeText::describe([
      'action' => 'planned',
      'planned_action' => 'created',
      'reason' => 'no Okta user with this login',
    ]));
    $this->assertSame('would be deactivated (00u1)', OutcomeText::describe([
      'action' => 'planned',
      'planned_action' => 'deactivated',
      'okta_id' => '00u1',
      'reason' => NULL,
    ]));
    $this->assertSame('skipped: blocked', OutcomeText::describe(['action' => 'skipped', 'reason' => 'blocked']));
    $failed = [
      'action' => 'failed',
      'error' => ['code' => 'E0000011', 'summary' => 'Invalid token provided', 'link' => 'E0000011'],
    ];
    $this->assertSame('failed: E0000011: Invalid token provided', OutcomeText::describe($failed));
    $this->assertSame('https://developer.okta.com/docs/reference/error-codes/#E0000011', OutcomeText::errorLink($failed));
    $this->assertSame('https://x.example/e', OutcomeText::errorLink(['error' => ['link' => 'https://x.example/e']]));
    $this->assertNull(OutcomeText::errorLink(['action' => 'created']));
  }

}
