<?php

declare(strict_types=1);

namespace Drupal\okta_user_sync\Hook;

use Drupal\Core\DependencyInjection\DependencySerializationTrait;
use Drupal\Core\Entity\EntityFormInterface;
use Drupal\Core\Form\FormStateInterface;
use Drupal\Core\Hook\Attribute\Hook;
use Drupal\okta_user_sync\PasswordCapture;
use Drupal\user\UserInterface;

/**
 * Captures the plaintext password submitted on the register and edit forms.
 */
class FormHooks {

  use DependencySerializationTrait;

  /**
   * Constructs the hooks.
   *
   * Not readonly: DependencySerializationTrait re-injects it when a cached
   * form is unserialized.
   */
  public function __construct(protected PasswordCapture $passwordCapture) {}

  /**
   * Implements hook_form_FORM_ID_alter() for user_form and user_register_form.
   *
   * Both hooks fire for the register form (user_form is its base form ID);
   * the handler is added once. The capture runs right after ::submitForm
   * (which builds the entity that ::save saves), so it keys the password on
   * the very object the user hooks will receive.
   */
  #[Hook('form_user_form_alter')]
  #[Hook('form_user_register_form_alter')]
  public function userFormAlter(array &$form, FormStateInterface $form_state, string $form_id): void {
    $handlers = $form['actions']['submit']['#submit'] ?? NULL;
    if (!is_array($handlers)) {
      return;
    }
    // The register form's base form ID is user_form: both hooks run for it.
    foreach ($handlers as $handler) {
      if (is_array($handler) && ($handler[0] ?? NULL) instanceof self && ($handler[1] ?? NULL) === 'capturePassword') {
        return;
      }
    }
    $position = array_search('::submitForm', $handlers, TRUE);
    $insertAt = $position === FALSE ? 0 : $position + 1;
    array_splice($handlers, $insertAt, 0, [[$this, 'capturePassword']]);
    $form['actions']['submit']['#submit'] = $handlers;
  }

  /**
   * Submit handler: hands the submitted password to PasswordCapture.
   */
  public function capturePassword(array &$form, FormStateInterface $form_state): void {
    $password = $form_state->getValue('pass');
    $formObject = $form_state->getFormObject();
    if (!is_string($password) || $password === '' || !$formObject instanceof EntityFormInterface) {
      return;
    }
    $account = $formObject->getEntity();
    if ($account instanceof UserInterface) {
      $this->passwordCapture->capture($account, $password);
    }
  }

}
