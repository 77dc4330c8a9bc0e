<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Engine;

use Drupal\okta_user_sync\Engine\Exception\ExtensionMissingException;

/**
 * Object wrapper around the okta_sync_* functions.
 *
 * It adds nothing but a clear error when the extension is missing, and a seam
 * tests can replace. Contract: okta_sync.stubs.php at the repository root.
 */
class Extension {

  /**
   * Whether the okta_sync extension is loaded in this PHP process.
   */
  public function isLoaded(): bool {
    return extension_loaded('okta_sync') && function_exists('okta_sync_version');
  }

  /**
   * The extension's version, or NULL when it is not loaded.
   */
  public function version(): ?string {
    return $this->isLoaded() ? \okta_sync_version() : NULL;
  }

  /**
   * Checks and normalises an Okta org URL (okta_sync_org_url()).
   */
  public function orgUrl(string $url): array {
    $this->assertLoaded();
    return \okta_sync_org_url($url);
  }

  /**
   * A fresh key pair for an OAuth service app (okta_sync_generate_key()).
   */
  public function generateKey(): array {
    $this->assertLoaded();
    return \okta_sync_generate_key();
  }

  /**
   * The public JWK of an OAuth private key (okta_sync_public_jwk()).
   */
  public function publicJwk(#[\SensitiveParameter] string $privateKeyPem): array {
    $this->assertLoaded();
    return \okta_sync_public_jwk($privateKeyPem);
  }

  /**
   * Looks one user up to prove the settings work (okta_sync_test()).
   */
  public function test(array $settings, string $login): array {
    $this->assertLoaded();
    return \okta_sync_test($settings, $login);
  }

  /**
   * Provisions one user event (okta_sync_user()).
   */
  public function syncUser(array $settings, string $event, array $user): array {
    $this->assertLoaded();
    return \okta_sync_user($settings, $event, $user);
  }

  /**
   * Provisions many users (okta_sync_users()).
   */
  public function syncUsers(array $settings, array $users, array $options = []): array {
    $this->assertLoaded();
    return \okta_sync_users($settings, $users, $options);
  }

  /**
   * Lists the next pages of Okta users for the import (okta_sync_pull()).
   */
  public function pull(array $settings, array $options = []): array {
    $this->assertLoaded();
    return \okta_sync_pull($settings, $options);
  }

  /**
   * The reconcile's guard on blocking missing accounts.
   *
   * Calls the extension's okta_sync_import_guard().
   */
  public function importGuard(array $settings, int $missing, int $linked, int $listed): array {
    $this->assertLoaded();
    return \okta_sync_import_guard($settings, $missing, $linked, $listed);
  }

  /**
   * The lookup keys of an Okta user (okta_sync_import_keys()).
   */
  public function importKeys(array $settings, string $login, string $email): array {
    $this->assertLoaded();
    return \okta_sync_import_keys($settings, $login, $email);
  }

  /**
   * Decides the import of one pulled record (okta_sync_import_decide()).
   */
  public function importDecide(array $settings, array $record, array $candidates): array {
    $this->assertLoaded();
    return \okta_sync_import_decide($settings, $record, $candidates);
  }

  /**
   * Parses an Okta Event Hook delivery (okta_sync_hook_events()).
   *
   * @param string $body
   *   The raw request body.
   * @param int|null $receivedAt
   *   When it arrived, in milliseconds since the epoch (NULL: now).
   */
  public function hookEvents(string $body, ?int $receivedAt = NULL): array {
    $this->assertLoaded();
    return \okta_sync_hook_events($body, $receivedAt);
  }

  /**
   * Parses one SCIM request into an operation (okta_sync_scim_request()).
   */
  public function scimRequest(array $request, array $scim): array {
    $this->assertLoaded();
    return \okta_sync_scim_request($request, $scim);
  }

  /**
   * Applies SCIM PATCH operations to a resource (okta_sync_scim_patch()).
   */
  public function scimPatch(array $resource, array $operations, array $scim): array {
    $this->assertLoaded();
    return \okta_sync_scim_patch($resource, $operations, $scim);
  }

  /**
   * Shapes a SCIM response (okta_sync_scim_response()).
   */
  public function scimResponse(string $kind, array $data, array $scim = []): array {
    $this->assertLoaded();
    return \okta_sync_scim_response($kind, $data, $scim);
  }

  /**
   * Whether a resource satisfies a filter (okta_sync_scim_matches()).
   */
  public function scimMatches(array $filter, array $resource): bool {
    $this->assertLoaded();
    return \okta_sync_scim_matches($filter, $resource);
  }

  /**
   * A SCIM resource as the flat Drupal-side array (okta_sync_scim_to_drupal()).
   */
  public function scimToDrupal(string $type, array $resource, array $scim): array {
    $this->assertLoaded();
    return \okta_sync_scim_to_drupal($type, $resource, $scim);
  }

  /**
   * An account or role as a SCIM resource (okta_sync_scim_from_drupal()).
   */
  public function scimFromDrupal(string $type, array $entity, array $scim): array {
    $this->assertLoaded();
    return \okta_sync_scim_from_drupal($type, $entity, $scim);
  }

  /**
   * NULL, or the 412 response (okta_sync_scim_precondition()).
   */
  public function scimPrecondition(array $operation, array $current): ?array {
    $this->assertLoaded();
    return \okta_sync_scim_precondition($operation, $current);
  }

  /**
   * A new SCIM bearer token and its hash (okta_sync_scim_token()).
   */
  public function scimToken(): array {
    $this->assertLoaded();
    return \okta_sync_scim_token();
  }

  /**
   * Checks a SCIM request's credentials (okta_sync_scim_authorize()).
   */
  public function scimAuthorize(#[\SensitiveParameter] ?string $authorization, bool $secure, string $clientIp, ?string $storedHash): array {
    $this->assertLoaded();
    return \okta_sync_scim_authorize($authorization, $secure, $clientIp, $storedHash);
  }

  /**
   * Throws when the extension is absent (not a fatal "undefined function").
   */
  private function assertLoaded(): void {
    if (!$this->isLoaded()) {
      throw new ExtensionMissingException();
    }
  }

}
