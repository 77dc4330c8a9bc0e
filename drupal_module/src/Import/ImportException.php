<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Import;

/**
 * An import could not run (extension missing, bad pull response).
 *
 * Messages never contain secrets: they are shown to admins and logged.
 */
class ImportException extends \RuntimeException {}
