<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Drush\Commands;

use Drupal\okta_user_sync\Import\ImportRunner;
use Drush\Attributes as CLI;
use Drush\Commands\DrushCommands;
use Symfony\Component\DependencyInjection\ContainerInterface;

/**
 * Drush command of the Okta → Drupal import.
 */
final class OktaImportCommands extends DrushCommands {

  /**
   * Constructs the commands.
   */
  public function __construct(
    private readonly ImportRunner $import,
  ) {
    parent::__construct();
  }

  /**
   * {@inheritdoc}
   */
  public static function create(ContainerInterface $container): self {
    return new self($container->get('okta_user_sync.import_runner'));
  }

  /**
   * Imports Okta users into Drupal.
   */
  #[CLI\Command(name: 'okta-sync:import', aliases: ['okta-import'])]
  #[CLI\Option(name: 'mode', description: 'incremental (changed since the last import), full, or reconcile (full, then block accounts whose Okta user is gone when enabled)')]
  #[CLI\Option(name: 'restart', description: 'Discard an unfinished import instead of resuming it')]
  #[CLI\Option(name: 'force', description: 'Block missing accounts even when the reconcile guard trips')]
  #[CLI\Option(name: 'queue', description: 'Only import the users queued by the Okta event hook')]
  #[CLI\Usage(name: 'drush okta-sync:import', description: 'Import Okta users changed since the last import (resumes an unfinished run).')]
  #[CLI\Usage(name: 'drush okta-sync:import --mode=reconcile', description: 'List every Okta user and block Drupal accounts whose Okta user no longer exists.')]
  public function import(array $options = [
    'mode' => ImportRunner::INCREMENTAL,
    'restart' => FALSE,
    'force' => FALSE,
    'queue' => FALSE,
  ]): int {
    try {
      if ($options['queue']) {
        $count = $this->import->processQueue();
        $this->io()->success(sprintf('%d queued event hook deliveries processed.', $count));
        return self::EXIT_SUCCESS;
      }
      $this->import->start((string) $options['mode'], (bool) $options['restart']);
      $run = $this->import->run((string) $options['mode'], (bool) $options['force'], function (array $run): void {
        $this->io()->writeln(sprintf('Page %d: %d users so far.', $run['pages'], array_sum($run['counts'])));
      });
    }
    catch (\Throwable $e) {
      $this->io()->error($e->getMessage() . ' Run the command again to resume.');
      return self::EXIT_FAILURE;
    }
    $rows = [];
    foreach ($run['counts'] as $action => $count) {
      $rows[] = [$action, $count];
    }
    $this->io()->table(['Action', 'Users'], $rows);
    foreach ($run['errors'] as $error) {
      $this->io()->warning($error);
    }
    if (!empty($run['guard'])) {
      $this->io()->warning($run['guard'] . ' Use --force to block them anyway.');
    }
    $this->io()->success(sprintf('Okta import (%s) finished; watermark %s.', $run['mode'], $run['watermark'] ?? 'none'));
    return self::EXIT_SUCCESS;
  }

}
