<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Functional;

use Drupal\Tests\BrowserTestBase;
use Drupal\Tests\okta_user_sync\Standalone\Support\FakeOkta;
use Drupal\Tests\okta_user_sync\Traits\FakeOktaTrait;

/**
 * Overview and Configuration screens, "Save and Test Configuration".
 *
 * @group okta_user_sync
 */
class SettingsFormTest extends BrowserTestBase {

  use FakeOktaTrait;

  /**
   * {@inheritdoc}
   */
  protected static $modules = ['okta_user_sync'];

  /**
   * {@inheritdoc}
   */
  protected $defaultTheme = 'stark';

  private const TOKEN = FakeOkta::TOKEN;

  /**
   * {@inheritdoc}
   */
  protected function setUp(): void {
    parent::setUp();
    $this->fake = FakeOkta::instance();
    $this->fake->reset();
    $this->drupalLogin($this->drupalCreateUser(['administer okta user sync']));
  }

  /**
   * Tests access needs the permission.
   */
  public function testAccessNeedsThePermission(): void {
    $this->drupalLogout();
    $this->drupalGet('admin/config/people/okta_user_sync/overview');
    $this->assertSession()->statusCodeEquals(403);
    $this->drupalLogin($this->drupalCreateUser(['access administration pages']));
    $this->drupalGet('admin/config/people/okta_user_sync/configuration');
    $this->assertSession()->statusCodeEquals(403);
  }

  /**
   * Tests overview leads to configuration.
   */
  public function testOverviewLeadsToConfiguration(): void {
    $this->drupalGet('admin/config/people/okta_user_sync');
    $this->assertSession()->addressEquals('admin/config/people/okta_user_sync/overview');
    $this->assertSession()->pageTextContains('Not configured');
    $this->clickLink("Let's Configure the module");
    $this->assertSession()->addressEquals('admin/config/people/okta_user_sync/configuration');
    $this->assertSession()->fieldExists('org_url');
  }

  /**
   * Tests save and test keeps the token secret.
   */
  public function testSaveAndTestKeepsTheTokenSecret(): void {
    $this->seedOktaUser('ada@example.com');
    $this->drupalGet('admin/config/people/okta_user_sync/configuration');
    $this->submitForm([
      'org_url' => $this->fake->url() . '/',
      'api_token' => self::TOKEN,
      'test_email' => 'ada@example.com',
    ], 'Save and Test Configuration');
    $this->assertSession()->pageTextContains('Test successful: found ada@example.com in Okta (ACTIVE)');
    $this->assertSession()->pageTextContains('Test Configuration Result');
    $this->assertSession()->responseNotContains(self::TOKEN);
    $this->assertSession()->pageTextContains('ending in …' . substr(self::TOKEN, -4));
    $this->assertSession()->linkExists('Next');

    $config = $this->config('okta_user_sync.settings');
    $this->assertSame($this->fake->url(), $config->get('org_url'));
    $this->assertStringNotContainsString(self::TOKEN, serialize($config->getRawData()));
    $this->assertSame(self::TOKEN, $this->container->get('state')->get('okta_user_sync.api_token'));

    // Saving again with an empty field keeps the token.
    $this->drupalGet('admin/config/people/okta_user_sync/configuration');
    $this->submitForm([], 'Save configuration');
    $this->container->get('state')->resetCache();
    $this->assertSame(self::TOKEN, $this->container->get('state')->get('okta_user_sync.api_token'));
  }

  /**
   * Tests failed test shows the okta error and its link.
   */
  public function testFailedTestShowsTheOktaErrorAndItsLink(): void {
    $wrong = 'revoked-api-token-0123456789-wxyz';
    $this->drupalGet('admin/config/people/okta_user_sync/configuration');
    $this->submitForm([
      'org_url' => $this->fake->url(),
      'api_token' => $wrong,
      'test_email' => 'ada@example.com',
    ], 'Save and Test Configuration');
    // Okta's answer to a bad token, with the engine's plain-words hint.
    $this->assertSession()->pageTextContains('Test failed:');
    $this->assertSession()->pageTextContains('E0000011');
    $this->assertSession()->linkByHrefExists('https://developer.okta.com/docs/reference/error-codes/#E0000011');
    $this->assertSession()->responseNotContains($wrong);
  }

  /**
   * Tests url validation.
   */
  public function testUrlValidation(): void {
    $this->drupalGet('admin/config/people/okta_user_sync/configuration');
    $this->submitForm(['org_url' => 'https://acme-admin.okta.com', 'api_token' => self::TOKEN], 'Save configuration');
    $this->assertSession()->pageTextContains('is the Admin Console address; the API is on the org URL https://acme.okta.com');
    $this->submitForm(['org_url' => 'https://acme.okta.com', 'api_token' => '', 'test_email' => ''], 'Save and Test Configuration');
    $this->assertSession()->pageTextContains('Enter the email of a user that exists in Okta');
  }

  /**
   * The OAuth way Okta recommends: a key pair made here, DPoP, scopes shown.
   *
   * The admin generates a key pair, registers its public JWK in Okta (here:
   * a fake started with that public key for the app, DPoP required, one of
   * the requested scopes not granted), saves and tests. The private key is
   * never rendered; the result shows the token's scheme and real scopes and
   * flags the missing one.
   */
  public function testOauthKeyPairDpopAndScopes(): void {
    $this->drupalGet('admin/config/people/okta_user_sync/configuration');
    $this->assertSession()->pageTextContains('OAuth 2.0 API Services app (recommended)');
    $this->submitForm([], 'Generate a key pair');
    $this->assertSession()->pageTextContains('A new key pair was generated');
    $state = \Drupal::state();
    $state->resetCache();
    $private = (string) $state->get('okta_user_sync.oauth_private_key');
    $this->assertStringStartsWith('-----BEGIN PRIVATE KEY-----', $private);
    $body = preg_replace('/-----[A-Z ]+-----|\s+/', '', $private);
    $this->assertSession()->responseNotContains(substr((string) $body, 20, 40));
    $kid = (string) $this->config('okta_user_sync.settings')->get('oauth_key_id');
    $this->assertNotSame('', $kid);
    $jwk = json_decode((string) $this->getSession()->getPage()->findField('public_key')?->getValue(), TRUE);
    $this->assertSame(['EC', 'P-256', $kid], [$jwk['kty'] ?? NULL, $jwk['crv'] ?? NULL, $jwk['kid'] ?? NULL], 'the public JWK to paste into Okta');
    $this->assertArrayNotHasKey('d', $jwk);

    // "Register" the public key with the app in Okta.
    $details = openssl_pkey_get_details(openssl_pkey_get_private($private));
    $publicPem = tempnam(sys_get_temp_dir(), 'okta-app-key-');
    file_put_contents($publicPem, $details['key']);
    $okta = FakeOkta::startWith(['--oauth-client', "0oadrupalsync=$publicPem"]);
    try {
      $okta->knobs([
        'oauth_dpop' => ['0oadrupalsync' => 'required'],
        'oauth_granted_scopes' => ['0oadrupalsync' => ['okta.users.read', 'okta.users.manage']],
      ]);
      $this->seedOktaUser('ada@example.com', 'ACTIVE', $okta);
      // A scope the app was not granted: Okta refuses the token; the
      // hint says where to grant it.
      $this->submitForm([
        'org_url' => $okta->url(),
        'auth_method' => 'oauth',
        'oauth_client_id' => '0oadrupalsync',
        'oauth_scopes' => 'okta.users.manage okta.groups.manage',
        'oauth_dpop' => 'auto',
        'test_email' => 'ada@example.com',
      ], 'Save and Test Configuration');
      $this->assertSession()->pageTextContains('Test failed:');
      $this->assertSession()->pageTextContains("grant them on the app's Okta API Scopes tab");

      $this->submitForm(['oauth_scopes' => 'okta.users.manage'], 'Save and Test Configuration');
      $this->assertSession()->pageTextContains('Test successful: found ada@example.com');
      $this->assertSession()->pageTextContains('Signed in with DPoP');
      $this->assertSession()->pageTextContains('Granted scopes okta.users.manage');
      $this->assertSession()->responseNotContains(substr((string) $body, 20, 40));
      $counts = $okta->control('GET', '/__fake/dpop');
      $this->assertSame(0, $counts['proofless_token_requests'], 'no token request without a DPoP proof');
      $this->assertSame(0, $counts['refused_proofs']['authorization'] + $counts['refused_proofs']['resource']);
    }
    finally {
      $okta->stop();
      unlink($publicPem);
    }
  }

}
