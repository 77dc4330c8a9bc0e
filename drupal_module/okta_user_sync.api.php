<?php

/**
 * @file
 * How other modules change what Okta User Sync sends to Okta.
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
 */
