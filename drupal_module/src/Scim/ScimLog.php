<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Scim;

use Drupal\Component\Datetime\TimeInterface;
use Drupal\Core\State\StateInterface;
use Psr\Log\LoggerInterface;
use Symfony\Component\HttpFoundation\Request;

/**
 * The SCIM server's record: a log line per write, the recent operations.
 *
 * Bodies are never logged (Okta sends passwords in them); a line names the
 * method, the resource, the answer and the SCIM client's request id, so an
 * Okta admin's provisioning error can be matched to the site's log.
 */
final class ScimLog {

  /**
   * State key of the recent operations.
   */
  public const RECENT = 'okta_user_sync.scim_recent';

  /**
   * How many recent operations are kept.
   */
  public const KEEP = 25;

  /**
   * Request headers that carry the client's request id, first found wins.
   */
  private const REQUEST_ID_HEADERS = ['X-Okta-Request-Id', 'X-Request-Id', 'Request-Id', 'X-Correlation-Id'];

  /**
   * Constructs the log.
   */
  public function __construct(
    private readonly StateInterface $state,
    private readonly LoggerInterface $logger,
    private readonly TimeInterface $time,
  ) {}

  /**
   * Records one answered request (reads are kept only when they failed).
   */
  public function record(Request $request, array $op, array $answer): void {
    $status = (int) $answer['status'];
    $write = !in_array($op['kind'], ['list', 'get', 'discovery'], TRUE);
    if (!$write && $status < 400) {
      return;
    }
    $body = json_decode((string) $answer['body'], TRUE);
    $entry = [
      'time' => $this->time->getRequestTime(),
      'method' => $request->getMethod(),
      'resource' => trim(($op['resource'] ?? '') . ' ' . ($op['id'] ?? (is_array($body) ? ($body['id'] ?? '') : '')), ' '),
      'status' => $status,
      // The engine's detail never quotes a secret.
      'detail' => is_array($body) && $status >= 400 ? mb_substr((string) ($body['detail'] ?? ''), 0, 300) : '',
      'request_id' => $this->requestId($request),
    ];
    $recent = (array) $this->state->get(self::RECENT, []);
    array_unshift($recent, $entry);
    $this->state->set(self::RECENT, array_slice($recent, 0, self::KEEP));
    $context = [
      '@method' => $entry['method'],
      '@resource' => $entry['resource'] !== '' ? $entry['resource'] : $request->getPathInfo(),
      '@status' => $status,
      '@detail' => $entry['detail'] !== '' ? ': ' . $entry['detail'] : '',
      '@request' => $entry['request_id'] ?? 'none',
    ];
    $message = 'SCIM @method @resource answered @status@detail (request id @request).';
    $status >= 500 ? $this->logger->error($message, $context) : ($status >= 400 ? $this->logger->warning($message, $context) : $this->logger->info($message, $context));
  }

  /**
   * Logs an unexpected failure of a SCIM request (class and message only).
   */
  public function failure(\Throwable $e): void {
    $this->logger->error('SCIM request failed: @class: @message', [
      '@class' => get_class($e),
      '@message' => $e->getMessage(),
    ]);
  }

  /**
   * The recent operations, newest first.
   */
  public function recent(): array {
    return (array) $this->state->get(self::RECENT, []);
  }

  /**
   * The client's request id, bounded and printable, NULL when none.
   */
  private function requestId(Request $request): ?string {
    foreach (self::REQUEST_ID_HEADERS as $header) {
      $value = $request->headers->get($header);
      if (is_string($value) && preg_match('/^[\x21-\x7e]{1,128}$/', $value)) {
        return $value;
      }
    }
    return NULL;
  }

}
