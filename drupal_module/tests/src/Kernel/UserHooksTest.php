<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Kernel;

use Drupal\okta_user_sync\OutcomeRecorder;
use Drupal\user\Entity\User;

/**
 * Automatic provisioning: user hooks, collector, recorder.
 *
 * @group okta_user_sync
 */
class UserHooksTest extends OktaUserSyncKernelTestBase {

  /**
   * Tests insert is pushed after the request and recorded.
   */
  public function testInsertIsPushedAfterTheRequestAndRecorded(): void {
    $account = $this->createAccount('ada');
    $this->assertSame([], $this->calls(), 'Nothing is sent inside the entity-save transaction.');
    $this->flush();
    $calls = $this->calls();
    $this->assertCount(1, $calls);
    $this->assertSame('insert', $calls[0]['event']);
    $this->assertSame('ada@example.com', $calls[0]['user']['mail']);
    $this->assertNotContains('push_mode', $calls[0]['settings_keys'], 'Drupal-only config never reaches the extension.');
    $row = $this->statusRow((int) $account->id());
    $this->assertSame('created', $row['last_action']);
    $this->assertStringStartsWith('00u', $row['okta_id']);
    $this->assertSame(0, (int) $row['attempts']);
  }

  /**
   * Tests two saves in one request send one update.
   */
  public function testTwoSavesInOneRequestSendOneUpdate(): void {
    $account = $this->createAccount('bob');
    $this->flush();
    $this->resetCalls();
    $account->setEmail('bob2@example.com')->save();
    $account->setEmail('bob3@example.com')->save();
    $this->flush();
    $calls = $this->calls();
    $this->assertCount(1, $calls);
    $this->assertSame('update', $calls[0]['event']);
    $this->assertSame('bob3@example.com', $calls[0]['user']['mail']);
    $this->assertStringStartsWith('00u', $calls[0]['user']['okta_id'], 'The stored Okta id travels with the snapshot.');
  }

  /**
   * Tests blocking deactivates.
   */
  public function testBlockingDeactivates(): void {
    $account = $this->createAccount('carl');
    $this->flush();
    $this->resetCalls();
    $account->block()->save();
    $this->flush();
    $this->assertFalse($this->calls()[0]['user']['status']);
    $this->assertSame('DEPROVISIONED', $this->statusRow((int) $account->id())['okta_status']);
  }

  /**
   * Tests retryable failure is queued without the password.
   */
  public function testRetryableFailureIsQueuedWithoutThePassword(): void {
    $this->scriptOutcomes(self::retryableFailure());
    $account = $this->createAccount('dora');
    $this->container->get('okta_user_sync.password_capture')->capture($account, 'Plain-Pass-123');
    $account->save();
    $this->flush();
    $this->assertTrue($this->calls()[0]['had_password']);
    $row = $this->statusRow((int) $account->id());
    $this->assertSame('failed', $row['last_action']);
    $this->assertSame(1, (int) $row['attempts']);
    $this->assertStringContainsString('E0000047', $row['last_error']);
    $queue = $this->container->get('queue')->get(OutcomeRecorder::QUEUE);
    $this->assertSame(1, $queue->numberOfItems());
    $item = $queue->claimItem();
    $this->assertSame((int) $account->id(), $item->data['uid']);
    $this->assertStringNotContainsString('Plain-Pass-123', serialize($item->data));
  }

  /**
   * Tests import saves are not echoed.
   */
  public function testImportSavesAreNotEchoed(): void {
    $collector = $this->container->get('okta_user_sync.push_collector');
    $collector->suppressAll();
    $account = $this->createAccount('erin');
    $collector->releaseAll();
    $collector->suppress((int) $account->id());
    $account->setEmail('erin2@example.com')->save();
    $collector->release((int) $account->id());
    $this->flush();
    $this->assertSame([], $this->calls());
  }

  /**
   * Tests delete sends delete and forgets the row.
   */
  public function testDeleteSendsDeleteAndForgetsTheRow(): void {
    $account = $this->createAccount('fred');
    $this->flush();
    $this->resetCalls();
    $uid = (int) $account->id();
    $account->delete();
    $this->flush();
    $calls = $this->calls();
    $this->assertSame('delete', $calls[0]['event']);
    $this->assertStringStartsWith('00u', $calls[0]['user']['okta_id']);
    $this->assertNull($this->statusRow($uid));
  }

  /**
   * Tests nothing is pushed when automatic is off or direction is import only.
   */
  public function testNothingIsPushedWhenAutomaticIsOffOrDirectionIsImportOnly(): void {
    $this->config('okta_user_sync.settings')->set('operations.automatic', [])->save();
    $this->createAccount('gina');
    $this->flush();
    $this->config('okta_user_sync.settings')->set('operations.automatic', ['read', 'create'])->set('direction', 'okta_to_drupal')->save();
    $this->createAccount('hugo');
    $this->flush();
    $this->assertSame([], $this->calls());
  }

  /**
   * Tests register and edit forms capture the password before save.
   */
  public function testRegisterAndEditFormsCaptureThePasswordBeforeSave(): void {
    $this->installConfig(['system', 'user']);
    // The account forms link to user routes.
    $this->container->get('router.builder')->rebuild();
    $this->container->get('current_user')->setAccount($this->container->get('entity_type.manager')->getStorage('user')->load(1));
    $formBuilder = $this->container->get('entity.form_builder');
    foreach (['register' => User::create(), 'default' => User::load(1)] as $operation => $account) {
      $form = $formBuilder->getForm($account, $operation);
      $handlers = $form['actions']['submit']['#submit'];
      $position = array_search('::submitForm', $handlers, TRUE);
      $this->assertIsInt($position, $operation);
      $capture = $handlers[$position + 1];
      $this->assertIsArray($capture, "$operation: capture handler right after ::submitForm");
      $this->assertSame('capturePassword', $capture[1]);
      $this->assertSame('::save', $handlers[$position + 2]);
    }
  }

  /**
   * Tests inline mode pushes at once with short timeout.
   */
  public function testInlineModePushesAtOnceWithShortTimeout(): void {
    $this->config('okta_user_sync.settings')->set('push_mode', 'inline')->set('inline_timeout', 2.0)->save();
    $this->createAccount('ivy');
    $calls = $this->calls();
    $this->assertCount(1, $calls, 'Inline mode does not wait for the end of the request.');
    $this->assertSame(2.0, $calls[0]['request_timeout']);
  }

}
