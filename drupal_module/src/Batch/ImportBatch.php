<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Batch;

use Drupal\Core\StringTranslation\TranslatableMarkup;

/**
 * Batch API callbacks of the "Import from Okta" action.
 *
 * Each batch request imports one Okta page (up to 200 users). The run is
 * saved after every page, so a failed request can be retried by running the
 * import again: it resumes where it stopped.
 */
final class ImportBatch {

  /**
   * The batch definition for a run.
   */
  public static function build(string $mode, bool $restart): array {
    return [
      'title' => new TranslatableMarkup('Importing users from Okta'),
      'init_message' => new TranslatableMarkup('Listing Okta users…'),
      'progress_message' => new TranslatableMarkup('Elapsed: @elapsed'),
      'error_message' => new TranslatableMarkup('The import stopped; running it again resumes from the last imported page.'),
      'operations' => [[[self::class, 'step'], [$mode, $restart]]],
      'finished' => [self::class, 'finished'],
    ];
  }

  /**
   * Batch operation: one Okta page per call.
   */
  public static function step(string $mode, bool $restart, array|\ArrayAccess &$context): void {
    /** @var \Drupal\okta_user_sync\Import\ImportRunner $import */
    $import = \Drupal::service('okta_user_sync.import_runner');
    try {
      if (empty($context['sandbox']['started'])) {
        $import->start($mode, $restart);
        $context['sandbox']['started'] = TRUE;
      }
      $run = $import->step();
    }
    catch (\Throwable $e) {
      $context['results']['error'] = $e->getMessage();
      $context['finished'] = 1;
      return;
    }
    $context['results']['run'] = $run;
    $imported = array_sum($run['counts'] ?? []);
    $context['message'] = new TranslatableMarkup('@count Okta users processed (@pages pages).', [
      '@count' => $imported,
      '@pages' => $run['pages'] ?? 0,
    ]);
    // Okta does not say how many users remain: approach 1 without reaching it.
    $context['finished'] = !empty($run['done']) ? 1 : min(0.95, 1 - 1 / (2 + (int) ($run['pages'] ?? 0)));
  }

  /**
   * Batch finished callback.
   */
  public static function finished(bool $success, array $results, array $operations): void {
    $messenger = \Drupal::messenger();
    if (!$success || isset($results['error'])) {
      $messenger->addError(new TranslatableMarkup('The Okta import stopped: @message Run it again to resume.', ['@message' => $results['error'] ?? '']));
      return;
    }
    $run = $results['run'] ?? [];
    $parts = [];
    foreach ($run['counts'] ?? [] as $action => $count) {
      $parts[] = "$action: $count";
    }
    $messenger->addStatus(new TranslatableMarkup('Okta import finished. @counts', ['@counts' => $parts === [] ? 'Nothing changed.' : implode(', ', $parts)]));
    if (!empty($run['guard'])) {
      $messenger->addWarning($run['guard']);
    }
    foreach (array_slice($run['errors'] ?? [], 0, 10) as $error) {
      $messenger->addWarning($error);
    }
  }

}
