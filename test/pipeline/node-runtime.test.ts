import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CicdService } from '../../src';
import { KnownRuntime, MIN_HANDLER_NODE_MAJOR, newestNodeRuntime } from '../../src/pipeline/node-runtime';
import { synthNagFindings } from '../support/cdk-nag';

const node = (name: string, isVariable = false): KnownRuntime => ({ name, family: lambda.RuntimeFamily.NODEJS, isVariable });

describe('newestNodeRuntime', () => {
  test('picks the highest Node.js major, compared as numbers, whatever the order', () => {
    const known = [node('nodejs24.x'), node('nodejs100.x'), node('nodejs26.x'), node('nodejs9.x')];
    expect(newestNodeRuntime(known).name).toBe('nodejs100.x');
  });

  test('ignores other families, unversioned names and runtimes with a suffix', () => {
    const known = [
      node('nodejs24.x'),
      { name: 'python3.99', family: lambda.RuntimeFamily.PYTHON, isVariable: false },
      node('nodejs'),
      node('nodejs30.x.al2'),
      { name: 'nodejs31.x', family: lambda.RuntimeFamily.OTHER, isVariable: false },
    ];
    expect(newestNodeRuntime(known).name).toBe('nodejs24.x');
  });

  test('a fixed runtime wins over a variable one of the same name', () => {
    const fixed = node('nodejs26.x');
    expect(newestNodeRuntime([node('nodejs26.x', true), fixed])).toBe(fixed);
    expect(newestNodeRuntime([fixed, node('nodejs26.x', true)])).toBe(fixed);
  });

  test(`fails, naming the newest, when aws-cdk-lib knows nothing from Node.js ${MIN_HANDLER_NODE_MAJOR} on`, () => {
    expect(() => newestNodeRuntime([node('nodejs22.x'), node('nodejs20.x')]))
      .toThrow(`knows no Lambda runtime of Node.js ${MIN_HANDLER_NODE_MAJOR} or later (newest: nodejs22.x)`);
    expect(() => newestNodeRuntime([])).toThrow('(newest: none)');
  });

  test('with the installed aws-cdk-lib, it is a fixed runtime the handlers support', () => {
    const runtime = newestNodeRuntime(lambda.Runtime.ALL);
    expect(runtime.isVariable).toBe(false);
    expect(Number(/^nodejs(\d+)\.x$/.exec(runtime.name)?.[1])).toBeGreaterThanOrEqual(MIN_HANDLER_NODE_MAJOR);
  });
});

/**
 * A Node.js release that aws-cdk-lib does not know yet, registered as a newer aws-cdk-lib would:
 * every function of the service moves to it and cdk-nag's latest-runtime rule still passes.
 */
describe('a newer aws-cdk-lib that adds a Node.js runtime', () => {
  const future = new lambda.Runtime('nodejs98.x', lambda.RuntimeFamily.NODEJS, { supportsInlineCode: true });
  const validation = process.env.CDK_VALIDATION;
  beforeAll(() => {
    // aws-cdk-lib's own template validation rightly warns of a runtime that does not exist.
    process.env.CDK_VALIDATION = 'false';
  });
  afterAll(() => {
    lambda.Runtime.ALL.splice(lambda.Runtime.ALL.indexOf(future), 1);
    if (validation === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = validation;
  });

  test('every function of the service runs on it, and AwsSolutions-L1 finds nothing', () => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-runtime-')) });
    const service = new CicdService(app, {
      serviceName: 'orders',
      environments: [{ name: 'staging' }, { name: 'production', deployment: { strategy: 'canary' } }],
      pullRequestBuilds: true,
    });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const functions = [service.deliveryStack, ...service.environmentStacks].flatMap((stack) =>
      Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function')).map((r) => r.Properties.Runtime));
    // The delivery stack's functions and the canary environment's lifecycle hook and probe.
    expect(functions.length).toBeGreaterThanOrEqual(5);
    expect(new Set(functions)).toEqual(new Set(['nodejs98.x']));
    expect(synthNagFindings(app).filter((f) => f.rule === 'AwsSolutions-L1')).toEqual([]);
  });
});
