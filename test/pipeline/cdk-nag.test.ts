import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { customizedProps } from './stacks';
import { CicdPipelineStack, CicdPipelineStackProps } from '../../src';

interface Finding {
  readonly rule: string;
  readonly severity: string;
  readonly path: string;
}

/**
 * Synthesizes the stack with the AWS Solutions checks, next to a control stack that has a known
 * finding (a bucket without access logs or SSL enforcement), and returns every unacknowledged finding.
 */
function nagFindings(props: (app: App) => CicdPipelineStackProps): Finding[] {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-pipeline-nag-'));
  const app = new App({ outdir });
  new CicdPipelineStack(app, 'x', props(app));
  const control = new Stack(app, 'control');
  new s3.Bucket(control, 'Unlogged');
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  try {
    app.synth();
  } catch (error) {
    // A finding fails the synth; the report says which.
    if (!fs.existsSync(path.join(outdir, 'validation-report.json'))) throw error;
  }
  const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf-8'));
  return report.pluginReports
    .filter((p: any) => p.pluginName === 'AwsSolutions')
    .flatMap((p: any) => p.violations.flatMap((v: any) => v.violatingConstructs.map((c: any) => ({
      rule: v.ruleName, severity: v.severity, path: c.constructPath,
    }))));
}

describe.each([
  ['default', () => ({ serviceName: 'orders' })],
  ['customized (region, existing VPC, KMS keys, HTTPS)', customizedProps],
] as Array<[string, (app: App) => CicdPipelineStackProps]>)('cdk-nag AwsSolutions: %s', (_name, props) => {
  let findings: Finding[];
  beforeAll(() => {
    findings = nagFindings(props);
  });

  test('the checks ran: the control stack has findings', () => {
    expect(findings.filter((f) => f.path.startsWith('control/')).map((f) => f.rule)).toEqual(expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10']));
  });

  test('no unacknowledged error or warning in the pipeline stack', () => {
    expect(findings.filter((f) => f.path.startsWith('x/'))).toEqual([]);
  });
});

/** The cdk-nag rule IDs that the stack acknowledges, with their reasons (aws-cdk-lib records its own acknowledgments too). */
function acknowledgments(stack: Stack): Array<[string, string]> {
  return stack.node.findAll()
    .flatMap((c) => c.node.metadata.filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY))
    .flatMap((m) => Object.entries<any>(m.data))
    .map(([id, value]): [string, string] => [id.replace(/^[^:]+::/, ''), typeof value === 'string' ? value : value?.reason])
    .filter(([id]) => id.startsWith('AwsSolutions-'));
}

test.each([
  ['default', () => ({ serviceName: 'orders' })],
  ['customized', customizedProps],
] as Array<[string, (app: App) => CicdPipelineStackProps]>)('%s: every acknowledgment answers a finding that the stack would otherwise have', (_name, props) => {
  const acknowledged = acknowledgments(new CicdPipelineStack(new App(), 'x', props(new App())));
  expect(acknowledged.length).toBeGreaterThan(5);
  const spy = jest.spyOn(Validations.prototype, 'acknowledge').mockImplementation(() => undefined);
  let findings: Finding[];
  try {
    findings = nagFindings(props).filter((f) => f.path.startsWith('x/'));
  } finally {
    spy.mockRestore();
  }
  const rules = new Set(findings.map((f) => f.rule));
  expect(acknowledged.map(([id]) => id).filter((id) => !rules.has(id))).toEqual([]);
});

test('every acknowledgment in the stack has a reason', () => {
  const acknowledged = acknowledgments(new CicdPipelineStack(new App(), 'x', { serviceName: 'orders' }));
  expect(acknowledged.length).toBeGreaterThan(5);
  for (const [id, reason] of acknowledged) {
    expect([id, typeof reason === 'string' && reason.length > 20]).toEqual([id, true]);
  }
});
