<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Import\Drupal;

use Drupal\Core\KeyValueStore\KeyValueFactoryInterface;
use Drupal\Core\KeyValueStore\KeyValueStoreInterface;
use Drupal\Core\State\StateInterface;
use Drupal\okta_user_sync\Import\ImportStateInterface;

/**
 * Import progress in State; reconcile's seen ids in a key-value collection.
 */
final class DrupalImportState implements ImportStateInterface {

  public const WATERMARK = 'okta_user_sync.import_watermark';
  public const RUN = 'okta_user_sync.import_run';
  public const LAST_RUN = 'okta_user_sync.import_last_run';
  public const SEEN_COLLECTION = 'okta_user_sync.import_seen';

  /**
   * Okta ids seen by the running reconcile.
   */
  private KeyValueStoreInterface $seen;

  /**
   * Constructs the state.
   */
  public function __construct(private readonly StateInterface $state, KeyValueFactoryInterface $keyValue) {
    $this->seen = $keyValue->get(self::SEEN_COLLECTION);
  }

  /**
   * {@inheritdoc}
   */
  public function getWatermark(): ?string {
    $value = $this->state->get(self::WATERMARK);
    return is_string($value) ? $value : NULL;
  }

  /**
   * {@inheritdoc}
   */
  public function setWatermark(?string $watermark): void {
    $this->state->set(self::WATERMARK, $watermark);
  }

  /**
   * {@inheritdoc}
   */
  public function getRun(): ?array {
    $run = $this->state->get(self::RUN);
    return is_array($run) ? $run : NULL;
  }

  /**
   * {@inheritdoc}
   */
  public function setRun(?array $run): void {
    if ($run === NULL) {
      $this->state->delete(self::RUN);
    }
    else {
      $this->state->set(self::RUN, $run);
    }
  }

  /**
   * {@inheritdoc}
   */
  public function markSeen(array $oktaIds): void {
    $this->seen->setMultiple(array_fill_keys($oktaIds, TRUE));
  }

  /**
   * {@inheritdoc}
   */
  public function wasSeen(string $oktaId): bool {
    return $this->seen->has($oktaId);
  }

  /**
   * {@inheritdoc}
   */
  public function clearSeen(): void {
    $this->seen->deleteAll();
  }

  /**
   * {@inheritdoc}
   */
  public function getLastRun(): ?array {
    $run = $this->state->get(self::LAST_RUN);
    return is_array($run) ? $run : NULL;
  }

  /**
   * {@inheritdoc}
   */
  public function setLastRun(array $summary): void {
    $this->state->set(self::LAST_RUN, $summary);
  }

}
