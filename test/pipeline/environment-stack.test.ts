import { only, resourcesOfType, threeServices } from '../support/service-stacks';

const svc = threeServices();

function container(json: any): any {
  const [, taskDef] = only(json, 'AWS::ECS::TaskDefinition');
  expect(taskDef.Properties.ContainerDefinitions).toHaveLength(1);
  return taskDef.Properties.ContainerDefinitions[0];
}

test('the task runs the image that the environment\'s tag names, from the pipeline\'s repository', () => {
  for (const env of svc.base.environments) {
    const image = JSON.stringify(container(env.json).Image);
    expect(image).toContain(`:env-${env.stack._environment.name}`);
    expect(image).toContain('/orders');
  }
  // In another account, the image still comes from the pipeline account's repository.
  expect(JSON.stringify(container(svc.cross.environments[1].json).Image)).toContain('111111111111.dkr.ecr.eu-west-1.');
});

test('names carry the environment; the container name is the service\'s, as imagedefinitions.json names it', () => {
  const env = svc.base.environments[1].json;
  expect(only(env, 'AWS::ECS::Cluster')[1].Properties.ClusterName).toBe('orders-production');
  expect(only(env, 'AWS::ECS::Service')[1].Properties.ServiceName).toBe('orders-production');
  expect(only(env, 'AWS::ECS::TaskDefinition')[1].Properties.Family).toBe('orders-production');
  expect(resourcesOfType(env, 'AWS::Logs::LogGroup').map(([, g]) => g.Properties.LogGroupName).filter(Boolean)).toEqual(['/ecs/orders/production']);
  expect(container(env).Name).toBe('orders');
  expect(container(env).PortMappings).toEqual([{ ContainerPort: 8080, Protocol: 'tcp' }]);
});

test('per-environment sizes override the service-wide ones', () => {
  const sizes = svc.custom.environments.map((e) => {
    const task = only(e.json, 'AWS::ECS::TaskDefinition')[1].Properties;
    const scaling = only(e.json, 'AWS::ApplicationAutoScaling::ScalableTarget')[1].Properties;
    return [e.stack._environment.name, task.Cpu, task.Memory, only(e.json, 'AWS::ECS::Service')[1].Properties.DesiredCount, scaling.MinCapacity, scaling.MaxCapacity];
  });
  expect(sizes).toEqual([
    ['test', '256', '512', 1, 1, 1],
    ['staging', '1024', '4096', 2, 2, 6],
    ['production', '1024', '4096', 3, 3, 12],
  ]);
});

test('HTTPS where the environment names a certificate, with HTTP redirected; the URL follows', () => {
  const listeners = (json: any) => resourcesOfType(json, 'AWS::ElasticLoadBalancingV2::Listener').map(([, l]) => [l.Properties.Port, l.Properties.DefaultActions[0].Type]);
  // Production's canary deployment forwards through listener rules, and adds the test listener.
  expect(listeners(svc.custom.environments[2].json).sort()).toEqual([[443, 'fixed-response'], [80, 'redirect'], [9000, 'fixed-response']]);
  expect(listeners(svc.custom.environments[1].json)).toEqual([[80, 'forward']]);
  expect(JSON.stringify(svc.custom.environments[2].json.Outputs.ServiceUrl.Value)).toContain('https://');
  expect(JSON.stringify(svc.custom.environments[1].json.Outputs.ServiceUrl.Value)).toContain('http://');
  const [, https] = resourcesOfType(svc.custom.environments[2].json, 'AWS::ElasticLoadBalancingV2::Listener').find(([, l]) => l.Properties.Port === 443)!;
  expect(https.Properties.SslPolicy).toBe('ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09');
});

describe('load balancer access logs', () => {
  const attributes = (json: any) => Object.fromEntries(only(json, 'AWS::ElasticLoadBalancingV2::LoadBalancer')[1].Properties.LoadBalancerAttributes.map((a: any) => [a.Key, a.Value]));

  test('are on in an environment-agnostic stack: the region\'s log account from a map, or the log delivery service', () => {
    const env = svc.base.environments[0].json;
    expect(attributes(env)['access_logs.s3.enabled']).toBe('true');
    expect(attributes(env)['access_logs.s3.prefix']).toBe('load-balancer');
    const mapping = Object.values<any>(env.Mappings ?? {})[0];
    expect(mapping['eu-west-1']).toEqual({ account: '156460612806' });
    expect(mapping['ap-southeast-5']).toEqual({ account: 'none' });
    const [, policy] = only(env, 'AWS::S3::BucketPolicy');
    const sids = policy.Properties.PolicyDocument.Statement.map((s: any) => s.Sid).filter(Boolean);
    expect(sids).toEqual(['LoadBalancerLogsByRegionAccount', 'LoadBalancerLogsByLogDelivery']);
    const byService = policy.Properties.PolicyDocument.Statement.find((s: any) => s.Sid === 'LoadBalancerLogsByLogDelivery');
    expect(byService.Principal).toEqual({ Service: 'logdelivery.elasticloadbalancing.amazonaws.com' });
    expect(byService.Action).toBe('s3:PutObject');
  });

  test('are on with aws-cdk-lib\'s own policy where the region is known', () => {
    const env = svc.custom.environments[0].json;
    expect(attributes(env)['access_logs.s3.enabled']).toBe('true');
    expect(env.Mappings).toBeUndefined();
    expect(JSON.stringify(only(env, 'AWS::S3::BucketPolicy')[1])).toContain('156460612806');
  });
});

test('the ECS deploy role: named for the pipeline, trusted by the pipeline\'s account, scoped to its service', () => {
  const env = svc.cross.environments[1].json;
  const [id, role] = resourcesOfType(env, 'AWS::IAM::Role').find(([, r]) => r.Properties.RoleName === 'orders-production-ecs-deploy')!;
  expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([expect.objectContaining({
    Action: 'sts:AssumeRole',
    Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111111111111:root']] } },
  })]);
  const policy = resourcesOfType(env, 'AWS::IAM::Policy').find(([, p]) => JSON.stringify(p.Properties.Roles).includes(id))![1];
  const statements = policy.Properties.PolicyDocument.Statement;
  expect(statements.map((s: any) => s.Sid)).toEqual([
    'UpdateTheService', 'WatchTheDeployment', 'ListTheClusterTasks', 'RegisterTaskDefinitions', 'TagNewRevisions', 'PassTheTaskRoles',
    'ReadPipelineArtifacts', 'DecryptPipelineArtifacts',
  ]);
  expect(statements.find((s: any) => s.Sid === 'ReadPipelineArtifacts').Condition).toEqual({ StringEquals: { 's3:ResourceAccount': '111111111111' } });
  expect(JSON.stringify(statements.find((s: any) => s.Sid === 'UpdateTheService').Resource)).toContain(':service/orders-production/orders-production');
});

test('the service runs behind the load balancer with the circuit breaker on, and outputs its URL', () => {
  const [, service] = only(svc.base.environments[0].json, 'AWS::ECS::Service');
  expect(service.Properties.DeploymentConfiguration.DeploymentCircuitBreaker).toEqual({ Enable: true, Rollback: true });
  expect(service.Properties.LoadBalancers).toEqual([expect.objectContaining({ ContainerName: 'orders', ContainerPort: 8080 })]);
  expect(Object.keys(svc.base.environments[0].json.Outputs)).toEqual(expect.arrayContaining(['ServiceUrl', 'ClusterName', 'EcsServiceName']));
});

test('an environment with its own account and region names them; Availability Zones are resolved at deploy time', () => {
  const stack = svc.cross.environments[1].stack;
  expect([stack.account, stack.region]).toEqual(['222222222222', 'eu-west-1']);
  const subnets = resourcesOfType(svc.cross.environments[1].json, 'AWS::EC2::Subnet').map(([, s]) => s.Properties.AvailabilityZone);
  expect(subnets).toEqual([{ 'Fn::Select': [0, { 'Fn::GetAZs': '' }] }, { 'Fn::Select': [1, { 'Fn::GetAZs': '' }] }]);
});
