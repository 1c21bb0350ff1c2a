import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnResource, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { synthSnapshot } from 'projen/lib/util/synth';
import { CicdService, CicdServiceProject } from '../../src';
import { CFN_GUARD_VALIDATOR_VERSION, CONTROL_TOWER_ACKNOWLEDGMENTS, CONTROL_TOWER_PLUGIN } from '../../src/gates/control-tower';
import { QualityGates } from '../../src/gates/quality-gates';

jest.setTimeout(120_000);

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

  const report = () => JSON.parse(fs.readFileSync(path.join(outdir, 'validation-report.json'), 'utf-8'))
    .pluginReports.find((p: any) => p.pluginName === CONTROL_TOWER_PLUGIN);

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
    const acknowledged = app.node.findAll().flatMap((c) => c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries<string>(m.data).filter(([id]) => id.startsWith(`${CONTROL_TOWER_PLUGIN}::`)).map(([id, reason]) => ({ c, id, reason }))));
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const { c, id, reason } of acknowledged) {
      expect([id, CfnResource.isCfnResource(c)]).toEqual([id, true]);
      const row = CONTROL_TOWER_ACKNOWLEDGMENTS.find((a) => `${CONTROL_TOWER_PLUGIN}::${a.rule}` === id);
      expect(reason).toBe(row?.reason);
      expect(c.node.path).not.toContain('Planted');
    }
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
