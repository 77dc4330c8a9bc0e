<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Controller;

use Drupal\Core\Controller\ControllerBase;
use Drupal\Core\Datetime\DateFormatterInterface;
use Drupal\Core\State\StateInterface;
use Drupal\Core\Url;
use Drupal\okta_user_sync\OktaClient;
use Drupal\okta_user_sync\Scim\ScimConfig;
use Drupal\okta_user_sync\Scim\ScimLog;
use Drupal\okta_user_sync\SyncStatusStorage;
use Symfony\Component\DependencyInjection\ContainerInterface;
use Symfony\Component\HttpFoundation\RedirectResponse;

/**
 * The Overview screen: what the module does and where things stand.
 */
class OverviewController extends ControllerBase {

  public function __construct(
    private readonly OktaClient $client,
    private readonly SyncStatusStorage $statusStorage,
    private readonly DateFormatterInterface $dateFormatter,
    private readonly StateInterface $stateStore,
    private readonly ScimConfig $scimConfig,
    private readonly ScimLog $scimLog,
  ) {}

  /**
   * {@inheritdoc}
   */
  public static function create(ContainerInterface $container): static {
    return new static(
      $container->get('okta_user_sync.client'),
      $container->get('okta_user_sync.status_storage'),
      $container->get('date.formatter'),
      $container->get('state'),
      $container->get('okta_user_sync.scim_config'),
      $container->get('okta_user_sync.scim_log'),
    );
  }

  /**
   * Redirects /admin/config/people/okta_user_sync to the overview.
   */
  public function redirectToOverview(): RedirectResponse {
    return new RedirectResponse(Url::fromRoute('okta_user_sync.overview')->toString());
  }

  /**
   * The overview page.
   */
  public function overview(): array {
    $build['intro'] = [
      '#type' => 'html_tag',
      '#tag' => 'p',
      '#value' => $this->t('Okta User Sync keeps Okta in step with your Drupal users. Users can be provisioned manually (one user, or all users after a dry-run preview), automatically whenever an account is registered, edited, blocked or deleted, and on a schedule from cron. Failed pushes are kept in a queue and retried with backoff; a deletion guard stops runs that would deactivate an unusual number of users.'),
    ];
    $build['steps'] = [
      '#theme' => 'item_list',
      '#title' => $this->t('Setting it up'),
      '#list_type' => 'ol',
      '#items' => [
        $this->t('Configuration: enter the Okta Portal URL and an API token (or an OAuth service app), then save and test.'),
        $this->t('Drupal to Okta: choose the provisioning methods and their operations (read, create, update, deactivate, delete), how users are created, and the attribute and group mappings.'),
        $this->t('Sync users manually: preview, then sync existing users.'),
      ],
    ];
    $build['state'] = [
      '#type' => 'table',
      '#caption' => $this->t('Current state'),
      '#header' => [$this->t('Item'), $this->t('Value')],
      '#rows' => $this->stateRows(),
    ];
    $counts = $this->statusStorage->countByAction();
    $build['counts'] = [
      '#type' => 'table',
      '#caption' => $this->t('Users by last sync result'),
      '#header' => [$this->t('Result'), $this->t('Users')],
      '#rows' => array_map(fn(string $action, int $n) => [$action, $n], array_keys($counts), $counts),
      '#empty' => $this->t('No user has been synced yet.'),
    ];
    $build['configure'] = [
      '#type' => 'link',
      '#title' => $this->t("Let's Configure the module"),
      '#url' => Url::fromRoute('okta_user_sync.settings'),
      '#attributes' => ['class' => ['button', 'button--primary']],
    ];
    $build['#cache']['max-age'] = 0;
    return $build;
  }

  /**
   * Rows of the "Current state" table.
   */
  private function stateRows(): array {
    $version = $this->client->extension()->version();
    $lastTest = $this->stateStore->get('okta_user_sync.last_test');
    if (!$this->client->hasCredentials()) {
      $connection = $this->t('Not configured');
    }
    elseif (!is_array($lastTest)) {
      $connection = $this->t('Configured, not tested yet');
    }
    elseif (!empty($lastTest['ok'])) {
      $connection = $this->t('Connected (last test @when ago: @message)', [
        '@when' => $this->dateFormatter->formatTimeDiffSince((int) $lastTest['time']),
        '@message' => (string) $lastTest['message'],
      ]);
    }
    else {
      $connection = $this->t('Last test failed @when ago: @message', [
        '@when' => $this->dateFormatter->formatTimeDiffSince((int) $lastTest['time']),
        '@message' => (string) $lastTest['message'],
      ]);
    }
    $config = $this->client->config();
    $direction = match ($config['direction'] ?? 'drupal_to_okta') {
      'okta_to_drupal' => $this->t('Okta to Drupal'),
      'both' => $this->t('Both directions'),
      default => $this->t('Drupal to Okta'),
    };
    return [
      [$this->t('okta_sync extension'), $version ?? $this->t('NOT LOADED: nothing can be sent to Okta')],
      [$this->t('Connection'), $connection],
      [$this->t('Okta Portal URL'), (string) ($config['org_url'] ?? '') ?: $this->t('not set')],
      [$this->t('Direction'), $direction],
      [$this->t('Queued pushes (retries and scheduled chunks)'), $this->statusStorage->queueLength()],
      [$this->t('Users whose last sync failed'), $this->statusStorage->countFailures()],
      [$this->t('SCIM provisioning (Okta pushes into Drupal)'), $this->scimState()],
    ];
  }

  /**
   * The SCIM endpoint's state in a few words.
   */
  private function scimState(): string {
    if (!$this->scimConfig->enabled()) {
      return (string) $this->t('Off');
    }
    if ($this->scimConfig->tokenHash() === NULL) {
      return (string) $this->t('On at @url, but no token: every request is refused', ['@url' => $this->scimConfig->baseUrl()]);
    }
    $last = $this->scimLog->recent()[0] ?? NULL;
    return $last === NULL
      ? (string) $this->t('On at @url; no change received yet', ['@url' => $this->scimConfig->baseUrl()])
      : (string) $this->t('On at @url; last change @when ago: @operation answered @status', [
        '@url' => $this->scimConfig->baseUrl(),
        '@when' => $this->dateFormatter->formatTimeDiffSince((int) $last['time']),
        '@operation' => $last['method'] . ' ' . $last['resource'],
        '@status' => $last['status'],
      ]);
  }

}
