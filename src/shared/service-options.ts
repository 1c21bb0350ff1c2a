/**
 * The options of the service, declared once: the projen project type (`CicdServiceOptions`) and
 * the CDK side (`CicdServiceProps`) both extend `ServiceOptions`, and `resolveServiceSettings`
 * validates them for both.
 */

/**
 * One environment that the pipeline deploys to, in order (for example staging, then production).
 * Sizes left out are the service-wide ones.
 */
export interface EnvironmentOptions {
  /**
   * Name of the environment: 2 to 16 lowercase letters and digits in words joined by single
   * hyphens, starting with a letter. It names the environment's stack (`<service>-<name>`), its
   * cluster, service, log group and pipeline stage, so two environments can share an account and
   * a region.
   */
  readonly name: string;

  /**
   * AWS account (12 digits) of the environment. An account other than the pipeline's needs
   * `pipelineAccount`, and that account bootstrapped to trust the pipeline's account
   * (`cdk bootstrap --trust <pipeline account>`).
   *
   * @default - the pipeline's account
   */
  readonly account?: string;

  /**
   * AWS region of the environment, for example "eu-west-1". It needs `pipelineRegion` and, for
   * now, must be that region: environments in other regions are not supported yet.
   *
   * @default - the pipeline's region
   */
  readonly region?: string;

  /**
   * Whether the pipeline waits for a person's approval before it deploys to this environment. The
   * approval links to the URL of the previous environment, where the change already runs.
   *
   * @default false
   */
  readonly requireApproval?: boolean;

  /**
   * Number of tasks in this environment, and the lower bound of its autoscaling (1-100).
   *
   * @default - the service's `desiredCount`
   */
  readonly desiredCount?: number;

  /**
   * Upper bound of this environment's autoscaling (desiredCount-100).
   *
   * @default - the service's `maxCount`, raised to `desiredCount` if lower
   */
  readonly maxCount?: number;

  /**
   * Fargate CPU units of one task in this environment.
   *
   * @default - the service's `cpu`
   */
  readonly cpu?: number;

  /**
   * Memory of one task in this environment in MiB; a size Fargate pairs with the environment's CPU.
   *
   * @default - the service's `memory` when Fargate pairs it with the environment's CPU, else the
   * smallest size that it does
   */
  readonly memory?: number;

  /**
   * ARN of an ACM certificate (in the environment's account and region) for an HTTPS listener on
   * port 443; the HTTP listener then redirects to HTTPS.
   *
   * @default - HTTP on port 80 only
   */
  readonly certificateArn?: string;
}

/**
 * Options that describe the service and where it runs.
 */
export interface ServiceOptions {
  /**
   * Name of the service. It names the CodeCommit and ECR repositories, the build project, the
   * pipeline, the stacks, and with the environment's name the clusters, services and log groups:
   * 2 to 32 lowercase letters and digits in words joined by single hyphens, starting with a letter.
   *
   * @default - the project `name`, lowercased, with other characters turned into hyphens (the CDK
   * side requires it)
   */
  readonly serviceName?: string;

  /**
   * TCP port the service listens on inside the container (1024-65535: the container runs as a
   * non-root user, which cannot bind lower ports). The Dockerfile, the task definition, the target
   * group and the health check all use it.
   *
   * @default 8080
   */
  readonly containerPort?: number;

  /**
   * URL path that answers 200 when the service is healthy; the load balancer and the pipeline's
   * verification check it.
   *
   * @default "/health"
   */
  readonly healthCheckPath?: string;

  /**
   * Fargate CPU units for one task: 256, 512, 1024, 2048, 4096, 8192 or 16384. An environment
   * can set its own.
   *
   * @default 256
   */
  readonly cpu?: number;

  /**
   * Memory for one task in MiB; must be a size Fargate pairs with `cpu`. An environment can set
   * its own.
   *
   * @default 512 (or the smallest size allowed for `cpu`)
   */
  readonly memory?: number;

  /**
   * Number of tasks to run, and the lower bound of CPU-based autoscaling (1-100). An environment
   * can set its own.
   *
   * @default 1
   */
  readonly desiredCount?: number;

  /**
   * Upper bound of CPU-based autoscaling (desiredCount-100). An environment can set its own.
   *
   * @default max(4, desiredCount)
   */
  readonly maxCount?: number;

  /**
   * Branch of the repository whose pushes run the pipeline.
   *
   * @default "main"
   */
  readonly branch?: string;

  /**
   * CodeBuild image that runs `buildspec.yml`.
   *
   * @default "aws/codebuild/amazonlinux-x86_64-standard:5.0"
   */
  readonly buildImage?: string;

  /**
   * The environments that the pipeline deploys to, in order: at most 10, with unique names.
   * One environment is `[{ name: 'production' }]`.
   *
   * @default - `staging`, then `production` after a manual approval, both in the pipeline's
   * account and region
   */
  readonly environments?: EnvironmentOptions[];

  /**
   * AWS account (12 digits) of the pipeline stack: the source and image repositories, the build
   * and the pipeline. Needed when an environment names an account, so that the stacks can refer
   * to each other by name.
   *
   * @default - the account that `cdk deploy` runs with (the stacks are environment-agnostic)
   */
  readonly pipelineAccount?: string;

  /**
   * AWS region of the pipeline stack, for example "eu-west-1". Needed when an environment names
   * an account or a region.
   *
   * @default - the region that `cdk deploy` runs with (the stacks are environment-agnostic)
   */
  readonly pipelineRegion?: string;

  /**
   * Whether every pull request on the CodeCommit repository is built and checked before merge: a
   * pull request opened or updated runs `buildspec.yml` in "verify only" mode (the tests, the
   * gates and the image build, nothing pushed), the result is posted on the pull request, and the
   * pull request needs the build's approval to merge.
   *
   * @default true
   */
  readonly pullRequestBuilds?: boolean;

  /**
   * When a build upgrades the repository to the latest cicd-service-template and opens a pull
   * request with the change: an EventBridge schedule expression, `cron(...)` with six fields or
   * `rate(<n> <unit>)`, in UTC; or "off" for no scheduled upgrade.
   *
   * @default "cron(0 6 ? * MON *)" (Mondays, 06:00 UTC)
   */
  readonly upgradeSchedule?: string;
}
