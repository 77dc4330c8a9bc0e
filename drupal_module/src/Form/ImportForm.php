<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Form;

use Drupal\Core\Config\ConfigFactoryInterface;
use Drupal\Core\Config\ImmutableConfig;
use Drupal\Core\Form\FormBase;
use Drupal\Core\Form\FormStateInterface;
use Drupal\Core\Routing\RouteBuilderInterface;
use Drupal\Core\Url;
use Drupal\okta_user_sync\Batch\ImportBatch;
use Drupal\okta_user_sync\Import\ImportRunner;
use Drupal\okta_user_sync\Scim\ScimConfig;
use Drupal\okta_user_sync\Scim\ScimLog;
use Drupal\okta_user_sync\SecretStore;
use Symfony\Component\DependencyInjection\ContainerInterface;

/**
 * The "Okta to Drupal" tab: import settings, hook secrets, SCIM, the import.
 *
 * Hook secrets are write-only: the form says whether one is set, never what
 * it is; an empty field keeps the current secret. The SCIM token is shown
 * once, on the page that generated it, and stored only as a hash.
 */
final class ImportForm extends FormBase {

  /**
   * Okta statuses an admin may treat as active (blocking ones excluded).
   */
  private const STATUSES = ['ACTIVE', 'STAGED', 'PROVISIONED', 'RECOVERY', 'PASSWORD_EXPIRED', 'LOCKED_OUT'];

  /**
   * Constructs the form.
   *
   * Not readonly: forms are serialized with the form state and
   * DependencySerializationTrait re-injects services from FormBase's scope,
   * which cannot initialize a readonly property of this class.
   */
  public function __construct(
    ConfigFactoryInterface $configFactory,
    protected SecretStore $secrets,
    protected ImportRunner $import,
    protected ScimConfig $scimConfig,
    protected ScimLog $scimLog,
    protected RouteBuilderInterface $routeBuilder,
  ) {
    $this->configFactory = $configFactory;
  }

  /**
   * {@inheritdoc}
   */
  public static function create(ContainerInterface $container): static {
    return new static(
      $container->get('config.factory'),
      $container->get('okta_user_sync.secrets'),
      $container->get('okta_user_sync.import_runner'),
      $container->get('okta_user_sync.scim_config'),
      $container->get('okta_user_sync.scim_log'),
      $container->get('router.builder'),
    );
  }

  /**
   * {@inheritdoc}
   */
  public function getFormId(): string {
    return 'okta_user_sync_import_form';
  }

  /**
   * {@inheritdoc}
   */
  public function buildForm(array $form, FormStateInterface $form_state): array {
    $config = $this->configFactory->get('okta_user_sync.settings');
    if (!$this->import->enabled()) {
      $form['off'] = [
        '#type' => 'item',
        '#markup' => $this->t('Import is off: choose "Okta to Drupal" or "Both" as the sync direction on the <a href=":url">configuration page</a>.', [
          ':url' => Url::fromRoute('okta_user_sync.settings')->toString(),
        ]),
      ];
    }

    $form['settings'] = [
      '#type' => 'details',
      '#title' => $this->t('Import settings'),
      '#open' => TRUE,
    ];
    $form['settings']['import_active_statuses'] = [
      '#type' => 'checkboxes',
      '#title' => $this->t('Okta statuses that make an active Drupal account'),
      '#options' => array_combine(self::STATUSES, self::STATUSES),
      '#default_value' => array_values(array_intersect(self::STATUSES, array_map('strtoupper', (array) $config->get('import_active_statuses')))),
      '#description' => $this->t('Users with another status get a blocked account. SUSPENDED and DEPROVISIONED users are never created and always block the linked account.'),
    ];
    $form['settings']['import_map'] = [
      '#type' => 'textarea',
      '#title' => $this->t('Imported attributes'),
      '#default_value' => self::lines((array) $config->get('import_map'), 'drupal', 'okta'),
      '#description' => $this->t('One per line: <code>drupal_field|oktaAttribute</code>, e.g. <code>field_first_name|firstName</code>. The email is always imported into the account email.'),
    ];
    $form['settings']['attribute_authority'] = [
      '#type' => 'textarea',
      '#title' => $this->t('Attribute owners (both directions)'),
      '#default_value' => self::lines((array) $config->get('attribute_authority'), 'field', 'owner'),
      '#description' => $this->t('With both directions on, the owner of an attribute wins conflicts: the import never writes a Drupal-owned field and the push never sends an Okta-owned one. One per line: <code>drupal_field|okta</code> or <code>drupal_field|drupal</code>; also <code>mail</code> and <code>status</code>. Unlisted fields belong to Drupal. The push always sends the login, email, first and last name and follows the Drupal account status: for those the owner applies to the import only.'),
    ];
    $form['settings']['import_block_missing'] = [
      '#type' => 'checkbox',
      '#title' => $this->t('Reconcile runs block Drupal accounts whose Okta user no longer exists'),
      '#default_value' => (bool) $config->get('import_block_missing'),
      '#description' => $this->t('Guarded by the deletion guard of the configuration page: a run that would block an unusual number of accounts blocks none.'),
    ];
    $form['settings']['import_cron'] = [
      '#type' => 'checkbox',
      '#title' => $this->t('Import changed Okta users on cron'),
      '#default_value' => (bool) $config->get('import_cron'),
    ];
    $form['settings']['import_interval'] = [
      '#type' => 'number',
      '#title' => $this->t('Incremental import interval (seconds)'),
      '#min' => 60,
      '#default_value' => (int) ($config->get('import_interval') ?? 3600),
    ];
    $form['settings']['import_reconcile_interval'] = [
      '#type' => 'number',
      '#title' => $this->t('Reconcile interval (seconds, 0 = never)'),
      '#min' => 0,
      '#default_value' => (int) ($config->get('import_reconcile_interval') ?? 0),
    ];

    $form['hooks'] = [
      '#type' => 'details',
      '#title' => $this->t('Okta hooks'),
      '#open' => TRUE,
    ];
    foreach ([
      'event_hook_secret' => ['okta_user_sync.event_hook', $this->t('Event hook')],
      'password_hook_secret' => ['okta_user_sync.password_import_hook', $this->t('Password import inline hook')],
    ] as $key => [$route, $label]) {
      $form['hooks'][$key] = [
        '#type' => 'password',
        '#title' => $this->t('@hook secret (Authorization header value)', ['@hook' => $label]),
        '#description' => $this->t('Endpoint: <code>@url</code>. Status: @status. Leave empty to keep the current secret.', [
          '@url' => Url::fromRoute($route, [], ['absolute' => TRUE])->toString(),
          '@status' => $this->secrets->has($key) ? $this->t('set') : $this->t('not set (every call is refused)'),
        ]),
        '#attributes' => ['autocomplete' => 'new-password'],
      ];
      $form['hooks'][$key . '_clear'] = [
        '#type' => 'checkbox',
        '#title' => $this->t('Remove the @hook secret', ['@hook' => $label]),
      ];
    }

    $form['scim'] = $this->scimSection($config, $form_state);

    $form['actions'] = ['#type' => 'actions'];
    $form['actions']['submit'] = [
      '#type' => 'submit',
      '#value' => $this->t('Save import settings'),
      '#button_type' => 'primary',
    ];

    $form['run'] = [
      '#type' => 'details',
      '#title' => $this->t('Run an import'),
      '#open' => TRUE,
      '#weight' => 100,
    ];
    $form['run']['status'] = [
      '#type' => 'item',
      '#markup' => $this->runStatus(),
    ];
    $form['run']['mode'] = [
      '#type' => 'radios',
      '#title' => $this->t('What to import'),
      '#options' => [
        ImportRunner::INCREMENTAL => $this->t('Users changed since the last import'),
        ImportRunner::FULL => $this->t('All Okta users'),
        ImportRunner::RECONCILE => $this->t('All Okta users, then handle Drupal accounts whose Okta user is gone'),
      ],
      '#default_value' => ImportRunner::INCREMENTAL,
    ];
    $form['run']['restart'] = [
      '#type' => 'checkbox',
      '#title' => $this->t('Discard the unfinished import and start over'),
      '#access' => $this->import->currentRun() !== NULL,
    ];
    $form['run']['import'] = [
      '#type' => 'submit',
      '#value' => $this->t('Import from Okta'),
      '#submit' => ['::runImport'],
      '#disabled' => !$this->import->enabled(),
    ];
    return $form;
  }

  /**
   * {@inheritdoc}
   */
  public function validateForm(array &$form, FormStateInterface $form_state): void {
    $this->validateScim($form_state);
    foreach (['import_map' => NULL, 'attribute_authority' => ['okta', 'drupal']] as $key => $allowed) {
      foreach (self::parse((string) $form_state->getValue($key)) as $line => [$left, $right]) {
        if ($left === '' || $right === '' || ($allowed !== NULL && !in_array($right, $allowed, TRUE))) {
          $form_state->setErrorByName($key, $this->t('Line @line is not in the form shown below the field.', ['@line' => $line + 1]));
        }
      }
    }
  }

  /**
   * {@inheritdoc}
   */
  public function submitForm(array &$form, FormStateInterface $form_state): void {
    $pairs = self::rows(...);
    $this->configFactory->getEditable('okta_user_sync.settings')
      ->set('import_active_statuses', array_values(array_filter((array) $form_state->getValue('import_active_statuses'))))
      ->set('import_map', $pairs((string) $form_state->getValue('import_map'), 'drupal', 'okta'))
      ->set('attribute_authority', $pairs((string) $form_state->getValue('attribute_authority'), 'field', 'owner'))
      ->set('import_block_missing', (bool) $form_state->getValue('import_block_missing'))
      ->set('import_cron', (bool) $form_state->getValue('import_cron'))
      ->set('import_interval', max(60, (int) $form_state->getValue('import_interval')))
      ->set('import_reconcile_interval', max(0, (int) $form_state->getValue('import_reconcile_interval')))
      ->set('scim_enabled', (bool) $form_state->getValue('scim_enabled'))
      ->set('scim_base_path', ScimConfig::normalizePath((string) $form_state->getValue('scim_base_path')))
      ->set('scim_user_name_field', $form_state->getValue('scim_user_name_field') === 'name' ? 'name' : 'mail')
      ->set('scim_attribute_map', $pairs((string) $form_state->getValue('scim_attribute_map'), 'scim', 'drupal'))
      ->set('scim_role_map', $pairs((string) $form_state->getValue('scim_role_map'), 'group', 'role'))
      ->set('scim_create_roles', (bool) $form_state->getValue('scim_create_roles'))
      ->set('scim_delete', $form_state->getValue('scim_delete') === 'delete' ? 'delete' : 'block')
      ->save();
    if (ScimConfig::normalizePath((string) $form_state->getValue('scim_base_path')) !== $this->scimBasePathBefore($form)) {
      // Now, not at the end of the request: the next page links the new URL.
      $this->routeBuilder->rebuild();
    }

    foreach (SecretStore::HOOK_SECRETS as $key) {
      $secret = trim((string) $form_state->getValue($key));
      if ($form_state->getValue($key . '_clear')) {
        $this->secrets->clear($key);
      }
      elseif ($secret !== '') {
        $this->secrets->set($key, $secret);
      }
      // Drop the secret from the form state so nothing downstream keeps it.
      $form_state->setValue($key, '');
    }
    $this->messenger()->addStatus($this->t('The import settings have been saved.'));
  }

  /**
   * Submit handler of "Generate token": a new token, shown on this page only.
   */
  public function rotateScimToken(array &$form, FormStateInterface $form_state): void {
    // A temporary value is never cached with the form: the token exists in
    // this response and nowhere else.
    $form_state->setTemporaryValue('scim_token', $this->scimConfig->rotateToken());
    $form_state->setRebuild();
    $this->messenger()->addStatus($this->t('A new SCIM token was generated. Copy it now: it is shown only once. The previous token no longer works.'));
  }

  /**
   * Submit handler of "Revoke token".
   */
  public function revokeScimToken(array &$form, FormStateInterface $form_state): void {
    $this->scimConfig->revokeToken();
    $this->messenger()->addStatus($this->t('The SCIM token was revoked: SCIM requests are refused until a new one is generated.'));
  }

  /**
   * The SCIM section: Okta's Provisioning tab points here.
   */
  private function scimSection(ImmutableConfig $config, FormStateInterface $form_state): array {
    $section = [
      '#type' => 'details',
      '#title' => $this->t('SCIM provisioning (Okta pushes users and groups)'),
      '#open' => TRUE,
      '#description' => $this->t('Lets Okta provision this site like any SCIM app: in the Okta app integration, turn on SCIM provisioning, set the SCIM connector base URL below, the unique identifier field <em>userName</em>, the supported actions (Push New Users, Push Profile Updates, Push Groups, Import New Users and Profile Updates), authentication mode <em>HTTP Header</em> with the token below, then Test Connector Configuration. No Okta API token is needed for this direction.'),
    ];
    $section['scim_enabled'] = [
      '#type' => 'checkbox',
      '#title' => $this->t('Enable the SCIM 2.0 endpoint'),
      '#default_value' => (bool) $config->get('scim_enabled'),
      '#description' => $this->t('Changes from SCIM are never pushed back to Okta. With both directions on, updates of existing accounts follow the attribute owners above, as the import does (a deactivation always applies).'),
    ];
    $section['scim_base_path'] = [
      '#type' => 'textfield',
      '#title' => $this->t('SCIM base path'),
      '#default_value' => ScimConfig::normalizePath((string) ($config->get('scim_base_path') ?? '')),
      '#description' => $this->t('SCIM connector base URL for Okta: <code>@url</code>. HTTPS is required, except from this machine.', ['@url' => $this->scimConfig->baseUrl()]),
      '#required' => TRUE,
    ];
    $token = $form_state->getTemporaryValue('scim_token');
    $section['token'] = [
      '#type' => 'container',
    ];
    if (is_string($token)) {
      $section['token']['new'] = [
        '#type' => 'textfield',
        '#title' => $this->t('New SCIM token (shown once)'),
        '#value' => $token,
        '#attributes' => ['readonly' => 'readonly', 'autocomplete' => 'off'],
        '#description' => $this->t('In Okta: Authorization = <code>Bearer</code> followed by this token. It is stored here only as a hash.'),
      ];
    }
    else {
      $section['token']['status'] = [
        '#type' => 'item',
        '#title' => $this->t('Bearer token'),
        '#markup' => $this->scimConfig->tokenHash() === NULL
          ? $this->t('Not set: every SCIM request is refused. Generate one and paste it into Okta.')
          : $this->t('Set (stored as a hash; it cannot be shown again). Generating a new one replaces it.'),
      ];
    }
    $section['token']['rotate'] = [
      '#type' => 'submit',
      '#value' => $this->scimConfig->tokenHash() === NULL ? $this->t('Generate token') : $this->t('Generate a new token'),
      '#submit' => ['::rotateScimToken'],
      '#limit_validation_errors' => [],
    ];
    $section['token']['revoke'] = [
      '#type' => 'submit',
      '#value' => $this->t('Revoke token'),
      '#submit' => ['::revokeScimToken'],
      '#limit_validation_errors' => [],
      '#access' => $this->scimConfig->tokenHash() !== NULL,
    ];
    $section['scim_user_name_field'] = [
      '#type' => 'radios',
      '#title' => $this->t("SCIM userName is the Drupal account's"),
      '#options' => [
        'mail' => $this->t('Email (the account name is the userName too)'),
        'name' => $this->t('Username (the email is the primary email Okta sends)'),
      ],
      '#default_value' => $config->get('scim_user_name_field') === 'name' ? 'name' : 'mail',
    ];
    $section['scim_attribute_map'] = [
      '#type' => 'textarea',
      '#title' => $this->t('SCIM attributes mapped to Drupal fields'),
      '#default_value' => self::lines((array) $config->get('scim_attribute_map'), 'scim', 'drupal'),
      '#description' => $this->t('One per line: <code>scimAttribute|drupal_field</code>, e.g. <code>name.givenName|field_first_name</code>, <code>phoneNumbers[type eq "work"].value|field_phone</code>, <code>urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department|field_department</code>. userName, emails and active are always mapped (name, mail, status).'),
    ];
    $section['scim_role_map'] = [
      '#type' => 'textarea',
      '#title' => $this->t('Okta groups mapped to Drupal roles'),
      '#default_value' => self::lines((array) $config->get('scim_role_map'), 'group', 'role'),
      '#description' => $this->t("One per line: <code>Okta group name|drupal_role</code>, for groups pushed with Okta's Push Groups. Administrator roles are never assigned over SCIM."),
    ];
    $section['scim_create_roles'] = [
      '#type' => 'checkbox',
      '#title' => $this->t('Create a Drupal role for a pushed group that is not mapped'),
      '#default_value' => (bool) $config->get('scim_create_roles'),
      '#description' => $this->t('Otherwise such a group is refused. A role created this way is deleted with its group.'),
    ];
    $section['scim_delete'] = [
      '#type' => 'radios',
      '#title' => $this->t('When Okta deletes a user'),
      '#options' => [
        'block' => $this->t('Block the Drupal account and keep it (recommended)'),
        'delete' => $this->t('Delete the Drupal account'),
      ],
      '#default_value' => $config->get('scim_delete') === 'delete' ? 'delete' : 'block',
      '#description' => $this->t('Deactivating a user in Okta always blocks the account; deletion is separate.'),
    ];
    $rows = [];
    foreach ($this->scimLog->recent() as $entry) {
      $rows[] = [
        date('Y-m-d H:i:s', (int) $entry['time']),
        $entry['method'] . ' ' . $entry['resource'],
        $entry['status'],
        $entry['detail'],
        $entry['request_id'] ?? '',
      ];
    }
    $section['recent'] = [
      '#type' => 'table',
      '#caption' => $this->t('Recent SCIM changes and refusals'),
      '#header' => [
        $this->t('Time'),
        $this->t('Operation'),
        $this->t('Status'),
        $this->t('Detail'),
        $this->t('Request id'),
      ],
      '#rows' => $rows,
      '#empty' => $this->t('No SCIM request has changed anything yet.'),
    ];
    return $section;
  }

  /**
   * Checks the SCIM settings with the engine, naming the broken line.
   */
  private function validateScim(FormStateInterface $form_state): void {
    $fields = $this->scimConfig->userFieldNames();
    foreach (['scim_attribute_map', 'scim_role_map'] as $key) {
      foreach (self::parse((string) $form_state->getValue($key)) as $line => [$left, $right]) {
        if ($left === '' || $right === '') {
          $form_state->setErrorByName($key, $this->t('Line @line is not in the form shown below the field.', ['@line' => $line + 1]));
        }
        elseif ($key === 'scim_attribute_map' && !in_array($right, $fields, TRUE)) {
          $form_state->setErrorByName($key, $this->t('Line @line: the user account has no field %field.', [
            '@line' => $line + 1,
            '%field' => $right,
          ]));
        }
      }
    }
    if (!preg_match('@^/?[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)*/?$@', trim((string) $form_state->getValue('scim_base_path')))) {
      $form_state->setErrorByName('scim_base_path', $this->t('The base path is a path such as /scim/v2.'));
    }
    $error = $this->scimConfig->mappingError([
      'scim_user_name_field' => (string) $form_state->getValue('scim_user_name_field'),
      'scim_attribute_map' => self::rows((string) $form_state->getValue('scim_attribute_map'), 'scim', 'drupal'),
      'scim_role_map' => self::rows((string) $form_state->getValue('scim_role_map'), 'group', 'role'),
    ]);
    if ($error !== NULL) {
      $form_state->setErrorByName('scim_attribute_map', $this->t('SCIM mapping: @message', ['@message' => $error]));
    }
  }

  /**
   * The base path the form was built with.
   */
  private function scimBasePathBefore(array $form): string {
    return ScimConfig::normalizePath((string) ($form['scim']['scim_base_path']['#default_value'] ?? ''));
  }

  /**
   * Submit handler of "Import from Okta": starts the batch.
   */
  public function runImport(array &$form, FormStateInterface $form_state): void {
    batch_set(ImportBatch::build((string) $form_state->getValue('mode'), (bool) $form_state->getValue('restart')));
  }

  /**
   * A plain-words summary of the unfinished and the last run.
   */
  private function runStatus(): string {
    $parts = [];
    $watermark = $this->import->watermark();
    $parts[] = $watermark === NULL
      ? (string) $this->t('Nothing imported yet.')
      : (string) $this->t('Imported up to Okta changes of @time.', ['@time' => $watermark]);
    $run = $this->import->currentRun();
    if ($run !== NULL) {
      $parts[] = (string) $this->t('An unfinished @mode import (@pages pages) will resume where it stopped.', [
        '@mode' => $run['mode'],
        '@pages' => $run['pages'],
      ]);
    }
    $last = $this->import->lastRun();
    if ($last !== NULL) {
      $counts = [];
      foreach ($last['counts'] ?? [] as $action => $count) {
        $counts[] = "$action: $count";
      }
      $parts[] = (string) $this->t('Last run (@mode): @counts.', [
        '@mode' => $last['mode'] ?? '',
        '@counts' => $counts === [] ? $this->t('no changes') : implode(', ', $counts),
      ]);
    }
    return implode(' ', array_map('htmlspecialchars', $parts));
  }

  /**
   * Renders config rows [{$left: …, $right: …}] as "left|right" lines.
   */
  private static function lines(array $rows, string $left, string $right): string {
    $lines = [];
    foreach ($rows as $row) {
      if (is_array($row) && (string) ($row[$left] ?? '') !== '') {
        $lines[] = $row[$left] . '|' . ($row[$right] ?? '');
      }
    }
    return implode("\n", $lines);
  }

  /**
   * Parses "left|right" lines into config rows [{$k: left, $v: right}].
   */
  private static function rows(string $text, string $k, string $v): array {
    $rows = [];
    foreach (self::parse($text) as [$left, $right]) {
      $rows[] = [$k => $left, $v => $right];
    }
    return $rows;
  }

  /**
   * Parses "left|right" lines (blank lines ignored).
   *
   * @return array<int, array{string, string}>
   *   Line index => [left, right].
   */
  private static function parse(string $text): array {
    $rows = [];
    foreach (preg_split('/\R/', $text) ?: [] as $i => $line) {
      if (trim($line) === '') {
        continue;
      }
      $parts = array_map('trim', explode('|', $line, 2));
      $rows[$i] = [$parts[0], $parts[1] ?? ''];
    }
    return $rows;
  }

}
