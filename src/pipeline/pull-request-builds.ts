import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codecommit from 'aws-cdk-lib/aws-codecommit';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeProjectFindings } from './build-project-findings';
import { acknowledgeWildcards } from './nag-acknowledgments';
import { PipelineFunction } from './pipeline-function';
import { BUILD_ENV } from '../shared/service-settings';

/** Properties of `VerifyBuildProject`. */
export interface VerifyBuildProjectProps {
  /** Name of the project. */
  readonly projectName: string;
  /** What the project builds. */
  readonly description: string;
  /** The source: the CodeCommit repository, or a Git host's. */
  readonly source: codebuild.ISource;
  /** The build image, the pipeline build's. */
  readonly buildImage: codebuild.IBuildImage;
  /** The compute size, the pipeline build's. */
  readonly computeType: codebuild.ComputeType;
  /** The service's image repository: the build reads its layer cache, and cannot push. */
  readonly imageRepository: ecr.IRepository;
  /** The container name that `buildspec.yml` reads. */
  readonly containerName: string;
  /** Retention of the project's log group. */
  readonly logRetention: logs.RetentionDays;
}

/**
 * A CodeBuild project that runs the repository's `buildspec.yml` in "verify only" mode
 * (`VERIFY_ONLY=1`): compile, tests, quality gates and the image build, with nothing pushed and no
 * `imagedefinitions.json`. Its role may read the image repository's layer cache and write its own
 * logs and test reports, nothing else: no image push, no pipeline. Any source can drive it, so a
 * Git host's pull request checks can reuse it.
 */
export class VerifyBuildProject extends Construct {
  /** The project. */
  public readonly project: codebuild.Project;
  /** Its log group. */
  public readonly logGroup: logs.LogGroup;
  /** The report group of its JUnit results (`<project>-unit-tests`, the key `buildspec.yml` reports under). */
  public readonly testReportGroup: codebuild.ReportGroup;

  constructor(scope: Construct, id: string, props: VerifyBuildProjectProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: `/aws/codebuild/${props.projectName}`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.project = new codebuild.Project(this, 'Project', {
      projectName: props.projectName,
      description: props.description,
      source: props.source,
      buildSpec: codebuild.BuildSpec.fromSourceFilename('buildspec.yml'),
      environment: { buildImage: props.buildImage, computeType: props.computeType, privileged: true },
      environmentVariables: {
        [BUILD_ENV.repositoryUri]: { value: props.imageRepository.repositoryUri },
        [BUILD_ENV.containerName]: { value: props.containerName },
        [BUILD_ENV.accountId]: { value: Aws.ACCOUNT_ID },
        [BUILD_ENV.verifyOnly]: { value: '1' },
      },
      logging: { cloudWatch: { logGroup: this.logGroup } },
      grantReportGroupPermissions: false,
      timeout: Duration.minutes(30),
    });
    this.testReportGroup = new codebuild.ReportGroup(this, 'TestReportGroup', {
      reportGroupName: `${props.projectName}-unit-tests`,
      type: codebuild.ReportGroupType.TEST,
      removalPolicy: RemovalPolicy.DESTROY,
      deleteReports: true,
    });
    this.testReportGroup.grantWrite(this.project);
    // Pull only: the layer cache speeds the image build up; the build cannot push.
    props.imageRepository.grant(this.project, 'ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage');
    const login = new iam.Policy(this, 'BuildRegistryLogin', {
      statements: [new iam.PolicyStatement({ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] })],
      roles: [this.project.role!],
    });
    acknowledgeWildcards(login, 'ecr:GetAuthorizationToken supports no resource-level permissions; the pull is scoped to the image repository',
      ['Resource::*']);
    acknowledgeProjectFindings(this.project, props.buildImage, 'pull request');
  }
}

/** Properties of `PullRequestBuilds`. */
export interface PullRequestBuildsProps {
  /** The CodeCommit repository whose pull requests are built. */
  readonly repository: codecommit.IRepository;
  /** The service's name; the project is `<service>-pull-requests`. */
  readonly serviceName: string;
  /** The build image, the pipeline build's. */
  readonly buildImage: codebuild.IBuildImage;
  /** The compute size, the pipeline build's. */
  readonly computeType: codebuild.ComputeType;
  /** The service's image repository. */
  readonly imageRepository: ecr.IRepository;
  /** The container name that `buildspec.yml` reads. */
  readonly containerName: string;
  /** Retention of the log groups. */
  readonly logRetention: logs.RetentionDays;
}

/** The events of a pull request that start its build: opened, or its source branch updated. */
const BUILD_EVENTS = ['pullRequestCreated', 'pullRequestSourceBranchUpdated'];

/**
 * Pull request builds of a CodeCommit repository: a pull request opened or updated starts a
 * `VerifyBuildProject` build of its source commit; when it ends, a function posts the outcome on
 * the pull request with links to the build and its test report, and approves the pull request's
 * revision when it passed. Every new pull request gets the approval rule "Pull request build
 * passes", whose only approver is that function's role: the pull request merges only after its
 * build passed. (The rule is created per pull request by the function: CloudFormation has no
 * resource for approval rule templates, and aws-cdk-lib's custom resource machinery ships its
 * handler as an asset, which the self-updating pipeline cannot deploy.)
 */
export class PullRequestBuilds extends Construct {
  /** The verify-only build. */
  public readonly verifyBuild: VerifyBuildProject;
  /** The function that adds the approval rule, comments the outcome and approves. */
  public readonly reporter: PipelineFunction;

  constructor(scope: Construct, id: string, props: PullRequestBuildsProps) {
    super(scope, id);
    this.verifyBuild = new VerifyBuildProject(this, 'Build', {
      projectName: `${props.serviceName}-pull-requests`,
      description: `Builds the pull requests of ${props.serviceName}: tests, gates and image build, nothing pushed`,
      source: codebuild.Source.codeCommit({ repository: props.repository }),
      buildImage: props.buildImage,
      computeType: props.computeType,
      imageRepository: props.imageRepository,
      containerName: props.containerName,
      logRetention: props.logRetention,
    });
    const detail = (field: string) => events.EventField.fromPath(`$.detail.${field}`);
    props.repository.onPullRequestStateChange('PullRequestUpdated', {
      description: `Builds the source commit of a pull request of ${props.serviceName} opened or updated`,
      eventPattern: { detail: { event: BUILD_EVENTS, pullRequestStatus: ['Open'] } },
      target: new targets.CodeBuildProject(this.verifyBuild.project, {
        event: events.RuleTargetInput.fromObject({
          sourceVersion: detail('sourceCommit'),
          environmentVariablesOverride: [
            { name: 'PULL_REQUEST_ID', value: detail('pullRequestId'), type: 'PLAINTEXT' },
            { name: 'SOURCE_COMMIT', value: detail('sourceCommit'), type: 'PLAINTEXT' },
            { name: 'DESTINATION_COMMIT', value: detail('destinationCommit'), type: 'PLAINTEXT' },
            { name: 'REPOSITORY_NAME', value: props.repository.repositoryName, type: 'PLAINTEXT' },
          ],
        }),
      }),
    });

    this.reporter = new PipelineFunction(this, 'Reporter', {
      handler: 'handlePullRequestEvent',
      handlerFile: 'pull-requests.js',
      description: `Requires, reports and approves the pull request builds of ${props.serviceName}`,
      logRetention: props.logRetention,
      reportsToPipeline: false,
    });
    // The approval pool names the function's role as it calls CodeCommit: an assumed-role session.
    this.reporter.function.addEnvironment('APPROVER_ROLE_ARN',
      `arn:${Aws.PARTITION}:sts::${Aws.ACCOUNT_ID}:assumed-role/${this.reporter.role.roleName}/*`);
    // Comment and approve: no merge, no push.
    props.repository.grant(this.reporter.role, 'codecommit:CreatePullRequestApprovalRule', 'codecommit:PostCommentForPullRequest',
      'codecommit:GetPullRequest', 'codecommit:UpdatePullRequestApprovalState');
    props.repository.onPullRequestStateChange('PullRequestCreated', {
      description: `Gives every new pull request of ${props.serviceName} the approval rule of its build`,
      eventPattern: { detail: { event: ['pullRequestCreated'] } },
      target: new targets.LambdaFunction(this.reporter.function),
    });
    this.verifyBuild.project.onStateChange('BuildEnded', {
      description: `Reports the end of a pull request build of ${props.serviceName} on its pull request`,
      eventPattern: { detail: { 'build-status': ['SUCCEEDED', 'FAILED', 'STOPPED'] } },
      target: new targets.LambdaFunction(this.reporter.function),
    });
  }
}
