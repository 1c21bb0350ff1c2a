import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CfnGuardValidator, CfnGuardValidatorProps } from '@cdklabs/cdk-validator-cfnguard';
import { IPolicyValidationContextBeta1, PolicyValidationPluginReportBeta1 } from 'aws-cdk-lib';
import { applicableRuleFiles, controlTowerRuleFiles, ControlTowerRules, resourceTypes } from '../../src/gates/control-tower-rules';
import { customizedService, defaultService, strictService, SynthesizedService } from '../support/service-stacks';

jest.setTimeout(300_000);

const RULES = path.join(path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')), 'rules', 'control-tower', 'cfn-guard');

/** The `.guard` files under `dir`, found independently of the code under test. */
function guardFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf-8' }).filter((f) => f.endsWith('.guard')).map((f) => path.join(dir, f)).sort();
}

/** `CfnGuardValidator`, recording the props of every instance. */
function recordingValidator(): { validator: typeof CfnGuardValidator; made: CfnGuardValidatorProps[] } {
  const made: CfnGuardValidatorProps[] = [];
  class Recording extends CfnGuardValidator {
    constructor(props: CfnGuardValidatorProps = {}) {
      super(props);
      made.push(props);
    }
  }
  return { validator: Recording, made };
}

/** `<template file> <rule> <logical ID>` of each finding of a report. */
function findings(report: PolicyValidationPluginReportBeta1): string[] {
  return report.violations.flatMap((v) => v.violatingResources.map((r) => `${path.basename(r.templatePath)} ${v.ruleName} ${r.resourceLogicalId}`)).sort();
}

describe('the bundled rule files', () => {
  test('every .guard file is read, with the resource types it names', () => {
    const files = controlTowerRuleFiles(RULES);
    expect(files.map((f) => f.file)).toEqual(guardFiles(RULES));
    expect(files.length).toBeGreaterThan(200);
    const acl = files.find((f) => f.file.endsWith(path.join('s3', 'ct-s3-pr-5.guard')));
    expect(acl?.types).toEqual(['AWS::S3::Bucket']);
    // Every bundled rule names the types it checks: none is kept for every template.
    expect(files.filter((f) => f.types.length === 0)).toEqual([]);
  });

  test('a file applies when it names a type of the templates; a file that names none always applies', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-rules-'));
    fs.mkdirSync(path.join(dir, 's3'));
    fs.writeFileSync(path.join(dir, 's3', 'bucket.guard'), "let buckets = Resources.*[ Type == 'AWS::S3::Bucket' ]\n");
    fs.writeFileSync(path.join(dir, 'queue.guard'), 'let QUEUE = "AWS::SQS::Queue"\nlet TOPIC = "AWS::SNS::Topic"\n');
    fs.writeFileSync(path.join(dir, 'any.guard'), 'rule any { Resources exists }\n');
    fs.writeFileSync(path.join(dir, 'notes.txt'), "'AWS::S3::Bucket'\n");
    const files = controlTowerRuleFiles(dir);
    expect(files.map((f) => path.relative(dir, f.file))).toEqual(['any.guard', 'queue.guard', path.join('s3', 'bucket.guard')]);
    const names = (types: string[]) => applicableRuleFiles(files, new Set(types)).map((f) => path.basename(f));
    expect(names(['AWS::S3::Bucket'])).toEqual(['any.guard', 'bucket.guard']);
    expect(names(['AWS::SNS::Topic', 'AWS::IAM::Role'])).toEqual(['any.guard', 'queue.guard']);
    expect(names([])).toEqual(['any.guard']);
  });

  test('the resource types of templates, every template read', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-templates-'));
    const a = path.join(dir, 'a.template.json');
    const b = path.join(dir, 'b.template.json');
    fs.writeFileSync(a, JSON.stringify({ Resources: { Q: { Type: 'AWS::SQS::Queue' }, B: { Type: 'AWS::S3::Bucket' } } }));
    fs.writeFileSync(b, JSON.stringify({ Resources: { R: { Type: 'AWS::IAM::Role' }, C: { Type: 'AWS::S3::Bucket' } } }));
    fs.writeFileSync(path.join(dir, 'empty.template.json'), JSON.stringify({ Outputs: {} }));
    expect([...resourceTypes([a, b, path.join(dir, 'empty.template.json')])].sort()).toEqual(['AWS::IAM::Role', 'AWS::S3::Bucket', 'AWS::SQS::Queue']);
  });
});

describe.each<[string, () => SynthesizedService]>([
  ['the default service', defaultService],
  ['a strict service', strictService],
  ['a customized service', customizedService],
])('the gate\'s plugin on %s', (_name, synthesize) => {
  let templatePaths: string[];
  beforeAll(() => {
    templatePaths = synthesize().all.map((s) => s.templateFile);
  });

  test('runs only the rule files that apply, and finds what the plugin finds with every rule, each finding an error', () => {
    const { validator, made } = recordingValidator();
    const plugin = new ControlTowerRules(validator, RULES);
    const every = new CfnGuardValidator({ maxBuffer: 256 * 1024 * 1024 });
    expect([plugin.name, plugin.version, plugin.ruleIds]).toEqual([every.name, every.version, every.ruleIds]);
    const context = { templatePaths } as IPolicyValidationContextBeta1;
    const report = plugin.validate(context);
    const expected = every.validate(context);
    expect(findings(report).length).toBeGreaterThan(0);
    expect(findings(report)).toEqual(findings(expected));
    expect(report.success).toBe(false);
    expect(new Set(report.violations.map((v) => v.severity))).toEqual(new Set(['error']));
    // The run's validator got the rules that apply, fewer than the bundled ones, and no others.
    const run = made[made.length - 1];
    expect(run.controlTowerRulesEnabled).toBe(false);
    expect(run.rules).toEqual(applicableRuleFiles(controlTowerRuleFiles(RULES), resourceTypes(templatePaths)));
    expect(run.rules!.length).toBeLessThan(guardFiles(RULES).length);
  });
});

test('templates that no rule applies to pass without running cfn-guard', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guard-none-'));
  const template = path.join(dir, 'none.template.json');
  fs.writeFileSync(template, JSON.stringify({ Resources: { Wait: { Type: 'AWS::CloudFormation::WaitConditionHandle' } } }));
  const { validator, made } = recordingValidator();
  const plugin = new ControlTowerRules(validator, RULES);
  expect(plugin.validate({ templatePaths: [template] } as IPolicyValidationContextBeta1)).toEqual({ success: true, violations: [] });
  // Only the instance that names the plugin and its rules.
  expect(made).toHaveLength(1);
});
