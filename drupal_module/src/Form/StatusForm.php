<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Form;

use Drupal\Core\Datetime\DateFormatterInterface;
use Drupal\Core\Form\FormBase;
use Drupal\Core\Form\FormStateInterface;
use Drupal\Core\Url;
use Drupal\okta_user_sync\Batch\SyncBatch;
use Drupal\okta_user_sync\SyncStatusStorage;
use Symfony\Component\DependencyInjection\ContainerInterface;
use Symfony\Component\HttpFoundation\RequestStack;

/**
 * Status / log: every synced user with Okta id, status, last sync and error.
 */
class StatusForm extends FormBase {

  public function __construct(
    protected SyncStatusStorage $statusStorage,
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
    $show = (string) $this->getRequest()->query->get('show', '');
    // Links from earlier versions say ?failures=1.
    $show = in_array($show, ['failures', 'conflicts'], TRUE) ? $show : ($this->getRequest()->query->get('failures') ? 'failures' : 'all');
    $failures = $this->statusStorage->countFailures();
    $conflicts = $this->statusStorage->countFailures('conflict');
    $form['summary'] = [
      '#type' => 'html_tag',
      '#tag' => 'p',
      '#value' => $this->t('@failures (@conflicts); @queued (processed on cron).', [
        '@failures' => $this->formatPlural($failures, '1 user failed its last sync', '@count users failed their last sync'),
        '@conflicts' => $this->formatPlural($conflicts, '1 conflict: two accounts for one Okta user', '@count conflicts: two accounts for one Okta user'),
        '@queued' => $this->formatPlural($this->statusStorage->queueLength(), '1 item is queued', '@count items are queued'),
      ]),
    ];
    $form['filter'] = ['#type' => 'container', '#attributes' => ['class' => ['container-inline']]];
    foreach (['all' => $this->t('All users'), 'failures' => $this->t('Failures'), 'conflicts' => $this->t('Conflicts')] as $key => $label) {
      $form['filter'][$key] = [
        '#type' => 'link',
        '#title' => $label,
        '#url' => Url::fromRoute('okta_user_sync.status', [], $key === 'all' ? [] : ['query' => ['show' => $key]]),
        '#attributes' => ['class' => array_merge(['button', 'button--small'], $key === $show ? ['is-active'] : [])],
      ];
    }
    $rows = [];
    foreach ($this->statusStorage->page($show) as $row) {
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
        (int) $row['attempts'] . ($row['retry_at'] !== NULL ? ' (' . $this->t('retry @when', ['@when' => $this->dateFormatter->format((int) $row['retry_at'], 'custom', 'Y-m-d H:i:s')]) . ')' : ''),
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
      '#empty' => match ($show) {
        'failures' => $this->t('No failures.'),
        'conflicts' => $this->t('No conflicts.'),
        default => $this->t('No user has been synced yet.'),
      },
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
    if ($this->statusStorage->countFailures() === 0) {
      $this->messenger()->addStatus($this->t('No failed users to retry.'));
      return;
    }
    // Every failed user, however many: the batch reads them page by page.
    batch_set($this->batch->build('failed', FALSE, 'push'));
  }

}
