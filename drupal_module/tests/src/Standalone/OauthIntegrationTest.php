<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Standalone;

use Drupal\okta_user_sync\Engine\Extension;
use Drupal\okta_user_sync\Engine\SettingsAssembler;
use Drupal\Tests\okta_user_sync\Standalone\Support\FakeOkta;
use PHPUnit\Framework\TestCase;

/**
 * The OAuth service-app configuration, as the module assembles it, works.
 */
final class OauthIntegrationTest extends TestCase {

  private const CLIENT_ID = '0oamoduletest12345678';

  /**
   * The fake.
   */
  private ?FakeOkta $fake = NULL;

  /**
   * The private key.
   */
  private string $privateKey = '';

  /**
   * The public key file.
   */
  private string $publicKeyFile = '';

  /**
   * {@inheritdoc}
   */
  protected function setUp(): void {
    $this->assertTrue((new Extension())->isLoaded(), 'The okta_sync extension is not loaded: run `make test-module`.');
    $key = openssl_pkey_new(['private_key_bits' => 2048, 'private_key_type' => OPENSSL_KEYTYPE_RSA]);
    $this->assertNotFalse($key, 'openssl could not create an RSA key');
    openssl_pkey_export($key, $this->privateKey);
    $this->publicKeyFile = (string) tempnam(sys_get_temp_dir(), 'okta-oauth-pub-');
    file_put_contents($this->publicKeyFile, openssl_pkey_get_details($key)['key']);
    $this->fake = FakeOkta::startWith(['--oauth-client', self::CLIENT_ID . '=' . $this->publicKeyFile]);
  }

  /**
   * {@inheritdoc}
   */
  protected function tearDown(): void {
    $this->fake?->stop();
    if ($this->publicKeyFile !== '') {
      @unlink($this->publicKeyFile);
    }
  }

  /**
   * Settings.
   */
  private function settings(string $clientId): array {
    $config = array_replace(SettingsAssemblerTest::defaults(), [
      'org_url' => $this->fake->url(),
      'auth_method' => 'oauth',
      'oauth_client_id' => $clientId,
    ]);
    return (new SettingsAssembler())->assemble($config, ['api_token' => NULL, 'oauth_private_key' => $this->privateKey], ['max_retries' => 0]);
  }

  /**
   * Tests service app settings from config work.
   */
  public function testServiceAppSettingsFromConfigWork(): void {
    $this->fake->api('POST', '/api/v1/users?activate=false', [
      'profile' => [
        'login' => 'ada@example.com',
        'email' => 'ada@example.com',
        'firstName' => 'Ada',
        'lastName' => 'Lovelace',
      ],
    ]);
    $result = (new Extension())->test($this->settings(self::CLIENT_ID), 'ada@example.com');
    $this->assertTrue($result['ok'], json_encode($result));
    $this->assertSame('ada@example.com', $result['user']['login']);
  }

  /**
   * Tests unknown client fails without leaking the key.
   */
  public function testUnknownClientFailsWithoutLeakingTheKey(): void {
    $result = (new Extension())->test($this->settings('0oaunknownclient000000'), 'ada@example.com');
    $this->assertFalse($result['ok']);
    $body = preg_replace('/-----[A-Z ]+-----|\s+/', '', $this->privateKey);
    $this->assertStringNotContainsString(substr((string) $body, 40, 40), json_encode($result));
  }

}
