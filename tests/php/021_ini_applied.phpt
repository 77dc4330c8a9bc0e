--TEST--
INI values reach the HTTP client (timeouts, CA file, User-Agent suffix), and settings keys override them
--EXTENSIONS--
pcntl
--FILE--
<?php
require __DIR__ . '/lib/fake.inc';
$fake = OktaFake::start();
$user = ['uid' => 1, 'name' => 'a', 'mail' => 'a@example.com', 'status' => TRUE];

// request_timeout from INI: the fake holds requests for 3 s.
$fake->knobs(['faults' => ['kind' => 'timeout', 'delay_ms' => 3000, 'status' => 504]]);
ini_set('okta_sync.request_timeout', '0.5');
$start = microtime(TRUE);
$o = okta_sync_user($fake->settings(['max_retries' => 0]), 'manual', $user);
printf("INI 0.5s: %s after <2s: %s\n", $o['error']['code'], var_export(microtime(TRUE) - $start < 2.0, TRUE));
// The settings key wins over INI: 10 s is enough to see the fake's 504.
$o = okta_sync_user($fake->settings(['max_retries' => 0, 'request_timeout' => 10]), 'manual', $user);
printf("settings 10s: http %s\n", var_export($o['error']['http_status'], TRUE));
ini_restore('okta_sync.request_timeout');
$fake->knobs(['faults' => []]);

// ca_file from INI is used (a missing file is a configuration error, as data
// or ConfigException, naming ca_file); an empty settings key overrides it.
ini_set('okta_sync.ca_file', '/nonexistent/okta-ca.pem');
try {
  $o = okta_sync_user($fake->settings(), 'manual', $user);
  echo "INI ca_file: ", $o['action'], ' ', str_contains(json_encode($o['error']), 'ca_file') ? 'names ca_file' : json_encode($o['error']), "\n";
}
catch (OktaSync\ConfigException $e) {
  echo "INI ca_file: ConfigException ", str_contains($e->getMessage(), 'ca_file') ? 'names ca_file' : $e->getMessage(), "\n";
}
$o = okta_sync_user($fake->settings(['ca_file' => '']), 'manual', $user);
echo "settings ca_file '': ", $o['action'], "\n";
ini_restore('okta_sync.ca_file');

// user_agent_suffix from INI, seen by a one-shot HTTP server in a child.
$server = stream_socket_server('tcp://127.0.0.1:0');
$port = (int) substr(strrchr(stream_socket_get_name($server, FALSE), ':'), 1);
$file = tempnam(sys_get_temp_dir(), 'ua');
$pid = pcntl_fork();
if ($pid === 0) {
  $conn = stream_socket_accept($server, 10);
  $head = '';
  while ($conn && !str_contains($head, "\r\n\r\n") && ($line = fgets($conn)) !== FALSE) {
    $head .= $line;
  }
  file_put_contents($file, $head);
  $body = '{"errorCode":"E0000011","errorSummary":"Invalid token provided","errorLink":"E0000011","errorId":"x","errorCauses":[]}';
  fwrite($conn, "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: " . strlen($body) . "\r\nConnection: close\r\n\r\n$body");
  fclose($conn);
  exit(0);
}
fclose($server);
ini_set('okta_sync.user_agent_suffix', 'phpt-suite/1.0');
$o = okta_sync_user(['org_url' => "http://127.0.0.1:$port", 'api_token' => 't', 'max_retries' => 0], 'manual', $user);
pcntl_waitpid($pid, $status);
preg_match('/^user-agent: (.*)$/mi', (string) file_get_contents($file), $m);
unlink($file);
echo "User-Agent ends with suffix: ", var_export(str_ends_with(trim($m[1] ?? ''), 'phpt-suite/1.0'), TRUE), "\n";
echo "outcome: {$o['action']} {$o['error']['http_status']}\n";
?>
--EXPECTF--
INI 0.5s: timeout after <2s: true
settings 10s: http 504
INI ca_file: %s names ca_file
settings ca_file '': created
User-Agent ends with suffix: true
outcome: failed 401
