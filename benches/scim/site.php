<?php

/**
 * @file
 * The Drupal side of the SCIM bench, run inside an installed site.
 *
 * Usage: php -d extension=okta_sync.so site.php WEB_ROOT COMMAND [ARG]
 *  - prepare N: enable okta_user_sync and SCIM, make sure N accounts exist
 *    (bench accounts are created without passwords), print a new token.
 *  - baseline M: M plain account creates, then M blocks, through the entity
 *    API (what a SCIM create/PATCH does at least); prints latencies as JSON.
 *  - count NAME: accounts named NAME (the race check).
 *
 * It only reads and writes the site it is pointed at; it never installs one.
 */

declare(strict_types=1);

use Drupal\Core\DrupalKernel;
use Drupal\user\Entity\User;
use Symfony\Component\HttpFoundation\Request;

[, $web, $command] = $argv + [NULL, NULL, NULL];
$arg = (int) ($argv[3] ?? 0);
if (!is_string($web) || !is_file("$web/autoload.php") || !is_string($command)) {
  fwrite(STDERR, "usage: site.php WEB_ROOT prepare|baseline|count [ARG]\n");
  exit(2);
}
chdir($web);
$autoloader = require "$web/autoload.php";
$request = Request::create('http://127.0.0.1/');
$kernel = DrupalKernel::createFromRequest($request, $autoloader, 'prod');
$kernel->boot();
$kernel->preHandle($request);
\Drupal::service('request_stack')->push($request);

$users = \Drupal::entityTypeManager()->getStorage('user');
switch ($command) {
  case 'prepare':
    if (!\Drupal::moduleHandler()->moduleExists('okta_user_sync')) {
      \Drupal::service('module_installer')->install(['okta_user_sync']);
    }
    \Drupal::configFactory()->getEditable('okta_user_sync.settings')
      ->set('scim_enabled', TRUE)
      ->set('scim_user_name_field', 'mail')
      ->save();
    \Drupal::service('router.builder')->rebuild();
    $have = (int) $users->getQuery()->accessCheck(FALSE)->condition('name', 'bench-seed-', 'STARTS_WITH')->count()->execute();
    for ($i = $have; $i < $arg; $i++) {
      User::create(['name' => "bench-seed-$i@example.com", 'mail' => "bench-seed-$i@example.com", 'status' => 1])->save();
      if ($i % 1000 === 999) {
        $users->resetCache();
        fwrite(STDERR, sprintf("  seeded %d/%d accounts\n", $i + 1, $arg));
      }
    }
    echo json_encode(['token' => \Drupal::service('okta_user_sync.scim_config')->rotateToken(), 'seeded' => max(0, $arg - $have)]), "\n";
    break;

  case 'baseline':
    $create = [];
    $block = [];
    $stamp = bin2hex(random_bytes(4));
    $accounts = [];
    for ($i = 0; $i < $arg; $i++) {
      $t = hrtime(TRUE);
      $account = User::create(['name' => "bench-base-$stamp-$i@example.com", 'mail' => "bench-base-$stamp-$i@example.com", 'status' => 1]);
      $account->save();
      $create[] = (hrtime(TRUE) - $t) / 1e9;
      $accounts[] = $account;
    }
    foreach ($accounts as $account) {
      $t = hrtime(TRUE);
      $account->block()->save();
      $block[] = (hrtime(TRUE) - $t) / 1e9;
    }
    echo json_encode(['create' => $create, 'block' => $block]), "\n";
    break;

  case 'count':
    echo (int) $users->getQuery()->accessCheck(FALSE)->condition('name', (string) ($argv[3] ?? ''))->count()->execute(), "\n";
    break;

  default:
    fwrite(STDERR, "unknown command $command\n");
    exit(2);
}
