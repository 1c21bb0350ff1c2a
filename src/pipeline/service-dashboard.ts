import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct } from 'constructs';
import { MonitoredService, serviceMetric } from './service-alarms';
import { AlarmSettings } from '../shared/alarm-settings';

const PERIOD = Duration.minutes(1);

/** Properties of `ServiceDashboard`. */
export interface ServiceDashboardProps extends MonitoredService {
  /** Name of the dashboard: the environment's stack name. */
  readonly dashboardName: string;
  /** The service's task definition family. */
  readonly taskFamily: string;
  /** The environment's alarms, shown with their states. */
  readonly alarms: cloudwatch.IAlarm[];
  /** Their thresholds, drawn on the graphs. */
  readonly thresholds: AlarmSettings;
}

/**
 * The CloudWatch dashboard of one environment: requests, 4xx and 5xx, latency percentiles, running
 * against desired tasks, CPU and memory, the alarms' states, and the state of deployments.
 *
 * ECS publishes no metric for a deployment's outcome; two things that CloudWatch has show it:
 * Container Insights' `DeploymentCount` (1 when the service is steady, 2 or more while a rollout
 * replaces tasks), and a Logs Insights table over Container Insights' performance log events of the
 * service's tasks, one row per task definition revision with when it first and last ran. A rollout
 * shows the new revision taking over; a rollback shows it stop shortly after it started, while the
 * previous one keeps running. The alarm status widget shows which alarm caused it.
 */
export class ServiceDashboard extends Construct {
  /** The dashboard. */
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ServiceDashboardProps) {
    super(scope, id);
    const lb = props.loadBalancer.metrics;
    const insights = (metricName: string, label: string) => serviceMetric(props, 'ECS/ContainerInsights', metricName, label);
    const ecsMetric = (metricName: string, label: string) => serviceMetric(props, 'AWS/ECS', metricName, label);
    const sum = { period: PERIOD, statistic: cloudwatch.Stats.SUM };
    const latency = (p: number) => lb.targetResponseTime({ period: PERIOD, statistic: cloudwatch.Stats.p(p), label: `p${p}` });
    const graph = (title: string, left: cloudwatch.IMetric[], extra: Partial<cloudwatch.GraphWidgetProps> = {}) =>
      new cloudwatch.GraphWidget({ title, left, width: 8, height: 6, ...extra });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(3),
      widgets: [
        [new cloudwatch.TextWidget({
          markdown: [
            `# ${props.serviceName}`,
            'A deployment runs while **Deployments** is above 1; **Task definition revisions** lists what ran when: a revision that stopped shortly after it started was rolled back, and **Alarms** shows which alarm did it.',
          ].join('\n\n'),
          width: 24,
          height: 2,
        })],
        [
          graph('Requests (per minute)', [lb.requestCount({ ...sum, label: 'Requests' })]),
          graph('4xx and 5xx (per minute)', [
            lb.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { ...sum, label: 'Load balancer 5xx' }),
            lb.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { ...sum, label: 'Target 5xx' }),
            lb.httpCodeElb(elbv2.HttpCodeElb.ELB_4XX_COUNT, { ...sum, label: 'Load balancer 4xx' }),
            lb.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_4XX_COUNT, { ...sum, label: 'Target 4xx' }),
          ]),
          graph('Latency (seconds)', [latency(50), latency(90), latency(95), latency(99)], {
            leftAnnotations: [{ value: props.thresholds.latencyP99Ms / 1000, label: 'p99 alarm' }],
          }),
        ],
        [
          graph('Tasks and deployments', [
            insights('RunningTaskCount', 'Running'),
            insights('DesiredTaskCount', 'Desired'),
            insights('PendingTaskCount', 'Pending'),
            insights('DeploymentCount', 'Deployments'),
          ]),
          graph('CPU and memory (% of the task size)', [
            ecsMetric('CPUUtilization', 'CPU'),
            ecsMetric('MemoryUtilization', 'Memory'),
          ], { leftYAxis: { min: 0, max: 100 } }),
          graph('Load balancer targets', props.targetGroups.flatMap((tg, i) => [
            tg.metrics.healthyHostCount({ period: PERIOD, statistic: cloudwatch.Stats.MINIMUM, label: `Healthy${props.targetGroups.length > 1 ? ` (${i + 1})` : ''}` }),
            tg.metrics.unhealthyHostCount({ period: PERIOD, statistic: cloudwatch.Stats.MAXIMUM, label: `Unhealthy${props.targetGroups.length > 1 ? ` (${i + 1})` : ''}` }),
          ])),
        ],
        [
          new cloudwatch.AlarmStatusWidget({ title: 'Alarms (they roll deployments back)', alarms: props.alarms, width: 8, height: 6 }),
          new cloudwatch.LogQueryWidget({
            title: 'Task definition revisions (Container Insights)',
            logGroupNames: [`/aws/ecs/containerinsights/${props.clusterName}/performance`],
            view: cloudwatch.LogQueryVisualizationType.TABLE,
            queryLines: [
              `filter Type = "Task" and TaskDefinitionFamily = "${props.taskFamily}"`,
              'stats count_distinct(TaskId) as tasks, min(@timestamp) as firstRan, max(@timestamp) as lastRan by TaskDefinitionRevision',
              'sort lastRan desc',
              'limit 20',
            ],
            width: 16,
            height: 6,
          }),
        ],
      ],
    });
  }
}
