import { awscdk, Component } from 'projen';
import { CFN_GUARD_VALIDATOR_VERSION } from './control-tower';
import { QualityGates, QualityGatesOptions } from './quality-gates';
import { editCommandSteps, removeSpawnSteps } from '../shared/task-steps';

/** The npm package of the Control Tower rules gate. */
const CFN_GUARD_VALIDATOR = '@cdklabs/cdk-validator-cfnguard';

/** The command that this package installs for the Dockerfile and buildspec gates. */
export const GATES_COMMAND = 'cicd-service-gates';
/** The command that this package installs to run projen tasks at the same time. */
export const PARALLEL_COMMAND = 'cicd-service-parallel';

/**
 * Wires the quality gates into a generated repository's tasks. Every gate that is on runs from the
 * `gates` task, which `test` spawns, so that `npx projen test` in CodeBuild runs them all:
 * - `gates:synth`: `cdk synth -q` (with `--strict` when `strictSynth`), which fails on cdk-nag findings
 *   and on broken Control Tower rules;
 * - `gates:dockerfile`: `cicd-service-gates dockerfile Dockerfile`;
 * - `gates:buildspec`: `cicd-service-gates buildspec buildspec.yml`.
 * With the synth gate on, `post-compile` no longer synthesizes: `build` runs `test`, and so the
 * synth gate, which writes the same `cdk.out`; and aws-cdk-lib's built-in template validation
 * runs in the gate only, not in Jest nor in a developer's own `cdk synth`, `diff` or `deploy`.
 * When a gate is on, `test` runs two tasks at the same time (`cicd-service-parallel`): `test:unit`
 * (Jest, ESLint and the service's tests, which were `test`'s own steps) and `gates`; the synth gate
 * alone takes as long as the other checks together.
 * The tasks live in the managed `.projen/tasks.json`, so upgrades of this package reach them.
 */
export class RepositoryGates extends Component {
  /** True when cdk.json makes a developer's own synth skip the built-in validation (the gate runs it). */
  public readonly validationInGateOnly: boolean;
  /** True when the synth gate runs the Control Tower rules. */
  public readonly controlTower: boolean;

  constructor(project: awscdk.AwsCdkTypeScriptApp, gates: Required<QualityGatesOptions>) {
    super(project);
    if (gates.cdkNag && !project.deps.all.some((d) => d.name === 'cdk-nag')) {
      project.addDevDeps('cdk-nag@^3');
    }
    if (gates.controlTower && !project.deps.all.some((d) => d.name === CFN_GUARD_VALIDATOR)) {
      project.addDevDeps(`${CFN_GUARD_VALIDATOR}@${CFN_GUARD_VALIDATOR_VERSION}`);
    }
    const strict = gates.strictSynth ? ['--strict'] : [];
    if (gates.strictSynth) {
      // The build's synth (post-compile) fails on warnings too, not only the test task's.
      project.tasks.tryFind('synth')?.reset(['cdk', 'synth', ...strict].join(' '));
      project.tasks.tryFind('synth:silent')?.reset(['cdk', 'synth', '-q', ...strict].join(' '));
    }

    let validationInGateOnly = false;
    const all = project.addTask('gates', {
      description: 'Runs the quality gates that are on (see qualityGates in .projenrc.ts)',
    });
    if (gates.cdkNag || gates.strictSynth || gates.controlTower) {
      const checks = [...gates.cdkNag ? ['the cdk-nag AwsSolutions checks'] : [], ...gates.controlTower ? ['the Control Tower rules'] : []];
      all.spawn(project.addTask('gates:synth', {
        description: `Synthesizes the CDK app${checks.length ? ` with ${checks.join(' and ')}` : ''}${gates.strictSynth ? ', failing on warnings' : ''}`,
        exec: ['cdk', 'synth', '-q', ...strict].join(' '),
        // Whatever cdk.json or the shell say, the gate runs aws-cdk-lib's built-in validation.
        env: { CDK_VALIDATION: 'true' },
      }));
      // The validation (a WebAssembly rule engine) is about half of each synth. With --strict, the
      // gate fails on its findings (aws-cdk-lib reports them as warnings), so cdk synth, diff and
      // deploy at a developer's prompt skip it (QualityGates.apply reads the context), unless
      // .projenrc.ts sets the context itself. Without --strict the gate would only print them:
      // every synth keeps the validation then.
      const key = QualityGates.BUILTIN_VALIDATION_CONTEXT;
      if (gates.strictSynth && !(key in project.cdkConfig.context)) {
        project.cdkConfig.json.addOverride(`context.${key}`, false);
        validationInGateOnly = true;
      }
      // `build` runs `test`, whose synth gate writes cdk.out with the same command as the
      // post-compile synth; synthesizing the app twice per build would only cost time.
      removeSpawnSteps(project.postCompileTask, 'synth:silent');
      // The synth gate runs aws-cdk-lib's built-in CloudFormation validation (about 3 s); Jest's
      // synths check what the templates say and skip it. Versions without it ignore the variable.
      editCommandSteps(project.testTask, 'jest', (step) => ({ ...step, env: { ...step.env, CDK_VALIDATION: 'false' } }));
    }
    if (gates.dockerfileLint) {
      all.spawn(project.addTask('gates:dockerfile', {
        description: 'Lints the Dockerfile',
        exec: `${GATES_COMMAND} dockerfile Dockerfile`,
      }));
    }
    if (gates.buildspecSchema) {
      all.spawn(project.addTask('gates:buildspec', {
        description: 'Checks buildspec.yml against the CodeBuild buildspec schema',
        exec: `${GATES_COMMAND} buildspec buildspec.yml`,
      }));
    }
    this.validationInGateOnly = validationInGateOnly;
    this.controlTower = gates.controlTower;
    if (all.steps.length === 0) {
      project.testTask.spawn(all);
      return;
    }
    const unit = project.addTask('test:unit', {
      description: 'Runs the tests of the CDK app (Jest), ESLint and the service\'s tests',
    });
    unit.addSteps(...project.testTask.steps);
    project.testTask.reset();
    // Arguments of `npx projen test` (say `-t name`) reach Jest through test:unit.
    project.testTask.addSteps({
      name: 'Run test:unit and the gates at the same time',
      execArgs: [PARALLEL_COMMAND, unit.name, all.name, '--'],
      receiveArgs: true,
    });
  }
}

