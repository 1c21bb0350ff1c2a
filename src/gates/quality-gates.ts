import * as path from 'path';
import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { ControlTowerRules } from './control-tower-rules';
import { InvalidOptionError } from '../shared/service-settings';

/**
 * The quality gates of a generated repository. Each is on unless set to `false`; all of them run
 * in the repository's `test` task, which `buildspec.yml` runs before it builds the image.
 */
export interface QualityGatesOptions {
  /**
   * cdk-nag `AwsSolutions` checks on the CDK app: a finding that the stack does not acknowledge
   * fails `cdk synth`. Adds `cdk-nag` to the devDependencies.
   *
   * @default true
   */
  readonly cdkNag?: boolean;

  /**
   * `cdk synth --strict`: a warning of a construct or of a validation plugin fails the synth, as an
   * error does.
   *
   * @default true
   */
  readonly strictSynth?: boolean;

  /**
   * Lints the Dockerfile (dockerfile-utils); an error or a warning fails the test task.
   *
   * @default true
   */
  readonly dockerfileLint?: boolean;

  /**
   * Checks `buildspec.yml` against the CodeBuild buildspec schema.
   *
   * @default true
   */
  readonly buildspecSchema?: boolean;

  /**
   * The AWS Control Tower proactive controls (the cfn-guard rules of
   * `@cdklabs/cdk-validator-cfnguard`) on the CDK app: a rule that a resource breaks, unless the
   * stack acknowledges it on that resource, fails the synth, naming the rule, the resource and
   * the fix. The rules run with aws-cdk-lib's built-in validation: in the synth gate, and in a
   * developer's `cdk synth` only while the strict synth gate is off (see
   * `QualityGates.BUILTIN_VALIDATION_CONTEXT`). Adds `@cdklabs/cdk-validator-cfnguard` to the
   * devDependencies.
   *
   * @default true
   */
  readonly controlTower?: boolean;
}

/** Every gate's name, in the order the README lists them. */
const GATE_NAMES = ['cdkNag', 'strictSynth', 'dockerfileLint', 'buildspecSchema', 'controlTower'] as const;

/**
 * Applies the quality gates that act inside the CDK app. A generated `src/main.ts` calls
 * `QualityGates.apply(app, qualityGates)` with the settings of the managed
 * `src/service-settings.ts`, so a new version of this package can change what the gates check.
 */
export class QualityGates {
  /**
   * The context key that says whether `cdk synth`, `cdk diff` and `cdk deploy` run aws-cdk-lib's
   * built-in CloudFormation validation. A generated repository sets it to `false` in cdk.json
   * while its strict synth gate is on: the gate (`npx projen build`, and `npx projen test` in the
   * pipeline) runs the validation with `CDK_VALIDATION=true` and fails on its findings, and a
   * developer's own synth skips it (about 4 s of an 8 s synth). `npx cdk synth -c <key>=true`
   * runs it once.
   */
  public static readonly BUILTIN_VALIDATION_CONTEXT = 'cicd-service-template:builtinValidation';

  /**
   * Registers the cdk-nag `AwsSolutions` checks (unless `cdkNag` is `false`) and the Control
   * Tower rules of `@cdklabs/cdk-validator-cfnguard` (unless `controlTower` is `false`) as
   * validation plugins of `scope`: `app.synth()` and `cdk synth` then fail on every
   * unacknowledged finding. Both are loaded from the app's dependencies.
   *
   * When the context `BUILTIN_VALIDATION_CONTEXT` is `false` and the environment does not set
   * `CDK_VALIDATION`, the app skips aws-cdk-lib's built-in CloudFormation validation (by setting
   * `CDK_VALIDATION=false` in its own process). An explicit `CDK_VALIDATION` always wins. The
   * Control Tower rules run with the built-in validation: not when `CDK_VALIDATION` is `false`.
   */
  public static apply(scope: IConstruct, options?: QualityGatesOptions): void {
    const gates = QualityGates._resolve(options ?? {});
    const key = QualityGates.BUILTIN_VALIDATION_CONTEXT;
    const validation: unknown = scope.node.tryGetContext(key);
    if (validation !== undefined) {
      // From cdk.json it is a boolean, from `-c key=value` a string.
      if (![true, false, 'true', 'false'].includes(validation as any)) {
        throw new InvalidOptionError(`context ${key}`, validation, 'true or false');
      }
      if (String(validation) === 'false' && process.env.CDK_VALIDATION === undefined) {
        process.env.CDK_VALIDATION = 'false';
      }
    }
    if (gates.cdkNag) {
      // Loaded only when the gate is on: a repository without the gate need not install cdk-nag.
      // eslint-disable-next-line @typescript-eslint/no-require-imports, import/no-extraneous-dependencies
      const nag: typeof import('cdk-nag') = require('cdk-nag');
      Validations.of(scope).addPlugins(new nag.AwsSolutionsChecks(scope, { verbose: true }));
    }
    // The Control Tower rules (cfn-guard, about 0.5-1.3 s per template) run where the built-in validation
    // runs: in the synth gate of `npx projen build` and of the pipeline, not in a developer's synth.
    if (gates.controlTower && process.env.CDK_VALIDATION !== 'false') {
      // Likewise loaded from the app's dependencies; it runs the cfn-guard binary that it bundles.
      // eslint-disable-next-line @typescript-eslint/no-require-imports, import/no-extraneous-dependencies
      const guard: typeof import('@cdklabs/cdk-validator-cfnguard') = require('@cdklabs/cdk-validator-cfnguard');
      const rules = path.join(path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')), 'rules', 'control-tower', 'cfn-guard');
      Validations.of(scope).addPlugins(new ControlTowerRules(guard.CfnGuardValidator, rules));
    }
  }

  /**
   * Validates the gate options (any type may come from the projen CLI) and applies the defaults.
   * @internal
   */
  public static _resolve(options: unknown): Required<QualityGatesOptions> {
    const allowed = `an object with the boolean properties ${GATE_NAMES.join(', ')}`;
    if (options === undefined) return QualityGates._resolve({});
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw new InvalidOptionError('qualityGates', options, allowed);
    }
    const o = options as Record<string, unknown>;
    for (const key of Object.keys(o)) {
      if (!(GATE_NAMES as readonly string[]).includes(key)) {
        throw new InvalidOptionError(`qualityGates.${key}`, o[key], `no such gate: ${allowed}`);
      }
      if (o[key] !== undefined && typeof o[key] !== 'boolean') {
        throw new InvalidOptionError(`qualityGates.${key}`, o[key], 'true or false');
      }
    }
    const on = (key: typeof GATE_NAMES[number]) => o[key] !== false;
    return {
      cdkNag: on('cdkNag'),
      strictSynth: on('strictSynth'),
      dockerfileLint: on('dockerfileLint'),
      buildspecSchema: on('buildspecSchema'),
      controlTower: on('controlTower'),
    };
  }

  private constructor() {}
}
