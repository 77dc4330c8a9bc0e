--TEST--
okta_sync_pull as the Drupal import uses it (one page a call, cursor between pages, the watermark kept for the next run): users changed while runs page through Okta, behind and ahead of the cursor, in the same seconds, with Okta's filter lag, all arrive in their last version
--FILE--
<?php
require __DIR__ . '/lib/fake.inc';
$fake = OktaFake::start();
$s = $fake->settings(['direction' => 'both', 'import_map' => ['field_nick' => 'nickName']]);
$seeded = [];
for ($i = 1; $i <= 24; $i++) {
  $seeded[] = ['profile' => ['login' => "w$i@example.com", 'email' => "w$i@example.com", 'firstName' => "W$i", 'lastName' => 'Writer']];
}
$ids = array_column($fake->seedUsers($seeded), 'id');
// Okta's filter index lags "typically under a second".
$fake->knobs(['filter_lag_ms' => 300]);

// ImportRunner::later(): the later of two watermarks.
$later = fn(?string $a, ?string $b): ?string => $b === NULL ? $a : ($a === NULL || new DateTimeImmutable($b) > new DateTimeImmutable($a) ? $b : $a);

// What Drupal ends up with: the last record imported for each user. (Not
// the stamps: a change within the second of a listing keeps its stamp.)
$imported = [];
$written = [];
$since = NULL;
for ($run = 0; $run < 4; $run++) {
  $cursor = NULL;
  $watermark = $since;
  $page = 0;
  do {
    $options = ['limit' => 4, 'max_pages' => 1] + ($since !== NULL ? ['since' => $since] : []) + ($cursor !== NULL ? ['cursor' => $cursor] : []);
    $p = okta_sync_pull($s, $options);
    foreach ($p['users'] as $u) {
      $imported[$u['id']] = $u['fields']['field_nick'];
    }
    $watermark = $later($watermark, $p['watermark']);
    if ($run < 3) {
      // Another writer changes one user the run has passed and one ahead.
      foreach ([$page * 4 + $run, $page * 4 + 11 + $run] as $k) {
        $id = $ids[$k % count($ids)];
        [$status] = $fake->api('POST', "/api/v1/users/$id", ['profile' => ['nickName' => "run$run-page$page"]]);
        if ($status !== 200) {
          echo "update $id: HTTP $status\n";
        }
        $written[$id] = TRUE;
      }
    }
    $cursor = $p['cursor'];
    $page++;
  } while ($cursor !== NULL && $page < 50);
  // The run is complete: its watermark is committed for the next one.
  $since = $watermark;
  usleep(400000);
}

$lost = [];
foreach ($fake->state()['users'] as $u) {
  if (isset($written[$u['id']]) && ($imported[$u['id']] ?? NULL) !== $u['profile']['nickName']) {
    $lost[] = "{$u['id']} last changed {$u['lastUpdated']}";
  }
}
var_dump(count($written) > 10, $lost);
// A whole-second ISO-8601 instant, as Okta stamps them.
var_dump((bool) preg_match('/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/', (string) $since));
?>
--EXPECT--
bool(true)
array(0) {
}
bool(true)
