<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Plugin\QueueWorker;

use Drupal\Component\Datetime\TimeInterface;
use Drupal\Core\Entity\EntityTypeManagerInterface;
use Drupal\Core\Plugin\ContainerFactoryPluginInterface;
use Drupal\Core\Queue\Attribute\QueueWorker;
use Drupal\Core\Queue\DelayedRequeueException;
use Drupal\Core\Queue\QueueWorkerBase;
use Drupal\Core\StringTranslation\TranslatableMarkup;
use Drupal\okta_user_sync\BulkSync;
use Drupal\okta_user_sync\OktaClient;
use Drupal\okta_user_sync\OutcomeRecorder;
use Drupal\okta_user_sync\RunTallyStore;
use Drupal\okta_user_sync\SnapshotFactory;
use Drupal\okta_user_sync\Sync\QueueItem;
use Drupal\okta_user_sync\Sync\RunReport;
use Drupal\user\UserInterface;
use Psr\Log\LoggerInterface;
use Symfony\Component\DependencyInjection\ContainerInterface;

/**
 * Pushes queued users to Okta: retries and scheduled chunks.
 *
 * A retry that fails retryably again is delayed in place (attempts are
 * counted in the status table) until the backoff policy gives up.
 *
 * @QueueWorker(
 *   id = "okta_user_sync",
 *   title = @Translation("Okta user sync"),
 *   cron = {"time" = 60}
 * )
 */
#[QueueWorker(
  id: 'okta_user_sync',
  title: new TranslatableMarkup('Okta user sync'),
  cron: ['time' => 60],
)]
class SyncQueueWorker extends QueueWorkerBase implements ContainerFactoryPluginInterface {

  public function __construct(
    array $configuration,
    string $plugin_id,
    mixed $plugin_definition,
    private readonly OktaClient $client,
    private readonly SnapshotFactory $snapshotFactory,
    private readonly OutcomeRecorder $recorder,
    private readonly BulkSync $bulkSync,
    private readonly EntityTypeManagerInterface $entityTypeManager,
    private readonly TimeInterface $time,
    private readonly LoggerInterface $logger,
    private readonly RunTallyStore $tallies,
  ) {
    parent::__construct($configuration, $plugin_id, $plugin_definition);
  }

  /**
   * {@inheritdoc}
   */
  public static function create(ContainerInterface $container, array $configuration, $plugin_id, $plugin_definition): static {
    return new static(
      $configuration,
      $plugin_id,
      $plugin_definition,
      $container->get('okta_user_sync.client'),
      $container->get('okta_user_sync.snapshot_factory'),
      $container->get('okta_user_sync.recorder'),
      $container->get('okta_user_sync.bulk_sync'),
      $container->get('entity_type.manager'),
      $container->get('datetime.time'),
      $container->get('logger.channel.okta_user_sync'),
      $container->get('okta_user_sync.run_tallies'),
    );
  }

  /**
   * {@inheritdoc}
   */
  public function processItem($data): void {
    if (!QueueItem::isValid($data)) {
      // Dropped, not retried: it can never succeed.
      $this->logger->error('Dropped a malformed okta_user_sync queue item.');
      return;
    }
    if ($data['kind'] === 'chunk') {
      $this->processChunk($data);
      return;
    }
    $wait = QueueItem::secondsUntilDue($data, $this->time->getCurrentTime());
    if ($wait > 0) {
      throw new DelayedRequeueException($wait);
    }
    $this->processUser($data);
  }

  /**
   * Retries one user event.
   */
  private function processUser(array $data): void {
    $uid = $data['uid'];
    $event = $data['event'];
    if ($event === 'delete') {
      $snapshot = $data['snapshot'] ?? ['uid' => $uid];
    }
    else {
      $account = $this->entityTypeManager->getStorage('user')->load($uid);
      if (!$account instanceof UserInterface) {
        // Deleted since: its own delete event handles Okta.
        return;
      }
      $snapshot = $this->snapshotFactory->fromAccount($account, FALSE);
    }
    $outcome = $this->client->syncUser($event, $snapshot);
    $decision = $this->recorder->record($outcome, $event, $snapshot, FALSE);
    if ($decision->requeue) {
      throw new DelayedRequeueException($decision->delay);
    }
  }

  /**
   * Pushes one scheduled chunk; its retryable failures become user items.
   *
   * Chunks of a scheduled run share the run's deletion guard total: a chunk
   * may only use what earlier chunks left, and once the guard stops the run
   * its remaining chunks are dropped.
   */
  private function processChunk(array $data): void {
    $run = $data['run'] ?? NULL;
    $tally = is_string($run) ? $this->tallies->get($run) : NULL;
    if ($tally?->isStopped()) {
      $this->logger->warning('Scheduled Okta sync: skipped @count users, the deletion guard stopped this run.', ['@count' => count($data['uids'])]);
      return;
    }
    $report = new RunReport();
    $this->bulkSync->run($data['uids'], 'scheduled', FALSE, $data['mode'] ?? 'push', $report, $tally);
    if ($tally !== NULL && is_string($run)) {
      $this->tallies->set($run, $tally);
    }
    $this->logger->info('Scheduled Okta sync: @summary', ['@summary' => $report->summary()]);
    foreach ($report->guards() as $guard) {
      $this->logger->error('@guard', ['@guard' => $guard]);
    }
  }

}
