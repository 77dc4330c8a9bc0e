<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Import;

/**
 * A framework-free HTTP response: the controllers turn it into Symfony's.
 */
final class HookResponse {

  /**
   * Constructs a response.
   *
   * @param int $status
   *   HTTP status.
   * @param array<string, string> $headers
   *   Response headers.
   * @param string $body
   *   Response body.
   */
  public function __construct(
    public readonly int $status,
    public readonly array $headers = [],
    public readonly string $body = '',
  ) {}

  /**
   * A JSON response.
   */
  public static function json(int $status, array $data): self {
    return new self($status, ['Content-Type' => 'application/json'], (string) json_encode($data, JSON_UNESCAPED_SLASHES));
  }

  /**
   * An empty response (204 No Content, or an error status).
   */
  public static function empty(int $status = 204, array $headers = []): self {
    return new self($status, $headers);
  }

  /**
   * An error with a short JSON explanation (never echoing request data).
   */
  public static function error(int $status, string $message, array $headers = []): self {
    return new self($status, ['Content-Type' => 'application/json'] + $headers, (string) json_encode(['error' => $message]));
  }

}
