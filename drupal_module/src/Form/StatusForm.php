<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Form;

use Drupal\Core\Datetime\DateFormatterInterface;
use Drupal\Core\Form\FormBase;
use Drupal\Core\Form\FormStateInterface;
use Drupal\Core\Url;
use Drupal\okta_user_sync\Batch\SyncBatch;
use Drupal\okta_user_sync\OutcomeRecorder;
use Drupal\okta_user_sync\SyncStatusStorage;
use Symfony\Component\DependencyInjection\ContainerInterface;
use Symfony\Component\HttpFoundation\RequestStack;

/**
 * Status / log: every synced user with Okta id, status, last sync and error.
 */
class StatusForm extends FormBase {

  public function __construct(
    protected SyncStatusStorage $statusStorage,
    protected OutcomeRecorder $recorder,
    protected SyncBatch $batch,
    protected DateFormatterInterface $dateFormatter,
    RequestStack $requestStack,
  ) {
    $this->requestStack = $requestStack;
  }

  /**
   * {@inheritdoc}
   */
  public static function create(ContainerInterface $container): static {
    return new static(
      $container->get('okta_user_sync.status_storage'),
      $container->get('okta_user_sync.recorder'),
      $container->get('okta_user_sync.batch'),
      $container->get('date.formatter'),
      $container->get('request_stack'),
    );
  }

  /**
   * {@inheritdoc}
   */
  public function getFormId(): string {
    return 'okta_user_sync_status';
  }

  /**
   * {@inheritdoc}
   */
  public function buildForm(array $form, FormStateInterface $form_state): array {
    $onlyFailures = (bool) $this->getRequest()->query->get('failures');
    $failures = $this->statusStorage->countFailures();
    $form['summary'] = [
      '#type' => 'html_tag',
      '#tag' => 'p',
      '#value' => $this->t('@failures; @queued (processed on cron).', [
        '@failures' => $this->formatPlural($failures, '1 user failed its last sync', '@count users failed their last sync'),
        '@queued' => $this->formatPlural($this->recorder->queueLength(), '1 push is queued for retry', '@count pushes are queued for retry'),
      ]),
    ];
    $form['filter'] = [
      '#type' => 'link',
      '#title' => $onlyFailures ? $this->t('Show all users') : $this->t('Show only failures'),
      '#url' => Url::fromRoute('okta_user_sync.status', [], $onlyFailures ? [] : ['query' => ['failures' => 1]]),
      '#attributes' => ['class' => ['button', 'button--small']],
    ];
    $rows = [];
    foreach ($this->statusStorage->page($onlyFailures) as $row) {
      $uid = (int) $row['uid'];
      $rows[] = [
        [
          'data' => [
            '#type' => 'link',
            '#title' => (string) ($row['name'] ?? $this->t('deleted user @uid', ['@uid' => $uid])),
            '#url' => Url::fromRoute('entity.user.canonical', ['user' => $uid]),
          ],
        ],
        (string) ($row['okta_id'] ?? ''),
        (string) ($row['okta_status'] ?? ''),
        (string) ($row['last_action'] ?? ''),
        $row['last_sync'] ? $this->dateFormatter->format((int) $row['last_sync'], 'short') : '',
        (int) $row['attempts'],
        (string) ($row['last_error'] ?? ''),
      ];
    }
    $form['table'] = [
      '#type' => 'table',
      '#header' => [
        $this->t('User'),
        $this->t('Okta id'),
        $this->t('Okta status'),
        $this->t('Last result'),
        $this->t('Last sync'),
        $this->t('Failed attempts'),
        $this->t('Last error or reason'),
      ],
      '#rows' => $rows,
      '#empty' => $onlyFailures ? $this->t('No failures.') : $this->t('No user has been synced yet.'),
    ];
    $form['pager'] = ['#type' => 'pager'];
    $form['actions'] = ['#type' => 'actions'];
    $form['actions']['retry'] = [
      '#type' => 'submit',
      '#value' => $this->t('Retry failed users'),
      '#access' => $failures > 0,
    ];
    $form['#cache']['max-age'] = 0;
    return $form;
  }

  /**
   * {@inheritdoc}
   */
  public function submitForm(array &$form, FormStateInterface $form_state): void {
    $uids = $this->statusStorage->failedUids();
    if ($uids === []) {
      $this->messenger()->addStatus($this->t('No failed users to retry.'));
      return;
    }
    batch_set($this->batch->build($uids, FALSE, 'push'));
  }

}
