<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Sync;

/**
 * Checks an Okta Portal URL the way the extension will (form validation).
 */
final class OrgUrl {

  private const LOOPBACK = ['127.0.0.1', 'localhost', '[::1]', '::1'];

  /**
   * Why $url is not a usable org URL, or NULL when it is.
   */
  public static function problem(string $url): ?string {
    $url = trim($url);
    $parts = parse_url($url);
    if ($url === '' || $parts === FALSE || !isset($parts['scheme'], $parts['host'])) {
      return 'Enter the full address, e.g. https://your-org.okta.com';
    }
    $scheme = strtolower($parts['scheme']);
    $loopback = in_array(strtolower($parts['host']), self::LOOPBACK, TRUE);
    if ($scheme !== 'https' && !($scheme === 'http' && $loopback)) {
      return 'The address must start with https:// (http:// only for a local test server).';
    }
    if (isset($parts['user']) || isset($parts['pass'])) {
      return 'The address must not contain a user name or password.';
    }
    if (isset($parts['query']) || isset($parts['fragment']) || (isset($parts['path']) && $parts['path'] !== '/')) {
      return 'Enter only the Okta domain, without a path (not the admin console address, e.g. no "-admin" pages or /oauth2/...).';
    }
    if (str_contains(strtolower($parts['host']), '-admin.')) {
      return 'Use the org domain, not the admin console domain: remove "-admin".';
    }
    return NULL;
  }

  /**
   * The URL without a trailing slash.
   */
  public static function normalize(string $url): string {
    return rtrim(trim($url), '/');
  }

}
