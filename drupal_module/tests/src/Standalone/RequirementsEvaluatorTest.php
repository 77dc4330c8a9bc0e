<?php

declare(strict_types=1);

namespace Drupal\Tests\okta_user_sync\Standalone;

use Drupal\okta_user_sync\Engine\RequirementsEvaluator;
use PHPUnit\Framework\TestCase;

/**
 * @coversDefaultClass \Drupal\okta_user_sync\Engine\RequirementsEvaluator
 */
final class RequirementsEvaluatorTest extends TestCase {

  /**
   * Tests install phase blocks only on missing or incompatible extension.
   */
  public function testInstallPhaseBlocksOnlyOnMissingOrIncompatibleExtension(): void {
    $evaluator = new RequirementsEvaluator();
    $missing = $evaluator->evaluate('install', NULL, FALSE, 0, NULL);
    $this->assertSame(RequirementsEvaluator::ERROR, $missing['okta_user_sync_extension']['severity']);
    $this->assertSame([], $evaluator->evaluate('install', '0.1.3', FALSE, 0, NULL));
    $old = $evaluator->evaluate('install', '0.0.9', FALSE, 0, NULL);
    $this->assertSame(RequirementsEvaluator::ERROR, $old['okta_user_sync_extension']['severity']);
  }

  /**
   * Tests version compatibility.
   */
  public function testVersionCompatibility(): void {
    $this->assertTrue(RequirementsEvaluator::isCompatible('0.1.0'));
    $this->assertTrue(RequirementsEvaluator::isCompatible('0.1.7-dev+abc'));
    $this->assertFalse(RequirementsEvaluator::isCompatible('0.2.0'));
    $this->assertFalse(RequirementsEvaluator::isCompatible('1.0.0'));
    $this->assertFalse(RequirementsEvaluator::isCompatible('garbage'));
  }

  /**
   * Tests runtime lines.
   */
  public function testRuntimeLines(): void {
    $evaluator = new RequirementsEvaluator();
    $items = $evaluator->evaluate('runtime', '0.1.0', FALSE, 0, NULL);
    $this->assertSame(RequirementsEvaluator::OK, $items['okta_user_sync_extension']['severity']);
    $this->assertSame(RequirementsEvaluator::WARNING, $items['okta_user_sync_connection']['severity']);
    $this->assertSame('Not configured', $items['okta_user_sync_connection']['value']['text']);
    $this->assertSame(RequirementsEvaluator::OK, $items['okta_user_sync_failures']['severity']);

    $items = $evaluator->evaluate('runtime', '0.1.0', TRUE, 3, [
      'ok' => FALSE,
      'message' => 'E0000011: Invalid token provided',
    ]);
    $this->assertSame(RequirementsEvaluator::WARNING, $items['okta_user_sync_connection']['severity']);
    $this->assertSame(['@message' => 'E0000011: Invalid token provided'], $items['okta_user_sync_connection']['description']['args']);
    $this->assertSame(RequirementsEvaluator::WARNING, $items['okta_user_sync_failures']['severity']);
    $this->assertSame(['@count' => '3'], $items['okta_user_sync_failures']['value']['args']);

    $items = $evaluator->evaluate('runtime', '0.1.0', TRUE, 50, ['ok' => TRUE]);
    $this->assertSame(RequirementsEvaluator::OK, $items['okta_user_sync_connection']['severity']);
    $this->assertSame(RequirementsEvaluator::ERROR, $items['okta_user_sync_failures']['severity']);
  }

}
