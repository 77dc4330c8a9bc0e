<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Engine\Exception;

/**
 * The okta_sync PHP extension is not loaded (or too old/new).
 */
final class ExtensionMissingException extends \RuntimeException {

  /**
   * The message when none is given: where to find how to install it.
   *
   * \Exception::__construct() only sets the message when one is passed, so
   * new ExtensionMissingException() keeps this default, while a message
   * passed to the constructor replaces it.
   *
   * @var string
   */
  protected $message = 'The okta_sync PHP extension is not loaded; see the module README for installing it.';

}
