--TEST--
SCIM: an Okta provisioning flow end to end through the extension, with a plain-array "module" doing storage only: create, duplicate (409), filter by userName, PATCH active=false/true, PUT (If-Match), group push (create, members add/remove, rename), deletes, discovery, errors
--FILE--
<?php
declare(strict_types=1);

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCHOP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

$settings = [
  'base_url' => 'https://drupal.example/scim/v2',
  'attribute_map' => ['name.givenName' => 'field_first', 'name.familyName' => 'field_last'],
  'role_map' => ['Okta Editors' => 'editor'],
];

/**
 * What the Drupal module does: storage only. Accounts and roles are plain
 * arrays keyed by their stable SCIM id; every protocol decision is the
 * extension's.
 */
final class Module {
  public array $accounts = [];
  public array $roles = [];
  private int $next = 1;

  public function __construct(private array $settings) {}

  public function handle(string $method, string $path, array $query = [], ?array $body = NULL, array $headers = []): array {
    $op = okta_sync_scim_request([
      'method' => $method, 'path' => $path, 'query' => $query, 'headers' => $headers + ['Content-Type' => 'application/scim+json'],
      'body' => $body === NULL ? NULL : json_encode($body),
    ], $this->settings);
    if ($op['response']) {
      return $op['response'];
    }
    $users = $op['resource'] === 'User';
    $type = $op['resource'];
    switch ($op['kind']) {
      case 'list':
        // A real module turns $op['filter'] into an entity query; here every
        // stored resource is tested with the extension's evaluator.
        $all = array_map(fn ($e) => $this->scim($type, $e), $users ? $this->accounts : $this->roles);
        $hits = array_values(array_filter($all, fn ($r) => !$op['filter'] || okta_sync_scim_matches($op['filter'], $r)));
        $page = array_slice($hits, $op['start_index'] - 1, $op['count']);
        return okta_sync_scim_response('list', ['resources' => $page, 'total_results' => count($hits)] + $op, $this->settings);

      case 'create':
        $d = okta_sync_scim_to_drupal($type, $op['body'], $this->settings);
        if ($d['error']) {
          return $d['error'];
        }
        if ($users && $this->findUser($d['name'])) {
          return okta_sync_scim_response('error', ['status' => 409, 'scim_type' => 'uniqueness', 'detail' => "userName {$d['name']} is taken"]);
        }
        $id = sprintf('%08x-0000-4000-8000-%012d', 0xabc, $this->next++);
        $users ? $this->saveUser($id, $d) : $this->saveRole($id, $d);
        return okta_sync_scim_response('resource', ['resource' => $this->scim($type, $this->entity($type, $id))] + $op, $this->settings);

      case 'get':
      case 'replace':
      case 'patch':
      case 'delete':
        $entity = $this->entity($type, $op['id']);
        if (!$entity) {
          return okta_sync_scim_response('error', ['status' => 404, 'detail' => "no $type {$op['id']}"]);
        }
        $current = $this->scim($type, $entity);
        if ($failed = okta_sync_scim_precondition($op, $current)) {
          return $failed;
        }
        if ($op['kind'] === 'delete') {
          if ($users) {
            unset($this->accounts[$op['id']]);
          }
          else {
            unset($this->roles[$op['id']]);
          }
          return okta_sync_scim_response('no_content', []);
        }
        $new = $op['body'];
        if ($op['kind'] === 'patch') {
          $p = okta_sync_scim_patch($current, $op['operations'], $this->settings);
          if ($p['error']) {
            return $p['error'];
          }
          $new = $p['resource'];
        }
        if ($op['kind'] !== 'get') {
          $d = okta_sync_scim_to_drupal($type, $new, $this->settings);
          if ($d['error']) {
            return $d['error'];
          }
          $users ? $this->saveUser($op['id'], $d) : $this->saveRole($op['id'], $d);
        }
        return okta_sync_scim_response('resource', ['resource' => $this->scim($type, $this->entity($type, $op['id']))] + $op, $this->settings);
    }
    throw new LogicException($op['kind']);
  }

  private function entity(string $type, string $id): ?array {
    return $type === 'User' ? ($this->accounts[$id] ?? NULL) : ($this->roles[$id] ?? NULL);
  }

  private function findUser(string $name): ?string {
    foreach ($this->accounts as $id => $a) {
      if (strcasecmp($a['name'], $name) === 0) {
        return $id;
      }
    }
    return NULL;
  }

  private function saveUser(string $id, array $d): void {
    $old = $this->accounts[$id] ?? ['roles' => [], 'created' => 1767225600, 'pass' => NULL];
    $this->accounts[$id] = [
      'name' => $d['name'], 'mail' => $d['mail'], 'status' => $d['status'] ?? TRUE,
      'fields' => $d['fields'], 'external_id' => $d['external_id'], 'roles' => $old['roles'],
      'created' => $old['created'], 'changed' => 1767225600 + $this->next,
      // Drupal's password service would hash it; it is never read back.
      'pass' => $d['password'] !== NULL ? password_hash($d['password'], PASSWORD_DEFAULT) : $old['pass'],
    ];
  }

  private function saveRole(string $id, array $d): void {
    $this->roles[$id] = ['label' => $d['label'], 'role' => $d['role'], 'external_id' => $d['external_id']];
    foreach ($this->accounts as $uid => &$a) {
      $a['roles'] = array_values(array_diff($a['roles'], [$d['role']]));
      if (in_array($uid, $d['members'], TRUE)) {
        $a['roles'][] = $d['role'];
      }
    }
  }

  private function scim(string $type, array $e): array {
    if ($type === 'User') {
      $id = array_search($e, $this->accounts, TRUE);
      $groups = [];
      foreach ($this->roles as $rid => $r) {
        if (in_array($r['role'], $e['roles'], TRUE)) {
          $groups[] = ['id' => $rid, 'display' => $r['label']];
        }
      }
      return okta_sync_scim_from_drupal('User', ['id' => $id, 'name' => $e['name'], 'mail' => $e['mail'],
        'status' => $e['status'], 'fields' => $e['fields'], 'external_id' => $e['external_id'],
        'groups' => $groups, 'created' => $e['created'], 'changed' => $e['changed']], $this->settings);
    }
    $id = array_search($e, $this->roles, TRUE);
    $members = [];
    foreach ($this->accounts as $uid => $a) {
      if (in_array($e['role'], $a['roles'], TRUE)) {
        $members[] = ['id' => $uid, 'display' => $a['name']];
      }
    }
    return okta_sync_scim_from_drupal('Group', ['id' => $id, 'label' => $e['label'], 'members' => $members,
      'external_id' => $e['external_id']], $this->settings);
  }
}

function show(string $label, array $r): array {
  $body = $r['body'] === '' ? NULL : json_decode($r['body'], TRUE, 512, JSON_THROW_ON_ERROR);
  printf("%-28s %d %s%s\n", $label, $r['status'], $r['headers']['Content-Type'] ?? '-',
    isset($body['scimType']) ? " {$body['scimType']}" : (isset($body['detail']) ? ' (' . $body['detail'] . ')' : ''));
  return $body ?? [];
}

$m = new Module($settings);

echo "-- discovery\n";
$spc = show('ServiceProviderConfig', $m->handle('GET', '/ServiceProviderConfig'));
var_dump($spc['patch']['supported'], $spc['bulk']['supported'], $spc['filter']['maxResults'], $spc['authenticationSchemes'][0]['type']);
show('POST ServiceProviderConfig', $m->handle('POST', '/ServiceProviderConfig', [], []));
$schemas = show('Schemas', $m->handle('GET', '/Schemas'));
echo implode(' ', array_column($schemas['Resources'], 'name')), "\n";

echo "-- Okta: does the user exist?\n";
$filter = ['filter' => 'userName eq "test.user@okta.local"', 'startIndex' => '1', 'count' => '100'];
$l = show('GET /Users?filter', $m->handle('GET', '/Users', $filter));
var_dump($l['totalResults'], $l['Resources']);

echo "-- create\n";
$okta_user = [
  'schemas' => [USER], 'userName' => 'test.user@okta.local',
  'name' => ['givenName' => 'Test', 'familyName' => 'User'],
  'emails' => [['primary' => TRUE, 'value' => 'test.user@okta.local', 'type' => 'work']],
  'displayName' => 'Test User', 'locale' => 'en-US', 'externalId' => '00ujl29u0le5T6Aj10h7',
  'groups' => [], 'password' => '1mz050nq', 'active' => TRUE,
];
$r = $m->handle('POST', '/Users', [], $okta_user);
$u = show('POST /Users', $r);
$id = $u['id'];
var_dump(isset($u['password']), $u['active'], $u['name'], $u['meta']['resourceType']);
var_dump($r['headers']['Location'] === "https://drupal.example/scim/v2/Users/$id", $r['headers']['ETag'] === $u['meta']['version']);
$account = $m->accounts[$id];
var_dump($account['name'], $account['fields'], password_verify('1mz050nq', $account['pass']));
show('POST /Users again', $m->handle('POST', '/Users', [], $okta_user));

echo "-- filter by userName (case-insensitive)\n";
$l = show('GET /Users?filter', $m->handle('GET', '/Users', ['filter' => 'userName eq "TEST.user@okta.local"']));
var_dump($l['totalResults'], $l['itemsPerPage'], $l['Resources'][0]['id'] === $id);
$l = show('GET /Users?filter=ext', $m->handle('GET', '/Users', ['filter' => 'externalId eq "00ujl29u0le5T6Aj10h7" and emails[type eq "work"].value co "okta.local"']));
var_dump($l['totalResults']);
show('GET /Users?filter=bad', $m->handle('GET', '/Users', ['filter' => 'nickName2 eq "x"']));

echo "-- PATCH active=false, then true\n";
$deactivate = ['schemas' => [PATCHOP], 'Operations' => [['op' => 'replace', 'value' => ['active' => FALSE]]]];
$u = show('PATCH active=false', $m->handle('PATCH', "/Users/$id", [], $deactivate));
var_dump($u['active'], $m->accounts[$id]['status']);
$u = show('PATCH active=true', $m->handle('PATCH', "/Users/$id", [], ['schemas' => [PATCHOP], 'Operations' => [['op' => 'Replace', 'path' => 'active', 'value' => 'True']]]));
var_dump($u['active'], $m->accounts[$id]['status']);

echo "-- PUT with If-Match\n";
$etag = $m->handle('GET', "/Users/$id")['headers']['ETag'];
$put = ['id' => $id] + $okta_user;
$put['name']['familyName'] = 'Userson';
unset($put['password']);
show('PUT stale If-Match', $m->handle('PUT', "/Users/$id", [], $put, ['If-Match' => 'W/"stale"']));
$r = $m->handle('PUT', "/Users/$id", [], $put, ['If-Match' => $etag]);
$u = show('PUT', $r);
var_dump($u['name']['familyName'], $m->accounts[$id]['fields']['field_last'], $r['headers']['ETag'] !== $etag);
var_dump(password_verify('1mz050nq', $m->accounts[$id]['pass']));

echo "-- group push\n";
$g = show('POST /Groups', $m->handle('POST', '/Groups', [], ['schemas' => [GROUP], 'displayName' => 'Okta Editors', 'members' => []]));
$gid = $g['id'];
show('POST /Groups unmapped', $m->handle('POST', '/Groups', [], ['schemas' => [GROUP], 'displayName' => 'Sales', 'members' => []]));
$add = ['schemas' => [PATCHOP], 'Operations' => [['op' => 'add', 'path' => 'members', 'value' => [['value' => $id, 'display' => 'test.user@okta.local']]]]];
$g = show('PATCH members add', $m->handle('PATCH', "/Groups/$gid", [], $add));
var_dump(array_column($g['members'], 'value') === [$id], $m->accounts[$id]['roles']);
$u = show('GET /Users/id', $m->handle('GET', "/Users/$id", ['attributes' => 'userName,groups']));
var_dump(array_keys($u), $u['groups'][0]['display']);
$rename = ['schemas' => [PATCHOP], 'Operations' => [['op' => 'replace', 'value' => ['id' => $gid, 'displayName' => 'okta editors']]]];
$g = show('PATCH rename', $m->handle('PATCH', "/Groups/$gid", [], $rename));
var_dump($g['displayName']);
$remove = ['schemas' => [PATCHOP], 'Operations' => [['op' => 'remove', 'path' => "members[value eq \"$id\"]"]]];
$g = show('PATCH members remove', $m->handle('PATCH', "/Groups/$gid", [], $remove));
var_dump(isset($g['members']), $m->accounts[$id]['roles']);
$l = show('GET /Groups?filter', $m->handle('GET', '/Groups', ['filter' => 'displayName eq "OKTA EDITORS"']));
var_dump($l['totalResults']);

echo "-- deletes\n";
show('DELETE /Groups/id', $m->handle('DELETE', "/Groups/$gid"));
show('DELETE /Users/id', $m->handle('DELETE', "/Users/$id"));
show('GET /Users/id', $m->handle('GET', "/Users/$id"));
var_dump(count($m->accounts), count($m->roles));

echo "-- errors\n";
show('body not JSON', okta_sync_scim_request(['method' => 'POST', 'path' => '/Users', 'body' => '{'])['response']);
show('body not UTF-8', okta_sync_scim_request(['method' => 'POST', 'path' => '/Users', 'body' => "\xff"])['response']);
show('body too large', okta_sync_scim_request(['method' => 'POST', 'path' => '/Users', 'body' => str_repeat(' ', 2048)], ['max_body_bytes' => 1024])['response']);
show('filter too long', okta_sync_scim_request(['method' => 'GET', 'path' => '/Users', 'query' => ['filter' => str_repeat('(', 5000)]])['response']);
show('PATCH remove no path', $m->handle('PATCH', '/Users/x', [], ['schemas' => [PATCHOP], 'Operations' => [['op' => 'remove']]]));
show('Bulk', $m->handle('POST', '/Bulk', [], []));
try {
  okta_sync_scim_request(['method' => 'GET', 'path' => '/Users'], ['nope' => 1]);
}
catch (OktaSync\ConfigException $e) {
  echo get_class($e), ': ', $e->getMessage(), "\n";
}
try {
  okta_sync_scim_from_drupal('User', ['id' => '42', 'name' => 'a']);
}
catch (ValueError $e) {
  echo get_class($e), ': ', $e->getMessage(), "\n";
}
$garbage = 0;
foreach (["\0", '((((', 'emails[', '"', 'a eq', str_repeat('[', 300)] as $g) {
  foreach (['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'BREW'] as $verb) {
    $r = okta_sync_scim_request(['method' => $verb, 'path' => "/Users/$g", 'query' => ['filter' => $g, 'count' => $g], 'body' => $g]);
    $garbage += $r['kind'] === 'error' ? 1 : 0;
  }
}
echo "garbage answered with errors: $garbage\n";
?>
--EXPECTF--
-- discovery
ServiceProviderConfig        200 application/scim+json
bool(true)
bool(false)
int(200)
string(16) "oauthbearertoken"
POST ServiceProviderConfig   405 application/scim+json (POST is not allowed here; allowed: GET)
Schemas                      200 application/scim+json
User Group
-- Okta: does the user exist?
GET /Users?filter            200 application/scim+json
int(0)
array(0) {
}
-- create
POST /Users                  201 application/scim+json
bool(false)
bool(true)
array(2) {
  ["givenName"]=>
  string(4) "Test"
  ["familyName"]=>
  string(4) "User"
}
string(4) "User"
bool(true)
bool(true)
string(20) "test.user@okta.local"
array(2) {
  ["field_first"]=>
  string(4) "Test"
  ["field_last"]=>
  string(4) "User"
}
bool(true)
POST /Users again            409 application/scim+json uniqueness
-- filter by userName (case-insensitive)
GET /Users?filter            200 application/scim+json
int(1)
int(1)
bool(true)
GET /Users?filter=ext        200 application/scim+json
int(1)
GET /Users?filter=bad        400 application/scim+json invalidFilter
-- PATCH active=false, then true
PATCH active=false           200 application/scim+json
bool(false)
bool(false)
PATCH active=true            200 application/scim+json
bool(true)
bool(true)
-- PUT with If-Match
PUT stale If-Match           412 application/scim+json (the resource has changed: its version is W/"%s")
PUT                          200 application/scim+json
string(7) "Userson"
string(7) "Userson"
bool(true)
bool(true)
-- group push
POST /Groups                 201 application/scim+json
POST /Groups unmapped        400 application/scim+json invalidValue
PATCH members add            200 application/scim+json
bool(true)
array(1) {
  [0]=>
  string(6) "editor"
}
GET /Users/id                200 application/scim+json
array(4) {
  [0]=>
  string(7) "schemas"
  [1]=>
  string(2) "id"
  [2]=>
  string(8) "userName"
  [3]=>
  string(6) "groups"
}
string(12) "Okta Editors"
PATCH rename                 200 application/scim+json
string(12) "okta editors"
PATCH members remove         200 application/scim+json
bool(false)
array(0) {
}
GET /Groups?filter           200 application/scim+json
int(1)
-- deletes
DELETE /Groups/id            204 -
DELETE /Users/id             204 -
GET /Users/id                404 application/scim+json (no User 00000abc-0000-4000-8000-000000000001)
int(0)
int(0)
-- errors
body not JSON                400 application/scim+json invalidSyntax
body not UTF-8               400 application/scim+json invalidSyntax
body too large               413 application/scim+json (the body is 2048 bytes; at most 1024 are accepted)
filter too long              413 application/scim+json (the filter is 5000 bytes long; at most 4096 are accepted)
PATCH remove no path         400 application/scim+json noTarget
Bulk                         501 application/scim+json (/Bulk is not supported by this service provider)
OktaSync\ConfigException: invalid setting 'nope': unknown setting
ValueError: Argument #2 ($entity) is invalid: invalid account 'id': must be opaque (e.g. the entity UUID), not a number: raw ids never leave the site
garbage answered with errors: 28
