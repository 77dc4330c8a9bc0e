<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Controller;

use Drupal\Component\Datetime\TimeInterface;
use Drupal\Core\DependencyInjection\ContainerInjectionInterface;
use Drupal\Core\KeyValueStore\KeyValueExpirableFactoryInterface;
use Drupal\Core\KeyValueStore\KeyValueStoreExpirableInterface;
use Drupal\Core\PageCache\ResponsePolicy\KillSwitch;
use Drupal\Core\Queue\QueueFactory;
use Drupal\okta_user_sync\Engine\Exception\ExtensionMissingException;
use Drupal\okta_user_sync\Engine\Extension;
use Drupal\okta_user_sync\Import\ImportRunner;
use Drupal\okta_user_sync\SecretStore;
use Symfony\Component\DependencyInjection\ContainerInterface;
use Symfony\Component\HttpFoundation\Request;
use Symfony\Component\HttpFoundation\Response;

/**
 * The Okta Event Hook endpoint (/okta_user_sync/event-hook).
 *
 * - GET with x-okta-verification-challenge: the one-time verification; the
 *   answer echoes the challenge as {"verification": "…"}.
 * - POST: a delivery, authenticated by the shared secret (401), parsed by
 *   the extension (okta_sync_hook_events(): which events are user events,
 *   their order and dedupe keys; 400 for a body it cannot read), deduped,
 *   and every accepted user event queues its Okta user for the import
 *   (while the import is on; otherwise it is only acknowledged).
 *   Answers 204 at once: Okta waits 3 seconds at most, so the import runs
 *   from the queue. 503 when the extension is missing.
 * - Anything else: 405.
 *
 * Route access is open: Okta calls it anonymously.
 */
final class EventHookController implements ContainerInjectionInterface {

  use OktaHookResponses;

  /**
   * How long delivery and event keys are kept: 30 days.
   *
   * Okta retries for minutes, but delivery delay has no upper bound: keys
   * are kept 30 days; an expired one costs one harmless extra import.
   */
  private const TTL = 30 * 86400;

  /**
   * Delivery and event keys already accepted.
   */
  private readonly KeyValueStoreExpirableInterface $seen;

  /**
   * The newest accepted ordering time (ms) per Okta user.
   */
  private readonly KeyValueStoreExpirableInterface $order;

  /**
   * Constructs the controller.
   */
  public function __construct(
    private readonly SecretStore $secrets,
    private readonly Extension $extension,
    KeyValueExpirableFactoryInterface $keyValue,
    private readonly QueueFactory $queueFactory,
    private readonly ImportRunner $importRunner,
    private readonly TimeInterface $time,
    KillSwitch $pageCacheKillSwitch,
  ) {
    $this->seen = $keyValue->get('okta_user_sync.event_hook_seen');
    $this->order = $keyValue->get('okta_user_sync.event_hook_order');
    $this->pageCacheKillSwitch = $pageCacheKillSwitch;
  }

  /**
   * {@inheritdoc}
   */
  public static function create(ContainerInterface $container): static {
    return new static(
      $container->get('okta_user_sync.secrets'),
      $container->get('okta_user_sync.extension'),
      $container->get('keyvalue.expirable'),
      $container->get('queue'),
      $container->get('okta_user_sync.import_runner'),
      $container->get('datetime.time'),
      $container->get('page_cache_kill_switch'),
    );
  }

  /**
   * Handles a verification GET or a delivery POST.
   */
  public function handle(Request $request): Response {
    $secret = $this->secrets->get('event_hook_secret');
    if ($request->isMethod('GET')) {
      return $this->verify($request, $secret);
    }
    if (!$request->isMethod('POST')) {
      return $this->refuse(405, 'Method not allowed.', ['Allow' => 'GET, POST']);
    }
    if (!$this->carriesSecret($request, $secret)) {
      return $this->refuse(401, 'Unauthorized.');
    }
    try {
      $delivery = $this->extension->hookEvents((string) $request->getContent(), (int) floor($this->time->getCurrentMicroTime() * 1000));
    }
    catch (ExtensionMissingException) {
      // Okta retries a 5xx once; nothing is remembered, so nothing is lost
      // that a later pull would not find.
      return $this->refuse(503, 'The okta_sync extension is not loaded.');
    }
    if ($delivery['error'] !== NULL) {
      return $this->refuse(400, (string) $delivery['error']);
    }
    if (!$this->importRunner->enabled()) {
      // Import is off: acknowledged, so Okta does not retry, and not queued,
      // so nothing piles up; a pull reads the changes once it is on.
      return $this->noContent();
    }
    $deliveryKey = $delivery['delivery_key'];
    if ($deliveryKey !== NULL && $this->seen->has($deliveryKey)) {
      // A redelivery: already accepted, acknowledge and do nothing.
      return $this->noContent();
    }
    $this->accept($delivery['events']);
    if ($deliveryKey !== NULL) {
      // Remembered only after everything was queued: if queueing failed,
      // Okta's retry must not be mistaken for a duplicate.
      $this->seen->setWithExpire($deliveryKey, TRUE, self::TTL);
    }
    return $this->noContent();
  }

  /**
   * Answers the verification challenge.
   */
  private function verify(Request $request, ?string $secret): Response {
    $challenge = $request->headers->get('x-okta-verification-challenge');
    if (!is_string($challenge) || $challenge === '') {
      return $this->refuse(400, 'Missing x-okta-verification-challenge header.');
    }
    // Okta's verification call may or may not carry the secret; a wrong one
    // is refused, and so is any verification while no secret is set (every
    // delivery would be refused, so the hook must not look verified).
    if ($secret === NULL || ($request->headers->has('Authorization') && !$this->carriesSecret($request, $secret))) {
      return $this->refuse(401, 'Unauthorized.');
    }
    return $this->json(200, ['verification' => $challenge]);
  }

  /**
   * Queues the users of the accepted events (the extension sorted them).
   *
   * @param list<array> $events
   *   The events of okta_sync_hook_events(), oldest first.
   */
  private function accept(array $events): void {
    $queue = $this->queueFactory->get(ImportRunner::QUEUE);
    foreach ($events as $event) {
      if ($event['key'] !== NULL && $this->seen->has($event['key'])) {
        continue;
      }
      $last = $this->order->get($event['okta_id']);
      if (is_int($last) && $last > $event['order_ms']) {
        // A newer event for this user was already accepted; the import
        // re-reads Okta, so the older one adds nothing.
        continue;
      }
      $queue->createItem([
        'okta_id' => $event['okta_id'],
        'login' => $event['login'],
        'event_type' => $event['event_type'],
        'published' => $event['published'],
        'uuid' => $event['uuid'],
      ]);
      $this->order->setWithExpire($event['okta_id'], $event['order_ms'], self::TTL);
      if ($event['key'] !== NULL) {
        $this->seen->setWithExpire($event['key'], TRUE, self::TTL);
      }
    }
  }

}
