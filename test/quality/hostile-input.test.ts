import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { HOSTILE_DOMAINS_AND_NETWORKS, HOSTILE_ENVIRONMENTS, HOSTILE_INPUTS, HOSTILE_OBSERVABILITY, HOSTILE_SOURCES } from './hostile-input';
import { CicdService, CicdServiceProps, CicdServiceProject, CicdServiceProjectOptions } from '../../src';

/** [what, the options given, the option the error must name]. */
const cases: Array<[string, Record<string, unknown>, string]> = [
  ...Object.entries(HOSTILE_INPUTS).flatMap(([option, values]) => values.map((value): [string, Record<string, unknown>, string] =>
    [`${option} = ${describeValue(value)}`, { [option]: value }, option])),
  ...[...HOSTILE_ENVIRONMENTS, ...HOSTILE_DOMAINS_AND_NETWORKS].map((c): [string, Record<string, unknown>, string] =>
    [`environments: ${c.what}, ${describeValue(c.environments)}`, { ...c.with, environments: c.environments }, c.named]),
  ...HOSTILE_OBSERVABILITY.map((c): [string, Record<string, unknown>, string] => [`${c.what}: ${describeValue(c.options)}`, c.options, c.named]),
  ...HOSTILE_SOURCES.map((c): [string, Record<string, unknown>, string] =>
    [`source: ${c.what}, ${describeValue(c.source)}`, { ...c.with, source: c.source }, c.named]),
];

function describeValue(value: unknown): string {
  const shown = typeof value === 'number' || value === undefined ? String(value) : JSON.stringify(value) ?? String(value);
  return shown.length > 60 ? `${shown.slice(0, 57)}...` : shown;
}

/** The message's start for `option`: brackets and dots taken literally. */
function namedPattern(option: string, whole: boolean): RegExp {
  const escaped = option.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(whole ? `^Invalid option "${escaped}": got .+; expected .+\\.$` : `^Invalid option "${escaped}"`, 's');
}

describe('hostile input', () => {
  test('the tables cover every option of the service, and every field of an environment', () => {
    expect(Object.keys(HOSTILE_INPUTS).sort()).toEqual([
      'branch', 'buildImage', 'containerPort', 'cpu', 'deployment', 'desiredCount', 'healthCheckPath', 'maxCount', 'memory', 'network', 'pipelineAccount', 'pipelineRegion', 'serviceName',
      'environment', 'enableExecuteCommand', 'secrets', 'secretsKeyArn', 'pullRequestBuilds', 'upgradeSchedule',
    ].sort());
    const fields = new Set(HOSTILE_ENVIRONMENTS.map((c) => /^environments\[\d+\]\.(\w+)$/.exec(c.named)?.[1]).filter(Boolean));
    expect([...fields].sort()).toEqual(expect.arrayContaining(['account', 'certificateArn', 'cpu', 'desiredCount', 'maxCount', 'memory', 'name', 'region', 'requireApproval',
      'environment', 'secrets', 'secretsKeyArn', 'enableExecuteCommand', 'deployment']));
    const nested = new Set(HOSTILE_DOMAINS_AND_NETWORKS.map((c) => c.named.replace(/^environments\[\d+\]\./, '').replace(/\[\d+\]/g, '[i]')));
    expect([...nested].sort()).toEqual(expect.arrayContaining([
      'domain', 'domain.hostedZoneId', 'domain.recordName', 'domain.zoneName', 'network', 'network.natGateways', 'network.taskSubnets', 'network.vpc',
      'network.vpc.availabilityZones', 'network.vpc.availabilityZones[i]', 'network.vpc.privateSubnetIds', 'network.vpc.privateSubnetIds[i]',
      'network.vpc.publicSubnetIds', 'network.vpc.vpcId',
    ]));
    const sourceFields = new Set(HOSTILE_SOURCES.map((c) => /^source\.(connectionArn|repository|excludedPaths)/.exec(c.named)?.[1]).filter(Boolean));
    expect([...sourceFields].sort()).toEqual(['connectionArn', 'excludedPaths', 'repository']);
    const named = new Set(HOSTILE_OBSERVABILITY.map((c) => c.named.replace(/\[\d+\]/g, '[i]')));
    expect([...named].filter((n) => /^alarms\.\w+$/.test(n)).length).toBeGreaterThanOrEqual(7);
    expect([...named]).toEqual(expect.arrayContaining(['alarms', 'environments[i].alarms', 'environments[i].alarms.latencyP99Ms', 'notifications',
      'notifications.emails', 'notifications.emails[i]', 'notifications.topicArn']));
  });

  test.each(cases)('the project type rejects %s, naming the option, writing nothing', (_what, given, named) => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-'));
    fs.writeFileSync(path.join(outdir, 'keep.txt'), 'user file');
    const options = { name: 'orders', defaultReleaseBranch: 'main', cdkVersion: '2.189.1', outdir, ...given } as CicdServiceProjectOptions;
    expect(() => new CicdServiceProject(options)).toThrow(namedPattern(named, true));
    expect(fs.readdirSync(outdir)).toEqual(['keep.txt']);
    expect(fs.readFileSync(path.join(outdir, 'keep.txt'), 'utf-8')).toBe('user file');
  });

  test.each(cases)('CicdService rejects %s, naming the option, before it adds a stack', (_what, given, named) => {
    const app = new App();
    const props = { serviceName: 'orders', ...given } as unknown as CicdServiceProps;
    expect(() => new CicdService(app, props)).toThrow(namedPattern(named, true));
    expect(app.node.children).toEqual([]);
  });

  test('error messages stay short for huge values', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'hostile-'));
    const huge = 'x'.repeat(100000);
    const hugeValues: Array<[Partial<CicdServiceProjectOptions>, string]> = [[{ serviceName: huge }, 'serviceName'], [{ environments: [{ name: huge }] }, 'environments[0].name']];
    for (const [options, named] of hugeValues) {
      let message = '';
      try {
        new CicdServiceProject({ name: 'orders', defaultReleaseBranch: 'main', cdkVersion: '2.189.1', outdir, ...options });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toMatch(namedPattern(named, false));
      expect(message.length).toBeLessThan(400);
    }
  });
});
