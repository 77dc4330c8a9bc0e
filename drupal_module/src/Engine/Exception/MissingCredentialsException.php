<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Engine\Exception;

/**
 * The Okta connection is not configured (URL or credentials missing).
 *
 * The message names what is missing, never a secret's value.
 */
final class MissingCredentialsException extends \RuntimeException {

}
