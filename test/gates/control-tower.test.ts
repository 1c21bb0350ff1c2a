import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnResource, Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { IConstruct } from 'constructs';
import { synthSnapshot } from 'projen/lib/util/synth';
import { CicdService, CicdServiceProject, CicdServiceProps } from '../../src';
import { CFN_GUARD_VALIDATOR_VERSION, CONTROL_TOWER_ACKNOWLEDGMENTS, CONTROL_TOWER_PLUGIN } from '../../src/gates/control-tower';
import { QualityGates } from '../../src/gates/quality-gates';
import { customizedProps, STRICT_PROPS } from '../support/service-stacks';

jest.setTimeout(300_000);

/** The Control Tower report of the synth in `outdir`. */
function controlTowerReport(outdir: string): any {
  const report = JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf-8'))
    .pluginReports.find((p: any) => p.pluginName === CONTROL_TOWER_PLUGIN);
  if (!report) throw new Error(`no ${CONTROL_TOWER_PLUGIN} report in ${outdir}`);
  return report;
}

/** The Control Tower acknowledgments in the tree below `scope`: construct, rule and reason. */
function acknowledgments(scope: IConstruct): Array<{ c: IConstruct; rule: string; reason: string }> {
  return scope.node.findAll().flatMap((c) => c.node.metadata
    .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((m) => Object.entries<string>(m.data).filter(([id]) => id.startsWith(`${CONTROL_TOWER_PLUGIN}::`))
      .map(([id, reason]) => ({ c, rule: id.slice(CONTROL_TOWER_PLUGIN.length + 2), reason }))));
}

describe('the Control Tower gate on the default service', () => {
  let outdir: string;
  let error: unknown;
  let app: App;

  beforeAll(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'control-tower-'));
    app = new App({ outdir });
    QualityGates.apply(app, { cdkNag: false });
    const service = new CicdService(app, { serviceName: 'orders' });
    // A user's bucket that manages access with an ACL, added to the delivery stack after the service.
    new s3.Bucket(service.deliveryStack, 'Planted', {
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      accessControl: s3.BucketAccessControl.LOG_DELIVERY_WRITE,
    });
    try {
      app.synth();
    } catch (e) {
      error = e;
    }
  });

  const report = () => controlTowerReport(outdir);

  test('a planted bucket with an ACL fails the synth, naming the rule, the resource and the fix', () => {
    // The message names the control, the resource, the fix and how to acknowledge it.
    expect(String(error)).toMatch(/ERROR \[CT\.S3\.PR\.5\]: .*\n\s+orders-pipeline\/Planted\/Resource .*\n\s+Suggested fix: Manage access to Amazon S3 buckets with bucket resource policies.*\n\s+Acknowledge with 'cdk-validator-cfnguard::s3_bucket_acl_prohibited_check'/);
    const acl = report().violations.find((v: any) => v.ruleName === 's3_bucket_acl_prohibited_check');
    expect(acl.description).toContain('[CT.S3.PR.5]');
    expect(acl.suggestedFix).toMatch(/bucket resource policies/);
    expect(acl.violatingConstructs.map((c: any) => c.constructPath)).toEqual(['orders-pipeline/Planted/Resource']);
  });

  test('every other finding is acknowledged: the unacknowledged ones are all on the planted bucket', () => {
    const paths = new Set(report().violations.flatMap((v: any) => v.violatingConstructs.map((c: any) => c.constructPath)));
    expect([...paths]).toEqual(['orders-pipeline/Planted/Resource']);
    expect(report().suppressedViolations.length).toBeGreaterThan(0);
  });

  test('acknowledgments sit on CloudFormation resources, each with its reason, never on the user\'s bucket', () => {
    const acknowledged = acknowledgments(app);
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const { c, rule, reason } of acknowledged) {
      expect([rule, CfnResource.isCfnResource(c)]).toEqual([rule, true]);
      // The reason is that of a row of the rule (rules with two rows have two reasons).
      expect(CONTROL_TOWER_ACKNOWLEDGMENTS.filter((a) => a.rule === rule).map((a) => a.reason)).toContain(reason);
      expect(c.node.path).not.toContain('Planted');
    }
  });
});

/**
 * `customizedProps`, whose keys stand for an organization's own, made elsewhere: their stack
 * acknowledges the rule they break, which is not the service's to pass.
 */
function customizedWithOrganizationKeys(app: App): CicdServiceProps {
  const props = customizedProps(app);
  Validations.of(app.node.findChild('shared')).acknowledge({
    id: `${CONTROL_TOWER_PLUGIN}::kms_create_grant_aws_service_check`, reason: 'The keys of the organization, outside the service',
  });
  return props;
}

describe.each<[string, (app: App) => CicdServiceProps, Record<string, unknown>]>([
  ['the default service', () => ({ serviceName: 'orders' }), {}],
  ['a strict service', () => STRICT_PROPS, {}],
  ['a customized service', customizedWithOrganizationKeys, { ...cxapi.CURRENTLY_RECOMMENDED_FLAGS }],
])('the Control Tower rules on %s', (_name, props, context) => {
  let service: CicdService;
  let report: any;
  beforeAll(() => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'control-tower-'));
    const app = new App({ outdir, context });
    QualityGates.apply(app, { cdkNag: false });
    service = new CicdService(app, props(app));
    app.synth();
    report = controlTowerReport(outdir);
  });

  const stacks = () => [service.deliveryStack, ...service.environmentStacks];
  /** `<construct path> <rule>` of each finding on the service's stacks (not the app's other stacks). */
  const findings = (violations: any[]) => violations.flatMap((v: any) => v.violatingConstructs
    .map((c: any) => `${c.constructPath} ${v.ruleName}`))
    .filter((f: string) => stacks().some((s) => f.startsWith(`${s.node.path}/`))).sort();

  test('every finding is acknowledged, and every acknowledgment answers a finding on its resource', () => {
    expect(findings(report.violations)).toEqual([]);
    const acknowledged = stacks().flatMap((s) => acknowledgments(s)).map(({ c, rule }) => `${c.node.path} ${rule}`).sort();
    expect(acknowledged.length).toBeGreaterThan(0);
    expect(acknowledged).toEqual(findings(report.suppressedViolations));
  });
});

describe('where the rules run', () => {
  const saved = process.env.CDK_VALIDATION;
  afterEach(() => {
    if (saved === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = saved;
  });

  test.each([
    [undefined, undefined, true],
    [false, undefined, false],
    [false, 'true', true],
    [undefined, 'false', false],
  ])('context builtinValidation %p with CDK_VALIDATION=%p: the rules run %p, as the built-in validation does', (context, env, expected) => {
    if (env === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = env;
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'control-tower-where-'));
    const app = new App({ outdir, context: context === undefined ? {} : { [QualityGates.BUILTIN_VALIDATION_CONTEXT]: context } });
    QualityGates.apply(app, { cdkNag: false });
    new s3.Bucket(new Stack(app, 'shared'), 'Uploads', {
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER, accessControl: s3.BucketAccessControl.LOG_DELIVERY_WRITE,
    });
    let error: unknown;
    try {
      app.synth();
    } catch (e) {
      error = e;
    }
    expect(String(error ?? '').includes('s3_bucket_acl_prohibited_check')).toBe(expected);
  });
});

test('generated repositories install the version of the rules that the acknowledgments are made for', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf-8'));
  expect(pkg.devDependencies['@cdklabs/cdk-validator-cfnguard']).toBe(CFN_GUARD_VALIDATOR_VERSION);
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'control-tower-repo-'));
  const files = synthSnapshot(new CicdServiceProject({ name: 'orders', defaultReleaseBranch: 'main', cdkVersion: '2.189.1', outdir }));
  expect(files['package.json'].devDependencies['@cdklabs/cdk-validator-cfnguard']).toBe(CFN_GUARD_VALIDATOR_VERSION);
  expect(files['.projen/tasks.json'].tasks['gates:synth'].description).toContain('the Control Tower rules');
  expect(files['docs/operations.md']).toContain("Validations.of(resource).acknowledge({ id: 'cdk-validator-cfnguard::<rule>'");
});
