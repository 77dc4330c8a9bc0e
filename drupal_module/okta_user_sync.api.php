<?php

/**
 * @file
 * How other modules change what Okta User Sync sends to and imports from Okta.
 *
 * Two events, subscribed to the Symfony way:
 * - PushEvent (Drupal -> Okta): the login, profile and groups sent.
 * - ImportEvent (Okta -> Drupal): the values written, or a veto.
 *
 * @section push Drupal -> Okta: PushEvent
 *
 * The module dispatches \Drupal\okta_user_sync\Event\PushEvent
 * (PushEvent::NAME, 'okta_user_sync.push') every time an account is about to
 * be sent to Okta: automatic pushes after a save, queued retries, "Sync" and
 * "Sync all users", Drush and scheduled runs, and their dry runs. Subscribe
 * to it the Symfony way, as samlauth's and externalauth's events are used.
 *
 * In your module's MODULE.services.yml:
 * @code
 * services:
 *   my_module.okta_push_subscriber:
 *     class: Drupal\my_module\EventSubscriber\OktaPushSubscriber
 *     tags:
 *       - { name: event_subscriber }
 * @endcode
 *
 * And the subscriber:
 * @code
 * namespace Drupal\my_module\EventSubscriber;
 *
 * use Drupal\okta_user_sync\Event\PushEvent;
 * use Symfony\Component\EventDispatcher\EventSubscriberInterface;
 *
 * final class OktaPushSubscriber implements EventSubscriberInterface {
 *
 *   public static function getSubscribedEvents(): array {
 *     return [PushEvent::NAME => 'onPush'];
 *   }
 *
 *   public function onPush(PushEvent $event): void {
 *     $account = $event->account;
 *     // Okta logins in the corporate domain, whatever the Drupal email.
 *     $event->setLogin($account->getAccountName() . '@corp.example.com');
 *     // A computed attribute; NULL would clear it in Okta.
 *     $event->setAttribute('costCenter', $account->hasField('field_cost_center') ? $account->get('field_cost_center')->value : NULL);
 *     // Groups from your own logic instead of the role mapping.
 *     if ($account->hasRole('editor')) {
 *       $event->setGroups(['Editors', 'Staff']);
 *     }
 *   }
 *
 * }
 * @endcode
 *
 * What the event changes is part of the account for the extension: it is
 * compared with Okta, covered by the profile hash (a new value is pushed,
 * an unchanged one costs no request) and shown in dry runs. Keep subscribers
 * fast and free of network calls: they run inside pushes, which have a time
 * budget.
 *
 * @section import Okta -> Drupal: ImportEvent
 *
 * \Drupal\okta_user_sync\Event\ImportEvent (ImportEvent::NAME,
 * 'okta_user_sync.import') is dispatched before the import writes an Okta
 * user into a Drupal account: pulls (incremental, full, reconcile), event
 * hook deliveries, the blocking of accounts whose Okta user is gone, and
 * the user writes of the SCIM server. The extension has already decided
 * the action ($event->action: 'created', 'linked', 'updated', 'activated',
 * 'blocked', 'unchanged') and the values
 * (Drupal field => value; for a create: name, mail, status and the mapped
 * fields; otherwise only what changes). $event->record is the Okta user as
 * okta_sync_pull() lists it (id, login, email, status, fields), or only id
 * and status 'DELETED' for a user that is gone. A SCIM write has 'source'
 * => 'scim' in the record (id: the SCIM externalId, login: the userName;
 * the password is never in the event), its values are the whole mapped
 * set, and a veto is answered 403 to the SCIM client. $event->account is
 * the account written to (NULL for a create).
 *
 * @code
 * namespace Drupal\my_module\EventSubscriber;
 *
 * use Drupal\okta_user_sync\Event\ImportEvent;
 * use Symfony\Component\EventDispatcher\EventSubscriberInterface;
 *
 * final class OktaImportSubscriber implements EventSubscriberInterface {
 *
 *   public static function getSubscribedEvents(): array {
 *     return [ImportEvent::NAME => 'onImport'];
 *   }
 *
 *   public function onImport(ImportEvent $event): void {
 *     // Contractors are never given a Drupal account.
 *     if (str_ends_with((string) ($event->record['login'] ?? ''), '@contractor.example.com')) {
 *       $event->veto('contractors have no Drupal account');
 *       return;
 *     }
 *     // New accounts are named after the Okta login's local part.
 *     if ($event->action === 'created') {
 *       $event->setValue('name', strtok((string) $event->record['login'], '@'));
 *     }
 *     // Keep a locally managed field as it is.
 *     $event->removeValue('field_department');
 *   }
 *
 * }
 * @endcode
 *
 * A veto skips the user: nothing is written, the run counts it as skipped
 * with the reason. Values written by the import are never pushed back to
 * Okta. Keep subscribers fast: an import page holds up to 200 users.
 */
