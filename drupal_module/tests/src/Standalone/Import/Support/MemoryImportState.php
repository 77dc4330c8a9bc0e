<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Standalone\Import\Support;

use Drupal\okta_user_sync\Import\ImportStateInterface;

/**
 * In-memory import state.
 */
final class MemoryImportState implements ImportStateInterface {

  /**
   * The watermark.
   */
  public ?string $watermark = NULL;

  /**
   * The run.
   */
  public ?array $run = NULL;

  /**
   * The last run.
   */
  public ?array $lastRun = NULL;

  /**
   * Okta ids seen by the reconcile run.
   *
   * @var array<string, true>
   */
  public array $seen = [];

  /**
   * {@inheritdoc}
   */
  public function getWatermark(): ?string {
    return $this->watermark;
  }

  /**
   * {@inheritdoc}
   */
  public function setWatermark(?string $watermark): void {
    $this->watermark = $watermark;
  }

  /**
   * {@inheritdoc}
   */
  public function getRun(): ?array {
    return $this->run;
  }

  /**
   * {@inheritdoc}
   */
  public function setRun(?array $run): void {
    $this->run = $run;
  }

  /**
   * {@inheritdoc}
   */
  public function markSeen(array $oktaIds): void {
    foreach ($oktaIds as $id) {
      $this->seen[$id] = TRUE;
    }
  }

  /**
   * {@inheritdoc}
   */
  public function wasSeen(string $oktaId): bool {
    return isset($this->seen[$oktaId]);
  }

  /**
   * {@inheritdoc}
   */
  public function clearSeen(): void {
    $this->seen = [];
  }

  /**
   * {@inheritdoc}
   */
  public function getLastRun(): ?array {
    return $this->lastRun;
  }

  /**
   * {@inheritdoc}
   */
  public function setLastRun(array $summary): void {
    $this->lastRun = $summary;
  }

}
