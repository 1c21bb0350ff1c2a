import { SourceOptions } from './source-options';

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

  /**
   * A domain name for this environment: a DNS-validated ACM certificate for it, an alias record
   * to the load balancer, HTTPS on port 443 with HTTP redirected to it. The environment's URL
   * (the stack's `ServiceUrl`, the approval's link, the pipeline's verification) becomes
   * `https://<recordName>.<zoneName>`. With `certificateArn` too, that certificate is used and no
   * new one is requested.
   *
   * @default - no domain: the load balancer's own DNS name
   */
  readonly domain?: DomainOptions;

  /**
   * Where this environment's tasks run. It replaces the service-wide `network` as a whole.
   *
   * @default - the service's `network`
   */
  readonly network?: NetworkOptions;

  /**
   * Plain environment variables of this environment's container, by name. They extend the
   * service's `environment` and override its entries of the same name (and a service-wide secret of
   * that name). Names as for the service's `environment`.
   *
   * @default - the service's `environment`
   */
  readonly environment?: { [name: string]: string };

  /**
   * Secrets of this environment's container, by variable name: the ARN of a Secrets Manager
   * secret or of an SSM parameter, as for the service's `secrets`. They extend the service's
   * `secrets` and override its entries of the same name (and a service-wide variable of that name).
   *
   * @default - the service's `secrets`
   */
  readonly secrets?: { [name: string]: string };

  /**
   * ARN of the KMS key that encrypts this environment's secrets, when it is a customer-managed
   * key: the task execution role may decrypt with it.
   *
   * @default - the service's `secretsKeyArn`
   */
  readonly secretsKeyArn?: string;

  /**
   * Whether ECS Exec (`aws ecs execute-command`) can open a shell in this environment's running
   * containers, with the sessions logged to the log group `/ecs/<service>/<environment>/exec`.
   *
   * @default - the service's `enableExecuteCommand`
   */
  readonly enableExecuteCommand?: boolean;

  /**
   * Thresholds of this environment's alarms; a threshold left out is the service's (`alarms`).
   *
   * @default - the service's `alarms`
   */
  readonly alarms?: AlarmOptions;

  /**
   * How ECS rolls out a new image in this environment: a rolling update, or one of ECS's own
   * blue/green, canary and linear deployments, which start the new tasks next to the old ones,
   * check them on a test listener and move production traffic only then.
   *
   * @default - the service's `deployment`; without one, a canary deployment in the last
   * environment (the one users reach) and rolling updates in the others
   */
  readonly deployment?: DeploymentOptions;
}

/**
 * A name in an existing Route 53 public hosted zone, given by its ID and name so that synthesis
 * needs no AWS credentials. The zone must be in the environment's account: CloudFormation writes
 * the certificate's validation record and the alias record into it.
 */
export interface DomainOptions {
  /** ID of the hosted zone: "Z" and uppercase letters and digits, for example "Z0123456789ABCDEFGHIJ". */
  readonly hostedZoneId: string;

  /** Name of the hosted zone, lowercase, without the final dot, for example "example.com". */
  readonly zoneName: string;

  /**
   * Name of the record, relative to the zone: "orders" for orders.example.com, "orders.staging"
   * for orders.staging.example.com, or "@" for the zone apex (example.com itself). The full name
   * has at most 64 characters when a certificate is requested (the limit of a certificate's
   * common name), 253 otherwise.
   */
  readonly recordName: string;
}

/**
 * The network of an environment. By default the stack creates a VPC with public subnets in two
 * Availability Zones, and the tasks run there with public IP addresses (no NAT gateway).
 */
export interface NetworkOptions {
  /**
   * Where the tasks run: "public" (public subnets, a public IP address per task, accepting traffic
   * from the load balancer only) or "private" (private subnets without public IP addresses,
   * reaching ECR, CloudWatch Logs and the internet through NAT).
   *
   * @default "public"
   */
  readonly taskSubnets?: string;

  /**
   * NAT gateways of the VPC that the stack creates, for "private" tasks: "one" (in the first
   * Availability Zone; the tasks of the other zone lose the internet when that zone fails) or
   * "per-zone" (one in each of the two zones). About 0.045 USD an hour each, plus data processed.
   * Not with an existing `vpc`, whose routes are its own.
   *
   * @default "one" for private tasks; none for public tasks
   */
  readonly natGateways?: string;

  /**
   * An existing VPC to run in, instead of one that the stack creates: the stack then creates no
   * VPC, no subnets, no NAT gateway and no VPC flow log.
   *
   * @default - the stack creates a VPC (and a flow log of its rejected traffic)
   */
  readonly vpc?: ExistingVpcOptions;
}

/**
 * An existing VPC, given by its IDs so that synthesis needs no AWS credentials (no lookup). It
 * must be in the environment's account and region.
 */
export interface ExistingVpcOptions {
  /** ID of the VPC, for example "vpc-0123456789abcdef0". */
  readonly vpcId: string;

  /** The Availability Zones to use (2 to 6, of the environment's region), for example ["eu-west-1a", "eu-west-1b"]. */
  readonly availabilityZones: string[];

  /**
   * One public subnet (routed to an internet gateway) per Availability Zone, in the order of
   * `availabilityZones`: the load balancer's, and the tasks' when they are public.
   */
  readonly publicSubnetIds: string[];

  /**
   * One private subnet per Availability Zone, in the order of `availabilityZones`, whose routes
   * reach the internet (a NAT gateway) or the AWS services the tasks use: the tasks' when
   * `taskSubnets` is "private".
   *
   * @default - none: the tasks must be public
   */
  readonly privateSubnetIds?: string[];
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
   * Where the tasks of every environment run, unless an environment sets its own `network`.
   *
   * @default - public subnets of a VPC that each stack creates, no NAT gateway
   */
  readonly network?: NetworkOptions;

  /**
   * Plain environment variables of the container in every environment, by name; an environment's
   * `environment` overrides entries of the same name. Names are letters, digits and underscores
   * not starting with a digit, other than PORT, NODE_ENV, PATH, HOME, NODE_OPTIONS, SERVICE_VERSION
   * (the image sets them), AWS_REGION, AWS_DEFAULT_REGION, AWS_EXECUTION_ENV, AWS_CONTAINER_* and
   * ECS_* (ECS sets them); values are strings without control characters. The values are written
   * into the task definition: use `secrets` for anything secret.
   *
   * @default - none
   */
  readonly environment?: { [name: string]: string };

  /**
   * Secrets of the container in every environment, by variable name, which ECS reads when a task
   * starts and passes to the container as environment variables: the ARN of a Secrets Manager
   * secret ("arn:aws:secretsmanager:<region>:<account>:secret:<name>", complete with its
   * 6-character suffix, or partial without it), optionally selecting one key of a JSON secret as ECS
   * does (":<json-key>:<version-stage>:<version-id>", for example ":password::"), or the ARN of an
   * SSM parameter ("arn:aws:ssm:<region>:<account>:parameter/<name>"). Only the ARNs are written
   * anywhere; the task execution role may read exactly these secrets and parameters. An
   * environment's `secrets` overrides entries of the same name.
   *
   * @default - none
   */
  readonly secrets?: { [name: string]: string };

  /**
   * ARN of the customer-managed KMS key that encrypts the secrets (or SecureString parameters):
   * the task execution role may decrypt with it. Not needed for the AWS-managed keys.
   *
   * @default - no key: the secrets use the AWS-managed keys
   */
  readonly secretsKeyArn?: string;

  /**
   * Whether ECS Exec (`aws ecs execute-command`) can open a shell in the running containers of
   * every environment: the service allows it, the task role may open the Session Manager channels,
   * and each environment's cluster logs the sessions to the log group
   * `/ecs/<service>/<environment>/exec`. An environment can set its own.
   *
   * @default false
   */
  readonly enableExecuteCommand?: boolean;

  /**
   * A GitHub, GitLab or Bitbucket repository that the pipeline takes the source from, through an
   * AWS CodeConnections connection, instead of a CodeCommit repository. The pipeline starts on a
   * push to `branch` that changes a file outside `excludedPaths`.
   *
   * @default - a CodeCommit repository named after the service, in the pipeline stack
   */
  readonly source?: SourceOptions;

  /**
   * Thresholds of every environment's alarms (an environment's own `alarms` override them). The
   * alarms roll a deployment back while it runs, and tell `notifications` when they go off.
   *
   * @default - the defaults of `AlarmOptions`
   */
  readonly alarms?: AlarmOptions;

  /**
   * Who is told about pipeline runs (failed, succeeded), approvals waiting, and alarms.
   *
   * @default - an encrypted SNS topic `<service>-notifications` without subscriptions
   */
  readonly notifications?: NotificationOptions;

  /**
   * How ECS rolls out a new image in every environment that sets no `deployment` of its own.
   *
   * @default - a canary deployment in the last environment and rolling updates in the others
   */
  readonly deployment?: DeploymentOptions;

  /**
   * Whether every pull request on the CodeCommit repository is built and checked before merge: a
   * pull request opened or updated runs `buildspec.yml` in "verify only" mode (the tests, the
   * gates and the image build, nothing pushed), the result is posted on the pull request, and the
   * pull request needs the build's approval to merge. For CodeCommit only: with `source`, the Git
   * host's own checks do this (see the operating guide), and `true` is refused.
   *
   * @default - true with a CodeCommit repository, false with `source`
   */
  readonly pullRequestBuilds?: boolean;

  /**
   * When a build upgrades the repository to the latest cicd-service-template and opens a pull
   * request with the change: an EventBridge schedule expression, `cron(...)` with six fields or
   * `rate(<n> <unit>)`, in UTC; or "off" for no scheduled upgrade. For CodeCommit only: with
   * `source`, only "off" is accepted. An upgrade that stops is reported to the notifications topic.
   *
   * @default - "cron(0 6 ? * MON *)" (Mondays, 06:00 UTC) with a CodeCommit repository, "off" with `source`
   */
  readonly upgradeSchedule?: string;
}

/**
 * How ECS deploys a new image to an environment. `strategy` picks the kind; the other fields
 * belong to one kind each, and a field of another kind is an error. Times are whole minutes.
 *
 * The pipeline's ECS deploy action waits at most 60 minutes for a deployment, so the bake time and
 * the canary or linear waits together must stay within 45 minutes (the rest is left for starting
 * the tasks and checking them on the test listener).
 */
export interface DeploymentOptions {
  /**
   * "rolling" (ECS replaces the tasks a few at a time), "blue-green" (a full set of new tasks is
   * checked on the test listener, then takes all production traffic at once), "canary" (the new
   * tasks take `canaryPercent` of the traffic for `canaryBakeTimeMinutes`, then all of it) or
   * "linear" (the new tasks take `linearStepPercent` more of the traffic every
   * `linearStepBakeTimeMinutes`).
   */
  readonly strategy: string;

  /**
   * Minutes that the old tasks keep running once the new ones take all production traffic, so
   * that a rollback is instant (0-45; not for "rolling").
   *
   * @default 10
   */
  readonly bakeTimeMinutes?: number;

  /**
   * Percent of production traffic that the new tasks take first, in a "canary" deployment
   * (0.5-99.5, in steps of 0.5).
   *
   * @default 10
   */
  readonly canaryPercent?: number;

  /**
   * Minutes that a "canary" deployment keeps the canary share before it moves the rest (0-45).
   *
   * @default 5
   */
  readonly canaryBakeTimeMinutes?: number;

  /**
   * Percent of production traffic that each step of a "linear" deployment moves (3-100, in steps
   * of 0.5).
   *
   * @default 25
   */
  readonly linearStepPercent?: number;

  /**
   * Minutes between the steps of a "linear" deployment (0-45).
   *
   * @default 3
   */
  readonly linearStepBakeTimeMinutes?: number;
}

/**
 * Thresholds of the alarms of an environment, on what its users feel. Each alarm looks at
 * one-minute periods, and goes off when its condition holds for `evaluationMinutes` minutes in a
 * row (`tasksBelowDesiredMinutes` for the task count). A minute without data (no traffic) is not a
 * breach. During a deployment, any of them going off rolls the deployment back.
 */
export interface AlarmOptions {
  /**
   * Responses that the load balancer itself fails (HTTP 5xx without a healthy task to answer, for
   * example), as a percentage of its requests: 0.1 to 100.
   *
   * @default 5
   */
  readonly loadBalancer5xxPercent?: number;

  /**
   * Responses with status 5xx from the service's tasks, as a percentage of the load balancer's
   * requests: 0.1 to 100.
   *
   * @default 5
   */
  readonly target5xxPercent?: number;

  /**
   * The 99th percentile of the tasks' response time, in milliseconds (1-60000).
   *
   * @default 1000
   */
  readonly latencyP99Ms?: number;

  /**
   * Number of targets that fail the load balancer's health check at which the alarm goes off (1-100).
   *
   * @default 1
   */
  readonly unhealthyHosts?: number;

  /**
   * Minutes in a row (1-60) that fewer tasks run than the service wants before the alarm goes off:
   * long enough for a new task to start when the service scales out.
   *
   * @default 5
   */
  readonly tasksBelowDesiredMinutes?: number;

  /**
   * Minutes in a row (1-60) that the error rates and the latency must breach their thresholds.
   *
   * @default 3
   */
  readonly evaluationMinutes?: number;

  /**
   * Requests a minute (0-100000) below which the error rates count as 0: one failed request out of
   * two is not a 50% error rate worth a rollback.
   *
   * @default 10
   */
  readonly minimumRequests?: number;
}

/**
 * Where notifications go. The pipeline's stack creates an SNS topic encrypted with a KMS key of its
 * own (about 1 USD a month), unless `topicArn` names one to use instead.
 */
export interface NotificationOptions {
  /**
   * E-mail addresses subscribed to the topic (at most 20); each address confirms its subscription
   * from the message that AWS sends to it.
   *
   * @default - no subscription
   */
  readonly emails?: string[];

  /**
   * ARN of an existing SNS topic in the pipeline's account and region, used instead of creating
   * one. Its policy (and key policy, when encrypted) must let CodeStar Notifications (the
   * pipeline's runs, the failed template upgrades), the pipeline's role and CloudWatch alarms publish.
   *
   * @default - a topic `<service>-notifications` in the pipeline's stack
   */
  readonly topicArn?: string;
}
