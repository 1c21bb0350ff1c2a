import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import * as notifications from 'aws-cdk-lib/aws-codestarnotifications';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { acknowledgeProjectFindings } from './build-project-findings';
import { UPGRADE_BRANCH_PREFIX } from '../shared/review-settings';

/** Properties of `ScheduledUpgrade`. */
export interface ScheduledUpgradeProps {
  /** The CodeCommit repository to upgrade. */
  readonly repository: codecommit.IRepository;
  /** The service's name; the project is `<service>-template-upgrade`. */
  readonly serviceName: string;
  /** The branch that the upgrade starts from and its pull request targets. */
  readonly branch: string;
  /** When the upgrade runs: an EventBridge schedule expression (`cron(...)` or `rate(...)`). */
  readonly schedule: string;
  /** The build image, the pipeline build's. */
  readonly buildImage: codebuild.IBuildImage;
  /** Retention of the project's log group. */
  readonly logRetention: logs.RetentionDays;
  /**
   * The topic told about each upgrade that stops (a failed build), through a CodeStar
   * Notifications rule `<service>-template-upgrade-failed`.
   *
   * @default - none: the reason is in the build's log only
   */
  readonly notificationTopic?: sns.ITopic;
}

/**
 * The scheduled template upgrade: on `schedule`, a CodeBuild project clones the branch, installs
 * the dependencies and runs `cicd-service-upgrade` (this package's command), which runs
 * `npx projen upgrade` and, when anything changed, pushes `template-upgrade/<version>` and opens a
 * pull request. Its role may push to branches under `template-upgrade/` only and open pull
 * requests; it cannot merge. An upgrade that stops fails the build, with the reason in its log,
 * and `notificationTopic` is told.
 */
export class ScheduledUpgrade extends Construct {
  /** The upgrade's project. */
  public readonly project: codebuild.Project;
  /** The project's log group, `/aws/codebuild/<service>-template-upgrade`. */
  public readonly logGroup: logs.LogGroup;
  /** The schedule's rule. */
  public readonly rule: events.Rule;
  /** The notification rule of the failed upgrades, when there is a `notificationTopic`. */
  public readonly failureNotification?: notifications.INotificationRule;

  constructor(scope: Construct, id: string, props: ScheduledUpgradeProps) {
    super(scope, id);
    const projectName = `${props.serviceName}-template-upgrade`;
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: `/aws/codebuild/${projectName}`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.project = new codebuild.Project(this, 'Project', {
      projectName,
      description: `Upgrades ${props.serviceName} to the latest cicd-service-template and opens a pull request with the change`,
      source: codebuild.Source.codeCommit({ repository: props.repository, branchOrRef: props.branch }),
      buildSpec: codebuild.BuildSpec.fromObject({
        version: '0.2',
        // Git over HTTPS with the project's role: the push is what the role allows.
        env: { 'git-credential-helper': 'yes' },
        phases: {
          build: {
            commands: [
              'npm ci --no-audit --no-fund',
              `npx cicd-service-upgrade --repository "$REPOSITORY_NAME" --base "$BASE_BRANCH" --prefix ${UPGRADE_BRANCH_PREFIX} --remote "$CLONE_URL"`,
            ],
          },
        },
      }),
      environment: { buildImage: props.buildImage, computeType: codebuild.ComputeType.SMALL },
      environmentVariables: {
        REPOSITORY_NAME: { value: props.repository.repositoryName },
        BASE_BRANCH: { value: props.branch },
        CLONE_URL: { value: props.repository.repositoryCloneUrlHttp },
      },
      logging: { cloudWatch: { logGroup: this.logGroup } },
      // The upgrade writes no test reports.
      grantReportGroupPermissions: false,
      timeout: Duration.minutes(30),
    });
    // Pushes only to the upgrade's branches: every reference a push updates must match (a push's
    // reference discovery names none, and needs the same action).
    this.project.addToRolePolicy(new iam.PolicyStatement({
      actions: ['codecommit:GitPush'],
      resources: [props.repository.repositoryArn],
      conditions: { 'ForAllValues:StringLike': { 'codecommit:References': [`refs/heads/${UPGRADE_BRANCH_PREFIX}/*`] } },
    }));
    this.project.addToRolePolicy(new iam.PolicyStatement({
      actions: ['codecommit:CreatePullRequest'],
      resources: [props.repository.repositoryArn],
    }));
    acknowledgeProjectFindings(this.project, props.buildImage, 'template upgrade');
    this.rule = new events.Rule(this, 'Schedule', {
      description: `Runs the template upgrade of ${props.serviceName}`,
      schedule: events.Schedule.expression(props.schedule),
      targets: [new targets.CodeBuildProject(this.project)],
    });
    if (props.notificationTopic) {
      // CodeStar Notifications publishes as the pipeline's runs do, so the topic's policy and key
      // policy need nothing more than what the pipeline's notification rule has.
      this.failureNotification = this.project.notifyOnBuildFailed('Failed', props.notificationTopic, {
        notificationRuleName: `${props.serviceName}-template-upgrade-failed`,
      });
    }
  }
}
