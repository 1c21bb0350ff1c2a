import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatch_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AlarmSettings } from '../shared/alarm-settings';

/** The alarms' period: the load balancer and Container Insights publish a point a minute. */
const PERIOD = Duration.minutes(1);

/** What the alarms and the dashboard of an environment look at. */
export interface MonitoredService {
  /** The service's load balancer: requests, errors and latency are counted there, whatever target group answers. */
  readonly loadBalancer: elbv2.IApplicationLoadBalancer;
  /** The target groups whose targets count. */
  readonly targetGroups: elbv2.IApplicationTargetGroup[];
  /** ECS cluster and service, by name (as the metrics' dimensions name them). */
  readonly clusterName: string;
  readonly serviceName: string;
}

/** Properties of `ServiceAlarms`. */
export interface ServiceAlarmsProps extends MonitoredService {
  /** Thresholds and names. */
  readonly alarms: AlarmSettings;
  /** Topic told when an alarm goes off and when it is back to OK. */
  readonly topic?: sns.ITopic;
}

/** A one-minute metric of the ECS service (`AWS/ECS`, or Container Insights' `ECS/ContainerInsights`), averaged. */
export function serviceMetric(service: MonitoredService, namespace: string, metricName: string, label?: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace,
    metricName,
    dimensionsMap: { ClusterName: service.clusterName, ServiceName: service.serviceName },
    statistic: cloudwatch.Stats.AVERAGE,
    period: PERIOD,
    label,
  });
}

/**
 * The alarms of one environment, on what its users feel: the load balancer's and the tasks' 5xx
 * rates (metric math over the requests, 0 below `minimumRequests` a minute), the tasks' p99 latency,
 * unhealthy targets and fewer running tasks than desired. Missing data (no traffic) is not a
 * breach. Their names are fixed in advance (`AlarmSettings.names`) because the ECS service lists
 * them as its deployment alarms, which roll a deployment back when one goes off.
 */
export class ServiceAlarms extends Construct {
  /** Every alarm, in the order of `AlarmSettings.names`. */
  public readonly all: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: ServiceAlarmsProps) {
    super(scope, id);
    const { alarms, loadBalancer } = props;
    const requests = loadBalancer.metrics.requestCount({ period: PERIOD });
    const rate = (errors: cloudwatch.IMetric, label: string) => new cloudwatch.MathExpression({
      // No data and too few requests both give 0: a quiet minute is not an error rate.
      expression: `IF(FILL(requests, 0) >= ${Math.max(alarms.minimumRequests, 1)}, 100 * FILL(errors, 0) / requests, 0)`,
      usingMetrics: { requests, errors },
      period: PERIOD,
      label,
    });
    const breach = (key: keyof AlarmSettings['names'], description: string, metric: cloudwatch.IMetric, threshold: number, minutes: number) => {
      const alarm = new cloudwatch.Alarm(this, key.charAt(0).toUpperCase() + key.slice(1), {
        alarmName: alarms.names[key],
        alarmDescription: `${description} During a deployment, rolls it back.`,
        metric,
        threshold,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: minutes,
        datapointsToAlarm: minutes,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      if (props.topic) {
        alarm.addAlarmAction(new cloudwatch_actions.SnsAction(props.topic));
        alarm.addOkAction(new cloudwatch_actions.SnsAction(props.topic));
      }
      return alarm;
    };
    const evaluation = alarms.evaluationMinutes;
    const unhealthy = props.targetGroups.map((tg) => tg.metrics.unhealthyHostCount({ period: PERIOD, statistic: cloudwatch.Stats.MAXIMUM }));
    const containerInsights = (metricName: string) => serviceMetric(props, 'ECS/ContainerInsights', metricName);
    this.all = [
      breach('loadBalancer5xx', `At least ${alarms.loadBalancer5xxPercent}% of requests failed at the load balancer (5xx) for ${evaluation} min.`,
        rate(loadBalancer.metrics.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { period: PERIOD }), 'Load balancer 5xx (%)'),
        alarms.loadBalancer5xxPercent, evaluation),
      breach('target5xx', `At least ${alarms.target5xxPercent}% of requests got a 5xx from the tasks for ${evaluation} min.`,
        rate(loadBalancer.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period: PERIOD }), 'Target 5xx (%)'),
        alarms.target5xxPercent, evaluation),
      breach('latencyP99', `The tasks' p99 response time reached ${alarms.latencyP99Ms} ms for ${evaluation} min.`,
        loadBalancer.metrics.targetResponseTime({ period: PERIOD, statistic: cloudwatch.Stats.p(99) }),
        alarms.latencyP99Ms / 1000, evaluation),
      breach('unhealthyHosts', `At least ${alarms.unhealthyHosts} target(s) failed the load balancer's health check for ${evaluation} min.`,
        unhealthy.length === 1 ? unhealthy[0] : new cloudwatch.MathExpression({
          expression: unhealthy.map((_, i) => `FILL(u${i}, 0)`).join(' + '),
          usingMetrics: Object.fromEntries(unhealthy.map((m, i) => [`u${i}`, m])),
          period: PERIOD,
          label: 'Unhealthy targets',
        }),
        alarms.unhealthyHosts, evaluation),
      breach('tasksBelowDesired', `Fewer tasks ran than desired for ${alarms.tasksBelowDesiredMinutes} min.`,
        new cloudwatch.MathExpression({
          expression: 'FILL(desired, 0) - FILL(running, 0)',
          usingMetrics: { desired: containerInsights('DesiredTaskCount'), running: containerInsights('RunningTaskCount') },
          period: PERIOD,
          label: 'Tasks missing',
        }),
        1, alarms.tasksBelowDesiredMinutes),
    ];
  }
}
