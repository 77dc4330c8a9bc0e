<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Import\Drupal;

use Drupal\Core\Config\ConfigFactoryInterface;
use Drupal\Core\Lock\LockBackendInterface;
use Drupal\okta_user_sync\Import\AccountStoreInterface;
use Drupal\okta_user_sync\Import\EchoGuardInterface;
use Drupal\okta_user_sync\Import\Importer;
use Drupal\okta_user_sync\Import\ImportException;
use Drupal\okta_user_sync\Import\ImportQueueProcessor;
use Drupal\okta_user_sync\Import\ImportRunner;
use Drupal\okta_user_sync\Import\ImportSettings;
use Drupal\okta_user_sync\Import\ImportStateInterface;
use Drupal\okta_user_sync\Import\PullClientInterface;
use Drupal\okta_user_sync\OktaClient;
use Psr\Log\LoggerInterface;

/**
 * Entry point of the Okta → Drupal import for cron, batch, drush and queue.
 *
 * Wires the framework-free importer and runner to Drupal, and serialises
 * runs with a lock: two runs stepping the same saved cursor would import
 * pages twice or skip them.
 */
final class ImportService {

  public const LOCK = 'okta_user_sync_import';

  /**
   * Constructs the service.
   */
  public function __construct(
    private readonly ConfigFactoryInterface $configFactory,
    private readonly OktaClient $client,
    private readonly AccountStoreInterface $accounts,
    private readonly EchoGuardInterface $echoGuard,
    private readonly ImportStateInterface $state,
    private readonly PullClientInterface $pull,
    private readonly LockBackendInterface $lock,
    private readonly LoggerInterface $logger,
  ) {}

  /**
   * The import settings from config.
   */
  public function settings(): ImportSettings {
    return ImportSettings::fromConfig($this->config());
  }

  /**
   * The saved state (watermark, unfinished run, last run).
   */
  public function state(): ImportStateInterface {
    return $this->state;
  }

  /**
   * Starts (or resumes) a run without fetching anything (batch first step).
   */
  public function start(string $mode, bool $restart = FALSE): array {
    $this->assertEnabled();
    return $this->runner()->start($mode, $restart);
  }

  /**
   * Imports the next page of the current run, under the lock.
   *
   * @throws \Drupal\okta_user_sync\Import\ImportException
   */
  public function step(bool $force = FALSE): array {
    $this->assertEnabled();
    return $this->locked(fn (): array => $this->finished($this->runner()->step($this->connection(), 1, $force)));
  }

  /**
   * Runs (or resumes) an import to the end, under the lock.
   *
   * @throws \Drupal\okta_user_sync\Import\ImportException
   */
  public function run(string $mode = ImportRunner::INCREMENTAL, bool $force = FALSE, ?callable $onStep = NULL): array {
    $this->assertEnabled();
    return $this->locked(fn (): array => $this->finished($this->runner()->run($this->connection(), $mode, $onStep, $force)));
  }

  /**
   * Imports the users that event hook deliveries queued.
   *
   * @param list<array> $items
   *   Queue item data.
   *
   * @throws \Drupal\okta_user_sync\Import\ImportException
   */
  public function processQueued(array $items): array {
    $this->assertEnabled();
    $processor = new ImportQueueProcessor($this->runner(), $this->importer(), $this->accounts);
    return $this->locked(fn (): array => $this->finished($processor->process($items, $this->connection())));
  }

  /**
   * The extension settings for the connection (secrets included).
   *
   * @throws \Drupal\okta_user_sync\Import\ImportException
   */
  private function connection(): array {
    try {
      // The runner adds the import keys (import_map, import_active_statuses).
      return $this->client->settings();
    }
    catch (\Exception $e) {
      // The assembler's messages name missing keys, never values.
      throw new ImportException($e->getMessage(), 0, $e);
    }
  }

  /**
   * The importer over Drupal accounts.
   */
  private function importer(): Importer {
    return new Importer($this->accounts, $this->echoGuard, $this->client->extension());
  }

  /**
   * The runner over Drupal accounts and state.
   */
  private function runner(): ImportRunner {
    return new ImportRunner($this->pull, $this->importer(), $this->accounts, $this->state, $this->settings());
  }

  /**
   * Runs $work under the import lock.
   */
  private function locked(callable $work): array {
    if (!$this->lock->acquire(self::LOCK, 900.0)) {
      throw new ImportException('Another Okta import is running; try again later.');
    }
    try {
      return $work();
    }
    finally {
      $this->lock->release(self::LOCK);
    }
  }

  /**
   * Logs a finished run.
   */
  private function finished(array $run): array {
    if (!empty($run['done'])) {
      $counts = [];
      foreach ($run['counts'] ?? [] as $action => $count) {
        $counts[] = "$action: $count";
      }
      $this->logger->info('Okta import (@mode) finished: @counts.', [
        '@mode' => $run['mode'] ?? 'queue',
        '@counts' => $counts === [] ? 'nothing to do' : implode(', ', $counts),
      ]);
      if (!empty($run['guard'])) {
        $this->logger->warning('Okta import guard: @guard', ['@guard' => $run['guard']]);
      }
    }
    return $run;
  }

  /**
   * Refuses to run when Okta → Drupal is off.
   */
  private function assertEnabled(): void {
    if (!$this->settings()->importEnabled()) {
      throw new ImportException('Okta to Drupal import is off: set the sync direction to "Okta to Drupal" or "Both".');
    }
  }

  /**
   * The module configuration as an array.
   */
  private function config(): array {
    return $this->configFactory->get('okta_user_sync.settings')->get() ?? [];
  }

}
