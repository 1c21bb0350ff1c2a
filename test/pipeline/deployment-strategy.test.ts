import { EXISTING_VPC, ZONE } from '../support/domain-network-stacks';
import { only, resourcesOfType, strategiesService, SynthesizedService, SynthesizedStack, synthesizeService } from '../support/service-stacks';

let s: SynthesizedService;
beforeAll(() => {
  s = strategiesService();
});

function env(name: string): any {
  const found = s.environments.find((e) => e.stack._environment.name === name);
  if (!found) throw new Error(`no environment ${name}`);
  return found.json;
}

function logicalId(json: any, type: string, match: (r: any) => boolean): string {
  const found = resourcesOfType(json, type).filter(([, r]) => match(r));
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0][0];
}

const ecsService = (json: any) => only(json, 'AWS::ECS::Service')[1].Properties;
const listeners = (json: any) => resourcesOfType(json, 'AWS::ElasticLoadBalancingV2::Listener');
const rules = (json: any) => resourcesOfType(json, 'AWS::ElasticLoadBalancingV2::ListenerRule');
const targetGroups = (json: any) => resourcesOfType(json, 'AWS::ElasticLoadBalancingV2::TargetGroup');
const listenerOnPort = (json: any, port: number) => logicalId(json, 'AWS::ElasticLoadBalancingV2::Listener', (l) => l.Properties.Port === port);

const PROGRESSIVE = ['blue-green', 'canary', 'linear'];

describe('rolling', () => {
  test('the production listener forwards to the one target group; no strategy, test listener, hook or extra role', () => {
    const json = env('rolling');
    expect(targetGroups(json)).toHaveLength(1);
    expect(rules(json)).toEqual([]);
    expect(listeners(json).map(([, l]) => [l.Properties.Port, l.Properties.DefaultActions[0].Type])).toEqual([[80, 'forward']]);
    const config = ecsService(json).DeploymentConfiguration;
    expect(config.Strategy).toBeUndefined();
    expect(config.LifecycleHooks).toBeUndefined();
    expect(config.DeploymentCircuitBreaker).toEqual({ Enable: true, Rollback: true });
    expect(ecsService(json).LoadBalancers).toEqual([expect.not.objectContaining({ AdvancedConfiguration: expect.anything() })]);
    expect(resourcesOfType(json, 'AWS::Lambda::Function')).toEqual([]);
  });
});

describe.each(PROGRESSIVE)('%s', (name) => {
  let json: any;
  let blue: string;
  let green: string;
  beforeAll(() => {
    json = env(name);
    [blue, green] = targetGroups(json).map(([id]) => id).sort((a) => (a.startsWith('TargetGroup') ? -1 : 1));
  });

  test('two target groups made alike: the alternate one is the running one\'s twin', () => {
    expect(targetGroups(json)).toHaveLength(2);
    expect(blue).toMatch(/^TargetGroup/);
    expect(green).toMatch(/^DeploymentAlternateTargetGroup/);
    expect(json.Resources[green].Properties).toEqual(json.Resources[blue].Properties);
  });

  test('production and test traffic reach both target groups through listener rules only, never a default action', () => {
    const production = listenerOnPort(json, name === 'canary' ? 443 : 80);
    const test = listenerOnPort(json, 9000);
    for (const [, l] of listeners(json)) {
      expect(['fixed-response', 'redirect']).toContain(l.Properties.DefaultActions[0].Type);
    }
    const byListener = Object.fromEntries(rules(json).map(([, r]) => [r.Properties.ListenerArn.Ref, r.Properties]));
    expect(Object.keys(byListener).sort()).toEqual([production, test].sort());
    for (const rule of Object.values<any>(byListener)) {
      expect(rule.Priority).toBe(1);
      expect(rule.Conditions).toEqual([{ Field: 'path-pattern', PathPatternConfig: { Values: ['/*'] } }]);
      expect(rule.Actions).toEqual([{
        Type: 'forward',
        ForwardConfig: { TargetGroups: [{ TargetGroupArn: { Ref: blue }, Weight: 100 }, { TargetGroupArn: { Ref: green }, Weight: 0 }] },
      }]);
    }
  });

  test('the service names the alternate target group, both rules and the infrastructure role', () => {
    const props = ecsService(json);
    const production = rules(json).find(([, r]) => r.Properties.ListenerArn.Ref !== listenerOnPort(json, 9000))![0];
    const test = rules(json).find(([, r]) => r.Properties.ListenerArn.Ref === listenerOnPort(json, 9000))![0];
    const role = logicalId(json, 'AWS::IAM::Role', (r) => JSON.stringify(r.Properties.ManagedPolicyArns ?? []).includes('AmazonECSInfrastructureRolePolicyForLoadBalancers'));
    expect(props.LoadBalancers).toEqual([{
      ContainerName: 'orders',
      ContainerPort: 8080,
      TargetGroupArn: { Ref: blue },
      AdvancedConfiguration: {
        AlternateTargetGroupArn: { Ref: green },
        ProductionListenerRule: { Ref: production },
        TestListenerRule: { Ref: test },
        RoleArn: { 'Fn::GetAtt': [role, 'Arn'] },
      },
    }]);
    expect(json.Resources[role].Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'ecs.amazonaws.com' } },
    ]);
    expect(json.Resources[role].Properties.Policies).toBeUndefined();
  });

  test('the test listener admits the hook\'s probe only, never the internet', () => {
    const [albGroupId] = resourcesOfType(json, 'AWS::EC2::SecurityGroup').find(([, g]) => g.Properties.GroupDescription.startsWith('Load balancer'))!;
    const probeGroupId = logicalId(json, 'AWS::EC2::SecurityGroup', (g) => g.Properties.GroupDescription.startsWith('Test-traffic probe'));
    const inline = json.Resources[albGroupId].Properties.SecurityGroupIngress ?? [];
    const separate = resourcesOfType(json, 'AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties)
      .filter((r) => r.GroupId?.['Fn::GetAtt']?.[0] === albGroupId);
    const onTestPort = [...inline, ...separate].filter((r: any) => r.FromPort <= 9000 && r.ToPort >= 9000);
    expect(onTestPort).toEqual([expect.objectContaining({ SourceSecurityGroupId: { 'Fn::GetAtt': [probeGroupId, 'GroupId'] }, IpProtocol: 'tcp' })]);
    expect(JSON.stringify(onTestPort)).not.toContain('0.0.0.0/0');
    // The probe talks to the test port of the load balancer, and to nothing else.
    expect(json.Resources[probeGroupId].Properties.SecurityGroupEgress).toBeUndefined();
    const egress = resourcesOfType(json, 'AWS::EC2::SecurityGroupEgress').map(([, r]) => r.Properties).filter((r) => r.GroupId['Fn::GetAtt'][0] === probeGroupId);
    expect(egress).toEqual([expect.objectContaining({ FromPort: 9000, ToPort: 9000, DestinationSecurityGroupId: { 'Fn::GetAtt': [albGroupId, 'GroupId'] } })]);
  });

  test('the hook runs after test traffic moves, invoked with its own role, and asks the test listener through the probe in the VPC', () => {
    const hook = logicalId(json, 'AWS::Lambda::Function', (f) => f.Properties.Handler === 'index.testTrafficHook');
    const probe = logicalId(json, 'AWS::Lambda::Function', (f) => f.Properties.Handler === 'index.probeTestListener');
    const [hookConfig] = ecsService(json).DeploymentConfiguration.LifecycleHooks;
    expect(hookConfig.LifecycleStages).toEqual(['POST_TEST_TRAFFIC_SHIFT']);
    expect(hookConfig.HookTargetArn).toEqual({ 'Fn::GetAtt': [hook, 'Arn'] });
    const invokeRole = hookConfig.RoleArn['Fn::GetAtt'][0];
    expect(json.Resources[invokeRole].Properties.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ Service: 'ecs.amazonaws.com' });
    const invokePolicy = resourcesOfType(json, 'AWS::IAM::Policy').find(([, p]) => p.Properties.Roles[0].Ref === invokeRole)![1];
    expect(invokePolicy.Properties.PolicyDocument.Statement).toEqual([{ Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: { 'Fn::GetAtt': [hook, 'Arn'] } }]);

    const variables = json.Resources[hook].Properties.Environment.Variables;
    expect(variables).toEqual({
      CONTAINER_NAME: 'orders',
      LOAD_BALANCER: { 'Fn::GetAtt': [expect.stringMatching(/^LoadBalancer/), 'LoadBalancerFullName'] },
      TEST_PORT: '9000',
      HEALTH_PATH: '/status/ready',
      PROBE_FUNCTION: { Ref: probe },
      ATTEMPTS: '10',
      INTERVAL_SECONDS: '30',
    });
    // The hook is outside the VPC (it calls AWS APIs); the probe inside (it reaches the load balancer's private addresses).
    expect(json.Resources[hook].Properties.VpcConfig).toBeUndefined();
    expect(json.Resources[probe].Properties.VpcConfig.SecurityGroupIds).toEqual([
      { 'Fn::GetAtt': [logicalId(json, 'AWS::EC2::SecurityGroup', (g) => g.Properties.GroupDescription.startsWith('Test-traffic probe')), 'GroupId'] },
    ]);
  });

  test('the hook\'s role: the service\'s revisions, the network interfaces, the probe; no pipeline job results', () => {
    const hookRole = json.Resources[logicalId(json, 'AWS::Lambda::Function', (f) => f.Properties.Handler === 'index.testTrafficHook')].Properties.Role['Fn::GetAtt'][0];
    const statements = resourcesOfType(json, 'AWS::IAM::Policy').filter(([, p]) => p.Properties.Roles.some((r: any) => r.Ref === hookRole))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
    const actions = statements.flatMap((st: any) => [st.Action].flat()).sort();
    expect(actions).toEqual(['ec2:DescribeNetworkInterfaces', 'ecs:DescribeServiceRevisions', 'lambda:InvokeFunction', 'logs:CreateLogStream', 'logs:PutLogEvents']);
    const revisions = statements.find((st: any) => st.Action === 'ecs:DescribeServiceRevisions');
    expect(JSON.stringify(revisions.Resource)).toContain(`:service-revision/orders-${name}/orders-${name}/*`);
  });
});

test('the strategies and their timing, as ECS takes them', () => {
  const config = (name: string) => {
    const c = ecsService(env(name)).DeploymentConfiguration;
    return [c.Strategy, c.BakeTimeInMinutes, c.CanaryConfiguration, c.LinearConfiguration];
  };
  expect(config('blue-green')).toEqual(['BLUE_GREEN', 5, undefined, undefined]);
  expect(config('canary')).toEqual(['CANARY', 3, { CanaryPercent: 20.5, CanaryBakeTimeInMinutes: 7 }, undefined]);
  expect(config('linear')).toEqual(['LINEAR', 0, undefined, { StepPercent: 50, StepBakeTimeInMinutes: 4 }]);
  // The deployment alarms are the alarms' to set; the circuit breaker still rolls back tasks that never start.
  for (const name of PROGRESSIVE) {
    expect(ecsService(env(name)).DeploymentConfiguration.DeploymentCircuitBreaker).toEqual({ Enable: true, Rollback: true });
  }
});

describe('the pipeline', () => {
  const pipelineStages = () => only(s.delivery.json, 'AWS::CodePipeline::Pipeline')[1].Properties.Stages;

  test('every environment\'s stage rolls back to its last successful execution; approvals wait in a stage of their own', () => {
    const stages = pipelineStages();
    expect(stages.map((st: any) => st.Name)).toEqual(['Source', 'Build', 'UpdatePipeline', 'rolling', 'blue-green', 'Approve-canary', 'canary', 'linear']);
    expect(stages.map((st: any) => st.OnFailure ?? null)).toEqual([null, null, null, ...[0, 1].map(() => ({ Result: 'ROLLBACK' })), null, ...[0, 1].map(() => ({ Result: 'ROLLBACK' }))]);
    // Stage rollback needs a pipeline that runs one execution at a time (SUPERSEDED or QUEUED).
    expect(only(s.delivery.json, 'AWS::CodePipeline::Pipeline')[1].Properties.ExecutionMode).toBe('SUPERSEDED');
  });

  test('the rollout waits 60 minutes for a progressive deployment, 30 for a rolling update', () => {
    const timeouts = pipelineStages()
      .flatMap((st: any) => st.Actions.filter((a: any) => a.Name === 'Rollout').map((a: any) => [st.Name, a.Configuration.DeploymentTimeout]));
    expect(timeouts).toEqual([['rolling', 30], ['blue-green', 60], ['canary', 60], ['linear', 60]]);
  });
});

test('the defaults: rolling before the last environment, canary in it; a service-wide deployment applies to every environment that sets none', () => {
  const strategies = (x: SynthesizedService) => x.environments.map((e: SynthesizedStack) => ecsService(e.json).DeploymentConfiguration.Strategy ?? 'ROLLING');
  const mixed = synthesizeService({
    serviceName: 'orders',
    deployment: { strategy: 'blue-green', bakeTimeMinutes: 1 },
    environments: [{ name: 'dev', deployment: { strategy: 'rolling' } }, { name: 'staging' }, { name: 'production' }],
  });
  expect(strategies(mixed)).toEqual(['ROLLING', 'BLUE_GREEN', 'BLUE_GREEN']);
  expect(ecsService(mixed.environments[2].json).DeploymentConfiguration.BakeTimeInMinutes).toBe(1);
  const one = synthesizeService({ serviceName: 'orders', environments: [{ name: 'production' }] });
  expect(strategies(one)).toEqual(['CANARY']);
  expect(ecsService(one.environments[0].json).DeploymentConfiguration.CanaryConfiguration).toEqual({ CanaryPercent: 10, CanaryBakeTimeInMinutes: 5 });
});

test('the stack exposes the alternate target group and the test listener, for alarms and dashboards', () => {
  const [rolling, blueGreen] = s.service.environmentStacks;
  expect([rolling.alternateTargetGroup, rolling.testListener]).toEqual([undefined, undefined]);
  expect(blueGreen.alternateTargetGroup?.node.path).toBe('orders-blue-green/Deployment/AlternateTargetGroup');
  expect(blueGreen.testListener?.node.path).toBe('orders-blue-green/LoadBalancer/Test');
});

describe('with a domain, private tasks in an existing VPC, alarms and approval notifications', () => {
  let both: SynthesizedService;
  let json: any;
  beforeAll(() => {
    both = synthesizeService({
      serviceName: 'orders',
      pipelineAccount: '123456789012',
      pipelineRegion: 'eu-west-1',
      environments: [{
        name: 'production',
        requireApproval: true,
        domain: { ...ZONE, recordName: 'orders' },
        network: { taskSubnets: 'private', vpc: EXISTING_VPC },
        deployment: { strategy: 'blue-green' },
      }],
    });
    json = both.environments[0].json;
  });

  test('production traffic shifts in a rule of the HTTPS listener; HTTP only redirects; the URL is the domain\'s', () => {
    const https = listenerOnPort(json, 443);
    const http = listenerOnPort(json, 80);
    expect(json.Resources[https].Properties.Protocol).toBe('HTTPS');
    expect(json.Resources[https].Properties.DefaultActions[0].Type).toBe('fixed-response');
    expect(json.Resources[http].Properties.DefaultActions).toEqual([{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }]);
    expect(rules(json).map(([, r]) => r.Properties.ListenerArn.Ref).sort()).toEqual([https, listenerOnPort(json, 9000)].sort());
    const [certificate] = only(json, 'AWS::CertificateManager::Certificate');
    expect(json.Resources[https].Properties.Certificates).toEqual([{ CertificateArn: { Ref: certificate } }]);
    expect(json.Outputs.ServiceUrl.Value).toBe('https://orders.example.com');
  });

  test('the probe runs in the existing VPC\'s public subnets, the tasks in its private ones', () => {
    const probe = logicalId(json, 'AWS::Lambda::Function', (f) => f.Properties.Handler === 'index.probeTestListener');
    expect(json.Resources[probe].Properties.VpcConfig.SubnetIds).toEqual(EXISTING_VPC.publicSubnetIds);
    expect(ecsService(json).NetworkConfiguration.AwsvpcConfiguration).toMatchObject({ AssignPublicIp: 'DISABLED', Subnets: EXISTING_VPC.privateSubnetIds });
  });

  test('the service keeps its deployment alarms next to the strategy; the unhealthy-hosts alarm and the dashboard watch both target groups', () => {
    const config = ecsService(json).DeploymentConfiguration;
    expect(config.Strategy).toBe('BLUE_GREEN');
    const alarmNames = ['load-balancer-5xx', 'target-5xx', 'latency-p99', 'unhealthy-hosts', 'tasks-below-desired'].map((a) => `orders-production-${a}`);
    expect(config.Alarms).toEqual({ AlarmNames: alarmNames, Enable: true, Rollback: true });
    const fullName = (id: string) => ({ 'Fn::GetAtt': [id, 'TargetGroupFullName'] });
    const groups = targetGroups(json).map(([id]) => id);
    const alarm = resourcesOfType(json, 'AWS::CloudWatch::Alarm').find(([, a]) => a.Properties.AlarmName === 'orders-production-unhealthy-hosts')![1].Properties;
    expect(alarm.Metrics.find((m: any) => m.Expression).Expression).toBe('FILL(u0, 0) + FILL(u1, 0)');
    const watched = alarm.Metrics.filter((m: any) => m.MetricStat).map((m: any) => m.MetricStat.Metric);
    expect(watched.map((m: any) => m.MetricName)).toEqual(['UnHealthyHostCount', 'UnHealthyHostCount']);
    expect(watched.map((m: any) => m.Dimensions.find((d: any) => d.Name === 'TargetGroup').Value)).toEqual(groups.map(fullName));
    const dashboard = JSON.stringify(only(json, 'AWS::CloudWatch::Dashboard')[1].Properties.DashboardBody);
    for (const id of groups) expect(dashboard).toContain(`{"Fn::GetAtt":["${id}","TargetGroupFullName"]}`);
  });

  test('the approval, in its own stage, notifies the topic', () => {
    const stages = only(both.delivery.json, 'AWS::CodePipeline::Pipeline')[1].Properties.Stages;
    const topic = only(both.delivery.json, 'AWS::SNS::Topic')[0];
    expect(stages.map((st: any) => st.Name)).toEqual(['Source', 'Build', 'UpdatePipeline', 'Approve-production', 'production']);
    expect(stages[3].Actions.map((a: any) => [a.Name, a.Configuration.NotificationArn])).toEqual([['Approve', { Ref: topic }]]);
  });
});
