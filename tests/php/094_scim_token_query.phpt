--TEST--
SCIM through PHP: the bearer token (generated, hashed, checked in constant time, HTTPS outside loopback) and a list's storage query plan
--FILE--
<?php
declare(strict_types=1);

$new = okta_sync_scim_token();
var_dump(preg_match('/^okscim_[A-Za-z0-9_-]{43}$/', $new['token']), preg_match('/^sha256:[0-9a-f]{64}$/', $new['hash']));
var_dump(str_contains($new['hash'], substr($new['token'], 7)));
$other = okta_sync_scim_token();
var_dump($other['token'] !== $new['token']);

foreach ([
  'right token, HTTPS' => ["Bearer {$new['token']}", TRUE, '203.0.113.5', $new['hash']],
  'scheme in any case, loopback' => ["bearer {$new['token']}", FALSE, '::1', $new['hash']],
  'wrong token' => ["Bearer {$other['token']}", TRUE, '203.0.113.5', $new['hash']],
  'no header' => [NULL, TRUE, '203.0.113.5', $new['hash']],
  'plain HTTP from afar' => ["Bearer {$new['token']}", FALSE, '203.0.113.5', $new['hash']],
  'no token configured' => ["Bearer {$new['token']}", TRUE, '203.0.113.5', NULL],
] as $label => $args) {
  $a = okta_sync_scim_authorize(...$args);
  $r = $a['response'];
  printf("%-30s %s %s %s %s\n", $label, $a['ok'] ? 'ok' : 'refused', $a['reason'] ?? '-', $r['status'] ?? '-', $r['headers']['WWW-Authenticate'] ?? '');
  if ($r !== NULL && (str_contains($r['body'], $new['token']) || str_contains($r['body'], $new['hash']))) {
    echo "SECRET IN ANSWER\n";
  }
}

$scim = ['attribute_map' => ['name.familyName' => 'field_last']];
foreach ([
  'userName eq "Ada@Example.com"',
  'name.familyName sw "Love" and not (active eq false)',
  'nickName pr',
  'not (userName co "x")',
] as $filter) {
  $op = okta_sync_scim_request(['method' => 'GET', 'path' => '/Users', 'query' => ['filter' => $filter]], $scim);
  echo $filter, ' => ', $op['response'] === NULL ? json_encode($op['query']) : $op['response']['status'] . ' ' . json_decode($op['response']['body'], TRUE)['scimType'], "\n";
}
?>
--EXPECT--
int(1)
int(1)
bool(false)
bool(true)
right token, HTTPS             ok - - 
scheme in any case, loopback   ok - - 
wrong token                    refused invalid 401 Bearer realm="SCIM", error="invalid_token"
no header                      refused missing 401 Bearer realm="SCIM"
plain HTTP from afar           refused insecure 403 
no token configured            refused not_configured 401 Bearer realm="SCIM"
userName eq "Ada@Example.com" => {"match":"some","condition":{"property":"mail","operator":"=","value":"Ada@Example.com"}}
name.familyName sw "Love" and not (active eq false) => {"match":"some","condition":{"conjunction":"AND","conditions":[{"property":"field_last","operator":"STARTS_WITH","value":"Love"},{"property":"status","operator":"<>","value":false}]}}
nickName pr => {"match":"none","condition":null}
not (userName co "x") => 400 invalidFilter
