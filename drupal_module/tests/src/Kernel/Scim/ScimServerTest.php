<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Kernel\Scim;

use Drupal\field\Entity\FieldConfig;
use Drupal\field\Entity\FieldStorageConfig;
use Drupal\okta_user_sync\Event\ImportEvent;
use Drupal\Tests\okta_user_sync\Kernel\OktaUserSyncKernelTestBase;
use Drupal\user\Entity\Role;
use Drupal\user\Entity\User;
use Drupal\user\UserInterface;
use Symfony\Component\HttpFoundation\Request;
use Symfony\Component\HttpFoundation\Response;

/**
 * The SCIM 2.0 endpoint as Okta's provisioning calls it, through the kernel.
 *
 * Requests carry the bodies Okta sends (its SCIM 2.0 reference payloads);
 * the assertions look at the Drupal accounts and roles, and at the fake
 * Okta: a SCIM-driven change is never pushed back.
 *
 * @group okta_user_sync
 */
final class ScimServerTest extends OktaUserSyncKernelTestBase {

  private const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
  private const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
  private const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

  /**
   * {@inheritdoc}
   */
  protected static $modules = ['system', 'user', 'field', 'okta_user_sync'];

  /**
   * The bearer token of this test.
   */
  private string $token;

  /**
   * {@inheritdoc}
   */
  protected function setUp(): void {
    parent::setUp();
    $this->installSchema('okta_user_sync', ['okta_user_sync_scim']);
    foreach (['field_first' => 'First name', 'field_last' => 'Last name'] as $name => $label) {
      FieldStorageConfig::create(['field_name' => $name, 'entity_type' => 'user', 'type' => 'string'])->save();
      FieldConfig::create(['field_name' => $name, 'entity_type' => 'user', 'bundle' => 'user', 'label' => $label])->save();
    }
    Role::create(['id' => 'editor', 'label' => 'Editor'])->save();
    Role::create(['id' => 'boss', 'label' => 'Boss', 'is_admin' => TRUE])->save();
    // Drupal to Okta is on: any push would reach the fake.
    $this->config('okta_user_sync.settings')
      ->set('scim_enabled', TRUE)
      ->set('scim_attribute_map', [
        ['scim' => 'name.givenName', 'drupal' => 'field_first'],
        ['scim' => 'name.familyName', 'drupal' => 'field_last'],
      ])
      ->set('scim_role_map', [['group' => 'Okta Editors', 'role' => 'editor'], ['group' => 'Bosses', 'role' => 'boss']])
      ->save();
    $this->container->get('router.builder')->rebuild();
    $this->token = $this->container->get('okta_user_sync.scim_config')->rotateToken();
  }

  /**
   * Okta's user lifecycle: lookup, create, duplicate, deactivate, update.
   */
  public function testOktaUserLifecycle(): void {
    $lookup = $this->scim('GET', '/scim/v2/Users?filter=' . rawurlencode('userName eq "test.user@okta.local"') . '&startIndex=1&count=100');
    $this->assertSame(200, $lookup->getStatusCode());
    $this->assertSame('application/scim+json', $lookup->headers->get('Content-Type'));
    $this->assertSame(0, $this->json($lookup)['totalResults']);

    $created = $this->scim('POST', '/scim/v2/Users', self::scimUser());
    $this->assertSame(201, $created->getStatusCode(), (string) $created->getContent());
    $user = $this->json($created);
    $account = $this->account('test.user@okta.local');
    $this->assertSame((string) $account->uuid(), $user['id'], 'the SCIM id is the account UUID, never the uid');
    $this->assertStringEndsWith('/scim/v2/Users/' . $user['id'], (string) $created->headers->get('Location'));
    $this->assertSame($created->headers->get('ETag'), $user['meta']['version']);
    $this->assertArrayNotHasKey('password', $user);
    $this->assertSame(['givenName' => 'Test', 'familyName' => 'User'], $user['name']);
    $this->assertSame('00ujl29u0le5T6Aj10h7', $user['externalId']);
    $this->assertSame('Test', $account->get('field_first')->value);
    $this->assertTrue($account->isActive());
    $this->assertTrue($this->container->get('password')->check('1mz050nq', $account->getPassword()), 'the password went through the password service');
    $this->assertStringNotContainsString('1mz050nq', (string) $account->getPassword());

    $again = $this->scim('POST', '/scim/v2/Users', self::scimUser());
    $this->assertSame(409, $again->getStatusCode());
    $this->assertSame('uniqueness', $this->json($again)['scimType']);
    $this->assertCount(1, User::loadMultiple(\Drupal::entityQuery('user')->accessCheck(FALSE)->condition('mail', 'test.user@okta.local')->execute()));

    $found = $this->json($this->scim('GET', '/scim/v2/Users?filter=' . rawurlencode('userName eq "TEST.USER@okta.local"')));
    $this->assertSame(1, $found['totalResults']);
    $this->assertSame($user['id'], $found['Resources'][0]['id']);
    foreach ([
      'externalId eq "00ujl29u0le5T6Aj10h7"' => 1,
      'externalId eq "00UJL29U0LE5T6AJ10H7"' => 0,
      'emails[type eq "work"].value eq "test.user@okta.local"' => 1,
      'name.familyName sw "Us" and active eq true' => 1,
      'not (active eq true)' => 0,
      'nickName pr' => 0,
      'id eq "' . $user['id'] . '"' => 1,
    ] as $filter => $count) {
      $this->assertSame($count, $this->json($this->scim("GET", "/scim/v2/Users?filter=" . rawurlencode($filter)))["totalResults"], $filter);
    }
    $bad = $this->scim('GET', '/scim/v2/Users?filter=' . rawurlencode('not (userName co "x")'));
    $this->assertSame(400, $bad->getStatusCode());
    $this->assertSame('invalidFilter', $this->json($bad)['scimType']);

    $path = '/scim/v2/Users/' . $user['id'];
    $off = $this->scim('PATCH', $path, self::active(FALSE));
    $this->assertSame(200, $off->getStatusCode(), (string) $off->getContent());
    $this->assertFalse($this->json($off)['active']);
    $this->assertFalse($this->account('test.user@okta.local')->isActive(), 'PATCH active=false blocks');
    $on = $this->scim('PATCH', $path, self::patchOp(['op' => 'replace', 'path' => 'active', 'value' => 'True']));
    $this->assertTrue($this->json($on)['active']);
    $this->assertTrue($this->account('test.user@okta.local')->isActive(), 'PATCH active=true unblocks');

    $etag = (string) $this->scim('GET', $path)->headers->get('ETag');
    $put = ['id' => $user['id']] + self::scimUser();
    unset($put['password']);
    $put['name']['familyName'] = 'Userson';
    $this->assertSame(412, $this->scim('PUT', $path, $put, ['If-Match' => 'W/"stale"'])->getStatusCode());
    $replaced = $this->scim('PUT', $path, $put, ['If-Match' => $etag]);
    $this->assertSame(200, $replaced->getStatusCode(), (string) $replaced->getContent());
    $this->assertSame('Userson', $this->account('test.user@okta.local')->get('field_last')->value);
    $this->assertTrue($this->container->get('password')->check('1mz050nq', $this->account('test.user@okta.local')->getPassword()), 'a PUT without a password keeps it');

    $this->flush();
    $this->assertSame([], $this->oktaWrites(), 'nothing SCIM changed was pushed back to Okta');

    $this->assertSame(204, $this->scim('DELETE', $path)->getStatusCode());
    $this->assertSame(404, $this->scim('GET', $path)->getStatusCode());
    $kept = $this->account('test.user@okta.local');
    $this->assertFalse($kept->isActive(), 'a deleted user is blocked and kept by default');
    $this->assertSame(0, $this->json($this->scim('GET', '/scim/v2/Users?filter=' . rawurlencode('userName eq "test.user@okta.local"')))['totalResults']);
    $back = $this->scim('POST', '/scim/v2/Users', self::scimUser());
    $this->assertSame(201, $back->getStatusCode(), 'Okta may provision a deleted user again');
    $this->assertSame((int) $kept->id(), (int) $this->account('test.user@okta.local')->id(), 'the same account comes back, not a second one');
  }

  /**
   * Updates follow the import's attribute owners; a deactivation always wins.
   */
  public function testAttributeAuthority(): void {
    $this->config('okta_user_sync.settings')
      ->set('direction', 'both')
      ->set('attribute_authority', [['field' => 'field_first', 'owner' => 'okta']])
      ->save();
    $user = $this->json($this->scim('POST', '/scim/v2/Users', self::scimUser()));
    $this->assertSame('User', $this->account('test.user@okta.local')->get('field_last')->value, 'a create writes everything');
    $put = ['id' => $user['id']] + self::scimUser();
    $put['name'] = ['givenName' => 'Changed', 'familyName' => 'Changed'];
    $put['emails'][0]['value'] = 'other@okta.local';
    $this->assertSame(200, $this->scim('PUT', '/scim/v2/Users/' . $user['id'], $put)->getStatusCode());
    $account = $this->account('test.user@okta.local');
    $this->assertSame('Changed', $account->get('field_first')->value, 'Okta owns field_first');
    $this->assertSame('User', $account->get('field_last')->value, 'Drupal owns the unlisted field_last');
    $this->assertSame('test.user@okta.local', $account->getEmail(), 'Drupal owns the mail');
    $this->scim('PATCH', '/scim/v2/Users/' . $user['id'], self::active(FALSE));
    $this->assertFalse($this->account('test.user@okta.local')->isActive(), 'a deactivation applies whoever owns the status');
    $this->scim('PATCH', '/scim/v2/Users/' . $user['id'], self::active(TRUE));
    $this->assertFalse($this->account('test.user@okta.local')->isActive(), 'Drupal owns the status: SCIM does not reopen the account');
  }

  /**
   * Integrators see SCIM writes as ImportEvents: they change or veto them.
   */
  public function testImportEventSubscribers(): void {
    $seen = [];
    $this->container->get('event_dispatcher')->addListener(ImportEvent::NAME, static function (ImportEvent $event) use (&$seen): void {
      $seen[] = $event->action . ':' . $event->record['source'];
      if (str_starts_with((string) $event->record['login'], 'contractor')) {
        $event->veto('contractors are not provisioned here');
      }
      $event->setValue('field_last', strtoupper((string) ($event->getValues()['field_last'] ?? '')));
      $event->removeValue('field_first');
    });
    $user = $this->json($this->scim('POST', '/scim/v2/Users', self::scimUser()));
    $account = $this->account('test.user@okta.local');
    $this->assertSame('USER', $account->get('field_last')->value, 'a subscriber changed a value');
    $this->assertTrue($account->get('field_first')->isEmpty(), 'a subscriber left a value out');
    $this->assertSame('USER', $user['name']['familyName'], 'the answer shows what was stored');

    $contractor = self::scimUser();
    $contractor['userName'] = $contractor['emails'][0]['value'] = 'contractor@okta.local';
    $vetoed = $this->scim('POST', '/scim/v2/Users', $contractor);
    $this->assertSame(403, $vetoed->getStatusCode());
    $this->assertStringContainsString('contractors are not provisioned here', (string) $vetoed->getContent());
    $this->assertSame([], \Drupal::entityTypeManager()->getStorage('user')->loadByProperties(['name' => 'contractor@okta.local']));

    $this->scim('PATCH', '/scim/v2/Users/' . $user['id'], self::active(FALSE));
    $this->scim('DELETE', '/scim/v2/Users/' . $user['id']);
    $this->assertSame(['created:scim', 'created:scim', 'blocked:scim'], $seen, 'a DELETE of a blocked account writes nothing');
  }

  /**
   * A failure on the Drupal side is a SCIM 500 (Okta retries), not a page.
   */
  public function testStorageFailureAnswersScimError(): void {
    $this->container->get('event_dispatcher')->addListener(ImportEvent::NAME, static function (): void {
      throw new \RuntimeException('database went away (secret detail)');
    });
    $failed = $this->scim('POST', '/scim/v2/Users', self::scimUser());
    $this->assertSame(500, $failed->getStatusCode());
    $this->assertSame('application/scim+json', $failed->headers->get('Content-Type'));
    $this->assertStringNotContainsString('secret detail', (string) $failed->getContent(), 'details stay in the site log');
    $this->assertSame([], \Drupal::entityTypeManager()->getStorage('user')->loadByProperties(['name' => 'test.user@okta.local']));
    $this->assertSame(500, $this->container->get('okta_user_sync.scim_log')->recent()[0]['status']);
  }

  /**
   * Paging over every account, in a stable order.
   */
  public function testPaging(): void {
    foreach (range(1, 5) as $i) {
      $this->createAccount("user$i");
    }
    $first = $this->json($this->scim('GET', '/scim/v2/Users?startIndex=1&count=4'));
    $second = $this->json($this->scim('GET', '/scim/v2/Users?startIndex=5&count=4'));
    // Five accounts plus the site's admin.
    $this->assertSame(6, $first['totalResults']);
    $this->assertSame([4, 2], [count($first['Resources']), count($second['Resources'])]);
    $this->assertSame(5, $second['startIndex']);
    $ids = array_merge(array_column($first['Resources'], 'id'), array_column($second['Resources'], 'id'));
    $this->assertCount(6, array_unique($ids));
    $this->assertSame(0, count($this->json($this->scim('GET', '/scim/v2/Users?startIndex=7'))['Resources']));
  }

  /**
   * Okta's Group Push: create, members add and remove, rename, delete.
   */
  public function testGroupPush(): void {
    $ada = $this->createAccount('ada');
    $bob = $this->createAccount('bob');
    $this->flush();
    $this->clearOktaRequests();
    $this->assertSame(0, $this->json($this->scim('GET', '/scim/v2/Groups?filter=' . rawurlencode('displayName eq "Okta Editors"')))['totalResults']);
    $created = $this->scim('POST', '/scim/v2/Groups', self::group('Okta Editors', $ada));
    $this->assertSame(201, $created->getStatusCode(), (string) $created->getContent());
    $group = $this->json($created);
    $this->assertTrue($this->reload($ada)->hasRole('editor'));
    $this->assertSame(409, $this->scim('POST', '/scim/v2/Groups', self::group('okta editors'))->getStatusCode());

    $path = '/scim/v2/Groups/' . $group['id'];
    $member = [['value' => $bob->uuid(), 'display' => 'bob']];
    $add = $this->scim('PATCH', $path, self::patchOp(['op' => 'add', 'path' => 'members', 'value' => $member]));
    $this->assertSame(200, $add->getStatusCode(), (string) $add->getContent());
    $this->assertTrue($this->reload($bob)->hasRole('editor'));
    $this->assertEqualsCanonicalizing([$ada->uuid(), $bob->uuid()], array_column($this->json($add)['members'], 'value'));
    $this->assertSame('Okta Editors', $this->json($this->scim('GET', '/scim/v2/Users/' . $bob->uuid()))['groups'][0]['display']);
    $this->assertSame(1, $this->json($this->scim('GET', '/scim/v2/Users?filter=' . rawurlencode('groups eq "' . $group['id'] . '" and userName sw "bob"')))['totalResults']);

    $ada_member = 'members[value eq "' . $ada->uuid() . '"]';
    $remove = $this->scim('PATCH', $path, self::patchOp(['op' => 'remove', 'path' => $ada_member]));
    $this->assertSame(200, $remove->getStatusCode(), (string) $remove->getContent());
    $this->assertFalse($this->reload($ada)->hasRole('editor'));
    $this->assertTrue($this->reload($bob)->hasRole('editor'));

    $renamed = ['id' => $group['id'], 'displayName' => 'okta editors'];
    $rename = $this->scim('PATCH', $path, self::patchOp(['op' => 'replace', 'value' => $renamed]));
    $this->assertSame('okta editors', $this->json($rename)['displayName']);
    $this->assertSame(1, $this->json($this->scim('GET', '/scim/v2/Groups?filter=' . rawurlencode('displayName eq "OKTA EDITORS"')))['totalResults']);
    $this->assertSame('Editor', Role::load('editor')->label(), 'a mapped role keeps its own label');

    $nobody = [['value' => 'no-such-user']];
    $unknown = $this->scim('PATCH', $path, self::patchOp(['op' => 'add', 'path' => 'members', 'value' => $nobody]));
    $this->assertSame(400, $unknown->getStatusCode());
    $this->assertTrue($this->reload($bob)->hasRole('editor'), 'a refused PATCH changes nothing');

    $this->assertSame(204, $this->scim('DELETE', $path)->getStatusCode());
    $this->assertFalse($this->reload($bob)->hasRole('editor'));
    $this->assertNotNull(Role::load('editor'), 'a mapped role is not deleted with its group');
    $this->assertSame(404, $this->scim('GET', $path)->getStatusCode());
    $this->flush();
    $this->assertSame([], $this->oktaWrites(), 'role changes from SCIM are not pushed back');
  }

  /**
   * Unmapped, created and protected roles.
   */
  public function testRoleRules(): void {
    $unmapped = $this->scim('POST', '/scim/v2/Groups', self::group('Sales'));
    $this->assertSame(400, $unmapped->getStatusCode());
    $this->assertSame(403, $this->scim('POST', '/scim/v2/Groups', self::group('Bosses'))->getStatusCode(), 'an admin role is never assignable over SCIM');
    $this->config('okta_user_sync.settings')->set('scim_role_map', [['group' => 'Admins', 'role' => 'administrator']])->set('scim_create_roles', TRUE)->save();
    $this->assertSame(403, $this->scim('POST', '/scim/v2/Groups', self::group('Admins'))->getStatusCode());

    $sales = $this->json($this->scim('POST', '/scim/v2/Groups', self::group('Sales Team')));
    $role = Role::load('sales_team');
    $this->assertNotNull($role, 'an unmapped group creates a role when asked to');
    $this->assertSame('Sales Team', $role->label());
    $this->assertFalse($role->isAdmin());
    $this->assertSame(204, $this->scim('DELETE', '/scim/v2/Groups/' . $sales['id'])->getStatusCode());
    $this->assertNull(Role::load('sales_team'), 'a role SCIM created goes with its group');
  }

  /**
   * The token, HTTPS, flood control and the on/off switch.
   */
  public function testAccess(): void {
    $missing = $this->scim('GET', '/scim/v2/Users', NULL, [], NULL);
    $this->assertSame(401, $missing->getStatusCode());
    $this->assertSame('Bearer realm="SCIM"', $missing->headers->get('WWW-Authenticate'));
    $wrong = $this->scim('GET', '/scim/v2/Users', NULL, [], 'okscim_wrong');
    $this->assertSame(401, $wrong->getStatusCode());
    $this->assertStringContainsString('invalid_token', (string) $wrong->headers->get('WWW-Authenticate'));
    $this->assertStringContainsString('no-store', (string) $wrong->headers->get('Cache-Control'));
    $this->assertSame(403, $this->scim('GET', '/scim/v2/Users', NULL, [], $this->token, '203.0.113.7')->getStatusCode(), 'plain HTTP from another host');
    $this->assertSame(200, $this->scim('GET', '/scim/v2/Users', NULL, [], $this->token, '203.0.113.7', TRUE)->getStatusCode(), 'HTTPS from another host');

    // Flood: ten failures from one address, then even the right token waits.
    for ($i = 0; $i < 9; $i++) {
      $this->scim('GET', '/scim/v2/Users', NULL, [], 'okscim_guess' . $i, '198.51.100.1', TRUE);
    }
    $this->assertSame(200, $this->scim('GET', '/scim/v2/Users', NULL, [], $this->token, '198.51.100.2', TRUE)->getStatusCode(), 'other addresses are not affected');
    $this->scim('GET', '/scim/v2/Users', NULL, [], 'okscim_guess9', '198.51.100.1', TRUE);
    $blocked = $this->scim('GET', '/scim/v2/Users', NULL, [], $this->token, '198.51.100.1', TRUE);
    $this->assertSame(429, $blocked->getStatusCode());
    $this->assertNotNull($blocked->headers->get('Retry-After'));

    // A new token replaces the old one; the state holds only its hash.
    $old = $this->token;
    $this->token = $this->container->get('okta_user_sync.scim_config')->rotateToken();
    $this->assertSame(401, $this->scim('GET', '/scim/v2/Users', NULL, [], $old)->getStatusCode());
    $this->assertSame(200, $this->scim('GET', '/scim/v2/Users')->getStatusCode());
    $stored = (string) $this->container->get('state')->get('okta_user_sync.scim_token_hash');
    $this->assertStringStartsWith('sha256:', $stored);
    $this->assertStringNotContainsString(substr($this->token, 7), $stored);
    $this->assertStringNotContainsString($this->token, serialize($this->config('okta_user_sync.settings')->getRawData()));

    $this->assertSame(404, $this->scim('GET', '/scim/v2/Nope')->getStatusCode());
    $this->assertSame(405, $this->scim('DELETE', '/scim/v2/ServiceProviderConfig')->getStatusCode());
    $spc = $this->json($this->scim('GET', '/scim/v2/ServiceProviderConfig'));
    $this->assertTrue($spc['patch']['supported']);
    $this->config('okta_user_sync.settings')->set('scim_enabled', FALSE)->save();
    $this->assertSame(404, $this->scim('GET', '/scim/v2/Users')->getStatusCode(), 'off means absent');
  }

  /**
   * Writes are logged without bodies and listed as recent operations.
   */
  public function testWritesAreRecorded(): void {
    $this->scim('POST', '/scim/v2/Users', self::scimUser(), ['X-Request-Id' => 'req-123']);
    $this->scim('POST', '/scim/v2/Users', self::scimUser());
    $recent = $this->container->get('okta_user_sync.scim_log')->recent();
    $this->assertSame([409, 201], array_column($recent, 'status'));
    $this->assertSame('req-123', $recent[1]['request_id']);
    $this->assertStringNotContainsString('1mz050nq', serialize($recent));
  }

  /**
   * A SCIM Group named $name with these members.
   */
  private static function group(string $name, UserInterface ...$members): array {
    $list = [];
    foreach ($members as $member) {
      $list[] = ['value' => $member->uuid(), 'display' => $member->getAccountName()];
    }
    return ['schemas' => [self::GROUP], 'displayName' => $name, 'members' => $list];
  }

  /**
   * Okta's deactivate / reactivate: a path-less replace of active.
   */
  private static function active(bool $active): array {
    return self::patchOp(['op' => 'replace', 'value' => ['active' => $active]]);
  }

  /**
   * A SCIM PatchOp body with these operations.
   */
  private static function patchOp(array ...$operations): array {
    return ['schemas' => [self::PATCH], 'Operations' => $operations];
  }

  /**
   * A user Okta sends, as in Okta's SCIM 2.0 reference.
   */
  private static function scimUser(): array {
    return [
      'schemas' => [self::USER],
      'userName' => 'test.user@okta.local',
      'name' => ['givenName' => 'Test', 'familyName' => 'User'],
      'emails' => [['primary' => TRUE, 'value' => 'test.user@okta.local', 'type' => 'work']],
      'displayName' => 'Test User',
      'locale' => 'en-US',
      'externalId' => '00ujl29u0le5T6Aj10h7',
      'groups' => [],
      'password' => '1mz050nq',
      'active' => TRUE,
    ];
  }

  /**
   * Sends a SCIM request through the HTTP kernel.
   */
  private function scim(string $method, string $uri, ?array $body = NULL, array $headers = [], ?string $token = '', string $ip = '127.0.0.1', bool $https = FALSE): Response {
    $server = ['CONTENT_TYPE' => 'application/scim+json', 'REMOTE_ADDR' => $ip];
    if ($https) {
      $server['HTTPS'] = 'on';
    }
    $token = $token === '' ? $this->token : $token;
    if ($token !== NULL) {
      $server['HTTP_AUTHORIZATION'] = 'Bearer ' . $token;
    }
    foreach ($headers as $name => $value) {
      $server['HTTP_' . strtoupper(str_replace('-', '_', $name))] = $value;
    }
    $request = Request::create(($https ? 'https://localhost' : 'http://localhost') . $uri, $method, [], [], [], $server, $body === NULL ? '' : json_encode($body));
    return $this->container->get('http_kernel')->handle($request);
  }

  /**
   * The decoded body.
   */
  private function json(Response $response): array {
    return (array) json_decode((string) $response->getContent(), TRUE);
  }

  /**
   * The account with this name, fresh from storage.
   */
  private function account(string $name): UserInterface {
    $accounts = \Drupal::entityTypeManager()->getStorage('user')->loadByProperties(['name' => $name]);
    $this->assertCount(1, $accounts, "one account named $name");
    $account = reset($accounts);
    \Drupal::entityTypeManager()->getStorage('user')->resetCache([(int) $account->id()]);
    return User::load($account->id());
  }

  /**
   * The account, fresh from storage.
   */
  private function reload(UserInterface $account): UserInterface {
    \Drupal::entityTypeManager()->getStorage('user')->resetCache([(int) $account->id()]);
    return User::load($account->id());
  }

}
