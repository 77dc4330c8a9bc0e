<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Form;

use Drupal\Core\Form\ConfigFormBase;
use Drupal\Core\Form\FormStateInterface;
use Drupal\Core\Url;
use Drupal\okta_user_sync\OktaClient;
use Drupal\okta_user_sync\SecretStore;
use Symfony\Component\DependencyInjection\ContainerInterface;

/**
 * Configuration: Okta Portal URL, credentials, "Save and Test Configuration".
 *
 * Secrets are write-only: the fields are always empty, the form only shows
 * whether one is set, its last 4 characters and where it comes from.
 */
class SettingsForm extends ConfigFormBase {

  /**
   * The Okta client.
   */
  protected OktaClient $client;

  /**
   * The secret store.
   */
  protected SecretStore $secrets;

  /**
   * {@inheritdoc}
   */
  public static function create(ContainerInterface $container): static {
    $instance = parent::create($container);
    $instance->client = $container->get('okta_user_sync.client');
    $instance->secrets = $container->get('okta_user_sync.secrets');
    return $instance;
  }

  /**
   * {@inheritdoc}
   */
  public function getFormId(): string {
    return 'okta_user_sync_settings';
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
    $form['org_url'] = [
      '#type' => 'url',
      '#title' => $this->t('Okta Portal URL'),
      '#description' => $this->t('Your Okta domain, the base URL of the org authorization server, e.g. https://your-org.okta.com (not the -admin address).'),
      '#default_value' => $config->get('org_url'),
      '#required' => TRUE,
    ];
    $form['auth_method'] = [
      '#type' => 'radios',
      '#title' => $this->t('Authentication'),
      '#options' => [
        'oauth' => $this->t('OAuth 2.0 API Services app (recommended)'),
        'api_token' => $this->t('Okta API token (SSWS)'),
      ],
      'oauth' => ['#description' => $this->t('Scoped to what the module needs, with a custom admin role instead of Super Admin; tokens are short-lived and bound to this site by DPoP.')],
      'api_token' => ['#description' => $this->t("Still supported. A token carries its creator's full admin rights, stops working when that admin is deactivated, and expires after 30 days unused.")],
      '#default_value' => $config->get('auth_method') ?: 'api_token',
    ];
    $form['api_token'] = $this->secretElement('api_token', [
      '#type' => 'password',
      '#title' => $this->t('Okta Bearer Token'),
      '#description' => $this->t('In the Okta Admin Console: Security → API → Tokens → Create token. Copy the token value; Okta shows it only once.'),
      '#states' => ['visible' => [':input[name="auth_method"]' => ['value' => 'api_token']]],
    ]);
    $form['oauth'] = [
      '#type' => 'details',
      '#title' => $this->t('OAuth service app'),
      '#open' => TRUE,
      '#states' => ['visible' => [':input[name="auth_method"]' => ['value' => 'oauth']]],
    ];
    $form['oauth']['steps'] = [
      '#type' => 'details',
      '#title' => $this->t('Set up the app in Okta, step by step'),
      '#open' => !$this->secrets->has('oauth_private_key'),
      'list' => [
        '#theme' => 'item_list',
        '#list_type' => 'ol',
        '#items' => [
          $this->t('Generate a key pair below (or paste a private key you have), then copy the public key (JWK).'),
          $this->t('In the Okta Admin Console: Applications → Applications → Create App Integration → <em>API Services</em>. Name it, e.g. "Drupal user sync".'),
          $this->t('On its General tab, Client Credentials → Edit: Client authentication <em>Public key / Private key</em>; Add key, paste the public key; Save. Leave <em>Require Demonstrating Proof of Possession (DPoP) header in token requests</em> switched on. Copy the Client ID into the field below.'),
          $this->t('On the Okta API Scopes tab, grant <code>okta.users.read</code>, <code>okta.users.manage</code>, <code>okta.groups.read</code> and <code>okta.groups.manage</code> (importing only, from Okta to Drupal: the two <code>.read</code> scopes are enough).'),
          $this->t('On the Admin roles tab, assign a custom admin role rather than Super Administrator: create it under Security → Administrators → Roles with the user permissions "Edit users\' profile", "Manage users\' lifecycle" and the group permission "Manage group membership", and a resource set under Resources holding the users and the groups the role mapping uses.'),
          $this->t('Save this form, then <em>Save and Test Configuration</em>: the result lists the scopes the token really carries and flags the missing ones.'),
        ],
      ],
    ];
    $form['oauth']['oauth_client_id'] = [
      '#type' => 'textfield',
      '#title' => $this->t('Client ID'),
      '#default_value' => $config->get('oauth_client_id'),
    ];
    $form['oauth']['public_key'] = $this->publicKeyElement();
    $form['oauth']['generate_key'] = [
      '#type' => 'submit',
      '#value' => $this->secrets->has('oauth_private_key') ? $this->t('Replace with a new key pair') : $this->t('Generate a key pair'),
      '#submit' => ['::generateKey'],
      '#limit_validation_errors' => [],
      '#access' => $this->secrets->canSet('oauth_private_key'),
    ];
    $form['oauth']['oauth_private_key'] = $this->secretElement('oauth_private_key', [
      '#type' => 'textarea',
      '#rows' => 4,
      '#title' => $this->t('Private key (PEM)'),
      '#description' => $this->t('Or paste your own RSA or P-256 private key instead of generating one; its public key must be registered with the app.'),
    ]);
    $form['oauth']['oauth_key_id'] = [
      '#type' => 'textfield',
      '#title' => $this->t('Key ID (kid)'),
      '#description' => $this->t("The public key's kid in Okta; needed when the app has more than one key. A generated key fills it in."),
      '#default_value' => $config->get('oauth_key_id'),
    ];
    $form['oauth']['oauth_scopes'] = [
      '#type' => 'textfield',
      '#title' => $this->t('Scopes'),
      '#description' => $this->t('Space-separated; each must be granted to the app. Drupal to Okta (or both directions): <code>okta.users.manage okta.groups.manage</code>. Okta to Drupal only: <code>okta.users.read okta.groups.read</code>.'),
      '#default_value' => implode(' ', (array) $config->get('oauth_scopes')),
    ];
    $form['oauth']['oauth_dpop'] = [
      '#type' => 'select',
      '#title' => $this->t('DPoP (proof of possession)'),
      '#options' => [
        'auto' => $this->t('Automatic (recommended): DPoP, unless Okta says the app does not require it'),
        'required' => $this->t('Required: fail unless the token is DPoP-bound'),
        'off' => $this->t('Off: plain Bearer tokens (the app must not require DPoP)'),
      ],
      '#default_value' => $config->get('oauth_dpop') ?: 'auto',
    ];
    $form['advanced'] = [
      '#type' => 'details',
      '#title' => $this->t('Connection options'),
    ];
    $form['advanced']['connect_timeout'] = [
      '#type' => 'number',
      '#title' => $this->t('Connect timeout (seconds)'),
      '#min' => 0.5,
      '#max' => 60,
      '#step' => 0.5,
      '#default_value' => $config->get('connect_timeout'),
    ];
    $form['advanced']['request_timeout'] = [
      '#type' => 'number',
      '#title' => $this->t('Request timeout (seconds)'),
      '#min' => 1,
      '#max' => 300,
      '#step' => 1,
      '#default_value' => $config->get('request_timeout'),
    ];
    $form['advanced']['max_retries'] = [
      '#type' => 'number',
      '#title' => $this->t('Retries per request (429 and network errors)'),
      '#min' => 0,
      '#max' => 10,
      '#default_value' => $config->get('max_retries'),
    ];
    $form['advanced']['ca_file'] = [
      '#type' => 'textfield',
      '#title' => $this->t('Additional CA bundle (path to a PEM file)'),
      '#default_value' => $config->get('ca_file'),
    ];
    if ($this->secrets->hasKeyModule()) {
      $form['advanced']['api_token_key'] = [
        '#type' => 'textfield',
        '#title' => $this->t('Key module: key holding the API token'),
        '#description' => $this->t('Machine name of a Key entity. Takes precedence over a token saved on this form.'),
        '#default_value' => $config->get('api_token_key'),
      ];
      $form['advanced']['oauth_private_key_key'] = [
        '#type' => 'textfield',
        '#title' => $this->t('Key module: key holding the OAuth private key'),
        '#default_value' => $config->get('oauth_private_key_key'),
      ];
      $form['advanced']['#open'] = $config->get('api_token_key') || $config->get('oauth_private_key_key');
    }
    $form['test_email'] = [
      '#type' => 'email',
      '#title' => $this->t('Test Your Configuration (Enter user email)'),
      '#description' => $this->t('A user with this email must exist in your Okta org.'),
      '#default_value' => $config->get('test_email'),
    ];
    $form['test_result'] = $this->testResult($form_state);

    $form = parent::buildForm($form, $form_state);
    $form['actions']['test'] = [
      '#type' => 'submit',
      '#value' => $this->t('Save and Test Configuration'),
      '#submit' => ['::submitForm', '::testConfiguration'],
      '#button_type' => 'primary',
    ];
    $form['actions']['next'] = [
      '#type' => 'link',
      '#title' => $this->t('Next'),
      '#url' => Url::fromRoute('okta_user_sync.provisioning'),
      '#attributes' => ['class' => ['button']],
    ];
    return $form;
  }

  /**
   * A write-only secret field with its status line.
   */
  private function secretElement(string $name, array $element): array {
    $source = $this->secrets->source($name);
    $status = $this->t('Currently: @state.', ['@state' => $this->secrets->describe($name)]);
    if ($this->secrets->isOverridden($name)) {
      $status = $this->t('Currently: @state, from @source; it overrides anything entered here.', [
        '@state' => $this->secrets->describe($name),
        '@source' => $source,
      ]);
    }
    $element['#description'] = [
      '#markup' => ($element['#description'] ?? '') . ' ' . $status . ' ' . $this->t('Leave empty to keep it.'),
    ];
    // Never render a secret back, not even into a hidden value.
    $element['#default_value'] = '';
    $element['#attributes']['autocomplete'] = 'off';
    $wrapper = [
      '#type' => 'container',
      '#states' => $element['#states'] ?? [],
      $name => $element,
    ];
    unset($wrapper[$name]['#states']);
    if ($source === 'state') {
      $wrapper[$name . '_clear'] = [
        '#type' => 'checkbox',
        '#title' => $this->t('Remove the saved value'),
      ];
    }
    return $wrapper;
  }

  /**
   * The public key of the OAuth private key, to paste into Okta.
   */
  private function publicKeyElement(): array {
    $key = $this->secrets->get('oauth_private_key');
    $extension = $this->client->extension();
    if ($key === NULL || !$extension->isLoaded()) {
      return [];
    }
    $public = $extension->publicJwk($key);
    if (!$public['ok']) {
      return [
        '#type' => 'item',
        '#title' => $this->t('Public key'),
        '#markup' => $this->t('The saved private key cannot be used: @message.', ['@message' => $public['message']]),
      ];
    }
    return [
      '#type' => 'textarea',
      '#title' => $this->t('Public key to register in Okta (JWK, @alg, kid @kid)', [
        '@alg' => $public['alg'],
        '@kid' => $public['kid'],
      ]),
      '#value' => json_encode($public['public_jwk'], JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES),
      '#rows' => 8,
      '#attributes' => ['readonly' => 'readonly'],
      '#description' => $this->t("Public: safe to copy. Paste it as the app's public key in Okta. The private key stays on this site and is never shown."),
    ];
  }

  /**
   * Submit handler of "Generate a key pair".
   *
   * The private key goes straight into the secret store (write-only); the
   * form then shows only its public half.
   */
  public function generateKey(array &$form, FormStateInterface $form_state): void {
    try {
      $pair = $this->client->extension()->generateKey();
    }
    catch (\Throwable $e) {
      $this->messenger()->addError($this->t('No key pair was generated: @message', ['@message' => $e->getMessage()]));
      return;
    }
    $this->secrets->set('oauth_private_key', $pair['private_key']);
    unset($pair['private_key']);
    $this->config('okta_user_sync.settings')->set('oauth_key_id', $pair['kid'])->save();
    $this->messenger()->addStatus($this->t('A new key pair was generated (kid @kid). Paste the public key below into the app in Okta; the private key is saved on this site and will not be shown.', ['@kid' => $pair['kid']]));
  }

  /**
   * The "Test Configuration Result" section.
   */
  private function testResult(FormStateInterface $form_state): array {
    $result = $form_state->get('test_result');
    if (!is_array($result)) {
      return [];
    }
    $section = [
      '#type' => 'details',
      '#title' => $this->t('Test Configuration Result'),
      '#open' => TRUE,
      '#weight' => 100,
    ];
    if (!empty($result['ok'])) {
      $user = $result['user'] ?? [];
      $rows = [
        [$this->t('Result'), $this->t('Success')],
        [$this->t('Okta user'), (string) ($user['login'] ?? '')],
        [$this->t('Okta id'), (string) ($user['id'] ?? '')],
        [$this->t('Status'), (string) ($user['status'] ?? '')],
      ];
      $rows = array_merge($rows, $this->authRows($result));
      if (isset($result['rate_limit']['remaining'], $result['rate_limit']['limit'])) {
        $rows[] = [
          $this->t('Rate limit'),
          $this->t('@remaining of @limit requests left', [
            '@remaining' => $result['rate_limit']['remaining'],
            '@limit' => $result['rate_limit']['limit'],
          ]),
        ];
      }
    }
    else {
      $rows = [[$this->t('Result'), $this->t('Failed')]];
      if (isset($result['error']) && is_array($result['error'])) {
        $rows[] = [
          $this->t('Okta error'),
          OktaClient::testFailure(['hint' => $result['error']['summary'] ?? ''] + $result),
        ];
        $link = OktaClient::errorLink($result['error']);
        if ($link !== NULL) {
          $rows[] = [
            $this->t('More information'),
            ['data' => ['#type' => 'link', '#title' => $link, '#url' => Url::fromUri($link)]],
          ];
        }
      }
      if (!empty($result['hint'])) {
        $rows[] = [$this->t('Hint'), (string) $result['hint']];
      }
      $rows = array_merge($rows, $this->authRows($result));
    }
    $section['table'] = ['#type' => 'table', '#rows' => $rows];
    return $section;
  }

  /**
   * Rows on how the test signed in: the token scheme and its scopes.
   */
  private function authRows(array $result): array {
    $auth = $result['auth'] ?? NULL;
    if (!is_array($auth)) {
      return [];
    }
    $rows = [[$this->t('Signed in with'), (string) ($auth['scheme'] ?? '')]];
    // An API token has no scopes: it carries its creator's admin rights.
    if (is_array($auth['scopes'] ?? NULL) && ($auth['scheme'] ?? '') !== 'SSWS') {
      $rows[] = [$this->t('Granted scopes'), implode(' ', $auth['scopes']) ?: (string) $this->t('none')];
    }
    if (!empty($auth['missing_scopes'])) {
      $rows[] = [
        $this->t('Missing scopes'),
        $this->t("@scopes: grant them on the app's Okta API Scopes tab.", ['@scopes' => implode(' ', (array) $auth['missing_scopes'])]),
      ];
    }
    return $rows;
  }

  /**
   * {@inheritdoc}
   */
  public function validateForm(array &$form, FormStateInterface $form_state): void {
    parent::validateForm($form, $form_state);
    // The extension checks the org URL as it will use it (the status report
    // says so when it is missing, and Save and Test then fails).
    $extension = $this->client->extension();
    if ($extension->isLoaded()) {
      $check = $extension->orgUrl((string) $form_state->getValue('org_url'));
      if ($check['ok']) {
        $form_state->setValue('org_url', $check['url']);
      }
      else {
        $form_state->setErrorByName('org_url', $this->t('@problem.', ['@problem' => ucfirst((string) $check['message'])]));
      }
    }
    $key = trim((string) $form_state->getValue('oauth_private_key'));
    if ($key !== '' && !str_contains($key, '-----BEGIN')) {
      $form_state->setErrorByName('oauth_private_key', $this->t('Paste the whole PEM key, including the -----BEGIN ... KEY----- line.'));
    }
    $trigger = $form_state->getTriggeringElement();
    if (($trigger['#submit'][1] ?? NULL) === '::testConfiguration' && trim((string) $form_state->getValue('test_email')) === '') {
      $form_state->setErrorByName('test_email', $this->t('Enter the email of a user that exists in Okta to test the configuration.'));
    }
  }

  /**
   * {@inheritdoc}
   */
  public function submitForm(array &$form, FormStateInterface $form_state): void {
    $scopes = preg_split('/\s+/', trim((string) $form_state->getValue('oauth_scopes'))) ?: [];
    $this->config('okta_user_sync.settings')
      ->set('org_url', rtrim(trim((string) $form_state->getValue('org_url')), '/'))
      ->set('auth_method', $form_state->getValue('auth_method') === 'oauth' ? 'oauth' : 'api_token')
      ->set('oauth_client_id', trim((string) $form_state->getValue('oauth_client_id')))
      ->set('oauth_key_id', trim((string) $form_state->getValue('oauth_key_id')))
      ->set('oauth_dpop', in_array($form_state->getValue('oauth_dpop'), ['auto', 'required', 'off'], TRUE) ? $form_state->getValue('oauth_dpop') : 'auto')
      ->set('oauth_scopes', array_values(array_filter($scopes, 'strlen')))
      ->set('connect_timeout', (float) $form_state->getValue('connect_timeout'))
      ->set('request_timeout', (float) $form_state->getValue('request_timeout'))
      ->set('max_retries', (int) $form_state->getValue('max_retries'))
      ->set('ca_file', trim((string) $form_state->getValue('ca_file')))
      ->set('test_email', trim((string) $form_state->getValue('test_email')))
      ->save();
    if ($this->secrets->hasKeyModule()) {
      $this->config('okta_user_sync.settings')
        ->set('api_token_key', trim((string) $form_state->getValue('api_token_key')))
        ->set('oauth_private_key_key', trim((string) $form_state->getValue('oauth_private_key_key')))
        ->save();
    }
    foreach (SecretStore::NAMES as $name) {
      $value = (string) $form_state->getValue($name);
      if (trim($value) !== '') {
        $this->secrets->set($name, $value);
      }
      elseif ($form_state->getValue($name . '_clear')) {
        $this->secrets->clear($name);
      }
      // Drop the secret from the form state so nothing downstream keeps it.
      $form_state->setValue($name, '');
    }
    parent::submitForm($form, $form_state);
  }

  /**
   * Submit handler of "Save and Test Configuration".
   */
  public function testConfiguration(array &$form, FormStateInterface $form_state): void {
    $login = trim((string) $form_state->getValue('test_email'));
    $result = $this->client->test($login);
    // The scheme and scopes only; the token itself never reaches PHP.
    $auth = is_array($result['auth'] ?? NULL)
      ? array_intersect_key($result['auth'], array_flip(['scheme', 'scopes', 'missing_scopes']))
      : NULL;
    // Keep only what the result section shows (no full profile).
    $form_state->set('test_result', [
      'ok' => !empty($result['ok']),
      'user' => array_intersect_key((array) ($result['user'] ?? []), array_flip(['id', 'status', 'login'])),
      'rate_limit' => $result['rate_limit'] ?? NULL,
      'error' => $result['error'] ?? NULL,
      'hint' => $result['hint'] ?? NULL,
      'auth' => $auth,
    ]);
    $form_state->setRebuild();
    if (!empty($result['ok'])) {
      $this->messenger()->addStatus($this->t('Test successful: found @login in Okta (@status). Click Next to set up provisioning.', [
        '@login' => (string) ($result['user']['login'] ?? $login),
        '@status' => (string) ($result['user']['status'] ?? ''),
      ]));
      if (!empty($result['auth']['missing_scopes'])) {
        $this->messenger()->addWarning($this->t("The token lacks the scopes @scopes: calls that need them will fail. Grant them on the app's Okta API Scopes tab.", [
          '@scopes' => implode(' ', (array) $result['auth']['missing_scopes']),
        ]));
      }
      return;
    }
    $error = is_array($result['error'] ?? NULL) ? $result['error'] : [];
    $message = OktaClient::testFailure($result);
    $link = OktaClient::errorLink($error);
    $this->messenger()->addError($link !== NULL
      ? $this->t('Test failed: @message. <a href=":link">What this error means</a>; details in the Test Configuration Result section below.', [
        '@message' => $message,
        ':link' => $link,
      ])
      : $this->t('Test failed: @message. Details in the Test Configuration Result section below.', ['@message' => $message]));
  }

}
