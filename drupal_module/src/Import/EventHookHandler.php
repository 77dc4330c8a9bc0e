<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Import;

use Drupal\okta_user_sync\Sync\Exception\ExtensionMissingException;
use Drupal\okta_user_sync\Sync\Extension;

/**
 * Handles Okta Event Hook calls, framework-free.
 *
 * - GET with x-okta-verification-challenge: the one-time verification; the
 *   answer echoes the challenge as {"verification": "…"}.
 * - POST: a delivery. Authenticated by the shared secret (401), parsed by
 *   the extension (okta_sync_hook_events(): which events are user events,
 *   their order and a bounded ordering time; 400 for a body it cannot read),
 *   deduped, and every accepted user event enqueues its Okta user for
 *   import. Answers 204 at once: the import itself runs from the queue,
 *   because Okta waits at most 3 seconds. 503 when the extension is missing.
 * - Anything else: 405.
 */
final class EventHookHandler {

  /**
   * Constructs the handler.
   */
  public function __construct(
    private readonly SecretCheck $secret,
    private readonly EventLedgerInterface $ledger,
    private readonly ImportQueueInterface $queue,
    private readonly Extension $extension = new Extension(),
  ) {}

  /**
   * Handles one request.
   *
   * @param string $method
   *   The HTTP method.
   * @param array<string, string|list<string>> $headers
   *   Request headers, any key case.
   * @param string $body
   *   The raw request body.
   * @param int|null $receivedAt
   *   When the request arrived, in milliseconds since the epoch (NULL: the
   *   extension's clock). Event times are trusted only near it.
   */
  public function handle(string $method, array $headers, string $body, ?int $receivedAt = NULL): HookResponse {
    $method = strtoupper($method);
    if ($method === 'GET') {
      return $this->verify($headers);
    }
    if ($method !== 'POST') {
      return HookResponse::error(405, 'Method not allowed.', ['Allow' => 'GET, POST']);
    }
    if (!$this->secret->matches($headers)) {
      return HookResponse::error(401, 'Unauthorized.');
    }
    try {
      $delivery = $this->extension->hookEvents($body, $receivedAt);
    }
    catch (ExtensionMissingException) {
      // Okta retries a 5xx once; nothing is remembered, so nothing is lost
      // that a later pull would not find.
      return HookResponse::error(503, 'The okta_sync extension is not loaded.');
    }
    if ($delivery['error'] !== NULL) {
      return HookResponse::error(400, $delivery['error']);
    }
    $deliveryKey = $delivery['delivery_key'];
    if ($deliveryKey !== NULL && $this->ledger->seen($deliveryKey)) {
      // A redelivery: already accepted, acknowledge and do nothing.
      return HookResponse::empty(204);
    }
    $this->accept($delivery['events']);
    if ($deliveryKey !== NULL) {
      // Remembered only after everything was enqueued: if enqueueing failed,
      // Okta's retry must not be mistaken for a duplicate.
      $this->ledger->remember($deliveryKey);
    }
    return HookResponse::empty(204);
  }

  /**
   * Answers the verification challenge.
   */
  private function verify(array $headers): HookResponse {
    $challenge = SecretCheck::header($headers, 'x-okta-verification-challenge');
    if ($challenge === NULL || $challenge === '') {
      return HookResponse::error(400, 'Missing x-okta-verification-challenge header.');
    }
    // Okta's verification call may or may not carry the auth header; a wrong
    // one is refused, and so is any verification while no secret is set
    // (every delivery would be refused, so the hook must not look verified).
    if (!$this->secret->configured() || ($this->secret->present($headers) && !$this->secret->matches($headers))) {
      return HookResponse::error(401, 'Unauthorized.');
    }
    return HookResponse::json(200, ['verification' => $challenge]);
  }

  /**
   * Enqueues the users of the accepted events (the extension sorted them).
   *
   * @param list<array> $events
   *   The events of okta_sync_hook_events(), oldest first.
   */
  private function accept(array $events): void {
    foreach ($events as $event) {
      if ($event['key'] !== NULL && $this->ledger->seen($event['key'])) {
        continue;
      }
      $last = $this->ledger->lastOrder($event['okta_id']);
      if ($last !== NULL && $last > $event['order_ms']) {
        // Out of order: a newer event for this user was already accepted;
        // the import re-reads Okta, so the older one adds nothing.
        continue;
      }
      $this->queue->enqueue([
        'okta_id' => $event['okta_id'],
        'login' => $event['login'],
        'event_type' => $event['event_type'],
        'published' => $event['published'],
        'uuid' => $event['uuid'],
      ]);
      $this->ledger->setLastOrder($event['okta_id'], $event['order_ms']);
      if ($event['key'] !== NULL) {
        $this->ledger->remember($event['key']);
      }
    }
  }

}
