<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Form;

use Drupal\Core\Entity\EntityFieldManagerInterface;
use Drupal\Core\Entity\EntityTypeManagerInterface;
use Drupal\Core\Form\ConfigFormBase;
use Drupal\Core\Form\FormStateInterface;
use Drupal\Core\Url;
use Drupal\okta_user_sync\Batch\SyncBatch;
use Drupal\okta_user_sync\BulkSync;
use Drupal\okta_user_sync\Engine\SettingsAssembler;
use Drupal\okta_user_sync\SnapshotFactory;
use Symfony\Component\DependencyInjection\ContainerInterface;

/**
 * The "Drupal to Okta" tab (the guide's Step 3): methods, operations, maps.
 */
class ProvisioningForm extends ConfigFormBase {

  /**
   * Empty rows offered for new attribute mappings.
   */
  private const EXTRA_MAP_ROWS = 3;

  /**
   * The entity field manager.
   */
  protected EntityFieldManagerInterface $entityFieldManager;

  /**
   * The entity type manager.
   */
  protected EntityTypeManagerInterface $entityTypeManager;

  /**
   * The run service (chunk and concurrency bounds come from the engine).
   */
  protected BulkSync $bulkSync;

  /**
   * {@inheritdoc}
   */
  public static function create(ContainerInterface $container): static {
    $instance = parent::create($container);
    $instance->entityFieldManager = $container->get('entity_field.manager');
    $instance->entityTypeManager = $container->get('entity_type.manager');
    $instance->bulkSync = $container->get('okta_user_sync.bulk_sync');
    return $instance;
  }

  /**
   * {@inheritdoc}
   */
  public function getFormId(): string {
    return 'okta_user_sync_provisioning';
  }

  /**
   * {@inheritdoc}
   */
  protected function getEditableConfigNames(): array {
    return ['okta_user_sync.settings'];
  }

  /**
   * {@inheritdoc}
   */
  public function buildForm(array $form, FormStateInterface $form_state): array {
    $config = $this->config('okta_user_sync.settings');
    $form['direction'] = [
      '#type' => 'radios',
      '#title' => $this->t('Synchronization direction'),
      '#options' => [
        'drupal_to_okta' => $this->t('Drupal to Okta Synchronization'),
        'okta_to_drupal' => $this->t('Okta to Drupal Synchronization'),
        'both' => $this->t('Both directions'),
      ],
      '#default_value' => $config->get('direction') ?: 'drupal_to_okta',
    ];
    $form['methods'] = [
      '#type' => 'fieldset',
      '#title' => $this->t('Provisioning methods and operations'),
      '#description' => $this->t('Configure each method by selecting the operations it may perform. "Read User" lets a method look users up in Okta (needed to link existing Okta users and to update them).'),
    ];
    // Labels as in the vendor guide ("Read User and Create User checkboxes
    // under the Manual Provisioning Configuration").
    $operationOptions = [
      'read' => $this->t('Read User'),
      'create' => $this->t('Create User'),
      'update' => $this->t('Update User'),
      'deactivate' => $this->t('Deactivate User (blocked in Drupal)'),
      'delete' => $this->t('Delete User (deleted in Drupal)'),
    ];
    $methods = [
      'manual' => [
        $this->t('Manual/On-Demand Provisioning'),
        $this->t('Sync one user or all users from the "Sync users manually" tab or Drush.'),
        $this->t('Manual Provisioning Configuration'),
      ],
      'automatic' => [
        $this->t('Automatic Provisioning'),
        $this->t('Push changes when accounts are registered, edited (by admins, by users themselves, by other modules or code), blocked or deleted.'),
        $this->t('Automatic Provisioning Configuration'),
      ],
      'scheduled' => [
        $this->t('Scheduler-based Provisioning'),
        $this->t('On cron, push the users changed since the last run.'),
        $this->t('Scheduler Provisioning Configuration'),
      ],
    ];
    foreach ($methods as $method => [$title, $description, $operationsTitle]) {
      $form['methods'][$method] = [
        '#type' => 'details',
        '#title' => $title,
        '#description' => $description,
        '#open' => !empty($config->get("operations.$method")),
      ];
      $form['methods'][$method]["operations_$method"] = [
        '#type' => 'checkboxes',
        '#title' => $operationsTitle,
        '#options' => $operationOptions,
        '#default_value' => (array) $config->get("operations.$method"),
      ];
    }
    $form['methods']['manual']['ui_batch_size'] = [
      '#type' => 'number',
      '#title' => $this->t('Users per step of the progress bar'),
      '#description' => $this->t('"Sync all users" and "Retry failed users" send this many users per chunk and start another chunk in the same request only while it stays under @seconds seconds, so requests do not run into web server or proxy timeouts. Drush and cron use chunks of @batch.', [
        '@seconds' => (int) SyncBatch::STEP_SECONDS,
        '@batch' => $this->bulkSync->batchSize(),
      ]),
      '#min' => 1,
      '#max' => $this->bulkSync->maxChunk(),
      '#default_value' => (int) ($config->get('ui_batch_size') ?: 50),
    ];
    $form['methods']['manual']['concurrency'] = [
      '#type' => 'number',
      '#title' => $this->t('Concurrent Okta requests in bulk runs'),
      '#description' => $this->t('Used by "Sync all users", Drush and scheduled runs; all of them share Okta\'s rate limit.'),
      '#min' => 1,
      '#max' => $this->bulkSync->concurrency(PHP_INT_MAX),
      '#default_value' => $this->bulkSync->concurrency($config->get('concurrency')),
    ];
    $form['methods']['manual']['sync_manually'] = [
      '#type' => 'link',
      '#title' => $this->t('Sync User Manually'),
      '#url' => Url::fromRoute('okta_user_sync.manual_sync'),
      '#attributes' => ['class' => ['button']],
    ];
    $form['methods']['automatic']['push_mode'] = [
      '#type' => 'radios',
      '#title' => $this->t('When to push'),
      '#options' => [
        'deferred' => $this->t('After the page is sent (recommended: saving an account never waits for Okta)'),
        'inline' => $this->t('During the request, with a short timeout (the admin sees the result at once)'),
      ],
      '#default_value' => $config->get('push_mode') ?: 'deferred',
    ];
    $form['methods']['automatic']['inline_timeout'] = [
      '#type' => 'number',
      '#title' => $this->t('Inline timeout (seconds)'),
      '#min' => 0.5,
      '#max' => 30,
      '#step' => 0.5,
      '#default_value' => $config->get('inline_timeout'),
      '#states' => ['visible' => [':input[name="push_mode"]' => ['value' => 'inline']]],
    ];
    $form['methods']['scheduled']['scheduler_enabled'] = [
      '#type' => 'checkbox',
      '#title' => $this->t('Run scheduled provisioning on cron'),
      '#default_value' => $config->get('scheduler_enabled'),
    ];
    $intervals = [
      900 => '15 min',
      1800 => '30 min',
      3600 => '1 hour',
      10800 => '3 hours',
      21600 => '6 hours',
      43200 => '12 hours',
      86400 => '1 day',
    ];
    $form['methods']['scheduled']['scheduler_interval'] = [
      '#type' => 'select',
      '#title' => $this->t('Scheduler interval'),
      '#options' => $intervals,
      '#default_value' => $config->get('scheduler_interval'),
    ];
    $form['methods']['scheduled']['reconcile_interval'] = [
      '#type' => 'select',
      '#title' => $this->t('Full reconcile (compare every user with Okta)'),
      '#options' => [0 => $this->t('Never'), 86400 => $this->t('Daily'), 604800 => $this->t('Weekly')],
      '#default_value' => $config->get('reconcile_interval'),
    ];

    $form['creation'] = [
      '#type' => 'details',
      '#title' => $this->t('Creating users in Okta'),
      '#open' => TRUE,
    ];
    $form['creation']['create_mode'] = [
      '#type' => 'radios',
      '#title' => $this->t('Create users'),
      '#options' => [
        'staged' => $this->t('Without credentials (Staged): an Okta admin activates the user and sends a password reset link.'),
        'password' => $this->t('With the password (Staged): the password typed in Drupal is sent; creation fails if it violates the Okta password policy. Once an Okta admin activates the user, they sign in to Okta with the same password. Only when a form submitted a password; otherwise the user is created without credentials.'),
        'hash' => $this->t("With Drupal's password hash (Staged, bcrypt import): once an Okta admin activates the user, they sign in to Okta with their Drupal password; no Okta policy check."),
        'hook' => $this->t('With the password import inline hook (Active): the user is created active, and at the first Okta sign-in Okta asks this site (the password import hook on the "Okta to Drupal" tab) to verify the password. Blocked accounts (with "Also create blocked Drupal users") are created with the hook credential and then deactivated in Okta.'),
        'active' => $this->t('Active: the user is activated at once; with "Send the Okta activation email" Okta emails the user an activation link.'),
      ],
      '#default_value' => $config->get('create_mode') ?: 'staged',
    ];
    $form['creation']['activation_email'] = [
      '#type' => 'checkbox',
      '#title' => $this->t('Send the Okta activation email'),
      '#description' => $this->t('With "Active" creation, and when a deactivated Okta user is activated again.'),
      '#default_value' => $config->get('activation_email'),
    ];
    $form['creation']['provision_blocked'] = [
      '#type' => 'checkbox',
      '#title' => $this->t('Also create blocked Drupal users (deactivated in Okta)'),
      '#default_value' => $config->get('provision_blocked'),
    ];
    $form['creation']['password_sync'] = [
      '#type' => 'checkbox',
      '#title' => $this->t('Send password changes made in Drupal forms to Okta'),
      '#default_value' => $config->get('password_sync'),
    ];
    $form['creation']['on_delete'] = [
      '#type' => 'radios',
      '#title' => $this->t('When a Drupal user is deleted'),
      '#options' => [
        'deactivate' => $this->t('Deactivate the Okta user (reversible)'),
        'delete' => $this->t('Delete the Okta user (deactivate, then delete: permanent)'),
      ],
      '#default_value' => $config->get('on_delete') ?: 'deactivate',
    ];

    $fieldOptions = $this->userFieldOptions();
    $form['mapping'] = [
      '#type' => 'details',
      '#title' => $this->t('Attribute mapping'),
      '#open' => TRUE,
    ];
    $form['mapping']['login_source'] = [
      '#type' => 'radios',
      '#title' => $this->t('Okta login'),
      '#options' => [
        'mail' => $this->t('Email address'),
        'name' => $this->t('User name (plus a suffix)'),
      ],
      '#default_value' => $config->get('login_source') ?: 'mail',
    ];
    $form['mapping']['login_suffix'] = [
      '#type' => 'textfield',
      '#title' => $this->t('Login suffix'),
      '#description' => $this->t('Appended to the user name, e.g. @example.com (Okta logins are email-shaped by default).'),
      '#default_value' => $config->get('login_suffix'),
      '#states' => ['visible' => [':input[name="login_source"]' => ['value' => 'name']]],
    ];
    $form['mapping']['first_name_field'] = [
      '#type' => 'select',
      '#title' => $this->t('First name (firstName)'),
      '#description' => $this->t('Without a field, a name derived from the user name is sent when the Okta user is created, and never overwritten afterwards (Okta requires one; an Okta admin may have corrected it).'),
      '#options' => $fieldOptions,
      '#empty_option' => $this->t('- Derived from the user name -'),
      '#default_value' => $config->get('first_name_field'),
    ];
    $form['mapping']['last_name_field'] = [
      '#type' => 'select',
      '#title' => $this->t('Last name (lastName)'),
      '#options' => $fieldOptions,
      '#empty_option' => $this->t('- Derived from the user name -'),
      '#default_value' => $config->get('last_name_field'),
    ];
    $form['mapping']['attribute_map'] = [
      '#type' => 'table',
      '#caption' => $this->t('Other Okta profile attributes'),
      '#header' => [$this->t('Okta attribute'), $this->t('Drupal field')],
    ];
    $rows = array_values((array) $config->get('attribute_map'));
    for ($i = 0; $i < count($rows) + self::EXTRA_MAP_ROWS; $i++) {
      $form['mapping']['attribute_map'][$i]['okta'] = [
        '#type' => 'textfield',
        '#title' => $this->t('Okta attribute'),
        '#title_display' => 'invisible',
        '#size' => 30,
        '#default_value' => $rows[$i]['okta'] ?? '',
      ];
      $form['mapping']['attribute_map'][$i]['drupal'] = [
        '#type' => 'select',
        '#title' => $this->t('Drupal field'),
        '#title_display' => 'invisible',
        '#options' => $fieldOptions,
        '#empty_option' => $this->t('- None -'),
        '#default_value' => $rows[$i]['drupal'] ?? '',
      ];
    }

    $form['groups'] = [
      '#type' => 'details',
      '#title' => $this->t('Role to group mapping'),
      '#description' => $this->t('Okta groups (comma-separated names) a user joins for each Drupal role, and leaves when the role is removed.'),
      '#open' => TRUE,
    ];
    $form['groups']['group_map'] = [
      '#type' => 'table',
      '#header' => [$this->t('Drupal role'), $this->t('Okta groups')],
    ];
    $current = [];
    foreach ((array) $config->get('group_map') as $row) {
      $current[$row['role'] ?? ''] = implode(', ', (array) ($row['groups'] ?? []));
    }
    foreach ($this->roleOptions() as $role => $label) {
      $form['groups']['group_map'][$role]['label'] = ['#plain_text' => $label];
      $form['groups']['group_map'][$role]['groups'] = [
        '#type' => 'textfield',
        '#title' => $this->t('Okta groups for @role', ['@role' => $label]),
        '#title_display' => 'invisible',
        '#default_value' => $current[$role] ?? '',
      ];
    }

    $form['guard'] = [
      '#type' => 'details',
      '#title' => $this->t('Deletion guard'),
      '#description' => $this->t('Counts across a whole run (all its chunks): a run that would deactivate or delete more users than this stops before the chunk that would go beyond it, and "Sync all users" asks for an explicit confirmation when its dry-run preview goes beyond it. The share applies to runs of 20 users or more.'),
      '#open' => TRUE,
    ];
    $form['guard']['guard_max_share'] = [
      '#type' => 'number',
      '#title' => $this->t('Maximum share of users (%)'),
      '#min' => 0,
      '#max' => 100,
      '#step' => 1,
      '#default_value' => round(100 * (float) $config->get('guard_max_share')),
    ];
    $form['guard']['guard_max_count'] = [
      '#type' => 'number',
      '#title' => $this->t('Maximum number of users'),
      '#min' => 0,
      '#default_value' => $config->get('guard_max_count'),
    ];

    $form = parent::buildForm($form, $form_state);
    $form['actions']['submit']['#value'] = $this->t('All Done');
    return $form;
  }

  /**
   * {@inheritdoc}
   */
  public function validateForm(array &$form, FormStateInterface $form_state): void {
    parent::validateForm($form, $form_state);
    foreach ((array) $form_state->getValue('attribute_map') as $i => $row) {
      $okta = trim((string) ($row['okta'] ?? ''));
      if ($okta === '') {
        continue;
      }
      if ($okta === 'login') {
        $form_state->setErrorByName("attribute_map][$i][okta", $this->t('The Okta login is set by "Okta login" above, not by the mapping.'));
      }
      elseif (preg_match('/^[A-Za-z][A-Za-z0-9_]*$/', $okta) !== 1) {
        $form_state->setErrorByName("attribute_map][$i][okta", $this->t('%name is not an Okta attribute name (letters, digits and _).', ['%name' => $okta]));
      }
      elseif (trim((string) ($row['drupal'] ?? '')) === '') {
        $form_state->setErrorByName("attribute_map][$i][drupal", $this->t('Choose the Drupal field for %name.', ['%name' => $okta]));
      }
    }
    if ($form_state->getValue('login_source') === 'name' && trim((string) $form_state->getValue('login_suffix')) === '') {
      $form_state->setErrorByName('login_suffix', $this->t('Okta logins must be email-shaped unless your org changed the login pattern; enter a suffix such as @example.com.'));
    }
  }

  /**
   * {@inheritdoc}
   */
  public function submitForm(array &$form, FormStateInterface $form_state): void {
    $operations = [];
    foreach (SettingsAssembler::METHODS as $method) {
      $checked = array_keys(array_filter((array) $form_state->getValue("operations_$method")));
      $operations[$method] = array_values(array_intersect(SettingsAssembler::OPERATIONS, $checked));
    }
    $attributeMap = [];
    foreach ((array) $form_state->getValue('attribute_map') as $row) {
      $okta = trim((string) ($row['okta'] ?? ''));
      $drupal = trim((string) ($row['drupal'] ?? ''));
      if ($okta !== '' && $drupal !== '') {
        $attributeMap[] = ['okta' => $okta, 'drupal' => $drupal];
      }
    }
    $groupMap = [];
    foreach ((array) $form_state->getValue('group_map') as $role => $row) {
      $groups = array_values(array_filter(array_map('trim', explode(',', (string) ($row['groups'] ?? ''))), 'strlen'));
      if ($groups !== []) {
        $groupMap[] = ['role' => (string) $role, 'groups' => $groups];
      }
    }
    $this->config('okta_user_sync.settings')
      ->set('direction', (string) $form_state->getValue('direction'))
      ->set('operations', $operations)
      ->set('push_mode', $form_state->getValue('push_mode') === 'inline' ? 'inline' : 'deferred')
      ->set('inline_timeout', (float) $form_state->getValue('inline_timeout'))
      ->set('ui_batch_size', max(1, min($this->bulkSync->maxChunk(), (int) $form_state->getValue('ui_batch_size'))))
      ->set('concurrency', $this->bulkSync->concurrency($form_state->getValue('concurrency')))
      ->set('scheduler_enabled', (bool) $form_state->getValue('scheduler_enabled'))
      ->set('scheduler_interval', (int) $form_state->getValue('scheduler_interval'))
      ->set('reconcile_interval', (int) $form_state->getValue('reconcile_interval'))
      ->set('create_mode', (string) $form_state->getValue('create_mode'))
      ->set('activation_email', (bool) $form_state->getValue('activation_email'))
      ->set('provision_blocked', (bool) $form_state->getValue('provision_blocked'))
      ->set('password_sync', (bool) $form_state->getValue('password_sync'))
      ->set('on_delete', $form_state->getValue('on_delete') === 'delete' ? 'delete' : 'deactivate')
      ->set('login_source', $form_state->getValue('login_source') === 'name' ? 'name' : 'mail')
      ->set('login_suffix', trim((string) $form_state->getValue('login_suffix')))
      ->set('first_name_field', (string) $form_state->getValue('first_name_field'))
      ->set('last_name_field', (string) $form_state->getValue('last_name_field'))
      ->set('attribute_map', $attributeMap)
      ->set('group_map', $groupMap)
      ->set('guard_max_share', min(1.0, max(0.0, (float) $form_state->getValue('guard_max_share') / 100)))
      ->set('guard_max_count', max(0, (int) $form_state->getValue('guard_max_count')))
      ->save();
    parent::submitForm($form, $form_state);
    $form_state->setRedirect('okta_user_sync.overview');
  }

  /**
   * Fields of the user entity usable as profile values.
   */
  private function userFieldOptions(): array {
    $options = [];
    foreach ($this->entityFieldManager->getFieldDefinitions('user', 'user') as $name => $definition) {
      if (in_array($name, SnapshotFactory::UNMAPPABLE_FIELDS, TRUE) || $definition->isComputed()) {
        continue;
      }
      $options[$name] = $definition->getLabel() . ' (' . $name . ')';
    }
    asort($options);
    return $options;
  }

  /**
   * Roles (except anonymous) by id.
   */
  private function roleOptions(): array {
    $options = [];
    foreach ($this->entityTypeManager->getStorage('user_role')->loadMultiple() as $id => $role) {
      if ($id !== 'anonymous') {
        $options[$id] = (string) $role->label();
      }
    }
    return $options;
  }

}
