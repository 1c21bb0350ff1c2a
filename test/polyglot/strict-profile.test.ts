// The compliance profile, team access, production flag and log retention of
// test/polyglot/fixture.json, checked in what each consumer of scripts/polyglot.sh synthesized: an
// option that a binding dropped or renamed would show here in its own language's stacks.
import * as fs from 'fs';
import * as path from 'path';
import { consumersOutput, stackTemplates, Template } from './outputs';
import { DEFAULT_COMPLIANCE } from '../../src/shared/compliance-settings';
import { DEFAULT_LOG_RETENTION_DAYS } from '../../src/shared/hardening-settings';

const OUT = consumersOutput();
const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixture.json'), 'utf-8'));
const service = fixture.serviceProps;
const project = fixture.projectOptions;

/** The fixture's environments, with the fields that these tests check. */
interface ProfileEnvironment {
  readonly name: string;
  readonly production?: boolean;
  readonly logRetentionDays?: number;
  readonly compliance?: string;
}
const environments: ProfileEnvironment[] = service.environments;
const pipelineStack = `${service.serviceName}-pipeline`;

/** What each environment should get from the fixture: its own value, else the service's, else the default. */
const expected = environments.map((e, i) => ({
  stack: `${service.serviceName}-${e.name}`,
  compliance: e.compliance ?? service.compliance ?? DEFAULT_COMPLIANCE,
  retention: e.logRetentionDays ?? service.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS,
  // The last environment is production unless it says otherwise.
  production: e.production ?? i === environments.length - 1,
}));
const pipelineCompliance: string = service.compliance ?? DEFAULT_COMPLIANCE;
const pipelineRetention: number = service.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS;

function ofType(template: Template, type: string): Array<[string, any]> {
  return Object.entries(template.Resources ?? {}).filter(([, r]) => r.Type === type);
}

/**
 * What encrypts a resource, from the value of its key property: `stack key` for a KMS key of the
 * same template with rotation on, `none` without a key, else the value itself.
 */
function encryption(template: Template, key: any): string {
  if (key === undefined) return 'none';
  const id = key['Fn::GetAtt']?.[0];
  const resource = template.Resources?.[id];
  return resource?.Type === 'AWS::KMS::Key' && resource.Properties?.EnableKeyRotation === true ? 'stack key' : JSON.stringify(key);
}

/** The distinct values of a list, sorted. */
function distinct<T>(values: T[]): T[] {
  return [...new Set(values)].sort();
}

/**
 * The parts of a stack that the compliance profile decides: how its log groups and image
 * repositories are encrypted, which builds are privileged, and where its tasks run.
 */
function complianceShape(template: Template) {
  const subnetType = (ref: any) => (template.Resources?.[ref.Ref]?.Properties?.Tags ?? [])
    .find((t: any) => t.Key === 'aws-cdk:subnet-type')?.Value;
  const tasks = ofType(template, 'AWS::ECS::Service').map(([, r]) => r.Properties.NetworkConfiguration.AwsvpcConfiguration);
  return {
    logGroups: distinct(ofType(template, 'AWS::Logs::LogGroup').map(([, r]) => encryption(template, r.Properties?.KmsKeyId))),
    imageRepositories: ofType(template, 'AWS::ECR::Repository')
      .map(([, r]) => `${r.Properties.EncryptionConfiguration?.EncryptionType}: ${encryption(template, r.Properties.EncryptionConfiguration?.KmsKey)}`),
    privilegedBuilds: ofType(template, 'AWS::CodeBuild::Project').filter(([, r]) => r.Properties.Environment.PrivilegedMode === true).map(([, r]) => r.Properties.Name),
    taskPublicIp: distinct(tasks.map((t) => t.AssignPublicIp)),
    taskSubnets: distinct(tasks.flatMap((t) => t.Subnets.map(subnetType))),
    natGateways: ofType(template, 'AWS::EC2::NatGateway').length > 0,
  };
}

/** The distinct retentions (days) of a stack's log groups; 0 (never expire) sets none. */
function retentions(template: Template): Array<number | undefined> {
  return distinct(ofType(template, 'AWS::Logs::LogGroup').map(([, r]) => r.Properties?.RetentionInDays));
}

/** The `deletion_protection.enabled` attribute of each load balancer of a stack. */
function deletionProtection(template: Template): string[] {
  return ofType(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer').map(([, r]) => (r.Properties.LoadBalancerAttributes ?? [])
    .find((a: any) => a.Key === 'deletion_protection.enabled')?.Value);
}

test('the fixture sets every option checked here, to values that differ from the defaults', () => {
  // Strict on the service, standard in an environment of its own: both levels, both shapes.
  expect(service.compliance).toBe('strict');
  expect(distinct(expected.map((e) => e.compliance))).toEqual(['standard', 'strict']);
  expect(service.teamAccess).toEqual({ group: true });
  expect(environments.some((e) => e.production === true)).toBe(true);
  // Service-wide and per-environment retentions, neither of them the default.
  const days = [service.logRetentionDays, ...environments.map((e) => e.logRetentionDays).filter((d) => d !== undefined)];
  expect(days.length).toBeGreaterThan(1);
  expect(days).not.toContain(DEFAULT_LOG_RETENTION_DAYS);
  expect(new Set(days).size).toBe(days.length);
  // The projenrc consumers get the same options.
  for (const key of ['compliance', 'teamAccess', 'logRetentionDays']) expect([key, project[key]]).toEqual([key, service[key]]);
  expect(project.environments).toEqual(service.environments);
});

describe.each(['typescript', 'python', 'java'])('%s', (language) => {
  const templates = () => stackTemplates(path.join(OUT, language, 'app'));

  test('the pipeline\'s stack follows the service\'s profile', () => {
    expect(pipelineCompliance).toBe('strict');
    expect(complianceShape(templates()[pipelineStack])).toEqual({
      logGroups: ['stack key'],
      imageRepositories: ['KMS: stack key'],
      privilegedBuilds: [],
      taskPublicIp: [],
      taskSubnets: [],
      natGateways: false,
    });
  });

  test.each(expected)('$stack follows its profile ($compliance)', ({ stack, compliance }) => {
    const strict = compliance === 'strict';
    expect(complianceShape(templates()[stack])).toEqual({
      logGroups: [strict ? 'stack key' : 'none'],
      imageRepositories: [],
      privilegedBuilds: [],
      taskPublicIp: [strict ? 'DISABLED' : 'ENABLED'],
      taskSubnets: [strict ? 'Private' : 'Public'],
      natGateways: strict,
    });
  });

  test('the pipeline\'s stack has the team\'s policy and the group with it', () => {
    const template = templates()[pipelineStack];
    const policies = ofType(template, 'AWS::IAM::ManagedPolicy').filter(([, r]) => r.Properties.ManagedPolicyName === `${service.serviceName}-team-access`);
    expect(policies).toHaveLength(1);
    const groups = ofType(template, 'AWS::IAM::Group');
    expect(groups.map(([, r]) => r.Properties)).toEqual([{ GroupName: `${service.serviceName}-team`, ManagedPolicyArns: [{ Ref: policies[0][0] }] }]);
    expect(template.Outputs?.TeamGroupName?.Value).toEqual({ Ref: groups[0][0] });
  });

  test.each(expected)('$stack keeps its log events $retention days', ({ stack, retention }) => {
    expect(retentions(templates()[stack])).toEqual([retention === 0 ? undefined : retention]);
  });

  test('the pipeline\'s stack keeps its log events for the service\'s retention', () => {
    expect(retentions(templates()[pipelineStack])).toEqual([pipelineRetention === 0 ? undefined : pipelineRetention]);
  });

  test.each(expected)('$stack protects its load balancer from deletion only in production (production: $production)', ({ stack, production }) => {
    expect(deletionProtection(templates()[stack])).toEqual([String(production)]);
  });

  test('the generated repository\'s settings carry the options as the projenrc gave them', () => {
    const settings = fs.readFileSync(path.join(OUT, language, 'project', 'src', 'service-settings.ts'), 'utf-8');
    expect(settings).toContain(`\n  logRetentionDays: ${project.logRetentionDays},\n  teamAccess: {\n    group: ${project.teamAccess.group},\n  },\n  compliance: '${project.compliance}',\n`);
    for (const environment of project.environments as ProfileEnvironment[]) {
      const start = settings.indexOf(`\n      name: '${environment.name}',\n`);
      expect([environment.name, start >= 0]).toEqual([environment.name, true]);
      const block = settings.slice(start);
      const own = block.slice(0, block.indexOf('\n    },\n') + 1);
      for (const key of ['production', 'logRetentionDays', 'compliance'] as const) {
        const value = environment[key];
        expect([environment.name, key, own.includes(`\n      ${key}: `)]).toEqual([environment.name, key, value !== undefined]);
        if (value !== undefined) expect(own).toContain(`\n      ${key}: ${typeof value === 'string' ? `'${value}'` : value},\n`);
      }
    }
  });
});
