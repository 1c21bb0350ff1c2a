import { App, Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { CicdService, CicdServiceProps } from '../../src';
import { resolveServiceSettings } from '../../src/shared/service-settings';
import { defaultService, STRICT_PROPS, strictService, SynthesizedService, SynthesizedStack, synthesizeService } from '../support/service-stacks';

function resources(stack: SynthesizedStack, type: string): Array<[string, any]> {
  return Object.entries<any>(stack.json.Resources).filter(([, r]) => r.Type === type);
}

/** The logical IDs of the resources of `type` whose property `path` (dot-separated) is unset. */
function without(stack: SynthesizedStack, type: string, path: string): string[] {
  return resources(stack, type)
    .filter(([, r]) => path.split('.').reduce((v: any, k) => v?.[k], r.Properties) === undefined)
    .map(([id]) => id);
}

/** The Control Tower rules acknowledged in a stack, with the construct that carries each. */
function controlAcknowledgments(stack: SynthesizedStack): string[] {
  return stack.stack.node.findAll().flatMap((c) => c.node.metadata
    .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((m) => Object.keys(m.data).filter((id) => id.startsWith('cdk-validator-cfnguard::')).map((id) => `${c.node.path.split('/').slice(1).join('/')} ${id.split('::')[1]}`)))
    .sort();
}

/** The construct paths (below the stack) that acknowledge the Control Tower rule `rule`. */
function acknowledgedRule(stack: SynthesizedStack, rule: string): string[] {
  return controlAcknowledgments(stack).filter((a) => a.endsWith(` ${rule}`)).map((a) => a.slice(0, -rule.length - 1));
}

describe('strict compliance', () => {
  let s: SynthesizedService;
  let strictStacks: SynthesizedStack[];
  beforeAll(() => {
    s = strictService();
    strictStacks = [s.delivery, ...s.environments.filter((e) => e.stack._environment.compliance === 'strict')];
  });

  test('the pipeline follows the service; dev keeps standard, staging and production are strict', () => {
    expect(s.environments.map((e) => [e.stack._environment.name, e.stack._environment.compliance])).toEqual([
      ['dev', 'standard'], ['staging', 'strict'], ['production', 'strict'],
    ]);
    expect(strictStacks).toHaveLength(3);
  });

  test('every log group of a strict stack is encrypted with the stack\'s customer-managed key', () => {
    for (const stack of strictStacks) {
      const groups = resources(stack, 'AWS::Logs::LogGroup');
      expect(groups.length).toBeGreaterThan(0);
      expect([stack.stack.stackName, without(stack, 'AWS::Logs::LogGroup', 'KmsKeyId')]).toEqual([stack.stack.stackName, []]);
      for (const [, group] of groups) expect(group.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ComplianceKey/), 'Arn'] });
    }
    // Production has ECS Exec and a canary deployment: the session log group and the test-traffic hook's two are encrypted too.
    expect(resources(s.environments[2], 'AWS::Logs::LogGroup')).toHaveLength(4);
  });

  test('every key rotates, lets only AWS services create grants, and the log key serves the account\'s log groups only', () => {
    for (const stack of strictStacks) {
      const keys = resources(stack, 'AWS::KMS::Key');
      expect(keys.length).toBeGreaterThan(0);
      for (const [, key] of keys) {
        expect(key.Properties.EnableKeyRotation).toBe(true);
        expect(key.Properties.KeyPolicy.Statement).toContainEqual(expect.objectContaining({
          Effect: 'Deny',
          Action: 'kms:CreateGrant',
          Principal: { AWS: '*' },
          Resource: '*',
          Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
        }));
      }
      stack.template.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([Match.objectLike({
            Sid: 'LogGroupsOfThisAccount',
            Principal: { Service: 'logs.eu-west-1.amazonaws.com' },
            Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:logs:eu-west-1:${stack.stack.account}:log-group:*`]] } } },
          })]),
        },
      });
    }
  });

  test('the artifact bucket, the image repository and every topic use customer-managed keys', () => {
    s.delivery.template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() } }] },
    });
    s.delivery.template.hasResourceProperties('AWS::ECR::Repository', {
      EncryptionConfiguration: { EncryptionType: 'KMS', KmsKey: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ComplianceKey'), 'Arn'] } },
    });
    s.delivery.template.hasResourceProperties('AWS::CodeBuild::Project', { EncryptionKey: Match.anyValue() });
    // The production environment, in another account, has a topic of its own.
    for (const stack of [s.delivery, s.environments[2]]) {
      expect(resources(stack, 'AWS::SNS::Topic')).toHaveLength(1);
      expect(without(stack, 'AWS::SNS::Topic', 'KmsMasterKeyId')).toEqual([]);
    }
  });

  test('the only buckets without a customer-managed key are the log buckets, which acknowledge the control with its reason', () => {
    for (const stack of strictStacks) {
      const sseS3 = resources(stack, 'AWS::S3::Bucket')
        .filter(([, r]) => r.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm !== 'aws:kms')
        .map(([id]) => id);
      expect(sseS3).toEqual([expect.stringMatching(/^LogBucket/)]);
      expect(acknowledgedRule(stack, 's3_bucket_default_encryption_kms_check')).toEqual(['LogBucket/Resource']);
    }
  });

  test('a strict stack acknowledges none of the Control Tower rules that strict passes', () => {
    const passed = ['cloudwatch_log_group_encrypted_check', 'codebuild_project_environment_privileged_check', 'ecs_service_assign_public_ip_disabled_check',
      'kms_create_grant_aws_service_check', 'subnet_auto_assign_public_ip_disabled_check'];
    for (const stack of strictStacks) {
      expect([stack.stack.stackName, passed.flatMap((rule) => acknowledgedRule(stack, rule))]).toEqual([stack.stack.stackName, []]);
    }
  });

  test('the build runs without privileged mode, on the Docker server, without a local Docker layer cache', () => {
    s.delivery.template.hasResourceProperties('AWS::CodeBuild::Project', {
      Environment: { PrivilegedMode: false, DockerServer: { ComputeType: 'BUILD_GENERAL1_SMALL' } },
      Cache: { Type: 'NO_CACHE' },
    });
    // The pull request build too: no project of a strict stack is privileged.
    const projects = resources(s.delivery, 'AWS::CodeBuild::Project');
    expect(projects.length).toBeGreaterThan(1);
    for (const [id, project] of projects) expect([id, project.Properties.Environment.PrivilegedMode === true]).toEqual([id, false]);
    s.delivery.template.hasResourceProperties('AWS::CodeBuild::Project', {
      Name: 'ledger-pull-requests', Environment: { PrivilegedMode: false, DockerServer: { ComputeType: 'BUILD_GENERAL1_SMALL' } },
    });
  });

  test('strict tasks run in private subnets without public IPs, behind a NAT gateway; public subnets assign none', () => {
    for (const env of s.environments.slice(1)) {
      env.template.hasResourceProperties('AWS::ECS::Service', {
        NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: 'DISABLED', Subnets: [{ Ref: Match.stringLikeRegexp('^VpcPrivateSubnet1') }, { Ref: Match.stringLikeRegexp('^VpcPrivateSubnet2') }] } },
      });
      env.template.resourceCountIs('AWS::EC2::NatGateway', 1);
      const subnets = resources(env, 'AWS::EC2::Subnet');
      expect(subnets).toHaveLength(4);
      expect(subnets.filter(([, r]) => r.Properties.MapPublicIpOnLaunch !== false)).toEqual([]);
    }
  });

  test('HTTPS only where a certificate is set; without one, the HTTP listener acknowledges the control with its reason', () => {
    const production = s.environments[2];
    production.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80, DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }],
    });
    production.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 443, Protocol: 'HTTPS' });
    // Production's canary deployment has a test listener, on HTTP inside the VPC: acknowledged with a reason of its own.
    expect(acknowledgedRule(production, 'alb_http_to_https_redirection_check')).toEqual(['LoadBalancer/Test/Resource']);
    expect(acknowledgedRule(s.environments[1], 'alb_http_to_https_redirection_check')).toEqual(['LoadBalancer/Http/Resource']);
  });

  test('an environment that keeps standard is unchanged: public tasks, no key, the standard profile\'s acknowledgments', () => {
    const dev = s.environments[0];
    dev.template.resourceCountIs('AWS::KMS::Key', 0);
    dev.template.resourceCountIs('AWS::EC2::NatGateway', 0);
    dev.template.hasResourceProperties('AWS::ECS::Service', { NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: 'ENABLED' } } });
    expect(without(dev, 'AWS::Logs::LogGroup', 'KmsKeyId')).toHaveLength(1);
    expect(controlAcknowledgments(dev)).toEqual([
      'LoadBalancer/Http/Resource alb_http_to_https_redirection_check',
      'LoadBalancer/Resource elbv2_deletion_protection_enabled_check',
      'LogBucket/Resource s3_bucket_default_encryption_kms_check',
      'LogBucket/Resource s3_bucket_logging_enabled_check',
      'LogBucket/Resource s3_bucket_object_lock_enabled_check',
      'LogBucket/Resource s3_bucket_versioning_enabled_check',
      'LogBucket/Resource s3_event_notifications_enabled_check',
      'Service/Service ecs_service_assign_public_ip_disabled_check',
      'ServiceLogGroup/Resource cloudwatch_log_group_encrypted_check',
      'Vpc/PublicSubnet1/Subnet subnet_auto_assign_public_ip_disabled_check',
      'Vpc/PublicSubnet2/Subnet subnet_auto_assign_public_ip_disabled_check',
    ]);
  });

  test('a log group that a user adds to a strict stack is encrypted too', () => {
    const app = new App();
    const service = new CicdService(app, STRICT_PROPS);
    const { LogGroup } = jest.requireActual('aws-cdk-lib/aws-logs');
    new LogGroup(service.environmentStacks[1], 'Extra');
    const template = app.synth().getStackByName(service.environmentStacks[1].stackName).template;
    expect(Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::Logs::LogGroup' && r.Properties?.KmsKeyId === undefined)).toEqual([]);
  });
});

describe('standard compliance (the default)', () => {
  test('keeps the low-cost shape: privileged build with a layer cache, no log group key, public tasks', () => {
    const s = defaultService();
    expect(s.delivery.stack._settings.compliance).toBe('standard');
    s.delivery.template.hasResourceProperties('AWS::CodeBuild::Project', {
      Environment: { PrivilegedMode: true, DockerServer: Match.absent() },
      Cache: { Type: 'LOCAL', Modes: ['LOCAL_DOCKER_LAYER_CACHE'] },
    });
    s.delivery.template.resourceCountIs('AWS::KMS::Key', 1);
    for (const stack of s.all) expect(without(stack, 'AWS::Logs::LogGroup', 'KmsKeyId')).toHaveLength(resources(stack, 'AWS::Logs::LogGroup').length);
    for (const env of s.environments) env.template.resourceCountIs('AWS::EC2::NatGateway', 0);
  });
});

describe('compliance options', () => {
  const base = { serviceName: 'orders' };
  test.each<[string, Record<string, unknown>, RegExp]>([
    ['an unknown profile', { compliance: 'lax' }, /"compliance": got "lax"; expected one of "standard", "strict"/],
    ['a profile that is no string', { compliance: true }, /"compliance": got true/],
    ['an unknown environment profile', { environments: [{ name: 'dev' }, { name: 'prod', compliance: 'STRICT' }] }, /"environments\[1\]\.compliance": got "STRICT"/],
    ['strict with public task subnets', { compliance: 'strict', network: { taskSubnets: 'public' } }, /"network\.taskSubnets": got "public"; expected "private" \(or none\) when the environment's compliance is "strict"/],
    ['a strict environment with public task subnets of its own', { environments: [{ name: 'prod', compliance: 'strict', network: { taskSubnets: 'public' } }] }, /"environments\[0\]\.network\.taskSubnets": got "public"/],
    ['strict in an existing VPC without private subnets', {
      compliance: 'strict',
      network: { vpc: { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['eu-west-1a', 'eu-west-1b'], publicSubnetIds: ['subnet-01234567', 'subnet-89abcdef'] } },
    }, /"network\.vpc\.privateSubnetIds": got undefined/],
  ])('%s is refused, naming the option', (_name, options, message) => {
    expect(() => resolveServiceSettings({ ...base, ...options })).toThrow(message);
  });

  test('strict keeps the NAT choice and the private subnets of an existing VPC', () => {
    const perZone = resolveServiceSettings({ ...base, compliance: 'strict', network: { natGateways: 'per-zone' } });
    expect(perZone.environments.map((e) => [e.network.taskSubnets, e.network.natGateways])).toEqual([['private', 2], ['private', 2]]);
    const vpc = { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['eu-west-1a', 'eu-west-1b'], publicSubnetIds: ['subnet-01234567', 'subnet-89abcdef'], privateSubnetIds: ['subnet-11111111', 'subnet-22222222'] };
    const existing = resolveServiceSettings({ ...base, compliance: 'strict', network: { vpc } });
    expect(existing.environments.map((e) => [e.network.taskSubnets, e.network.natGateways, e.network.vpc?.vpcId])).toEqual([['private', 0, vpc.vpcId], ['private', 0, vpc.vpcId]]);
  });

  test('an existing VPC\'s subnets are not the stack\'s to change', () => {
    const props: CicdServiceProps = {
      ...base,
      compliance: 'strict',
      network: { vpc: { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['eu-west-1a', 'eu-west-1b'], publicSubnetIds: ['subnet-01234567', 'subnet-89abcdef'], privateSubnetIds: ['subnet-11111111', 'subnet-22222222'] } },
      pipelineRegion: 'eu-west-1',
    };
    const s = synthesizeService(props);
    for (const env of s.environments) {
      env.template.resourceCountIs('AWS::EC2::Subnet', 0);
      env.template.hasResourceProperties('AWS::ECS::Service', {
        NetworkConfiguration: { AwsvpcConfiguration: { AssignPublicIp: 'DISABLED', Subnets: ['subnet-11111111', 'subnet-22222222'] } },
      });
    }
  });
});
