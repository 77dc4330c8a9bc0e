<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync;

use Drupal\Component\Datetime\TimeInterface;
use Drupal\Core\Config\ConfigFactoryInterface;
use Drupal\Core\Queue\QueueFactory;
use Drupal\okta_user_sync\Sync\BackoffPolicy;
use Drupal\okta_user_sync\Sync\OutcomeInterpreter;
use Drupal\okta_user_sync\Sync\QueueItem;
use Drupal\okta_user_sync\Sync\RecordDecision;
use Psr\Log\LoggerInterface;

/**
 * Records outcomes: the status table, the logger and the retry queue.
 *
 * What to record is decided by OutcomeInterpreter (framework-free).
 */
class OutcomeRecorder {

  public const QUEUE = 'okta_user_sync';

  public function __construct(
    private readonly ConfigFactoryInterface $configFactory,
    private readonly SyncStatusStorage $statusStorage,
    private readonly LoggerInterface $logger,
    private readonly QueueFactory $queueFactory,
    private readonly TimeInterface $time,
  ) {}

  /**
   * Records one outcome.
   *
   * @param array $outcome
   *   The extension's outcome array.
   * @param string $event
   *   The event that produced it (insert, update, delete, manual).
   * @param array|null $snapshot
   *   The snapshot that was sent (kept, without secrets, for retried deletes).
   * @param bool $enqueueRetry
   *   Create a queue item for a retryable failure. The queue worker passes
   *   FALSE and delays its own item instead.
   */
  public function record(array $outcome, string $event, ?array $snapshot = NULL, bool $enqueueRetry = TRUE): RecordDecision {
    $uid = (int) ($outcome['uid'] ?? $snapshot['uid'] ?? 0);
    $previous = $uid > 0 ? $this->statusStorage->load($uid) : NULL;
    $interpreter = new OutcomeInterpreter($this->backoff());
    $decision = $interpreter->interpret($outcome, (int) ($previous['attempts'] ?? 0), $uid);

    $succeeded = $decision->row !== NULL && !isset($outcome['error']) && ($outcome['action'] ?? '') !== 'failed';
    if ($decision->deleteRow || ($event === 'delete' && $succeeded)) {
      // The Drupal account is gone: nothing left to track.
      $this->statusStorage->delete($uid);
    }
    elseif ($decision->row !== NULL && $uid > 0) {
      $this->statusStorage->merge($uid, $decision->row);
    }
    $this->logger->log($decision->logLevel, $decision->message, $decision->context);
    if ($decision->requeue && $enqueueRetry) {
      $this->enqueue($uid, $event, $decision->delay, $snapshot);
    }
    return $decision;
  }

  /**
   * Queues a single-user push for later.
   */
  public function enqueue(int $uid, string $event, int $delay = 0, ?array $snapshot = NULL): void {
    $item = QueueItem::user($uid, $event, $this->time->getCurrentTime() + max(0, $delay), $snapshot);
    $this->queueFactory->get(self::QUEUE)->createItem($item);
  }

  /**
   * Items waiting in the queue.
   */
  public function queueLength(): int {
    return (int) $this->queueFactory->get(self::QUEUE)->numberOfItems();
  }

  /**
   * The backoff policy from config.
   */
  public function backoff(): BackoffPolicy {
    return BackoffPolicy::fromConfig($this->configFactory->get('okta_user_sync.settings')->getRawData());
  }

}
