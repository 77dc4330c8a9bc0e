<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Form;

use Drupal\Core\Config\ConfigFactoryInterface;
use Drupal\Core\Form\FormBase;
use Drupal\Core\Form\FormStateInterface;
use Drupal\Core\Url;
use Drupal\okta_user_sync\Batch\ImportBatch;
use Drupal\okta_user_sync\Import\ImportRunner;
use Drupal\okta_user_sync\SecretStore;
use Symfony\Component\DependencyInjection\ContainerInterface;

/**
 * The "Okta to Drupal" tab: import settings, hook secrets, the import.
 *
 * Hook secrets are write-only: the form says whether one is set, never what
 * it is; an empty field keeps the current secret.
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
    $pairs = static function (string $text, string $k, string $v): array {
      $rows = [];
      foreach (self::parse($text) as [$left, $right]) {
        $rows[] = [$k => $left, $v => $right];
      }
      return $rows;
    };
    $this->configFactory->getEditable('okta_user_sync.settings')
      ->set('import_active_statuses', array_values(array_filter((array) $form_state->getValue('import_active_statuses'))))
      ->set('import_map', $pairs((string) $form_state->getValue('import_map'), 'drupal', 'okta'))
      ->set('attribute_authority', $pairs((string) $form_state->getValue('attribute_authority'), 'field', 'owner'))
      ->set('import_block_missing', (bool) $form_state->getValue('import_block_missing'))
      ->set('import_cron', (bool) $form_state->getValue('import_cron'))
      ->set('import_interval', max(60, (int) $form_state->getValue('import_interval')))
      ->set('import_reconcile_interval', max(0, (int) $form_state->getValue('import_reconcile_interval')))
      ->save();

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
