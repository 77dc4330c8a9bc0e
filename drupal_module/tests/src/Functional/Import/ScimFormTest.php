<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Functional\Import;

use Drupal\Tests\BrowserTestBase;
use Psr\Http\Message\ResponseInterface;

/**
 * The SCIM section of the "Okta to Drupal" tab, and the endpoint over HTTP.
 *
 * @group okta_user_sync
 */
final class ScimFormTest extends BrowserTestBase {

  /**
   * {@inheritdoc}
   */
  protected static $modules = ['okta_user_sync'];

  /**
   * {@inheritdoc}
   */
  protected $defaultTheme = 'stark';

  /**
   * An admin turns SCIM on, gets a token once, and Okta can provision.
   */
  public function testEnableTokenAndProvision(): void {
    $this->drupalCreateRole([], 'editor', 'Editor');
    $this->drupalLogin($this->drupalCreateUser(['administer okta user sync']));
    $this->drupalGet('/admin/config/people/okta_user_sync/import');
    $this->assertSession()->pageTextContains('SCIM provisioning');
    $this->assertSession()->pageTextContains('Not set: every SCIM request is refused.');
    $this->assertSession()->pageTextContains($this->buildUrl('/scim/v2'));

    $this->submitForm([
      'scim_enabled' => TRUE,
      'scim_role_map' => "Okta Editors|editor",
      'scim_attribute_map' => "name.givenName|no_such_field",
    ], 'Save import settings');
    $this->assertSession()->pageTextContains('the user account has no field no_such_field');
    $this->submitForm([
      'scim_enabled' => TRUE,
      'scim_role_map' => "Okta Editors|editor",
      'scim_attribute_map' => "emails|mail",
    ], 'Save import settings');
    $this->assertSession()->pageTextContains('SCIM mapping:');
    $this->submitForm([
      'scim_enabled' => TRUE,
      'scim_role_map' => "Okta Editors|editor",
      'scim_attribute_map' => '',
    ], 'Save import settings');
    $this->assertSession()->pageTextContains('The import settings have been saved.');
    $this->assertSame([['group' => 'Okta Editors', 'role' => 'editor']], $this->config('okta_user_sync.settings')->get('scim_role_map'));

    $this->submitForm([], 'Generate token');
    $this->assertSession()->pageTextContains('it is shown only once');
    $token = (string) $this->getSession()->getPage()->findField('New SCIM token (shown once)')->getValue();
    $this->assertMatchesRegularExpression('/^okscim_[A-Za-z0-9_-]{43}$/', $token);
    $this->drupalGet('/admin/config/people/okta_user_sync/import');
    $page = $this->getSession()->getPage()->getContent();
    $this->assertStringNotContainsString($token, $page, 'the token is shown once only');
    $this->assertStringNotContainsString((string) \Drupal::state()->get('okta_user_sync.scim_token_hash'), $page);
    $this->assertSession()->pageTextContains('Set (stored as a hash');

    // Okta over real HTTP (loopback: plain HTTP is allowed).
    $user = [
      'schemas' => ['urn:ietf:params:scim:schemas:core:2.0:User'],
      'userName' => 'ada@okta.test',
      'name' => ['givenName' => 'Ada', 'familyName' => 'Lovelace'],
      'emails' => [['primary' => TRUE, 'value' => 'ada@okta.test', 'type' => 'work']],
      'active' => TRUE,
    ];
    $this->assertSame(401, $this->scim('GET', '/scim/v2/Users', NULL, 'okscim_wrong')->getStatusCode());
    $created = $this->scim('POST', '/scim/v2/Users', $user, $token);
    $this->assertSame(201, $created->getStatusCode(), (string) $created->getBody());
    $id = json_decode((string) $created->getBody(), TRUE)['id'];
    $group = $this->scim('POST', '/scim/v2/Groups', [
      'schemas' => ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      'displayName' => 'Okta Editors',
      'members' => [['value' => $id]],
    ], $token);
    $this->assertSame(201, $group->getStatusCode(), (string) $group->getBody());
    $accounts = \Drupal::entityTypeManager()->getStorage('user')->loadByProperties(['name' => 'ada@okta.test']);
    $this->assertTrue(reset($accounts)->hasRole('editor'));

    // The page lists the writes; a moved base path moves the endpoint.
    $this->drupalGet('/admin/config/people/okta_user_sync/import');
    $this->assertSession()->pageTextContains('POST User ' . $id);
    $this->submitForm(['scim_base_path' => '/provisioning/scim/'], 'Save import settings');
    $this->assertSession()->pageTextContains($this->buildUrl('/provisioning/scim'));
    $this->assertSame(200, $this->scim('GET', '/provisioning/scim/Users/' . $id, NULL, $token)->getStatusCode());
    $this->assertNotSame(200, $this->scim('GET', '/scim/v2/Users/' . $id, NULL, $token)->getStatusCode());

    $this->drupalGet('/admin/config/people/okta_user_sync/import');
    $this->submitForm([], 'Revoke token');
    $this->assertSame(401, $this->scim('GET', '/provisioning/scim/Users', NULL, $token)->getStatusCode());
  }

  /**
   * One SCIM request to the site under test.
   */
  private function scim(string $method, string $path, ?array $body, string $token): ResponseInterface {
    return $this->getHttpClient()->request($method, $this->buildUrl($path), [
      'http_errors' => FALSE,
      'headers' => ['Authorization' => 'Bearer ' . $token, 'Content-Type' => 'application/scim+json'],
      'body' => $body === NULL ? '' : json_encode($body),
    ]);
  }

}
