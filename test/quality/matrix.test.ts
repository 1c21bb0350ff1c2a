import * as fs from 'fs';
import { cfnLintErrors, CFN_LINT, cheapProblems, Generated, generate } from './generated';
import { COMBINATIONS } from './matrix';
import { QualityGates } from '../../src/gates/quality-gates';

jest.setTimeout(10 * 60 * 1000);

// Each combination is generated and synthesized once; cfn-lint runs once over all the templates.
const generated = new Map<string, Generated>();
let lintErrors: Map<string, string[]>;

beforeAll(() => {
  for (const c of COMBINATIONS) generated.set(c.name, generate(c, true));
  lintErrors = cfnLintErrors([...generated.values()].map((g) => g.templateFile));
});

test('the matrix holds at least 8 distinct combinations', () => {
  expect(COMBINATIONS.length).toBeGreaterThanOrEqual(8);
  expect(new Set(COMBINATIONS.map((c) => JSON.stringify(c.options))).size).toBe(COMBINATIONS.length);
});

test('cfn-lint is installed (run scripts/setup.sh)', () => {
  expect(fs.existsSync(CFN_LINT)).toBe(true);
});

describe.each(COMBINATIONS.map((c) => [c.name]))('%s', (name) => {
  const g = () => generated.get(name)!;

  test('cdk-nag AwsSolutions: no unacknowledged finding', () => {
    expect(g().nagFindings).toEqual([]);
  });

  test('cfn-lint: no error', () => {
    expect(lintErrors.get(g().templateFile)).toEqual([]);
  });

  test('IAM walk, buildspec schema, Dockerfile lint and port/name/path consistency', () => {
    expect(cheapProblems(g())).toEqual([]);
  });

  test('the gates that are on run from the test task; the others do not exist', () => {
    const gates = QualityGates._resolve(g().combination.options.qualityGates);
    const tasks = g().files['.projen/tasks.json'].tasks;
    const spawned = (tasks.gates?.steps ?? []).map((s: any) => s.spawn);
    expect(spawned).toEqual([
      ...(gates.cdkNag || gates.strictSynth ? ['gates:synth'] : []),
      ...(gates.dockerfileLint ? ['gates:dockerfile'] : []),
      ...(gates.buildspecSchema ? ['gates:buildspec'] : []),
    ]);
    // With a gate on, test runs test:unit and the gates at the same time; with none, it spawns the empty gates task.
    const runsGates = (step: any) => step.spawn === 'gates' || (step.execArgs?.[0] === 'cicd-service-parallel' && step.execArgs.includes('gates'));
    expect(tasks.test.steps.some(runsGates)).toBe(true);
    expect(tasks['test:unit'] === undefined).toBe(spawned.length === 0);
    expect(Boolean(g().files['package.json'].devDependencies['cdk-nag'])).toBe(gates.cdkNag);
    expect(tasks['synth:silent'].steps[0].exec?.includes('--strict') ?? false).toBe(gates.strictSynth);
  });
});
