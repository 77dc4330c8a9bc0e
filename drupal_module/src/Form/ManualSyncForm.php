<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Form;

use Drupal\Component\Datetime\TimeInterface;
use Drupal\Core\Datetime\DateFormatterInterface;
use Drupal\Core\Entity\EntityTypeManagerInterface;
use Drupal\Core\Form\FormBase;
use Drupal\Core\Form\FormStateInterface;
use Drupal\Core\State\StateInterface;
use Drupal\Core\Url;
use Drupal\okta_user_sync\Batch\SyncBatch;
use Drupal\okta_user_sync\BulkSync;
use Drupal\okta_user_sync\OktaClient;
use Drupal\user\UserInterface;
use Symfony\Component\DependencyInjection\ContainerInterface;

/**
 * The "Sync User Manually" tab: one user now, or all after a dry run.
 */
class ManualSyncForm extends FormBase {

  /**
   * How long a preview stays valid for "Sync all users" (seconds).
   */
  private const PREVIEW_TTL = 86400;

  public function __construct(
    protected OktaClient $client,
    protected BulkSync $bulkSync,
    protected SyncBatch $batch,
    protected EntityTypeManagerInterface $entityTypeManager,
    protected StateInterface $stateStore,
    protected TimeInterface $time,
    protected DateFormatterInterface $dateFormatter,
  ) {}

  /**
   * {@inheritdoc}
   */
  public static function create(ContainerInterface $container): static {
    return new static(
      $container->get('okta_user_sync.client'),
      $container->get('okta_user_sync.bulk_sync'),
      $container->get('okta_user_sync.batch'),
      $container->get('entity_type.manager'),
      $container->get('state'),
      $container->get('datetime.time'),
      $container->get('date.formatter'),
    );
  }

  /**
   * {@inheritdoc}
   */
  public function getFormId(): string {
    return 'okta_user_sync_manual_sync';
  }

  /**
   * {@inheritdoc}
   */
  public function buildForm(array $form, FormStateInterface $form_state): array {
    $manual = (array) ($this->client->config()['operations']['manual'] ?? []);
    if (!$this->client->hasCredentials()) {
      $this->messenger()->addWarning($this->t('The Okta connection is not configured yet: <a href=":url">configure it first</a>.', [':url' => Url::fromRoute('okta_user_sync.settings')->toString()]));
    }
    $form['one'] = [
      '#type' => 'details',
      '#title' => $this->t('Sync one user'),
      '#open' => TRUE,
      '#description' => $this->t('Manual operations enabled: @ops. Blocked users are deactivated in Okta when "Deactivate User" is enabled.', ['@ops' => $manual === [] ? $this->t('none') : implode(', ', $manual)]),
    ];
    $form['one']['account'] = [
      '#type' => 'entity_autocomplete',
      '#title' => $this->t('User'),
      '#description' => $this->t('Search by user name; blocked users are included.'),
      '#target_type' => 'user',
      // Core's handler hides blocked users from admins without "administer
      // users"; syncing them is how they get deactivated in Okta.
      '#selection_handler' => 'okta_user_sync:user',
      '#selection_settings' => ['include_anonymous' => FALSE],
    ];
    $form['one']['sync'] = [
      '#type' => 'submit',
      '#value' => $this->t('Sync'),
      '#submit' => ['::syncOne'],
      '#validate' => ['::validateOne'],
      '#button_type' => 'primary',
    ];
    $form['one']['preview_one'] = [
      '#type' => 'submit',
      '#value' => $this->t('Preview'),
      '#submit' => ['::previewOne'],
      '#validate' => ['::validateOne'],
    ];

    $form['all'] = [
      '#type' => 'details',
      '#title' => $this->t('All users'),
      '#open' => TRUE,
      '#description' => $this->t('Runs every user through Okta in chunks of @size with a progress bar. Preview first: the dry run shows what would change, and whether the deletion guard would stop the run.', ['@size' => $this->bulkSync->uiBatchSize()]),
    ];
    $form['all']['mode'] = [
      '#type' => 'radios',
      '#title' => $this->t('Mode'),
      '#options' => [
        'push' => $this->t('Push: send Drupal users to Okta'),
        'reconcile' => $this->t('Reconcile: also compare with every Okta user and repair drift'),
      ],
      '#default_value' => 'push',
    ];
    $preview = $this->currentPreview();
    if ($preview !== NULL) {
      $form['all']['preview'] = $this->previewTable($preview);
      $problem = $this->guardProblem($preview);
      if ($problem !== NULL) {
        $form['all']['guard_override'] = [
          '#type' => 'checkbox',
          '#title' => $this->t('I have checked the preview: deactivate or delete these @count Okta users anyway', ['@count' => (int) ($preview['run']['disabled'] ?? 0)]),
          '#description' => $this->t('@problem The run may then deactivate or delete up to this many users, no more.', ['@problem' => $problem]),
        ];
      }
    }
    $form['all']['actions'] = ['#type' => 'actions'];
    $form['all']['actions']['preview_all'] = [
      '#type' => 'submit',
      '#value' => $this->t('Preview (dry run)'),
      '#submit' => ['::previewAll'],
    ];
    $form['all']['actions']['sync_all'] = [
      '#type' => 'submit',
      '#value' => $this->t('Sync all users'),
      '#submit' => ['::syncAll'],
      '#validate' => ['::validateAll'],
      '#button_type' => 'danger',
    ];
    $form['#cache']['max-age'] = 0;
    return $form;
  }

  /**
   * {@inheritdoc}
   */
  public function submitForm(array &$form, FormStateInterface $form_state): void {
    // Every button has its own handler.
  }

  /**
   * Validates the user field for "Sync" and "Preview".
   */
  public function validateOne(array &$form, FormStateInterface $form_state): void {
    if (!$this->selectedAccount($form_state) instanceof UserInterface) {
      $form_state->setErrorByName('account', $this->t('Choose a user.'));
    }
  }

  /**
   * Submit handler of "Sync": pushes one user now, shows the outcome.
   */
  public function syncOne(array &$form, FormStateInterface $form_state): void {
    $account = $this->selectedAccount($form_state);
    if ($account instanceof UserInterface) {
      $this->showOutcome($account, $this->bulkSync->syncOne($account));
    }
    $form_state->setRebuild();
  }

  /**
   * Submit handler of "Preview": what a sync of one user would do.
   */
  public function previewOne(array &$form, FormStateInterface $form_state): void {
    $account = $this->selectedAccount($form_state);
    if ($account instanceof UserInterface) {
      $this->showOutcome($account, $this->bulkSync->syncOne($account, TRUE));
    }
    $form_state->setRebuild();
  }

  /**
   * Submit handler of "Preview (dry run)" for everyone.
   */
  public function previewAll(array &$form, FormStateInterface $form_state): void {
    batch_set($this->batch->build('all', TRUE, $this->mode($form_state)));
  }

  /**
   * Requires a recent preview in the same mode before syncing everyone.
   *
   * The deletion guard applies to the whole run: when the preview (which
   * covers every user) would deactivate or delete more users than the guard
   * allows, the run starts only with the override checkbox ticked.
   */
  public function validateAll(array &$form, FormStateInterface $form_state): void {
    $preview = $this->currentPreview();
    if ($preview === NULL || ($preview['mode'] ?? 'push') !== $this->mode($form_state)) {
      $form_state->setErrorByName('mode', $this->t('Run "Preview (dry run)" in this mode first, and check what would change.'));
      return;
    }
    $problem = $this->guardProblem($preview);
    if ($problem !== NULL && !$form_state->getValue('guard_override')) {
      $form_state->setErrorByName('guard_override', $this->t('@problem Nothing was changed. Check the blocked accounts, raise the deletion guard on the "Drupal to Okta" tab, or confirm the override below.', ['@problem' => $problem]));
    }
  }

  /**
   * Submit handler of "Sync all users": the Batch API run.
   */
  public function syncAll(array &$form, FormStateInterface $form_state): void {
    $preview = $this->currentPreview();
    // What the admin confirmed: the preview's deactivations/deletions.
    $confirmed = $preview !== NULL && $form_state->getValue('guard_override') && $this->guardProblem($preview) !== NULL
      ? (int) ($preview['run']['disabled'] ?? 0)
      : 0;
    $this->stateStore->delete(SyncBatch::PREVIEW_STATE);
    batch_set($this->batch->build('all', FALSE, $this->mode($form_state), $confirmed));
  }

  /**
   * Why the previewed run may not go ahead unconfirmed, or NULL.
   *
   * The engine judged the whole preview: a real run would stop there.
   */
  private function guardProblem(array $preview): ?string {
    $run = (array) ($preview['run'] ?? []);
    $disabled = (int) ($run['disabled'] ?? 0);
    return $disabled > (int) ($run['allowed'] ?? 0) && !empty($run['message'])
      ? ucfirst((string) $run['message']) . '.'
      : NULL;
  }

  /**
   * The chosen account, loaded.
   */
  private function selectedAccount(FormStateInterface $form_state): ?UserInterface {
    $uid = $form_state->getValue('account');
    if (!is_numeric($uid)) {
      return NULL;
    }
    $account = $this->entityTypeManager->getStorage('user')->load((int) $uid);
    return $account instanceof UserInterface && !$account->isAnonymous() ? $account : NULL;
  }

  /**
   * Shows one outcome as a status or error message.
   */
  private function showOutcome(UserInterface $account, array $outcome): void {
    $args = [
      '%user' => $account->getDisplayName(),
      '@outcome' => (string) ($outcome['record']['text'] ?? $outcome['action'] ?? 'failed'),
    ];
    if (($outcome['action'] ?? 'failed') !== 'failed') {
      $this->messenger()->addStatus($this->t('%user: @outcome.', $args));
      return;
    }
    $link = OktaClient::errorLink(is_array($outcome['error'] ?? NULL) ? $outcome['error'] : []);
    $this->messenger()->addError($link === NULL
      ? $this->t('%user: @outcome', $args)
      : $this->t('%user: @outcome <a href=":link">What this error means</a>.', $args + [':link' => $link]));
  }

  /**
   * The last preview, if recent enough.
   */
  private function currentPreview(): ?array {
    $preview = $this->stateStore->get(SyncBatch::PREVIEW_STATE);
    if (!is_array($preview) || $this->time->getCurrentTime() - (int) ($preview['time'] ?? 0) > self::PREVIEW_TTL) {
      return NULL;
    }
    return $preview;
  }

  /**
   * Renders the last preview.
   */
  private function previewTable(array $preview): array {
    $run = (array) ($preview['run'] ?? []);
    $rows = [];
    foreach ((array) ($run['planned'] ?? []) as $action => $count) {
      $rows[] = [$action, $count];
    }
    $build = [
      '#type' => 'container',
      'summary' => [
        '#type' => 'html_tag',
        '#tag' => 'p',
        '#value' => $this->t('Preview from @when ago (@mode): @summary', [
          '@when' => $this->dateFormatter->formatTimeDiffSince((int) $preview['time']),
          '@mode' => (string) ($preview['mode'] ?? 'push'),
          '@summary' => (string) ($run['summary'] ?? ''),
        ]),
      ],
      'table' => [
        '#type' => 'table',
        '#header' => [$this->t('Would do'), $this->t('Users')],
        '#rows' => $rows,
        '#empty' => $this->t('Nothing would change.'),
      ],
    ];
    // The engine keeps the first changes as examples, not one per user.
    $examples = [];
    foreach ((array) ($run['planned_examples'] ?? []) as $example) {
      $examples[] = [
        [
          'data' => [
            '#type' => 'link',
            '#title' => $this->t('User @uid', ['@uid' => (int) $example['uid']]),
            '#url' => Url::fromRoute('entity.user.canonical', ['user' => (int) $example['uid']]),
          ],
        ],
        (string) $example['text'],
      ];
    }
    if ($examples !== []) {
      $build['examples'] = [
        '#type' => 'details',
        '#title' => $this->t('First changes'),
        'table' => [
          '#type' => 'table',
          '#header' => [$this->t('User'), $this->t('Would do')],
          '#rows' => $examples,
        ],
      ];
    }
    $problem = $this->guardProblem($preview);
    if ($problem !== NULL) {
      $build['guard'] = [
        '#type' => 'html_tag',
        '#tag' => 'p',
        '#value' => $this->t('Warning: @problem "Sync all users" refuses to start unless you confirm below; raise the deletion guard on the "Drupal to Okta" tab instead if such runs are normal for this site.', ['@problem' => $problem]),
        '#attributes' => ['class' => ['messages', 'messages--warning']],
      ];
    }
    return $build;
  }

  /**
   * The selected mode.
   */
  private function mode(FormStateInterface $form_state): string {
    return $form_state->getValue('mode') === 'reconcile' ? 'reconcile' : 'push';
  }

}
