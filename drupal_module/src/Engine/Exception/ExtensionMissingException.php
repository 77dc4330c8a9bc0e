<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Engine\Exception;

/**
 * The okta_sync PHP extension is not loaded (or too old/new).
 */
final class ExtensionMissingException extends \RuntimeException {

  public function __construct(string $message = 'The okta_sync PHP extension is not loaded; see the module README for installing it.') {
    parent::__construct($message);
  }

}
