<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Import;

/**
 * Handles Okta Event Hook calls, framework-free.
 *
 * - GET with x-okta-verification-challenge: the one-time verification; the
 *   answer echoes the challenge as {"verification": "…"}.
 * - POST: a delivery. Authenticated by the shared secret (401), validated
 *   (400), deduped, and every accepted user event enqueues its Okta user for
 *   import. Answers 204 at once: the import itself runs from the queue,
 *   because Okta waits at most 3 seconds.
 * - Anything else: 405.
 */
final class EventHookHandler {

  /**
   * Event types that can change what the import writes.
   */
  public const USER_EVENTS = [
    'user.lifecycle.create',
    'user.lifecycle.activate',
    'user.lifecycle.deactivate',
    'user.lifecycle.suspend',
    'user.lifecycle.unsuspend',
    'user.lifecycle.reactivate',
    'user.lifecycle.delete.initiated',
    'user.account.update_profile',
    'user.account.lock',
    'user.account.unlock',
    'user.account.unlock_by_admin',
  ];

  /**
   * Constructs the handler.
   */
  public function __construct(
    private readonly SecretCheck $secret,
    private readonly EventLedgerInterface $ledger,
    private readonly ImportQueueInterface $queue,
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
   */
  public function handle(string $method, array $headers, string $body): HookResponse {
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
      $payload = json_decode($body, TRUE, 64, JSON_THROW_ON_ERROR);
    }
    catch (\JsonException) {
      return HookResponse::error(400, 'The body is not JSON.');
    }
    $events = is_array($payload) ? ($payload['data']['events'] ?? NULL) : NULL;
    if (!is_array($events) || !array_is_list($events)) {
      return HookResponse::error(400, 'The body has no data.events list.');
    }
    $deliveryId = is_string($payload['eventId'] ?? NULL) ? 'delivery:' . $payload['eventId'] : NULL;
    if ($deliveryId !== NULL && $this->ledger->seen($deliveryId)) {
      // A redelivery: already accepted, acknowledge and do nothing.
      return HookResponse::empty(204);
    }
    $this->accept($events);
    if ($deliveryId !== NULL) {
      // Remembered only after everything was enqueued: if enqueueing failed,
      // Okta's retry must not be mistaken for a duplicate.
      $this->ledger->remember($deliveryId);
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
   * Enqueues the users of accepted events, oldest event first.
   *
   * @param list<mixed> $events
   *   System Log events from data.events.
   */
  private function accept(array $events): void {
    $accepted = [];
    foreach ($events as $event) {
      $item = is_array($event) ? $this->userEvent($event) : NULL;
      if ($item !== NULL) {
        $accepted[] = $item;
      }
    }
    usort($accepted, static fn (array $a, array $b): int => $a['time'] <=> $b['time']);
    foreach ($accepted as $item) {
      $uuid = 'event:' . $item['uuid'];
      if ($item['uuid'] !== '' && $this->ledger->seen($uuid)) {
        continue;
      }
      $last = $this->ledger->lastPublished($item['okta_id']);
      if ($last !== NULL && self::time($last) > $item['time']) {
        // Out of order: a newer event for this user was already accepted;
        // the import re-reads Okta, so the older one adds nothing.
        continue;
      }
      unset($item['time']);
      $this->queue->enqueue($item);
      if ($item['published'] !== '') {
        $this->ledger->setLastPublished($item['okta_id'], $item['published']);
      }
      if ($item['uuid'] !== '') {
        $this->ledger->remember($uuid);
      }
    }
  }

  /**
   * Extracts the queue item of a user event, NULL for anything else.
   */
  private function userEvent(array $event): ?array {
    $type = $event['eventType'] ?? NULL;
    if (!is_string($type) || !in_array($type, self::USER_EVENTS, TRUE)) {
      return NULL;
    }
    foreach ((array) ($event['target'] ?? []) as $target) {
      if (is_array($target) && ($target['type'] ?? NULL) === 'User' && is_string($target['id'] ?? NULL) && $target['id'] !== '') {
        $published = is_string($event['published'] ?? NULL) ? $event['published'] : '';
        return [
          'okta_id' => $target['id'],
          'login' => is_string($target['alternateId'] ?? NULL) ? $target['alternateId'] : '',
          'event_type' => $type,
          'published' => $published,
          'uuid' => is_string($event['uuid'] ?? NULL) ? $event['uuid'] : '',
          'time' => self::time($published),
        ];
      }
    }
    return NULL;
  }

  /**
   * An ISO-8601 time as microseconds since the epoch (0 when unparsable).
   */
  private static function time(string $iso): int {
    if ($iso === '') {
      return 0;
    }
    try {
      $date = new \DateTimeImmutable($iso);
    }
    catch (\Exception) {
      return 0;
    }
    return (int) $date->format('U') * 1000000 + (int) $date->format('u');
  }

}
