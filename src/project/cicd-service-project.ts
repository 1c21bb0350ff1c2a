import * as fs from 'fs';
import * as path from 'path';
import { awscdk, javascript } from 'projen';
import { BuildSpec, BuildSpecExtras } from './buildspec';
import { CdkAppFiles } from './cdk-app-files';
import { FastToolchain } from './fast-toolchain';
import { InstallScripts } from './install-scripts';
import { FileOwnership } from './managed-files';
import { OperationsGuide, ReadmeSectionContent, renderReadmeSample } from './operations-guide';
import { checkOptionNames } from './option-names';
import { OverwriteGuard } from './overwrite-guard';
import { SampleService } from './sample-service';
import { DockerfileExtras, ServiceDockerfile } from './service-dockerfile';
import { TemplateRenderer } from './template-renderer';
import { UnchangedFileTimes } from './unchanged-file-times';
import { QualityGates, QualityGatesOptions } from '../gates/quality-gates';
import { RepositoryGates } from '../gates/repository-gates';
import { ALARM_DEFAULTS } from '../shared/alarm-settings';
import { domainOptionsInOrder } from '../shared/domain-settings';
import { networkOptionsInOrder } from '../shared/network-settings';
import { NodeRelease, resolveNodeRelease } from '../shared/node-versions';
import { UPGRADE_SCHEDULE_OFF } from '../shared/review-settings';
import { AlarmOptions, DeploymentOptions, EnvironmentOptions, ServiceOptions } from '../shared/service-options';
import { DEFAULT_ENVIRONMENTS, InvalidOptionError, MIN_CDK_VERSION, resolveServiceSettings, ServiceSettings, versionLower } from '../shared/service-settings';
import { SourceOptions } from '../shared/source-options';

/** The npm name of this package, as the generated repository depends on it. */
const PACKAGE_NAME = 'cicd-service-template';

/**
 * Options of the service repository: the service's options (`ServiceOptions`, which the CDK side
 * shares) and what only the repository has. Every scalar option is also a `projen new` flag (for
 * example `--container-port 3000`).
 */
export interface CicdServiceOptions extends ServiceOptions {
  /**
   * Major version of the Node.js LTS release that the service, its image and the build run on: "22"
   * (supported until 2027-04-30) or "24" (until 2028-04-30), among those that `buildImage` offers
   * (every CodeBuild standard image offers both). It sets the pinned base image of the Dockerfile,
   * the `runtime-versions` of `buildspec.yml`, and `engines` and `@types/node` of the service's
   * `package.json`.
   *
   * @default "24"
   */
  readonly nodeVersion?: string;

  /**
   * Template-managed files that you take over: each is written once if it is missing and never
   * regenerated, so your edits survive `npx projen` and template upgrades. Allowed: "Dockerfile",
   * ".dockerignore", "buildspec.yml", "docs/operations.md", "src/service-settings.ts". "README.md"
   * is accepted and has no effect (with a warning): the README is always yours.
   *
   * @default - the template manages all of them
   */
  readonly ownedFiles?: string[];

  /**
   * Extra patterns for `.dockerignore`, one per entry, after the template's own.
   *
   * @default - none
   */
  readonly dockerignoreExtra?: string[];

  /**
   * Extra environment variables of the runtime image (`ENV` in the Dockerfile). Names are letters,
   * digits and underscores, other than PORT, NODE_ENV, PATH, HOME, NODE_OPTIONS and SERVICE_VERSION; values are
   * printable characters without quotes, backslashes, "$", backticks or line breaks. Do not put
   * secrets here: they would be readable in the image. The values are the same in every
   * environment: for configuration per environment use `environment` (the task definition's
   * variables, which override these), and `secrets` for secrets.
   *
   * @default - none
   */
  readonly dockerRuntimeEnv?: { [name: string]: string };

  /**
   * Extra commands for `buildspec.yml`, appended to the template's commands of each phase. They
   * run in CodeBuild's shell exactly as written, with the build's permissions: a failing command
   * fails its phase.
   *
   * @default - none
   */
  readonly buildspecExtraCommands?: BuildSpecExtraCommands;

  /**
   * Extra sections at the end of the operating guide, `docs/operations.md` (the managed README.md
   * of earlier versions), so that you can add to it without taking it over.
   *
   * @default - none
   */
  readonly readmeExtraSections?: ReadmeSection[];

  /**
   * The quality gates that the repository's `test` task runs (and so the pipeline's build):
   * cdk-nag AwsSolutions checks, `cdk synth --strict`, the Dockerfile lint, the buildspec schema
   * check and the AWS Control Tower rules. Each is on unless set to `false`.
   *
   * @default - every gate on
   */
  readonly qualityGates?: QualityGatesOptions;
}

/**
 * Extra shell commands per `buildspec.yml` phase; each entry is one line of shell.
 */
export interface BuildSpecExtraCommands {
  /**
   * Commands after the runtime is installed.
   *
   * @default - none
   */
  readonly installCommands?: string[];

  /**
   * Commands after the ECR login, `npm ci` and the type check, before the tests.
   *
   * @default - none
   */
  readonly preBuildCommands?: string[];

  /**
   * Commands after the tests and `docker build` (which a rebuild of a commit whose image is
   * already in ECR skips).
   *
   * @default - none
   */
  readonly buildCommands?: string[];

  /**
   * Commands after the image push (they also run when the build failed; check
   * `$CODEBUILD_BUILD_SUCCEEDING`).
   *
   * @default - none
   */
  readonly postBuildCommands?: string[];
}

/**
 * A section added to the operating guide, `docs/operations.md`.
 */
export interface ReadmeSection {
  /** Heading of the section: one line, without "#". */
  readonly title: string;

  /** Markdown content of the section. */
  readonly body: string;
}

/**
 * Options for `CicdServiceProject`.
 */
export interface CicdServiceProjectOptions extends awscdk.AwsCdkTypeScriptAppOptions, CicdServiceOptions {}

/**
 * A containerized service on AWS with its CI/CD pipeline: a sample HTTP service, its Dockerfile and
 * `buildspec.yml`, and a CDK app that deploys `CicdService`: a pipeline stack (CodeCommit or a
 * CodeConnections source, CodeBuild, ECR, CodePipeline) and one ECS Fargate stack per environment.
 *
 * @pjid cicd-service
 */
export class CicdServiceProject extends awscdk.AwsCdkTypeScriptApp {
  private static resolveExtras(options: CicdServiceProjectOptions): {
    ownedFiles: ReadonlySet<string>;
    dockerfile: DockerfileExtras;
    buildspec: BuildSpecExtras;
    readmeSections: ReadmeSectionContent[];
  } {
    const o = options as unknown as Record<string, unknown>;
    return {
      ownedFiles: FileOwnership.validate(o.ownedFiles),
      dockerfile: ServiceDockerfile.validate(o.dockerignoreExtra, o.dockerRuntimeEnv),
      buildspec: BuildSpec.validate(o.buildspecExtraCommands),
      readmeSections: OperationsGuide.validate(o.readmeExtraSections),
    };
  }

  /**
   * The aws-cdk-lib version to use: `cdkVersion`, raised to what the pipeline stack needs.
   * `projen new` passes projen's own default (an older version) and renders `.projenrc.ts` from
   * the arguments it records in `__new__`: they get the raised version too, so the generated
   * `.projenrc.ts` shows the version in use. (`@pjnew` cannot set it: it would need `cdkVersion`
   * declared again in this package's options, which projen new rejects as a duplicate.)
   */
  private static resolveCdkVersion(options: CicdServiceProjectOptions): {
    options: { cdkVersion: string; __new__?: unknown };
    raisedFrom?: string;
  } {
    if (!versionLower(options.cdkVersion, MIN_CDK_VERSION)) return { options: { cdkVersion: options.cdkVersion } };
    const init = (options as unknown as { __new__?: { args?: Record<string, unknown> } }).__new__;
    if (init === undefined) return { options: { cdkVersion: MIN_CDK_VERSION }, raisedFrom: options.cdkVersion };
    return { options: { cdkVersion: MIN_CDK_VERSION, __new__: { ...init, args: { ...init.args, cdkVersion: MIN_CDK_VERSION } } } };
  }

  /**
   * npm, the only package manager the repository builds with (`buildspec.yml` and the Dockerfile
   * install with `npm ci` from `package-lock.json`): an unset option means npm, where projen would
   * fall back to Yarn Classic, and any other value is refused.
   */
  private static resolvePackageManager(options: CicdServiceProjectOptions): javascript.NodePackageManager {
    const value = (options as unknown as Record<string, unknown>).packageManager;
    if (value === undefined || value === javascript.NodePackageManager.NPM) return javascript.NodePackageManager.NPM;
    throw new InvalidOptionError('packageManager', value,
      `"${javascript.NodePackageManager.NPM}" (javascript.NodePackageManager.NPM): buildspec.yml and the Dockerfile install with npm ci from package-lock.json`);
  }

  private static resolveSettings(options: CicdServiceProjectOptions): ServiceSettings {
    const o = options as unknown as Record<string, unknown>;
    return resolveServiceSettings({
      serviceName: o.serviceName === undefined ? deriveServiceName(options.name) : o.serviceName,
      containerPort: o.containerPort,
      healthCheckPath: o.healthCheckPath,
      cpu: o.cpu,
      memory: o.memory,
      desiredCount: o.desiredCount,
      maxCount: o.maxCount,
      branch: o.branch,
      buildImage: o.buildImage,
      environments: o.environments,
      pipelineAccount: o.pipelineAccount,
      pipelineRegion: o.pipelineRegion,
      network: o.network,
      environment: o.environment,
      secrets: o.secrets,
      secretsKeyArn: o.secretsKeyArn,
      enableExecuteCommand: o.enableExecuteCommand,
      source: o.source,
      alarms: o.alarms,
      notifications: o.notifications,
      logRetentionDays: o.logRetentionDays,
      teamAccess: o.teamAccess,
      compliance: o.compliance,
      deployment: o.deployment,
      pullRequestBuilds: o.pullRequestBuilds,
      upgradeSchedule: o.upgradeSchedule,
    });
  }

  /** The validated service settings, with every default applied. */
  public readonly serviceName: string;
  /** Port the container listens on. */
  public readonly containerPort: number;
  /** Health check path of the service. */
  public readonly healthCheckPath: string;

  /** @internal */
  public readonly _settings: ServiceSettings;

  constructor(options: CicdServiceProjectOptions) {
    // Validate before projen creates a single component: a bad option must not leave files behind.
    // .projenrc.ts runs without a type check, so a misspelled option name is caught here.
    checkOptionNames(options);
    const settings = CicdServiceProject.resolveSettings(options);
    const node = resolveNodeRelease((options as unknown as Record<string, unknown>).nodeVersion, settings.buildImage);
    CdkAppFiles.checkEntryPoints(options.outdir ?? process.cwd(), ['src/main.ts', 'test/main.test.ts']);
    const extras = CicdServiceProject.resolveExtras(options);
    const gates = QualityGates._resolve((options as unknown as Record<string, unknown>).qualityGates);
    const renderer = new TemplateRenderer();
    const cdk = CicdServiceProject.resolveCdkVersion(options);
    const packageManager = CicdServiceProject.resolvePackageManager(options);
    super({
      sampleCode: false,
      github: false,
      // A service is not an npm package: nothing reads an .npmignore.
      npmignoreEnabled: false,
      // The team's README: written once, when missing; it links to the managed operating guide.
      readme: { contents: renderReadmeSample(settings, renderer) },
      ...options,
      packageManager,
      devDeps: withTypesNode(options.devDeps, node),
      ...cdk.options,
    });
    if (cdk.raisedFrom !== undefined) {
      this.logger.warn(`cdkVersion ${cdk.raisedFrom} is older than the ${MIN_CDK_VERSION} that the pipeline stack needs: `
        + `aws-cdk-lib ^${MIN_CDK_VERSION} is used. Set cdkVersion: '${MIN_CDK_VERSION}' (or later) in .projenrc.ts.`);
    }
    this._settings = settings;
    this.serviceName = settings.serviceName;
    this.containerPort = settings.containerPort;
    this.healthCheckPath = settings.healthCheckPath;

    new FastToolchain(this, { cdkApp: options.app === undefined, cdkBuildCommand: options.buildCommand === undefined });
    new InstallScripts(this);

    if (!this.deps.all.some((d) => d.name === PACKAGE_NAME)) {
      this.addDevDeps(`${PACKAGE_NAME}@^${packageVersion()}`);
    }

    // The CDK app is build-time code (the service has its own package): it may import the
    // pipeline stack from this package, which `projen new` lists as a devDependency.
    this.eslint?.addRules({
      'import/no-extraneous-dependencies': ['error', { devDependencies: true, optionalDependencies: false, peerDependencies: true }],
    });

    const ownership = new FileOwnership(this, extras.ownedFiles);
    new CdkAppFiles(this, ownership, renderer, { packageName: PACKAGE_NAME, settings, serviceOptions: serviceOptionsOf(options, settings), gates });

    ownership.addUserFile('README.md', 'What the repository is, for your team; links to this guide');

    new SampleService(this, settings, node, ownership, renderer);
    new ServiceDockerfile(this, settings, node, extras.dockerfile, ownership, renderer);
    new BuildSpec(this, settings, {
      node,
      cdkOut: this.cdkConfig.cdkout,
      testSynthesizes: gates.cdkNag || gates.strictSynth || gates.controlTower,
    }, extras.buildspec, ownership, renderer);
    // The package's bin compares the managed files with what .projenrc.ts generates (buildspec.yml runs it).
    this.addTask('check:managed', {
      description: 'Fails if a template-managed file was edited by hand instead of through .projenrc.ts',
      exec: 'cicd-service-check-managed',
    });
    new OperationsGuide(this, settings, node, extras.readmeSections, ownership, renderer);
    new RepositoryGates(this, gates);
    // After every component that adds files, OperationsGuide included: it checks them all before
    // the first write. `projen new --from` has just written package.json with npm.
    new OverwriteGuard(this, {
      ownable: (file) => FileOwnership.accepts(file),
      exempt: process.env.PROJEN_CREATE_PROJECT === 'true' ? ['package.json'] : [],
    });
    // Last, so that it sees the files as every other component left them.
    new UnchangedFileTimes(this);
  }
}

/**
 * The service options as `src/service-settings.ts` carries them for the CDK app: the validated
 * values, and the environments as `.projenrc.ts` lists them (each environment takes the
 * service-wide values it does not set).
 */
function serviceOptionsOf(options: CicdServiceProjectOptions, settings: ServiceSettings): Record<string, unknown> {
  // Each environment's fields in the order EnvironmentOptions declares them, whatever order they
  // came in: jsii hands a struct from Python or Java over with its fields in its own order,
  // and the same options must write the same file.
  const given: readonly EnvironmentOptions[] = options.environments ?? DEFAULT_ENVIRONMENTS;
  const environments = given.map((e): EnvironmentOptions => ({
    name: e.name,
    account: e.account,
    region: e.region,
    requireApproval: e.requireApproval,
    desiredCount: e.desiredCount,
    maxCount: e.maxCount,
    cpu: e.cpu,
    memory: e.memory,
    certificateArn: e.certificateArn,
    domain: domainOptionsInOrder(e.domain),
    network: networkOptionsInOrder(e.network),
    ...runtimeOptionsOf(e),
    alarms: inDeclarationOrder(e.alarms),
    production: e.production,
    logRetentionDays: e.logRetentionDays,
    compliance: e.compliance,
    deployment: orderedDeployment(e.deployment),
  }));
  return {
    serviceName: settings.serviceName,
    containerPort: settings.containerPort,
    healthCheckPath: settings.healthCheckPath,
    cpu: settings.cpu,
    memory: settings.memory,
    desiredCount: settings.desiredCount,
    maxCount: settings.maxCount,
    branch: settings.branch,
    buildImage: settings.buildImage,
    pipelineAccount: settings.pipelineAccount,
    pipelineRegion: settings.pipelineRegion,
    environments,
    network: networkOptionsInOrder(options.network),
    ...runtimeOptionsOf(options),
    source: sourceOptionsOf(options, settings),
    alarms: inDeclarationOrder(options.alarms),
    notifications: options.notifications && { emails: options.notifications.emails, topicArn: options.notifications.topicArn },
    logRetentionDays: options.logRetentionDays,
    teamAccess: options.teamAccess && { group: options.teamAccess.group },
    compliance: options.compliance,
    deployment: orderedDeployment(options.deployment),
    pullRequestBuilds: settings.pullRequestBuilds,
    upgradeSchedule: settings.upgradeSchedule ?? UPGRADE_SCHEDULE_OFF,
  };
}

/** Alarm thresholds in the order AlarmOptions declares them (see serviceOptionsOf). */
function inDeclarationOrder(alarms: AlarmOptions | undefined): AlarmOptions | undefined {
  if (alarms === undefined) return undefined;
  const given = alarms as Record<string, unknown>;
  return Object.fromEntries(Object.keys(ALARM_DEFAULTS).map((k) => [k, given[k]])) as AlarmOptions;
}

/** `source` as `.projenrc.ts` gave it, its fields in the order `SourceOptions` declares them. */
function sourceOptionsOf(options: CicdServiceProjectOptions, settings: ServiceSettings): SourceOptions | undefined {
  if (!settings.source) return undefined;
  return {
    connectionArn: settings.source.connectionArn,
    repository: settings.source.repository,
    excludedPaths: options.source?.excludedPaths,
  };
}

/**
 * The runtime options of the service or of one environment as the settings file carries them
 * (validated by then): the maps sorted by name, since a Java map has no order of its own.
 */
function runtimeOptionsOf(options: ServiceOptions | EnvironmentOptions): Pick<ServiceOptions, 'environment' | 'secrets' | 'secretsKeyArn' | 'enableExecuteCommand'> {
  const sorted = (map?: { [name: string]: string }) => (map === undefined ? undefined
    : Object.fromEntries(Object.entries(map).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
  return {
    environment: sorted(options.environment),
    secrets: sorted(options.secrets),
    secretsKeyArn: options.secretsKeyArn,
    enableExecuteCommand: options.enableExecuteCommand,
  };
}

/** A deployment's fields in the order DeploymentOptions declares them (validated already). */
function orderedDeployment(d: DeploymentOptions | undefined): DeploymentOptions | undefined {
  return d === undefined ? undefined : {
    strategy: d.strategy,
    bakeTimeMinutes: d.bakeTimeMinutes,
    canaryPercent: d.canaryPercent,
    canaryBakeTimeMinutes: d.canaryBakeTimeMinutes,
    linearStepPercent: d.linearStepPercent,
    linearStepBakeTimeMinutes: d.linearStepBakeTimeMinutes,
  };
}

/**
 * The root's devDependencies with the `@types/node` of the service's Node.js release, unless they
 * name one: the service's tests compile against the root's `@types/node` (see SampleService).
 */
function withTypesNode(devDeps: string[] | undefined, node: NodeRelease): string[] {
  const deps = devDeps ?? [];
  return deps.some((d) => /^@types\/node(@|$)/.test(d)) ? deps : [...deps, `@types/node@${node.typesNode.range}`];
}

/** The project name made into a service name: `@acme/Orders_API` becomes `orders-api`. */
function deriveServiceName(name: string): string {
  const base = String(name ?? '').replace(/^@[^/]*\//, '');
  return base.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^[^a-z]+/, '').replace(/-+$/, '').slice(0, 32).replace(/-+$/, '');
}

function packageVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf-8'));
  const version: string = pkg.version;
  // An unreleased build (0.0.0) accepts any version the user installs.
  return version === '0.0.0' ? '0' : version;
}
