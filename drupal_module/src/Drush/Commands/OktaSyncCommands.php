<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Drush\Commands;

use Consolidation\OutputFormatters\StructuredData\RowsOfFields;
use Drupal\Core\Entity\EntityTypeManagerInterface;
use Drupal\okta_user_sync\BulkSync;
use Drupal\okta_user_sync\OktaClient;
use Drupal\okta_user_sync\SyncStatusStorage;
use Drupal\user\UserInterface;
use Drush\Attributes as CLI;
use Drush\Commands\DrushCommands;
use Symfony\Component\DependencyInjection\ContainerInterface;

/**
 * Drush commands of okta_user_sync (Drush 12/13).
 */
final class OktaSyncCommands extends DrushCommands {

  public function __construct(
    private readonly OktaClient $client,
    private readonly BulkSync $bulkSync,
    private readonly SyncStatusStorage $statusStorage,
    private readonly EntityTypeManagerInterface $entityTypeManager,
  ) {
    parent::__construct();
  }

  /**
   * Creates the command object with its services.
   */
  public static function create(ContainerInterface $container): self {
    return new self(
      $container->get('okta_user_sync.client'),
      $container->get('okta_user_sync.bulk_sync'),
      $container->get('okta_user_sync.status_storage'),
      $container->get('entity_type.manager'),
    );
  }

  /**
   * Tests the Okta configuration by looking up one user.
   */
  #[CLI\Command(name: 'okta-sync:test', aliases: ['okta-test'])]
  #[CLI\Argument(name: 'email', description: 'Login or email of a user that exists in Okta.')]
  #[CLI\Usage(name: 'drush okta-sync:test ada@example.com', description: 'Checks URL, credentials and permissions.')]
  public function test(string $email): int {
    $result = $this->client->test($email);
    if (!empty($result['ok'])) {
      $user = (array) ($result['user'] ?? []);
      $this->io()->success(sprintf('Found %s in Okta (%s, %s).', $user['login'] ?? $email, $user['id'] ?? '?', $user['status'] ?? '?'));
      if (isset($result['rate_limit']['remaining'], $result['rate_limit']['limit'])) {
        $this->io()->text(sprintf('Rate limit: %d of %d requests left.', $result['rate_limit']['remaining'], $result['rate_limit']['limit']));
      }
      return self::EXIT_SUCCESS;
    }
    $this->io()->error(OktaClient::testFailure($result));
    $link = OktaClient::errorLink(is_array($result['error'] ?? NULL) ? $result['error'] : []);
    if ($link !== NULL) {
      $this->io()->text('More: ' . $link);
    }
    return self::EXIT_FAILURE;
  }

  /**
   * Syncs one user to Okta now (manual provisioning operations apply).
   */
  #[CLI\Command(name: 'okta-sync:user', aliases: ['okta-user'])]
  #[CLI\Argument(name: 'user', description: 'User ID, user name or email.')]
  #[CLI\Option(name: 'dry-run', description: 'Show what would happen without changing Okta.')]
  #[CLI\Usage(name: 'drush okta-sync:user 42', description: 'Syncs user 42.')]
  #[CLI\Usage(name: 'drush okta-sync:user ada@example.com --dry-run', description: 'Previews the sync of that user.')]
  public function user(string $user, array $options = ['dry-run' => FALSE]): int {
    $account = $this->findAccount($user);
    if ($account === NULL) {
      $this->io()->error("No Drupal user matches '$user'.");
      return self::EXIT_FAILURE;
    }
    $outcome = $this->bulkSync->syncOne($account, (bool) $options['dry-run']);
    $line = sprintf('%s (uid %d): %s', $account->getAccountName(), $account->id(), (string) ($outcome['record']['text'] ?? $outcome['action'] ?? 'failed'));
    if (($outcome['action'] ?? 'failed') === 'failed') {
      $this->io()->error($line);
      $link = OktaClient::errorLink(is_array($outcome['error'] ?? NULL) ? $outcome['error'] : []);
      if ($link !== NULL) {
        $this->io()->text('More: ' . $link);
      }
      return self::EXIT_FAILURE;
    }
    $this->io()->success($line);
    return self::EXIT_SUCCESS;
  }

  /**
   * Syncs every user to Okta in chunks, with a progress bar.
   */
  #[CLI\Command(name: 'okta-sync:all', aliases: ['okta-all'])]
  #[CLI\Option(name: 'dry-run', description: 'Preview: report what would change, change nothing.')]
  #[CLI\Option(name: 'reconcile', description: 'Also read every Okta user and repair drift.')]
  #[CLI\Option(name: 'batch-size', description: 'Users per okta_sync_users() call (default: the configured batch size).')]
  #[CLI\Usage(name: 'drush okta-sync:all --dry-run', description: 'Shows what a full sync would do.')]
  #[CLI\Usage(name: 'drush okta-sync:all --reconcile', description: 'Full reconcile.')]
  public function all(array $options = ['dry-run' => FALSE, 'reconcile' => FALSE, 'batch-size' => self::REQ]): int {
    $dryRun = (bool) $options['dry-run'];
    $mode = $options['reconcile'] ? 'reconcile' : 'push';
    $size = is_numeric($options['batch-size']) ? max(1, (int) $options['batch-size']) : $this->bulkSync->batchSize();
    $uids = $this->bulkSync->allUids();
    // The run's state (deletion guard across chunks, counts, examples) is
    // the engine's; this process carries it from chunk to chunk.
    $run = BulkSync::startRun(count($uids));
    $this->io()->progressStart(count($uids));
    try {
      foreach (array_chunk($uids, min($size, $this->bulkSync->maxChunk())) as $chunk) {
        $run = $this->bulkSync->run($chunk, 'manual', $dryRun, $mode, $run);
        $this->io()->progressAdvance(count($chunk));
        if (!empty($run['stopped'])) {
          break;
        }
      }
    }
    catch (\RuntimeException $e) {
      $this->io()->progressFinish();
      $this->io()->error($e->getMessage());
      return self::EXIT_FAILURE;
    }
    $this->io()->progressFinish();
    $this->io()->text(($dryRun ? 'Dry run (nothing changed): ' : '') . $run['summary']);
    if ($dryRun && $run['planned'] !== []) {
      $this->io()->table(['Would do', 'Users'], array_map(NULL, array_keys($run['planned']), array_values($run['planned'])));
    }
    if (!empty($run['message'])) {
      $this->io()->warning('Deletion guard: ' . $run['message']);
    }
    $failures = (int) ($run['actions']['failed'] ?? 0);
    if ($failures > 0) {
      $rows = array_map(fn(array $example) => [$example['uid'], $example['text']], $run['failed_examples']);
      $this->io()->table(['uid', 'first failures'], $rows);
      $this->io()->error(sprintf(
        '%d %s; %s',
        $failures,
        $failures === 1 ? 'user failed' : 'users failed',
        $dryRun ? 'a dry run records and queues nothing.' : 'retryable ones are queued (drush queue:run okta_user_sync).',
      ));
    }
    return ($failures === 0 && empty($run['stopped'])) ? self::EXIT_SUCCESS : self::EXIT_FAILURE;
  }

  /**
   * Shows the sync status: extension, connection, counts, queue, failures.
   */
  #[CLI\Command(name: 'okta-sync:status', aliases: ['okta-status'])]
  #[CLI\FieldLabels(labels: ['item' => 'Item', 'value' => 'Value'])]
  #[CLI\Usage(name: 'drush okta-sync:status', description: 'Prints the sync status.')]
  public function status(array $options = ['format' => 'table']): RowsOfFields {
    $rows = [
      ['item' => 'extension', 'value' => $this->client->extension()->version() ?? 'NOT LOADED'],
      ['item' => 'configured', 'value' => $this->client->hasCredentials() ? 'yes' : 'no'],
      ['item' => 'direction', 'value' => (string) ($this->client->config()['direction'] ?? '')],
      ['item' => 'queued', 'value' => (string) $this->statusStorage->queueLength()],
    ];
    foreach ($this->statusStorage->countByAction() as $action => $count) {
      $rows[] = ['item' => "users $action", 'value' => (string) $count];
    }
    return new RowsOfFields($rows);
  }

  /**
   * Finds an account by uid, name or email.
   */
  private function findAccount(string $who): ?UserInterface {
    $storage = $this->entityTypeManager->getStorage('user');
    $candidates = ctype_digit($who) ? [$storage->load((int) $who)] : [];
    $candidates = array_merge($candidates, $storage->loadByProperties(['name' => $who]), $storage->loadByProperties(['mail' => $who]));
    foreach ($candidates as $account) {
      if ($account instanceof UserInterface && !$account->isAnonymous()) {
        return $account;
      }
    }
    return NULL;
  }

}
