<?php

declare(strict_types=1);

namespace OktaSyncBench;

/**
 * Generates Drupal user snapshots (the shape okta_sync.stubs.php documents)
 * and the matching Okta profiles, deterministically from an index.
 */
final class Users {

  private const FIRST = ['Ada', 'Grace', 'Linus', 'Barbara', 'Ken', 'Margaret', 'Dennis', 'Frances', 'Alan', 'Radia'];
  private const LAST = ['Lovelace', 'Hopper', 'Torvalds', 'Liskov', 'Thompson', 'Hamilton', 'Ritchie', 'Allen', 'Turing', 'Perlman'];

  /**
   * Provisioning settings shared by the demo and the benches.
   */
  public static function provisioning(): array {
    $all = ['read', 'create', 'update', 'deactivate', 'delete'];
    return [
      'direction' => 'drupal_to_okta',
      'operations' => ['manual' => $all, 'automatic' => $all, 'scheduled' => $all],
      'create_mode' => 'staged',
      'login_source' => 'mail',
      'first_name_field' => 'field_first_name',
      'last_name_field' => 'field_last_name',
      'on_delete' => 'delete',
    ];
  }

  /**
   * The Drupal snapshot of generated user $i (uid = $i + 1000).
   */
  public static function snapshot(int $i, string $run, bool $active = TRUE): array {
    return [
      'uid' => 1000 + $i,
      'name' => "user$i.$run",
      'mail' => self::mail($i, $run),
      'status' => $active,
      'roles' => ['authenticated'],
      'fields' => [
        'field_first_name' => self::FIRST[$i % 10],
        'field_last_name' => self::LAST[intdiv($i, 10) % 10],
      ],
    ];
  }

  /**
   * The Okta profile the extension is expected to give generated user $i.
   */
  public static function oktaProfile(int $i, string $run): array {
    return [
      'login' => self::mail($i, $run),
      'email' => self::mail($i, $run),
      'firstName' => self::FIRST[$i % 10],
      'lastName' => self::LAST[intdiv($i, 10) % 10],
    ];
  }

  /**
   * Snapshots for users [$from, $to), built lazily so memory stays flat.
   *
   * @return \Generator<int, array>
   */
  public static function range(int $from, int $to, string $run): \Generator {
    for ($i = $from; $i < $to; $i++) {
      yield self::snapshot($i, $run);
    }
  }

  private static function mail(int $i, string $run): string {
    return sprintf('user%06d.%s@example.com', $i, $run);
  }

}
