<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Import;

/**
 * Where an import keeps its progress between pages, requests and failures.
 *
 * The Drupal adapter uses the State API (watermark, run) and a key-value
 * collection (Okta ids seen by a reconcile run).
 */
interface ImportStateInterface {

  /**
   * The committed watermark: lastUpdated up to which Okta has been imported.
   */
  public function getWatermark(): ?string;

  /**
   * Commits a watermark (only after a complete run).
   */
  public function setWatermark(?string $watermark): void;

  /**
   * The unfinished run, if any (see ImportRunner for its keys).
   */
  public function getRun(): ?array;

  /**
   * Saves (or, with NULL, ends) the unfinished run.
   */
  public function setRun(?array $run): void;

  /**
   * Remembers Okta ids a reconcile run has listed.
   *
   * @param list<string> $oktaIds
   *   Ids from one page.
   */
  public function markSeen(array $oktaIds): void;

  /**
   * Whether a reconcile run has listed this Okta id.
   */
  public function wasSeen(string $oktaId): bool;

  /**
   * Forgets every listed Okta id (start and end of a reconcile run).
   */
  public function clearSeen(): void;

  /**
   * The summary of the last finished run (for the admin UI).
   */
  public function getLastRun(): ?array;

  /**
   * Records the summary of a finished run.
   */
  public function setLastRun(array $summary): void;

}
