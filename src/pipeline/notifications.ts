import { createHash } from 'crypto';
import { Arn, Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { acknowledgeWildcards } from './nag-acknowledgments';
import { approvalStageName } from './service-pipeline';
import { AlarmSettings } from '../shared/alarm-settings';
import { EnvironmentSettings, ServiceSettings } from '../shared/service-settings';

/** Properties of `NotificationTopic`. */
export interface NotificationTopicProps {
  /** Physical name of the topic. */
  readonly topicName: string;
  /** E-mail addresses to subscribe. */
  readonly emails: string[];
  /** ARNs of the CloudWatch alarms that may publish to the topic. */
  readonly alarmArns: string[];
}

/**
 * An SNS topic encrypted with a KMS key of its own, which refuses publishing without TLS, and its
 * e-mail subscriptions. CloudWatch may publish for the alarms that `alarmArns` lists; other
 * publishers are granted by what binds them (`grantPublish`, a notification rule).
 *
 * The AWS-managed key of SNS cannot be used: its policy lets neither CloudWatch alarms nor CodeStar
 * Notifications use it, and it cannot be changed.
 */
export class NotificationTopic extends Construct {
  /** The topic. */
  public readonly topic: sns.Topic;
  /** The topic's key. */
  public readonly key: kms.Key;

  constructor(scope: Construct, id: string, props: NotificationTopicProps) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: `Messages of the SNS topic ${props.topicName}`,
      enableKeyRotation: true,
      // SNS keeps no message once delivered: nothing is left to decrypt after the topic is gone.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    this.topic = new sns.Topic(this, 'Topic', {
      topicName: props.topicName,
      masterKey: this.key,
      enforceSSL: true,
    });
    if (props.alarmArns.length > 0) {
      const cloudwatch = new iam.ServicePrincipal('cloudwatch.amazonaws.com');
      this.topic.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'AlarmsPublish',
        principals: [cloudwatch],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { ArnLike: { 'aws:SourceArn': props.alarmArns } },
      }));
      // The topic's policy says which alarms may publish; the key only lets CloudWatch encrypt for the topic.
      this.key.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'AlarmsEncryptForTopic',
        principals: [cloudwatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }));
    }
    subscribeEmails(this, this.topic, props.emails);
  }
}

/** Subscribes each address to `topic`, with an ID derived from the address so that reordering the list changes nothing. */
function subscribeEmails(scope: Construct, topic: sns.ITopic, emails: string[]): void {
  for (const email of emails) {
    const hash = createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 12);
    new sns.Subscription(scope, `Email${hash}`, { topic, protocol: sns.SubscriptionProtocol.EMAIL, endpoint: email });
  }
}

/** The ARNs of an environment's alarms in its account and region. */
export function alarmArns(alarms: AlarmSettings, account: string, region: string): string[] {
  return Object.values(alarms.names).map((name) => `arn:${Aws.PARTITION}:cloudwatch:${region}:${account}:alarm:${name}`);
}

/** Properties of `PipelineNotifications`. */
export interface PipelineNotificationsProps {
  /** The pipeline whose runs are notified. */
  readonly pipeline: codepipeline.IPipeline;
  /** The service's settings. */
  readonly settings: ServiceSettings;
}

/**
 * The notifications of the pipeline's stack: the service's topic (created, or the existing one that
 * `notifications.topicArn` names), the e-mail subscriptions, and a CodeStar Notifications rule that
 * sends each pipeline run that fails or succeeds to it. Alarms of the environments in the
 * pipeline's account publish to it too; an environment in another account has a topic of its own.
 */
export class PipelineNotifications extends Construct {
  /** The topic that receives the notifications. */
  public readonly topic: sns.ITopic;
  /** The topic and its key, when this stack creates them. */
  public readonly notificationTopic?: NotificationTopic;

  constructor(scope: Construct, id: string, props: PipelineNotificationsProps) {
    super(scope, id);
    const settings = props.settings;
    const { notifications } = settings;
    if (notifications.topicArn) {
      this.topic = sns.Topic.fromTopicArn(this, 'Topic', notifications.topicArn);
      subscribeEmails(this, this.topic, notifications.emails);
    } else {
      const account = settings.pipelineAccount ?? Aws.ACCOUNT_ID;
      const region = settings.pipelineRegion ?? Aws.REGION;
      this.notificationTopic = new NotificationTopic(this, 'Service', {
        topicName: notifications.topicName,
        emails: notifications.emails,
        alarmArns: settings.environments.filter((e) => !ownTopic(settings, e)).flatMap((e) => alarmArns(e.alarms, account, region)),
      });
      this.topic = this.notificationTopic.topic;
    }
    props.pipeline.notifyOn('Runs', this.topic, {
      notificationRuleName: `${settings.serviceName}-pipeline-runs`,
      events: [
        codepipeline.PipelineNotificationEvents.PIPELINE_EXECUTION_FAILED,
        codepipeline.PipelineNotificationEvents.PIPELINE_EXECUTION_SUCCEEDED,
      ],
    });
  }
}

/**
 * Whether an environment has a topic of its own: one in another account than the pipeline's. Its
 * alarms then publish in their own account, as CloudWatch and SNS document it, instead of across
 * accounts to a topic whose key is in the pipeline's account.
 */
export function ownTopic(settings: ServiceSettings, environment: EnvironmentSettings): boolean {
  return environment.account !== undefined && environment.account !== settings.pipelineAccount;
}

/**
 * The topic that an environment's alarms publish to: a topic of its own (with the same e-mail
 * subscriptions) in another account, else the service's topic in the pipeline's stack, by ARN.
 */
export function environmentTopic(scope: Construct, settings: ServiceSettings, environment: EnvironmentSettings): sns.ITopic {
  const account = environment.account ?? settings.pipelineAccount ?? Aws.ACCOUNT_ID;
  const region = environment.region ?? settings.pipelineRegion ?? Aws.REGION;
  if (ownTopic(settings, environment)) {
    return new NotificationTopic(scope, 'NotificationTopic', {
      topicName: `${environment.stackName}-notifications`,
      emails: settings.notifications.emails,
      alarmArns: alarmArns(environment.alarms, account, region),
    }).topic;
  }
  const arn = settings.notifications.topicArn ?? Arn.format({
    partition: Aws.PARTITION,
    service: 'sns',
    account: settings.pipelineAccount ?? Aws.ACCOUNT_ID,
    region: settings.pipelineRegion ?? Aws.REGION,
    resource: settings.notifications.topicName,
  });
  return sns.Topic.fromTopicArn(scope, 'NotificationTopic', arn);
}

/**
 * Acknowledges the one wildcard of the approvals' grant on the topic's key (`kms:GenerateDataKey*`,
 * which aws-cdk-lib grants with `sns:Publish`), on each approval's policy. Call it once the stages exist.
 */
export function acknowledgeApprovalGrants(pipeline: codepipeline.Pipeline, settings: ServiceSettings, notifications: PipelineNotifications): void {
  if (!notifications.notificationTopic) return;
  for (const environment of settings.environments.filter((e) => e.requireApproval)) {
    const policy = pipeline.node.findChild(approvalStageName(environment.name)).node.findChild('Approve').node.findChild('CodePipelineActionRole').node.findChild('DefaultPolicy');
    acknowledgeWildcards(policy, 'The approval publishes to the service\'s topic, which needs data keys of the topic\'s own key only', ['Action::kms:GenerateDataKey*']);
  }
}
