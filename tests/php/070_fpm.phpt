--TEST--
php-fpm: the extension loads in the master (MINIT before fork) and works in several workers
--SKIPIF--
<?php
$fpm = getenv('PHP_FPM_BIN') ?: '/usr/sbin/php-fpm' . PHP_MAJOR_VERSION . '.' . PHP_MINOR_VERSION;
if (!is_executable($fpm)) {
  die("skip php-fpm not installed ($fpm): apt-get install php" . PHP_MAJOR_VERSION . '.' . PHP_MINOR_VERSION . '-fpm');
}
?>
--FILE--
<?php
require __DIR__ . '/lib/ext.inc';
require __DIR__ . '/lib/fake.inc';
require __DIR__ . '/lib/fastcgi.inc';

$fpm = getenv('PHP_FPM_BIN') ?: '/usr/sbin/php-fpm' . PHP_MAJOR_VERSION . '.' . PHP_MINOR_VERSION;
$fake = OktaFake::start();
$dir = sys_get_temp_dir() . '/okta_sync_fpm_' . getmypid();
@mkdir($dir, 0755, TRUE);
$sock = "$dir/fpm.sock";
$is_root = trim((string) shell_exec('id -u')) === '0';
file_put_contents("$dir/fpm.conf", implode("\n", [
  '[global]',
  "error_log = $dir/fpm.log",
  'daemonize = no',
  '[okta]',
  "listen = $sock",
  'pm = static',
  'pm.max_children = 3',
  'clear_env = no',
  'catch_workers_output = yes',
  $is_root ? "user = root\ngroup = root" : '',
  '',
]));
file_put_contents("$dir/worker.php", <<<'PHP'
  <?php
  // Each worker provisions one user and reports who it is.
  $s = json_decode(base64_decode($_GET['s']), TRUE);
  $i = (int) $_GET['i'];
  usleep(300000);
  $o = okta_sync_user($s, 'insert', ['uid' => $i, 'name' => "fpm$i", 'mail' => "fpm$i@example.com", 'status' => TRUE]);
  $stats = okta_sync_stats();
  header('Content-Type: application/json');
  echo json_encode(['pid' => getmypid(), 'action' => $o['action'], 'clients' => $stats['clients'], 'sapi' => PHP_SAPI]);
  PHP);

$cmd = [$fpm, '-n', '-d', 'extension=' . okta_sync_ext_path(), '-F', '-y', "$dir/fpm.conf"];
if ($is_root) {
  $cmd[] = '-R';
}
$proc = proc_open($cmd, [0 => ['file', '/dev/null', 'r'], 1 => ['file', "$dir/fpm.out", 'w'], 2 => ['file', "$dir/fpm.out", 'a']], $pipes);
for ($t = 0; $t < 100 && !file_exists($sock); $t++) {
  usleep(100000);
}
if (!file_exists($sock)) {
  echo "php-fpm did not start:\n", @file_get_contents("$dir/fpm.out"), @file_get_contents("$dir/fpm.log");
}

$settings = base64_encode(json_encode($fake->settings()));
$results = [];
foreach ([1, 2] as $round) {
  // Six requests at once on three workers: every worker serves some.
  $socks = [];
  foreach (range(1, 6) as $n) {
    $i = $round * 10 + $n;
    $socks[$i] = fcgi_send("unix://$sock", "$dir/worker.php", "s=$settings&i=$i");
  }
  foreach ($socks as $i => $s) {
    [$out, $err] = fcgi_receive($s);
    $body = substr($out, strpos($out, "\r\n\r\n") + 4);
    $r = json_decode($body, TRUE);
    if (!is_array($r)) {
      echo "request $i failed: $out $err\n";
      continue;
    }
    $results[] = $r;
  }
}
$pids = array_unique(array_column($results, 'pid'));
echo count($results), " responses from ", count($pids) >= 2 ? 'several' : 'one', " workers\n";
var_dump(array_count_values(array_column($results, 'action')));
var_dump(array_unique(array_column($results, 'sapi')));
// One cached client per worker process, however many requests it served.
var_dump(max(array_column($results, 'clients')));
var_dump(!in_array(getmypid(), $pids, TRUE));

// The master loaded the extension (MINIT) but never called it: still one
// thread, so its forks are clean.
$master = proc_get_status($proc)['pid'];
preg_match('/^Threads:\s+(\d+)/m', (string) @file_get_contents("/proc/$master/status"), $m);
echo "master threads: ", $m[1] ?? '?', "\n";

proc_terminate($proc, 3);
proc_close($proc);
$log = (string) @file_get_contents("$dir/fpm.log");
echo preg_match('/(segfault|SIGSEGV|SIGABRT|exited on signal)/i', $log) ? "worker crash in log:\n$log" : "no worker crashes\n";
array_map('unlink', glob("$dir/*"));
rmdir($dir);
?>
--EXPECT--
12 responses from several workers
array(1) {
  ["created"]=>
  int(12)
}
array(1) {
  [0]=>
  string(8) "fpm-fcgi"
}
int(1)
bool(true)
master threads: 1
no worker crashes
