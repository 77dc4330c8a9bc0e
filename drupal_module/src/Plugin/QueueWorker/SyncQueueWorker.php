<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Plugin\QueueWorker;

use Drupal\Core\Entity\EntityTypeManagerInterface;
use Drupal\Core\Plugin\ContainerFactoryPluginInterface;
use Drupal\Core\Queue\Attribute\QueueWorker;
use Drupal\Core\Queue\DelayedRequeueException;
use Drupal\Core\Queue\QueueWorkerBase;
use Drupal\Core\Queue\SuspendQueueException;
use Drupal\Core\StringTranslation\TranslatableMarkup;
use Drupal\okta_user_sync\BulkSync;
use Drupal\okta_user_sync\OktaClient;
use Drupal\okta_user_sync\SnapshotFactory;
use Drupal\okta_user_sync\SyncStatusStorage;
use Drupal\user\UserInterface;
use Psr\Log\LoggerInterface;
use Symfony\Component\DependencyInjection\ContainerInterface;

/**
 * Pushes queued users to Okta: retries and scheduled chunks.
 *
 * A retry item only names the user: what to repeat, when, and (for a
 * delete) the last snapshot live in the user's status row, so a user has
 * one item however often it failed. When it fails retryably again, the
 * engine's record moves the retry and the item is delayed in place.
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
    private readonly SyncStatusStorage $status,
    private readonly BulkSync $bulkSync,
    private readonly EntityTypeManagerInterface $entityTypeManager,
    private readonly LoggerInterface $logger,
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
      $container->get('okta_user_sync.status_storage'),
      $container->get('okta_user_sync.bulk_sync'),
      $container->get('entity_type.manager'),
      $container->get('logger.channel.okta_user_sync'),
    );
  }

  /**
   * {@inheritdoc}
   */
  public function processItem($data): void {
    $kind = is_array($data) ? ($data['kind'] ?? NULL) : NULL;
    if ($kind === 'user' && is_int($data['uid'] ?? NULL)) {
      $this->processUser($data['uid'], $data);
      return;
    }
    if ($kind === 'chunk' && is_array($data['uids'] ?? NULL)) {
      try {
        $this->bulkSync->runQueuedChunk(array_map('intval', $data['uids']), (string) ($data['mode'] ?? 'push'), is_string($data['run'] ?? NULL) ? $data['run'] : NULL);
      }
      catch (\RuntimeException $e) {
        // Nothing can reach Okta now: keep the chunk, stop this queue run.
        throw new SuspendQueueException($e->getMessage(), 0, $e);
      }
      return;
    }
    // Dropped, not retried: it can never succeed.
    $this->logger->error('Dropped a malformed okta_user_sync queue item.');
  }

  /**
   * Runs the user's pending retry, if it is still pending and due.
   *
   * @param int $uid
   *   The user.
   * @param array $data
   *   The item; items queued by earlier versions carry the event themselves.
   */
  private function processUser(int $uid, array $data): void {
    $retry = $this->status->pendingRetry($uid);
    if ($retry === NULL && isset($data['event']) && is_string($data['event'])) {
      $retry = [
        'event' => $data['event'],
        'wait' => 0,
        'snapshot' => is_array($data['snapshot'] ?? NULL) ? $data['snapshot'] : NULL,
      ];
    }
    if ($retry === NULL) {
      // Settled meanwhile (a later push succeeded, or the row is gone).
      return;
    }
    if ($retry['wait'] > 0) {
      throw new DelayedRequeueException($retry['wait']);
    }
    $event = $retry['event'];
    if ($event === 'delete') {
      $snapshot = $retry['snapshot'] ?? ['uid' => $uid];
    }
    else {
      $account = $this->entityTypeManager->getStorage('user')->load($uid);
      if (!$account instanceof UserInterface) {
        // Deleted since: its own delete event handles Okta.
        $this->status->merge($uid, ['retry_event' => NULL, 'retry_at' => NULL, 'retry_snapshot' => NULL]);
        return;
      }
      $snapshot = $this->snapshotFactory->fromAccount($account, FALSE);
    }
    // This item stays the user's one item: a retryable failure moves the
    // row's retry and delays the item, a success clears the retry.
    $record = $this->status->record($this->client->syncUser($event, $snapshot), $event, $snapshot, TRUE);
    if (isset($record['retry_in'])) {
      throw new DelayedRequeueException(max(1, (int) $record['retry_in']));
    }
  }

}
