import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CicdService, CicdServiceProps } from '../../src';
import { synthNagFindings } from '../support/cdk-nag';
import { cfnLintErrors } from '../support/cfn-lint';
import { iamViolations } from '../support/iam-walk';
import { resourcesOfType, synthesizeService, SynthesizedService, SynthesizedStack } from '../support/service-stacks';

/** Staging in the pipeline's account, production in another; e-mails; thresholds for the service and for production. */
const WATCHED: CicdServiceProps = {
  serviceName: 'orders',
  pipelineAccount: '111111111111',
  pipelineRegion: 'eu-west-1',
  alarms: { target5xxPercent: 2.5, evaluationMinutes: 2, minimumRequests: 0 },
  notifications: { emails: ['team@example.com', 'oncall+orders@example.org'] },
  environments: [
    { name: 'staging' },
    { name: 'production', account: '222222222222', requireApproval: true, alarms: { latencyP99Ms: 500, unhealthyHosts: 2, tasksBelowDesiredMinutes: 10 } },
  ],
};
const EXISTING_TOPIC = 'arn:aws:sns:eu-west-1:111111111111:team-alerts';
const EXISTING_TOPIC_PROPS: CicdServiceProps = {
  serviceName: 'orders',
  pipelineAccount: '111111111111',
  pipelineRegion: 'eu-west-1',
  notifications: { topicArn: EXISTING_TOPIC, emails: ['team@example.com'] },
};

const ALARM_SUFFIXES = ['load-balancer-5xx', 'target-5xx', 'latency-p99', 'unhealthy-hosts', 'tasks-below-desired'];

let base: SynthesizedService;
let watched: SynthesizedService;
let existing: SynthesizedService;
beforeAll(() => {
  base = synthesizeService({ serviceName: 'orders' });
  watched = synthesizeService(WATCHED);
  existing = synthesizeService(EXISTING_TOPIC_PROPS);
});

/** The alarms of a template by name. */
function alarmsByName(stack: SynthesizedStack): Record<string, any> {
  return Object.fromEntries(resourcesOfType(stack.json, 'AWS::CloudWatch::Alarm').map(([id, r]) => [r.Properties.AlarmName, { id, ...r.Properties }]));
}

function ecsService(stack: SynthesizedStack): any {
  return resourcesOfType(stack.json, 'AWS::ECS::Service')[0][1];
}

/** The SNS publishers a topic policy allows, by service principal, and its denials. */
function topicPolicy(stack: SynthesizedStack): any[] {
  const policies = resourcesOfType(stack.json, 'AWS::SNS::TopicPolicy');
  expect(policies).toHaveLength(1);
  return policies[0][1].Properties.PolicyDocument.Statement;
}

describe('alarms', () => {
  test('each environment has the five alarms, named <service>-<environment>-<what>, with the default thresholds', () => {
    for (const env of base.environments) {
      const alarms = alarmsByName(env);
      const stackName = env.stack.stackName;
      expect(Object.keys(alarms).sort()).toEqual(ALARM_SUFFIXES.map((s) => `${stackName}-${s}`).sort());
      const of = (suffix: string) => alarms[`${stackName}-${suffix}`];
      expect(ALARM_SUFFIXES.map((s) => of(s).Threshold)).toEqual([5, 5, 1, 1, 1]);
      expect(ALARM_SUFFIXES.map((s) => [of(s).EvaluationPeriods, of(s).DatapointsToAlarm])).toEqual([[3, 3], [3, 3], [3, 3], [3, 3], [5, 5]]);
      for (const s of ALARM_SUFFIXES) {
        expect([s, of(s).TreatMissingData, of(s).ComparisonOperator]).toEqual([s, 'notBreaching', 'GreaterThanOrEqualToThreshold']);
      }
      expect(of('latency-p99')).toMatchObject({ MetricName: 'TargetResponseTime', ExtendedStatistic: 'p99', Namespace: 'AWS/ApplicationELB', Period: 60 });
      // Production's canary deployment has two target groups: the alarm adds up the unhealthy targets of both.
      const groups = resourcesOfType(env.json, 'AWS::ElasticLoadBalancingV2::TargetGroup').map(([id]) => id);
      if (groups.length === 1) {
        expect(of('unhealthy-hosts')).toMatchObject({ MetricName: 'UnHealthyHostCount', Statistic: 'Maximum' });
      } else {
        const metrics: any[] = of('unhealthy-hosts').Metrics;
        expect(metrics.find((m) => m.Expression).Expression).toBe('FILL(u0, 0) + FILL(u1, 0)');
        expect(metrics.filter((m) => m.MetricStat).map((m) => [m.MetricStat.Metric.MetricName, m.MetricStat.Stat,
          m.MetricStat.Metric.Dimensions.find((d: any) => d.Name === 'TargetGroup').Value]))
          .toEqual(groups.map((id) => ['UnHealthyHostCount', 'Maximum', { 'Fn::GetAtt': [id, 'TargetGroupFullName'] }]));
      }
    }
    expect(base.environments.map((env) => resourcesOfType(env.json, 'AWS::ElasticLoadBalancingV2::TargetGroup').length)).toEqual([1, 2]);
  });

  test('the error rates are percentages of the load balancer\'s requests, 0 below the minimum of requests', () => {
    const alarms = alarmsByName(base.environments[0]);
    for (const [suffix, metric] of [['load-balancer-5xx', 'HTTPCode_ELB_5XX_Count'], ['target-5xx', 'HTTPCode_Target_5XX_Count']]) {
      const metrics: any[] = alarms[`orders-staging-${suffix}`].Metrics;
      expect(metrics.find((m) => m.Expression)).toMatchObject({ Expression: 'IF(FILL(requests, 0) >= 10, 100 * FILL(errors, 0) / requests, 0)', ReturnData: true });
      expect(metrics.find((m) => m.Id === 'requests').MetricStat).toMatchObject({ Metric: { MetricName: 'RequestCount' }, Stat: 'Sum', Period: 60 });
      expect(metrics.find((m) => m.Id === 'errors').MetricStat).toMatchObject({ Metric: { MetricName: metric }, Stat: 'Sum', Period: 60 });
    }
    const tasks: any[] = alarms['orders-staging-tasks-below-desired'].Metrics;
    expect(tasks.find((m) => m.Expression).Expression).toBe('FILL(desired, 0) - FILL(running, 0)');
    const stats = tasks.filter((m) => m.MetricStat).map((m) => m.MetricStat.Metric);
    expect(stats.map((m) => [m.Namespace, m.MetricName, m.Dimensions]))
      .toEqual(['DesiredTaskCount', 'RunningTaskCount'].map((name) => ['ECS/ContainerInsights', name,
        [{ Name: 'ClusterName', Value: 'orders-staging' }, { Name: 'ServiceName', Value: 'orders-staging' }]]));
  });

  test('thresholds: the environment\'s over the service\'s over the defaults', () => {
    const [staging, production] = watched.environments.map(alarmsByName);
    expect(staging['orders-staging-target-5xx'].Threshold).toBe(2.5);
    expect(staging['orders-staging-latency-p99'].Threshold).toBe(1);
    expect(staging['orders-staging-target-5xx'].EvaluationPeriods).toBe(2);
    // minimumRequests 0: a single request counts.
    expect(staging['orders-staging-target-5xx'].Metrics.find((m: any) => m.Expression).Expression).toContain('>= 1,');
    expect(production['orders-production-latency-p99'].Threshold).toBe(0.5);
    expect(production['orders-production-unhealthy-hosts'].Threshold).toBe(2);
    expect(production['orders-production-tasks-below-desired'].EvaluationPeriods).toBe(10);
    expect(production['orders-production-target-5xx'].Threshold).toBe(2.5);
    expect(production['orders-production-load-balancer-5xx'].Threshold).toBe(5);
  });

  test('the ECS service rolls back on its alarms, which exist before it, and keeps the circuit breaker', () => {
    for (const env of [...base.environments, ...watched.environments]) {
      const service = ecsService(env);
      const alarms = alarmsByName(env);
      expect(service.Properties.DeploymentConfiguration.Alarms).toEqual({ AlarmNames: Object.keys(alarms), Enable: true, Rollback: true });
      expect(service.Properties.DeploymentConfiguration.DeploymentCircuitBreaker).toEqual({ Enable: true, Rollback: true });
      expect(service.DependsOn).toEqual(expect.arrayContaining(Object.values(alarms).map((a: any) => a.id)));
    }
  });

  test('alarm names are unique across environments and services', () => {
    const other = synthesizeService({ serviceName: 'orders-staging', environments: [{ name: 'test' }] });
    const names = [...base.environments, ...other.environments].flatMap((e) => Object.keys(alarmsByName(e)));
    expect(names).toHaveLength(15);
    expect(new Set(names).size).toBe(15);
  });
});

describe('notifications', () => {
  test('the pipeline\'s stack has one topic, encrypted with its own rotated key, and SSL-only', () => {
    const topics = resourcesOfType(base.delivery.json, 'AWS::SNS::Topic');
    expect(topics).toHaveLength(1);
    const [topicId, topic] = topics[0];
    expect(topic.Properties.TopicName).toBe('orders-notifications');
    const keyId = topic.Properties.KmsMasterKeyId['Fn::GetAtt'][0];
    expect(base.delivery.json.Resources[keyId]).toMatchObject({ Type: 'AWS::KMS::Key', Properties: { EnableKeyRotation: true } });
    const statements = topicPolicy(base.delivery);
    expect(statements).toContainEqual({
      Sid: 'AllowPublishThroughSSLOnly',
      Effect: 'Deny',
      Principal: '*',
      Action: 'sns:Publish',
      Resource: { Ref: topicId },
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });
    const allowed = statements.filter((s) => s.Effect === 'Allow');
    expect(allowed.map((s) => s.Principal.Service).sort()).toEqual(['cloudwatch.amazonaws.com', 'codestar-notifications.amazonaws.com']);
    expect(allowed.every((s) => s.Action === 'sns:Publish' && JSON.stringify(s.Resource) === JSON.stringify({ Ref: topicId }))).toBe(true);
  });

  test('CloudWatch may publish for the alarms of the environments in the pipeline\'s account only', () => {
    const alarms = topicPolicy(watched.delivery).find((s) => s.Principal?.Service === 'cloudwatch.amazonaws.com');
    const arns = JSON.stringify(alarms.Condition.ArnLike['aws:SourceArn']);
    for (const suffix of ALARM_SUFFIXES) expect(arns).toContain(`:cloudwatch:eu-west-1:111111111111:alarm:orders-staging-${suffix}"`);
    expect(arns).not.toContain('production');
    expect(alarms.Condition.ArnLike['aws:SourceArn']).toHaveLength(5);
  });

  test('the key lets CloudWatch and CodeStar Notifications encrypt for the topic, and nothing else outside the account', () => {
    const [, key] = resourcesOfType(base.delivery.json, 'AWS::KMS::Key').find(([, k]) => JSON.stringify(k).includes('SNS topic'))!;
    const statements: any[] = key.Properties.KeyPolicy.Statement;
    const services = statements.filter((s) => s.Principal.Service).map((s) => [s.Principal.Service, s.Action]);
    expect(services.sort()).toEqual([
      ['cloudwatch.amazonaws.com', ['kms:Decrypt', 'kms:GenerateDataKey*']],
      ['codestar-notifications.amazonaws.com', ['kms:Decrypt', 'kms:GenerateDataKey*']],
    ]);
    expect(statements.filter((s) => !s.Principal.Service).map((s) => JSON.stringify(s.Principal))).toEqual([expect.stringContaining(':root')]);
  });

  test('a notification rule sends failed and succeeded runs of the pipeline to the topic', () => {
    const rules = resourcesOfType(base.delivery.json, 'AWS::CodeStarNotifications::NotificationRule');
    // The other rule is the scheduled upgrade's (pull-requests.test.ts).
    expect(rules.map(([, r]) => r.Properties.Name).sort()).toEqual(['orders-pipeline-runs', 'orders-template-upgrade-failed']);
    const [topicId] = resourcesOfType(base.delivery.json, 'AWS::SNS::Topic')[0];
    const [pipelineId] = resourcesOfType(base.delivery.json, 'AWS::CodePipeline::Pipeline')[0];
    const rule = rules.find(([, r]) => r.Properties.Name === 'orders-pipeline-runs')![1].Properties;
    expect(rule.EventTypeIds.sort()).toEqual(['codepipeline-pipeline-pipeline-execution-failed', 'codepipeline-pipeline-pipeline-execution-succeeded']);
    expect(rule.Targets).toEqual([{ TargetType: 'SNS', TargetAddress: { Ref: topicId } }]);
    expect(JSON.stringify(rule.Resource)).toContain(`{"Ref":"${pipelineId}"}`);
  });

  test('each approval notifies the topic when it starts waiting', () => {
    const [topicId] = resourcesOfType(base.delivery.json, 'AWS::SNS::Topic')[0];
    const stages: any[] = resourcesOfType(base.delivery.json, 'AWS::CodePipeline::Pipeline')[0][1].Properties.Stages;
    const approvals = stages.flatMap((s) => s.Actions.filter((a: any) => a.ActionTypeId.Category === 'Approval').map((a: any) => [s.Name, a.Configuration.NotificationArn]));
    expect(approvals).toEqual([['Approve-production', { Ref: topicId }]]);
  });

  test('the alarms of an environment in the pipeline\'s account tell the pipeline\'s topic, by ARN, on ALARM and on OK', () => {
    for (const alarm of Object.values(alarmsByName(watched.environments[0]))) {
      expect(alarm.AlarmActions).toEqual(alarm.OKActions);
      expect(JSON.stringify(alarm.AlarmActions)).toContain(':sns:eu-west-1:111111111111:orders-notifications"');
    }
    expect(resourcesOfType(watched.environments[0].json, 'AWS::SNS::Topic')).toEqual([]);
  });

  test('an environment in another account has its own encrypted, SSL-only topic, with the same subscriptions', () => {
    const production = watched.environments[1];
    const [topicId, topic] = resourcesOfType(production.json, 'AWS::SNS::Topic')[0];
    expect(topic.Properties.TopicName).toBe('orders-production-notifications');
    expect(topic.Properties.KmsMasterKeyId).toBeDefined();
    for (const alarm of Object.values(alarmsByName(production))) {
      expect([alarm.AlarmActions, alarm.OKActions]).toEqual([[{ Ref: topicId }], [{ Ref: topicId }]]);
    }
    const statements = topicPolicy(production);
    expect(statements.map((s) => [s.Effect, s.Principal.Service ?? s.Principal])).toEqual([['Deny', '*'], ['Allow', 'cloudwatch.amazonaws.com']]);
    expect(JSON.stringify(statements[1].Condition)).toContain(':cloudwatch:eu-west-1:222222222222:alarm:orders-production-latency-p99"');
    const emails = (stack: SynthesizedStack) => resourcesOfType(stack.json, 'AWS::SNS::Subscription').map(([, s]) => [s.Properties.Protocol, s.Properties.Endpoint]).sort();
    expect(emails(production)).toEqual([['email', 'oncall+orders@example.org'], ['email', 'team@example.com']]);
    expect(emails(watched.delivery)).toEqual(emails(production));
  });

  test('no subscription without e-mails', () => {
    expect(base.all.flatMap((s) => resourcesOfType(s.json, 'AWS::SNS::Subscription'))).toEqual([]);
  });

  test('an existing topic replaces the created one everywhere', () => {
    expect(resourcesOfType(existing.delivery.json, 'AWS::SNS::Topic')).toEqual([]);
    expect(resourcesOfType(existing.delivery.json, 'AWS::SNS::TopicPolicy')).toEqual([]);
    expect(resourcesOfType(existing.delivery.json, 'AWS::KMS::Key')).toEqual([]);
    const rule = resourcesOfType(existing.delivery.json, 'AWS::CodeStarNotifications::NotificationRule')[0][1].Properties;
    expect(rule.Targets).toEqual([{ TargetType: 'SNS', TargetAddress: EXISTING_TOPIC }]);
    const stages: any[] = resourcesOfType(existing.delivery.json, 'AWS::CodePipeline::Pipeline')[0][1].Properties.Stages;
    expect(stages.find((s) => s.Name === 'Approve-production').Actions[0].Configuration.NotificationArn).toBe(EXISTING_TOPIC);
    expect(resourcesOfType(existing.delivery.json, 'AWS::SNS::Subscription').map(([, s]) => s.Properties))
      .toEqual([{ Protocol: 'email', Endpoint: 'team@example.com', TopicArn: EXISTING_TOPIC }]);
    for (const env of existing.environments) {
      for (const alarm of Object.values(alarmsByName(env))) {
        expect([alarm.AlarmActions, alarm.OKActions]).toEqual([[EXISTING_TOPIC], [EXISTING_TOPIC]]);
      }
    }
  });
});

describe('dashboard', () => {
  test('one per environment, named after its stack, with traffic, errors, latency, tasks, CPU and memory, alarms and deployments', () => {
    for (const env of base.environments) {
      const dashboards = resourcesOfType(env.json, 'AWS::CloudWatch::Dashboard');
      expect(dashboards).toHaveLength(1);
      const props = dashboards[0][1].Properties;
      expect(props.DashboardName).toBe(env.stack.stackName);
      const body = JSON.stringify(props.DashboardBody);
      for (const metric of ['RequestCount', 'HTTPCode_ELB_5XX_Count', 'HTTPCode_Target_5XX_Count', 'HTTPCode_ELB_4XX_Count', 'HTTPCode_Target_4XX_Count',
        'RunningTaskCount', 'DesiredTaskCount', 'PendingTaskCount', 'DeploymentCount', 'CPUUtilization', 'MemoryUtilization', 'HealthyHostCount', 'UnHealthyHostCount']) {
        expect([metric, body.includes(`\\"${metric}\\"`)]).toEqual([metric, true]);
      }
      for (const p of ['p50', 'p90', 'p95', 'p99']) expect(body).toContain(`\\"stat\\":\\"${p}\\"`);
      // The alarm status widget lists the five alarms.
      const alarmIds = Object.values(alarmsByName(env)).map((a: any) => a.id);
      expect(alarmIds).toHaveLength(5);
      const alarmWidget = body.slice(body.indexOf('\\"type\\":\\"alarm\\"'), body.indexOf('\\"type\\":\\"log\\"'));
      for (const id of alarmIds) expect(alarmWidget).toContain(`{"Fn::GetAtt":["${id}","Arn"]}`);
      // The deployments: Container Insights' task events of the service's family, by revision.
      expect(body).toContain(`SOURCE '/aws/ecs/containerinsights/${env.stack.stackName}/performance'`);
      expect(body).toContain(`TaskDefinitionFamily = \\\\\\"${env.stack.stackName}\\\\\\"`);
      expect(body).toContain('by TaskDefinitionRevision');
    }
  });
});

describe('validation', () => {
  const cases: Array<[string, Partial<CicdServiceProps>, string]> = [
    ['a latency of 0', { alarms: { latencyP99Ms: 0 } }, 'alarms.latencyP99Ms'],
    ['an environment\'s fractional latency', { environments: [{ name: 'staging' }, { name: 'production', alarms: { latencyP99Ms: 1.5 } }] }, 'environments[1].alarms.latencyP99Ms'],
    ['a percentage above 100', { alarms: { target5xxPercent: 101 } }, 'alarms.target5xxPercent'],
    ['a percentage of 0', { alarms: { loadBalancer5xxPercent: 0 } }, 'alarms.loadBalancer5xxPercent'],
    ['an unknown threshold', { alarms: { cpuPercent: 80 } as any }, 'alarms.cpuPercent'],
    ['alarms not an object', { alarms: 'strict' as any }, 'alarms'],
    ['an invalid e-mail', { notifications: { emails: ['team@example.com', 'not-an-address'] } }, 'notifications.emails[1]'],
    ['a duplicate e-mail', { notifications: { emails: ['team@example.com', 'Team@example.com'] } }, 'notifications.emails[1]'],
    ['a topic ARN of another service', { notifications: { topicArn: 'arn:aws:sqs:eu-west-1:111111111111:queue' } }, 'notifications.topicArn'],
    ['a FIFO topic', { notifications: { topicArn: 'arn:aws:sns:eu-west-1:111111111111:alerts.fifo' } }, 'notifications.topicArn'],
    ['a topic in another region than the pipeline\'s', { pipelineRegion: 'eu-west-1', notifications: { topicArn: 'arn:aws:sns:us-east-1:111111111111:alerts' } }, 'notifications.topicArn'],
    ['a topic in another account than the pipeline\'s', { pipelineAccount: '111111111111', notifications: { topicArn: 'arn:aws:sns:eu-west-1:222222222222:alerts' } }, 'notifications.topicArn'],
  ];

  test.each(cases)('%s is rejected, naming the option, before a stack is added', (_what, given, named) => {
    const app = new App();
    expect(() => new CicdService(app, { serviceName: 'orders', ...given })).toThrow(new RegExp(`^Invalid option "${named.replace(/[.[\]]/g, '\\$&')}": got .+; expected .+\\.$`, 's'));
    expect(app.node.children).toEqual([]);
  });
});

describe('gates', () => {
  test('cfn-lint finds no error in the stacks with e-mails, thresholds, a topic in another account and an existing topic', () => {
    const files = [watched, existing].flatMap((svc) => svc.all.map((stack) => stack.templateFile));
    expect(files).toHaveLength(6);
    expect([...cfnLintErrors(files)].filter(([, e]) => e.length > 0)).toEqual([]);
  });

  test('the IAM walk finds nothing in them', () => {
    for (const stack of [...watched.all, ...existing.all]) {
      expect([stack.stack.stackName, iamViolations(stack.json)]).toEqual([stack.stack.stackName, []]);
    }
  });

  test.each([['e-mails, thresholds, another account', WATCHED], ['an existing topic', EXISTING_TOPIC_PROPS]])('cdk-nag: no finding with %s', (_name, props) => {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-nag-')) });
    new CicdService(app, props);
    // A known finding shows that the checks ran.
    new s3.Bucket(new Stack(app, 'control'), 'Unlogged');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const findings = synthNagFindings(app);
    expect(findings.filter((f) => f.path.startsWith('control/')).length).toBeGreaterThan(0);
    expect(findings.filter((f) => !f.path.startsWith('control/'))).toEqual([]);
  });
});
