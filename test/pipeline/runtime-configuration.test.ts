import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { CicdService, CicdServiceProps } from '../../src';
import { synth } from '../project/helpers';
import { grants, iamViolations, secretReads } from '../support/iam-walk';
import { defaultService, only, resourcesOfType, synthesizeService, SynthesizedService, SynthesizedStack } from '../support/service-stacks';

const ACCOUNT = '123456789012';
const SECRET = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:orders/db-AbCdEf`;
const PARTIAL_SECRET = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:orders/api-token`;
const JSON_KEY = `${SECRET}:password::`;
const PARAMETER = `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/orders/production/signing-key`;
const KEY = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/12345678-1234-1234-1234-123456789012`;

/**
 * Service-wide variables and a secret; staging adds a variable, production overrides one, adds
 * secrets of every kind and a key, and turns ECS Exec on; a third environment turns it off again.
 */
const PROPS: CicdServiceProps = {
  serviceName: 'orders',
  environment: { GREETING: 'Hello', LOG_LEVEL: 'info' },
  secrets: { API_TOKEN: PARTIAL_SECRET },
  environments: [
    { name: 'staging', environment: { FEATURE_X: 'on' } },
    {
      name: 'production',
      requireApproval: true,
      environment: { LOG_LEVEL: 'warn' },
      secrets: { DB_PASSWORD: JSON_KEY, DB_URL: SECRET, SIGNING_KEY: PARAMETER },
      secretsKeyArn: KEY,
      enableExecuteCommand: true,
    },
  ],
};

function container(stack: SynthesizedStack): any {
  return only(stack.json, 'AWS::ECS::TaskDefinition')[1].Properties.ContainerDefinitions[0];
}

/** The container's environment as name -> value. */
function variables(stack: SynthesizedStack): Record<string, string> {
  return Object.fromEntries((container(stack).Environment ?? []).map((e: any) => [e.Name, e.Value]));
}

function secrets(stack: SynthesizedStack): Record<string, string> {
  return Object.fromEntries((container(stack).Secrets ?? []).map((e: any) => [e.Name, e.ValueFrom]));
}

/** The logical ID of the task definition's execution role. */
function executionRole(stack: SynthesizedStack): string {
  return only(stack.json, 'AWS::ECS::TaskDefinition')[1].Properties.ExecutionRoleArn['Fn::GetAtt'][0];
}

describe('variables and secrets', () => {
  let s: SynthesizedService;
  beforeAll(() => {
    s = synthesizeService(PROPS);
  });

  test('plain variables go into the container\'s environment, the environment\'s over the service\'s', () => {
    expect(variables(s.environments[0])).toEqual({ FEATURE_X: 'on', GREETING: 'Hello', LOG_LEVEL: 'info' });
    expect(variables(s.environments[1])).toEqual({ GREETING: 'Hello', LOG_LEVEL: 'warn' });
  });

  test('secrets go into the container\'s secrets as references, never as values', () => {
    expect(secrets(s.environments[0])).toEqual({ API_TOKEN: PARTIAL_SECRET });
    expect(secrets(s.environments[1])).toEqual({ API_TOKEN: PARTIAL_SECRET, DB_PASSWORD: JSON_KEY, DB_URL: SECRET, SIGNING_KEY: PARAMETER });
  });

  test('the execution role reads exactly the named secrets: the secret\'s ARN, "-??????" for a partial one, the parameter, the key', () => {
    const reads = (stack: SynthesizedStack) => secretReads(stack.json).map((r) => `${r.action} ${r.resource}`).sort();
    expect(reads(s.environments[0])).toEqual([`secretsmanager:GetSecretValue ${PARTIAL_SECRET}-??????`]);
    expect(reads(s.environments[1])).toEqual([
      `kms:Decrypt ${KEY}`,
      `secretsmanager:GetSecretValue ${PARTIAL_SECRET}-??????`,
      // The JSON key and the complete ARN name the same secret: one grant.
      `secretsmanager:GetSecretValue ${SECRET}`,
      `ssm:GetParameters ${PARAMETER}`,
    ].sort());
    // ...and only the execution role does.
    for (const env of s.environments) {
      for (const read of secretReads(env.json)) {
        expect([read.policy, env.json.Resources[read.policy].Properties.Roles]).toEqual([read.policy, [{ Ref: executionRole(env) }]]);
      }
    }
  });

  test('the IAM walk passes the stacks and reports a read beyond the container\'s secrets', () => {
    for (const env of s.environments) expect(iamViolations(env.json)).toEqual([]);
    const planted = JSON.parse(JSON.stringify(s.environments[1].json));
    const policy = planted.Resources[secretReads(planted)[0].policy];
    policy.Properties.PolicyDocument.Statement.push(
      { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:other-??????` },
      { Effect: 'Allow', Action: 'ssm:GetParametersByPath', Resource: PARAMETER },
    );
    expect(iamViolations(planted)).toEqual([
      expect.stringContaining(`secretsmanager:GetSecretValue on arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:other, which no container secret names`),
      expect.stringContaining('ssm:GetParametersByPath beyond what ECS needs'),
      expect.stringContaining('ssm:GetParametersByPath on'),
    ]);
    // A container secret without its grant fails the walk too.
    const ungranted = JSON.parse(JSON.stringify(s.environments[0].json));
    ungranted.Resources[secretReads(ungranted)[0].policy].Properties.PolicyDocument.Statement = ungranted.Resources[secretReads(ungranted)[0].policy]
      .Properties.PolicyDocument.Statement.filter((st: any) => st.Action !== 'secretsmanager:GetSecretValue');
    expect(iamViolations(ungranted)).toEqual([`the container secret ${PARTIAL_SECRET} is not readable by the execution role`]);
  });

  test('without secrets the execution role reads none, and a key alone grants nothing', () => {
    const plain = synthesizeService({ serviceName: 'orders', environment: { GREETING: 'Hi' }, secretsKeyArn: KEY });
    for (const env of [...plain.environments, ...defaultService().environments]) {
      expect(secretReads(env.json)).toEqual([]);
      expect(container(env).Secrets).toBeUndefined();
    }
    expect(variables(plain.environments[0])).toEqual({ GREETING: 'Hi' });
  });

  test('a secret that selects a JSON key marks the container for the Fargate platform that supports it', () => {
    // ECS takes the selector as part of valueFrom; aws-cdk-lib checks the platform version for it.
    const stack = s.service.environmentStacks[1];
    expect(stack.taskDefinition.referencesSecretJsonField).toBe(true);
    expect(s.service.environmentStacks[0].taskDefinition.referencesSecretJsonField).toBeFalsy();
  });

  test('a variable of an environment overrides a service-wide secret of that name, and the other way round', () => {
    const over = synthesizeService({
      serviceName: 'orders',
      environment: { MODE: 'plain' },
      secrets: { TOKEN: SECRET },
      environments: [{ name: 'staging', environment: { TOKEN: 'not-secret-here' }, secrets: { MODE: PARAMETER } }],
    });
    expect(variables(over.environments[0])).toEqual({ TOKEN: 'not-secret-here' });
    expect(secrets(over.environments[0])).toEqual({ MODE: PARAMETER });
    expect(iamViolations(over.environments[0].json)).toEqual([]);
  });
});

/** The log groups of an environment but those of the test-traffic hook's functions (a canary environment's, unnamed). */
function serviceLogGroups(json: any): Array<[string, any]> {
  return resourcesOfType(json, 'AWS::Logs::LogGroup').filter(([id]) => !id.startsWith('DeploymentTestTrafficHook'));
}

describe('ECS Exec', () => {
  let s: SynthesizedService;
  beforeAll(() => {
    s = synthesizeService({ ...PROPS, logRetention: logs.RetentionDays.TWO_WEEKS });
  });

  test('is off by default: no exec on the service, no cluster logging, no ssmmessages grant', () => {
    for (const env of [...defaultService().environments, s.environments[0]]) {
      expect(only(env.json, 'AWS::ECS::Service')[1].Properties.EnableExecuteCommand).toBeUndefined();
      expect(only(env.json, 'AWS::ECS::Cluster')[1].Properties.Configuration?.ExecuteCommandConfiguration).toBeUndefined();
      expect(grants(env.json).flatMap((g) => g.actions).filter((a) => a.startsWith('ssmmessages:'))).toEqual([]);
      expect(serviceLogGroups(env.json)).toHaveLength(1);
    }
  });

  test('on: the service allows it, the cluster logs the sessions to the environment\'s own log group', () => {
    const env = s.environments[1].json;
    expect(only(env, 'AWS::ECS::Service')[1].Properties.EnableExecuteCommand).toBe(true);
    const groups = Object.fromEntries(serviceLogGroups(env).map(([id, r]) => [r.Properties.LogGroupName, [id, r]]));
    expect(Object.keys(groups).sort()).toEqual(['/ecs/orders/production', '/ecs/orders/production/exec']);
    const [execId, exec] = groups['/ecs/orders/production/exec'];
    // The retention of the service's log group, and deleted with the stack like it.
    expect(exec.Properties.RetentionInDays).toBe(14);
    expect(groups['/ecs/orders/production'][1].Properties.RetentionInDays).toBe(14);
    expect(exec.DeletionPolicy).toBe('Delete');
    expect(only(env, 'AWS::ECS::Cluster')[1].Properties.Configuration.ExecuteCommandConfiguration).toEqual({
      Logging: 'OVERRIDE',
      LogConfiguration: { CloudWatchLogGroupName: { Ref: execId }, CloudWatchEncryptionEnabled: false },
    });
  });

  test('the task role, and only it, may open the channels and write the session log, in a policy of its own', () => {
    const env = s.environments[1].json;
    const taskRole = only(env, 'AWS::ECS::TaskDefinition')[1].Properties.TaskRoleArn['Fn::GetAtt'][0];
    const policies = [...new Set(grants(env).filter((g) => g.actions.some((a) => a.startsWith('ssmmessages:') || a === 'logs:DescribeLogGroups')).map((g) => g.policy))];
    expect(policies).toHaveLength(1);
    expect(policies[0]).toMatch(/^ExecuteCommandPolicy/);
    const exec = grants(env).filter((g) => g.policy === policies[0]);
    expect(env.Resources[policies[0]].Properties.Roles).toEqual([{ Ref: taskRole }]);
    const execLogGroup = resourcesOfType(env, 'AWS::Logs::LogGroup').find(([, r]) => r.Properties.LogGroupName.endsWith('/exec'))![0];
    expect(exec.map((g) => [g.actions, g.resources])).toEqual([
      [['ssmmessages:CreateControlChannel', 'ssmmessages:CreateDataChannel', 'ssmmessages:OpenControlChannel', 'ssmmessages:OpenDataChannel'], ['*']],
      [['logs:DescribeLogGroups'], ['*']],
      [['logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'], [{ 'Fn::GetAtt': [execLogGroup, 'Arn'] }]],
    ]);
    // The service waits for the policy: a task started without it would have no working agent.
    expect(only(env, 'AWS::ECS::Service')[1].DependsOn).toContain(policies[0]);
    expect(iamViolations(env)).toEqual([]);
  });

  test('an environment can turn it off again, or on alone', () => {
    const mixed = synthesizeService({
      serviceName: 'orders',
      enableExecuteCommand: true,
      environments: [{ name: 'staging' }, { name: 'production', enableExecuteCommand: false }],
    });
    expect(mixed.environments.map((e) => only(e.json, 'AWS::ECS::Service')[1].Properties.EnableExecuteCommand)).toEqual([true, undefined]);
  });
});

describe('validation', () => {
  const cases: Array<[string, Partial<CicdServiceProps>, string]> = [
    ['a map that is a list', { environment: ['A=1'] as any }, '"environment": got ["A=1"]; expected a map of environment variable names to string values'],
    ['a name with a hyphen', { environment: { 'BAD-NAME': 'x' } }, '"environment": got "BAD-NAME"'],
    ['a name starting with a digit', { secrets: { '1A': SECRET } }, '"secrets": got "1A"'],
    ['PORT', { environment: { PORT: '80' } }, '"environment": got "PORT"'],
    ['a variable the image sets', { environment: { SERVICE_VERSION: '1' } }, '"environment": got "SERVICE_VERSION"'],
    ['NODE_ENV as a secret', { secrets: { NODE_ENV: SECRET } }, '"secrets": got "NODE_ENV"'],
    ['a variable ECS sets', { environment: { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/x' } }, '"environment": got "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"'],
    ['an ECS_ variable', { environment: { ECS_CONTAINER_METADATA_URI_V4: 'x' } }, '"environment": got "ECS_CONTAINER_METADATA_URI_V4"'],
    ['__proto__', { environment: JSON.parse('{"__proto__": "x"}') }, '"environment": got "__proto__"'],
    ['a number value', { environment: { FOO: 1 as any } }, '"environment.FOO": got 1; expected a literal string'],
    ['a value with a line break', { environment: { FOO: 'a\nb' } }, '"environment.FOO": got "a\\nb"'],
    ['a CDK token as a value', { environment: { FOO: '${Token[Bucket.Name.123]}' } }, '"environment.FOO"'],
    ['a name both a variable and a secret', { environment: { DB: 'x' }, secrets: { DB: SECRET } }, '"secrets.DB": got'],
    ['a secret that is no ARN', { secrets: { DB: 'orders/db' } }, '"secrets.DB": got "orders/db"; expected the ARN of a Secrets Manager secret'],
    ['a secret of an 11-digit account', { secrets: { DB: SECRET.replace(ACCOUNT, '12345678901') } }, '"secrets.DB"'],
    ['a secret in an unknown region', { secrets: { DB: SECRET.replace('eu-west-1', 'eu-west-9') } }, '"secrets.DB"'],
    ['a secret of a region outside its partition', { secrets: { DB: SECRET.replace('arn:aws:', 'arn:aws-cn:') } }, '"secrets.DB"'],
    ['an empty JSON selector', { secrets: { DB: `${SECRET}:::` } }, '"secrets.DB"'],
    ['a selector with a stage and a version', { secrets: { DB: `${SECRET}:password:AWSCURRENT:0123456789abcdef` } }, '"secrets.DB"'],
    ['a selector of two parts', { secrets: { DB: `${SECRET}:password` } }, '"secrets.DB"'],
    ['an SSM parameter without a name', { secrets: { DB: `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/` } }, '"secrets.DB"'],
    ['an SSM parameter with a double slash', { secrets: { DB: `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/a//b` } }, '"secrets.DB"'],
    ['a secret ARN of another service', { secrets: { DB: `arn:aws:s3:::${ACCOUNT}-bucket` } }, '"secrets.DB"'],
    ['a key alias', { secretsKeyArn: `arn:aws:kms:eu-west-1:${ACCOUNT}:alias/orders` }, '"secretsKeyArn": got "arn:aws:kms:eu-west-1:123456789012:alias/orders"; expected the ARN of a KMS key'],
    ['a key ID without ARN', { secretsKeyArn: '12345678-1234-1234-1234-123456789012' }, '"secretsKeyArn"'],
    ['exec as a string', { enableExecuteCommand: 'yes' as any }, '"enableExecuteCommand": got "yes"; expected true or false'],
    ['an environment\'s secret', { environments: [{ name: 'staging' }, { name: 'production', secrets: { DB_PASSWORD: 'hunter2' } }] },
      '"environments[1].secrets.DB_PASSWORD": got "hunter2"'],
    ['an environment\'s variable name', { environments: [{ name: 'staging', environment: { 'A B': 'x' } }] }, '"environments[0].environment": got "A B"'],
    ['an environment\'s variable also its secret', { environments: [{ name: 'staging', environment: { DB: 'x' }, secrets: { DB: SECRET } }] }, '"environments[0].secrets.DB"'],
    ['an environment\'s key', { environments: [{ name: 'staging', secretsKeyArn: 'key' }] }, '"environments[0].secretsKeyArn": got "key"'],
    ['an environment\'s exec', { environments: [{ name: 'staging', enableExecuteCommand: 1 as any }] }, '"environments[0].enableExecuteCommand": got 1'],
  ];

  test.each(cases)('rejects %s, naming the option', (_what, props, message) => {
    const app = new App();
    expect(() => new CicdService(app, { serviceName: 'orders', ...props } as CicdServiceProps)).toThrow(`Invalid option ${message}`);
    expect(app.node.children).toEqual([]);
  });

  test('accepts every kind of reference', () => {
    const ok = [
      SECRET, PARTIAL_SECRET, JSON_KEY, `${SECRET}::AWSPREVIOUS:`, `${PARTIAL_SECRET}:user::`,
      `${SECRET}:password::01234567-89ab-cdef-0123-456789abcdef`, PARAMETER, `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter/flat`,
      `arn:aws-cn:secretsmanager:cn-north-1:${ACCOUNT}:secret:db-AbCdEf`, `arn:aws-us-gov:ssm:us-gov-west-1:${ACCOUNT}:parameter/x`,
    ];
    for (const arn of ok) expect(() => new CicdService(new App(), { serviceName: 'orders', secrets: { X: arn } })).not.toThrow();
    expect(() => new CicdService(new App(), { serviceName: 'orders', secretsKeyArn: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/mrk-0123456789abcdef0123456789abcdef` })).not.toThrow();
  });
});

describe('a planted secret value', () => {
  // What a developer's shell, or the build, might hold while it synthesizes.
  const PLANTED = 'planted-S3cr3t-value-7f3a9c';
  const names = ['API_TOKEN', 'DB_PASSWORD', 'DB_URL', 'SIGNING_KEY', 'GREETING'];
  let saved: Record<string, string | undefined>;
  beforeAll(() => {
    saved = Object.fromEntries(names.map((n) => [n, process.env[n]]));
    for (const n of names) process.env[n] = PLANTED;
  });
  afterAll(() => {
    for (const [n, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[n];
      else process.env[n] = v;
    }
  });

  /** Every file below `dir` that contains `text`. */
  function filesContaining(dir: string, text: string): string[] {
    return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => path.join(e.parentPath, e.name))
      .filter((file) => fs.readFileSync(file, 'utf-8').includes(text));
  }

  test('appears in no synthesized template and no generated file', () => {
    const { environment, secrets: serviceSecrets, environments } = PROPS;
    const project = synth({ environment, secrets: serviceSecrets, environments });
    const generated = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'planted-'));
    for (const [file, content] of Object.entries(project)) {
      fs.mkdirSync(path.dirname(path.join(generated, file)), { recursive: true });
      fs.writeFileSync(path.join(generated, file), typeof content === 'string' ? content : JSON.stringify(content));
    }
    // The generated settings carry the references, so the CDK app deploys them.
    expect(project['src/service-settings.ts']).toContain(JSON_KEY);
    expect(project['src/service-settings.ts']).toContain('enableExecuteCommand: true');
    const s = synthesizeService(PROPS);
    expect(s.environments).toHaveLength(2);
    expect(filesContaining(s.outdir, PLANTED)).toEqual([]);
    expect(filesContaining(generated, PLANTED)).toEqual([]);
    // The search finds the value where it is.
    fs.writeFileSync(path.join(s.outdir, 'control.json'), JSON.stringify({ value: process.env.DB_PASSWORD }));
    expect(filesContaining(s.outdir, PLANTED)).toEqual([path.join(s.outdir, 'control.json')]);
    expect(filesContaining(s.outdir, 'AWS::ECS::TaskDefinition').length).toBeGreaterThan(1);
  });
});
