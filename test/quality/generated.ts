import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import { App, Stack, Token } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IConstruct } from 'constructs';
import { synthSnapshot } from 'projen/lib/util/synth';
import * as ts from 'typescript';
import * as YAML from 'yaml';
import { bucketProblems, deliveryHardeningProblems, environmentHardeningProblems, ExpectedHardening } from './hardening-checks';
import { runtimeProblems } from './runtime-configuration-checks';
import { CicdService, CicdServiceProps, CicdServiceProject, CicdServiceProjectOptions, EnvironmentOptions } from '../../src';
import { checkBuildspec, lintDockerfile } from '../../src/gates/checks';
import { QualityGates } from '../../src/gates/quality-gates';
import { ALARM_DEFAULTS, alarmNames } from '../../src/shared/alarm-settings';
import { BUILD_ENV, DEFAULT_ENVIRONMENTS, EnvironmentSettings, FARGATE_SIZES } from '../../src/shared/service-settings';
import { SOURCE_COMMIT_ENV } from '../../src/shared/source-settings';
import { ENVIRONMENTS_PER_TEAM_POLICY } from '../../src/shared/team-access-settings';
import { NagFinding, stacksOf, synthNagFindings } from '../support/cdk-nag';
import { iamViolations, MANAGED_POLICY_MAX_LENGTH, teamPolicies, teamPolicyViolations, worstCasePolicyLength } from '../support/iam-walk';
import { resourcesOfType } from '../support/service-stacks';

/**
 * Options of a generated repository, and props that only the CDK app can give (KMS keys from
 * another stack, a larger build...), added to the generated settings as a user's src/main.ts would.
 */
export interface Combination {
  readonly name: string;
  readonly options: Partial<CicdServiceProjectOptions>;
  readonly cdkExtras?: (app: App) => Partial<CicdServiceProps>;
}

/** One synthesized stack of the service. */
export interface GeneratedStack {
  readonly stackName: string;
  /** The account and region of the stack, when they are known at synth time. */
  readonly account?: string;
  readonly region?: string;
  readonly template: any;
  /** Path of the template file in the cloud assembly. */
  readonly templateFile: string;
}

/** A generated repository and the stacks its CDK app deploys, synthesized once. */
export interface Generated {
  readonly combination: Combination;
  readonly project: CicdServiceProject;
  /** The repository's files, as projen writes them. */
  readonly files: Record<string, any>;
  /** `serviceSettings` read from the generated src/service-settings.ts. */
  readonly settings: Record<string, any>;
  readonly service: CicdService;
  /** The delivery stack (repositories, build, pipeline). */
  readonly delivery: GeneratedStack;
  /** One stack per environment, in the pipeline's order. */
  readonly environments: GeneratedStack[];
  /** Every stack that the service adds to the app, the delivery stack first. */
  readonly stacks: GeneratedStack[];
  /** cdk-nag AwsSolutions findings in the service's stacks, when the checks ran (`nag`), else undefined. */
  readonly nagFindings?: NagFinding[];
}

/**
 * The value of `export const <name> ... = <literal>;` in a generated TypeScript file. Only literals
 * are accepted (objects, arrays, strings, numbers, booleans, at any depth): anything else in the
 * settings file is a problem of its own.
 */
export function readSettingsObject(source: string, name: string): Record<string, any> {
  const file = ts.createSourceFile('settings.ts', source, ts.ScriptTarget.Latest, true);
  for (const statement of file.statements) {
    if (!ts.isVariableStatement(statement) || !statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
    for (const declaration of statement.declarationList.declarations) {
      if (ts.isIdentifier(declaration.name) && declaration.name.text === name && declaration.initializer) {
        return literalValue(declaration.initializer) as Record<string, any>;
      }
    }
  }
  throw new Error(`no "export const ${name}" in the settings file`);
}

function literalValue(node: ts.Expression): unknown {
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node)) return literalValue(node.expression);
  if (ts.isObjectLiteralExpression(node)) {
    const out: Record<string, unknown> = {};
    for (const property of node.properties) {
      if (!ts.isPropertyAssignment(property) || !(ts.isIdentifier(property.name) || ts.isStringLiteral(property.name))) {
        throw new Error(`not a literal property: ${property.getText()}`);
      }
      out[property.name.text] = literalValue(property.initializer);
    }
    return out;
  }
  if (ts.isArrayLiteralExpression(node)) return node.elements.map(literalValue);
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isNumericLiteral(node)) return Number(node.text);
  if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(node.operand)) {
    return -Number(node.operand.text);
  }
  if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
  throw new Error(`not a literal: ${node.getText()}`);
}

/**
 * Generates the repository for `combination` into a fresh folder (projen synthSnapshot), then
 * builds the app as the generated `src/main.ts` does: the feature flags of the generated cdk.json,
 * the cdk-nag gate of QualityGates when `nag`, and `new CicdService(app, serviceSettings)` with the
 * generated settings (plus the combination's CDK-only props).
 */
export function generate(combination: Combination, nag: boolean, outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'quality-repo-'))): Generated {
  const project = new CicdServiceProject({
    name: 'orders-api',
    defaultReleaseBranch: 'main',
    cdkVersion: '2.189.1',
    outdir,
    ...combination.options,
  } as CicdServiceProjectOptions);
  const files = synthSnapshot(project);
  const settings = readSettingsObject(files['src/service-settings.ts'], 'serviceSettings');

  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'quality-cdk-')), context: files['cdk.json'].context });
  // The Control Tower rules run per configuration, under both profiles, in test/quality/compliance.test.ts.
  if (nag) QualityGates.apply(app, { cdkNag: true, controlTower: false });
  const extras = combination.cdkExtras?.(app) ?? {};
  // Stacks that stand for the user's own resources (the extras' "shared" stack) are not the service's.
  const own = new Set<IConstruct>(stacksOf(app));
  const service = new CicdService(app, { ...settings, ...extras } as CicdServiceProps);
  let findings: NagFinding[] | undefined;
  if (nag) findings = synthNagFindings(app);
  else app.synth();
  // After the synth: aws-cdk-lib adds a stack of its own for some setups (cross-region support).
  const serviceStacks = stacksOf(app).filter((s) => !own.has(s));
  const synthesized = (stack: Stack): GeneratedStack => {
    const templateFile = path.join(app.outdir, stack.templateFile);
    return {
      stackName: stack.stackName,
      account: Token.isUnresolved(stack.account) ? undefined : stack.account,
      region: Token.isUnresolved(stack.region) ? undefined : stack.region,
      template: JSON.parse(fs.readFileSync(templateFile, 'utf-8')),
      templateFile,
    };
  };
  const delivery = synthesized(service.deliveryStack);
  const environments = service.environmentStacks.map(synthesized);
  const others = serviceStacks.filter((s) => s !== service.deliveryStack && !service.environmentStacks.includes(s as any)).map(synthesized);
  const nagFindings = findings?.filter((f) => serviceStacks.some((s) => f.path.startsWith(`${s.node.path}/`)));
  return {
    combination, project, files, settings, service, delivery, environments, stacks: [delivery, ...environments, ...others], nagFindings,
  };
}

/** The one resource of a type in a template, or a problem and an empty resource. */
function one(template: any, type: string, problems: string[], where: string): any {
  const found = resourcesOfType(template, type);
  if (found.length !== 1) problems.push(`${where}: ${found.length} resources of type ${type}, expected 1`);
  return found[0]?.[1] ?? { Properties: {} };
}

/** An environment as the options describe it, with the service-wide values that its options document as defaults. */
function expectedEnvironment(service: { cpu: number; memory: number; desiredCount: number; maxCount: number },
  e: EnvironmentOptions): { cpu: number; memory: number; desiredCount: number; maxCount: number } {
  const cpu = e.cpu ?? service.cpu;
  const pairs = FARGATE_SIZES.find((f) => f.cpu === cpu)?.memory ?? [];
  const desiredCount = e.desiredCount ?? service.desiredCount;
  return {
    cpu,
    memory: e.memory ?? (pairs.includes(service.memory) ? service.memory : pairs[0]),
    desiredCount,
    maxCount: e.maxCount ?? Math.max(service.maxCount, desiredCount),
  };
}

/** Where an environment's URL, certificate, record, NAT gateways and task addresses differ from its `domain` and `network`. */
function problemsOfDomainAndNetwork(t: any, e: EnvironmentSettings | undefined, at: string,
  expectSame: (what: string, actual: unknown, expected: unknown) => void): void {
  if (e === undefined) return;
  const domain = e.domain;
  if (domain) expectSame(`${at} URL`, t.Outputs?.ServiceUrl?.Value, `https://${domain.domainName}`);
  expectSame(`${at} alias records`, resourcesOfType(t, 'AWS::Route53::RecordSet').map(([, r]) => [r.Properties.Name, r.Properties.Type]),
    domain ? [[`${domain.domainName}.`, 'A']] : []);
  expectSame(`${at} requested certificates`, resourcesOfType(t, 'AWS::CertificateManager::Certificate').map(([, r]) => [r.Properties.DomainName, r.Properties.ValidationMethod]),
    domain?.requestCertificate ? [[domain.domainName, 'DNS']] : []);
  expectSame(`${at} NAT gateways`, resourcesOfType(t, 'AWS::EC2::NatGateway').length, e.network.natGateways);
  expectSame(`${at} VPCs`, resourcesOfType(t, 'AWS::EC2::VPC').length, e.network.vpc ? 0 : 1);
  const tasks = resourcesOfType(t, 'AWS::ECS::Service').map(([, r]) => r.Properties.NetworkConfiguration?.AwsvpcConfiguration);
  expectSame(`${at} task public IPs`, tasks.map((c) => c?.AssignPublicIp), [e.network.taskSubnets === 'private' ? 'DISABLED' : 'ENABLED']);
  const vpc = e.network.vpc;
  if (vpc) expectSame(`${at} task subnets`, tasks.map((c) => c?.Subnets), [e.network.taskSubnets === 'private' ? vpc.privateSubnetIds : vpc.publicSubnetIds]);
}

/** Whether the buildspec's artifact patterns take `file` (a name, or a folder's `<dir>/**` or `<dir>/**\/*`). */
function artifactHolds(patterns: string[], file: string): boolean {
  return patterns.some((p) => p === file || ['/**/*', '/**'].some((tail) => p.endsWith(tail) && file.startsWith(`${p.slice(0, -tail.length)}/`)));
}

/** The shell commands of every phase of a parsed buildspec. */
function buildspecCommands(buildspec: any): string[] {
  return Object.values<any>(buildspec?.phases ?? {}).flatMap((phase) => phase?.commands ?? []).map(String);
}

/**
 * Where the generated repository and the service's stacks disagree. Empty when everything agrees:
 * - the settings file carries the project's options, and the CDK side resolves it to the project's settings;
 * - the Dockerfile's EXPOSE and PORT, each environment's task definition port, target group port
 *   and health check (path and port), the service's load balancer target, the verification URL;
 * - the container name of each task definition, the CONTAINER_NAME of the build, and the `name`
 *   that buildspec.yml writes in imagedefinitions.json;
 * - each environment's task size and counts (its own values over the service-wide ones), names,
 *   account and region, HTTPS listener and image tag;
 * - the pipeline: the branch, a stage per environment in order (with an approval where asked for),
 *   the templates and variables it takes from the build, which buildspec.yml must provide;
 * - the source: CodeCommit, or the connection's repository with its trigger, and the commit ID
 *   that reaches the build.
 */
/** The hardening that the combination's options and CDK props ask for. */
function expectedHardening(g: Generated): ExpectedHardening {
  const cdkRetention = g.combination.cdkExtras?.(new App()).logRetention;
  return {
    service: g.combination.options,
    cdkRetention: cdkRetention === undefined ? undefined : { days: cdkRetention === logs.RetentionDays.INFINITE ? undefined : cdkRetention },
  };
}

export function consistencyProblems(g: Generated): string[] {
  const out: string[] = [];
  const expectSame = (what: string, actual: unknown, expected: unknown) => {
    if (!isDeepStrictEqual(actual, expected)) out.push(`${what}: ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`);
  };
  const s = g.project._settings;
  const environments = (g.combination.options.environments ?? DEFAULT_ENVIRONMENTS) as EnvironmentOptions[];
  // JSON drops the keys whose value is undefined, as the settings file does.
  expectSame('service-settings.ts', g.settings, JSON.parse(JSON.stringify({
    serviceName: s.serviceName,
    containerPort: s.containerPort,
    healthCheckPath: s.healthCheckPath,
    cpu: s.cpu,
    memory: s.memory,
    desiredCount: s.desiredCount,
    maxCount: s.maxCount,
    branch: s.branch,
    buildImage: s.buildImage,
    pipelineAccount: g.combination.options.pipelineAccount,
    pipelineRegion: g.combination.options.pipelineRegion,
    environments,
    network: g.combination.options.network,
    environment: g.combination.options.environment,
    secrets: g.combination.options.secrets,
    secretsKeyArn: g.combination.options.secretsKeyArn,
    enableExecuteCommand: g.combination.options.enableExecuteCommand,
    source: g.combination.options.source,
    alarms: g.combination.options.alarms,
    notifications: g.combination.options.notifications,
    logRetentionDays: g.combination.options.logRetentionDays,
    teamAccess: g.combination.options.teamAccess,
    compliance: g.combination.options.compliance,
    deployment: g.combination.options.deployment,
    pullRequestBuilds: s.pullRequestBuilds,
    upgradeSchedule: s.upgradeSchedule ?? 'off',
  })));
  expectSame('settings the CDK side resolves', g.service.deliveryStack._settings, s);
  out.push(...teamAccessProblems(g));
  expectSame('stacks whose template has the strict shape', [g.delivery, ...g.environments].map((stack) => strictShape(stack.template)),
    [s.compliance, ...s.environments.map((e) => e.compliance)].map((c) => c === 'strict'));

  const dockerfile: string = g.files.Dockerfile;
  expectSame('Dockerfile EXPOSE', [...dockerfile.matchAll(/^EXPOSE\s+(\d+)/gm)].map((m) => Number(m[1])), [s.containerPort]);
  expectSame('Dockerfile ENV PORT', [...dockerfile.matchAll(/\bPORT=(\d+)/g)].map((m) => Number(m[1])), [s.containerPort]);
  if (!dockerfile.includes(`'${s.healthCheckPath}'`)) out.push(`Dockerfile HEALTHCHECK does not request ${s.healthCheckPath}`);

  // ------------------------------------------------------------ environments
  expectSame('environment stacks', g.environments.map((e) => e.stackName), environments.map((e) => `${s.serviceName}-${e.name}`));
  const hardening = expectedHardening(g);
  environments.forEach((e, i) => {
    const stack = g.environments[i];
    if (!stack) return;
    const at = stack.stackName;
    const x = expectedEnvironment(s, e);
    const qualified = `${s.serviceName}-${e.name}`;
    const t = stack.template;
    expectSame(`${at} account`, stack.account, e.account ?? s.pipelineAccount);
    expectSame(`${at} region`, stack.region, e.region ?? s.pipelineRegion);

    const taskDef = one(t, 'AWS::ECS::TaskDefinition', out, at).Properties;
    expectSame(`${at} task family`, taskDef.Family, qualified);
    expectSame(`${at} task cpu/memory`, [taskDef.Cpu, taskDef.Memory], [String(x.cpu), String(x.memory)]);
    const containers = taskDef.ContainerDefinitions ?? [];
    expectSame(`${at} containers`, containers.length, 1);
    const container = containers[0] ?? {};
    expectSame(`${at} container name`, container.Name, s.containerName);
    expectSame(`${at} container port`, (container.PortMappings ?? []).map((p: any) => p.ContainerPort), [s.containerPort]);
    if (!JSON.stringify(container.Image ?? null).includes(`:env-${e.name}"`)) out.push(`${at} container image is not the ECR tag env-${e.name}: ${JSON.stringify(container.Image)}`);
    const logGroupId = container.LogConfiguration?.Options?.['awslogs-group']?.Ref;
    expectSame(`${at} container log group`, t.Resources[logGroupId]?.Properties?.LogGroupName, `/ecs/${s.serviceName}/${e.name}`);

    // Blue/green, canary and linear deployments: a second target group and the test listener.
    const progressive = s.environments[i]?.deployment.strategy !== 'rolling';
    const targetGroups = resourcesOfType(t, 'AWS::ElasticLoadBalancingV2::TargetGroup').map(([, r]) => r.Properties);
    expectSame(`${at} target groups`, targetGroups.length, progressive ? 2 : 1);
    for (const tg of targetGroups) {
      expectSame(`${at} target group port`, tg.Port, s.containerPort);
      expectSame(`${at} health check path`, tg.HealthCheckPath, s.healthCheckPath);
      if (tg.HealthCheckPort !== undefined && tg.HealthCheckPort !== 'traffic-port' && Number(tg.HealthCheckPort) !== s.containerPort) {
        out.push(`${at} health check port ${tg.HealthCheckPort} != ${s.containerPort}`);
      }
    }
    const ecsService = one(t, 'AWS::ECS::Service', out, at).Properties;
    expectSame(`${at} ECS service name`, ecsService.ServiceName, qualified);
    expectSame(`${at} desired count`, ecsService.DesiredCount, x.desiredCount);
    expectSame(`${at} load balancer target`, (ecsService.LoadBalancers ?? []).map((lb: any) => [lb.ContainerName, lb.ContainerPort]), [[s.containerName, s.containerPort]]);
    expectSame(`${at} cluster name`, one(t, 'AWS::ECS::Cluster', out, at).Properties.ClusterName, qualified);
    const scaling = one(t, 'AWS::ApplicationAutoScaling::ScalableTarget', out, at).Properties;
    expectSame(`${at} autoscaling min/max`, [scaling.MinCapacity, scaling.MaxCapacity], [x.desiredCount, x.maxCount]);
    const listeners = resourcesOfType(t, 'AWS::ElasticLoadBalancingV2::Listener').map(([, r]) => r.Properties);
    const https = e.certificateArn !== undefined || e.domain !== undefined;
    expectSame(`${at} listener ports`, listeners.map((l) => l.Port).sort(), [...(https ? [443, 80] : [80]), ...(progressive ? [9000] : [])]);
    // ECS shifts the production traffic of a progressive deployment in a rule of the listener
    // that serves it (HTTPS when there is one, HTTP then only redirects), and test traffic in one of the test listener.
    const portOf = Object.fromEntries(resourcesOfType(t, 'AWS::ElasticLoadBalancingV2::Listener').map(([id, r]) => [id, r.Properties.Port]));
    expectSame(`${at} listener rules`, resourcesOfType(t, 'AWS::ElasticLoadBalancingV2::ListenerRule').map(([, r]) => portOf[r.Properties.ListenerArn?.Ref]).sort(),
      progressive ? [https ? 443 : 80, 9000] : []);
    // A domain without certificateArn: the certificate that the stack requests (a reference).
    expectSame(`${at} certificate`, listeners.flatMap((l) => (l.Certificates ?? []).map((c: any) => (typeof c.CertificateArn === 'string' ? c.CertificateArn : 'requested'))),
      e.certificateArn ? [e.certificateArn] : e.domain ? ['requested'] : []);
    problemsOfDomainAndNetwork(t, s.environments[i], at, expectSame);
    // The service rolls back on exactly its alarms, whose thresholds are the environment's, the service's or the defaults.
    const names = alarmNames(qualified);
    const threshold = (key: keyof typeof ALARM_DEFAULTS) => e.alarms?.[key] ?? g.combination.options.alarms?.[key] ?? ALARM_DEFAULTS[key];
    expectSame(`${at} deployment alarms`, ecsService.DeploymentConfiguration?.Alarms, { AlarmNames: Object.values(names), Enable: true, Rollback: true });
    const alarms = Object.fromEntries(resourcesOfType(t, 'AWS::CloudWatch::Alarm').map(([, r]) => [r.Properties.AlarmName, r.Properties.Threshold]));
    expectSame(`${at} alarm thresholds`, alarms, {
      [names.loadBalancer5xx]: threshold('loadBalancer5xxPercent'),
      [names.target5xx]: threshold('target5xxPercent'),
      [names.latencyP99]: threshold('latencyP99Ms') / 1000,
      [names.unhealthyHosts]: threshold('unhealthyHosts'),
      [names.tasksBelowDesired]: 1,
    });
    out.push(...runtimeProblems(g.combination.options, e, t).map((p) => `${at} ${p}`));
    out.push(...environmentHardeningProblems(hardening, e, i, environments.length, dockerfile, t).map((p) => `${at} ${p}`));
  });

  out.push(...deliveryHardeningProblems(hardening, g.delivery.template).map((p) => `${g.delivery.stackName} ${p}`));
  out.push(...g.stacks.flatMap((st) => bucketProblems(st.template).map((p) => `${st.stackName} ${p}`)));

  // ------------------------------------------------------------ build
  const projects = resourcesOfType(g.delivery.template, 'AWS::CodeBuild::Project').map(([, r]) => r.Properties);
  // The pull request build and the template upgrade come with their options; the pipeline's build is the one named <service>-build.
  expectSame('build projects', projects.map((p) => p.Name).sort(), [`${s.serviceName}-build`,
    ...(s.pullRequestBuilds ? [`${s.serviceName}-pull-requests`] : []), ...(s.upgradeSchedule ? [`${s.serviceName}-template-upgrade`] : [])].sort());
  expectSame('build images', [...new Set(projects.map((p) => p.Environment.Image))], [s.buildImage]);
  const pullRequests = projects.filter((p) => p.Name === `${s.serviceName}-pull-requests`);
  expectSame(`pull request build ${BUILD_ENV.verifyOnly}`, pullRequests.map((p) => p.Environment.EnvironmentVariables
    .find((v: any) => v.Name === BUILD_ENV.verifyOnly)?.Value), s.pullRequestBuilds ? ['1'] : []);
  const schedules = resourcesOfType(g.delivery.template, 'AWS::Events::Rule').map(([, r]) => r.Properties.ScheduleExpression).filter(Boolean);
  expectSame('upgrade schedule', schedules, s.upgradeSchedule ? [s.upgradeSchedule] : []);
  // Both need the CodeCommit repository; a failed upgrade goes to the topic of the pipeline's runs.
  if (s.source) expectSame('pull request builds and upgrade with a connection source', [s.pullRequestBuilds, s.upgradeSchedule], [false, undefined]);
  const rules = resourcesOfType(g.delivery.template, 'AWS::CodeStarNotifications::NotificationRule').map(([, r]) => r.Properties);
  expectSame('notification rules', rules.map((r) => r.Name).sort(),
    [`${s.serviceName}-pipeline-runs`, ...(s.upgradeSchedule ? [`${s.serviceName}-template-upgrade-failed`] : [])].sort());
  expectSame('notification rules\' targets', [...new Set(rules.map((r) => JSON.stringify(r.Targets)))].length, 1);
  const builds = projects.filter((p) => p.Name === `${s.serviceName}-build`);
  const vars = builds[0]?.Environment.EnvironmentVariables ?? [];
  expectSame(`build ${BUILD_ENV.containerName}`, vars.filter((v: any) => v.Name === BUILD_ENV.containerName).map((v: any) => v.Value), [s.containerName]);
  expectSame('build image', builds[0]?.Environment.Image, s.buildImage);
  let buildspec: any;
  try {
    buildspec = YAML.parse(g.files['buildspec.yml']);
  } catch (error) {
    out.push(`buildspec.yml is not YAML: ${(error as Error).message}`);
  }
  const commands = buildspecCommands(buildspec);
  // printf '<format>' "<first %s>" ... > imagedefinitions.json: the format's "name" is its first %s.
  const definitions = commands.join('\n').match(/printf '(\[\{"name":"%s"[^']*)' "([^"]*)"[^\n]*> imagedefinitions\.json/);
  expectSame('buildspec.yml imagedefinitions.json "name"', definitions?.[2], `$${BUILD_ENV.containerName}`);
  if (!commands.some((c) => c.includes(`"$${BUILD_ENV.repositoryUri}`))) out.push(`buildspec.yml does not push to $${BUILD_ENV.repositoryUri}`);
  if (!commands.some((c) => /^npx projen test( |$)/.test(c.trim()))) out.push('buildspec.yml does not run npx projen test (the quality gates)');

  // ------------------------------------------------------------ pipeline
  const pipeline = one(g.delivery.template, 'AWS::CodePipeline::Pipeline', out, g.delivery.stackName).Properties;
  const stages: any[] = pipeline.Stages ?? [];
  const stage = (name: string) => stages.find((st) => st.Name === name) ?? { Actions: [] };
  const action = (st: any, name: string) => st.Actions.find((a: any) => a.Name === name) ?? { Configuration: {} };
  expectSame('pipeline stages', stages.map((st) => st.Name),
    ['Source', 'Build', 'UpdatePipeline', ...environments.flatMap((e) => [...(e.requireApproval ? [`Approve-${e.name}`] : []), e.name])]);
  expectSame('pipeline branch', stages[0]?.Actions[0]?.Configuration.BranchName, s.branch);
  // The pipeline reads these from the build's output artifact: buildspec.yml must put them there.
  const cloudAssembly = g.files['cdk.json'].output ?? 'cdk.out';
  const fromBuild = ['Build::imagedefinitions.json'];
  const self = action(stage('UpdatePipeline'), 'SelfUpdate').Configuration;
  expectSame('pipeline self-update stack', self.StackName, g.delivery.stackName);
  expectSame('pipeline self-update template', self.TemplatePath, `Build::${cloudAssembly}/${path.basename(g.delivery.templateFile)}`);
  fromBuild.push(self.TemplatePath);
  environments.forEach((e, i) => {
    const st = stage(e.name);
    const qualified = `${s.serviceName}-${e.name}`;
    expectSame(`${e.name} stage actions`, st.Actions.map((a: any) => a.Name),
      ['PinImage', 'DeployStack', 'Rollout', 'Verify', 'RecordImage']);
    expectSame(`${e.name} stage on failure`, st.OnFailure, { Result: 'ROLLBACK' });
    const deploy = action(st, 'DeployStack').Configuration;
    expectSame(`${e.name} stage stack`, deploy.StackName, g.environments[i]?.stackName);
    expectSame(`${e.name} stage template`, deploy.TemplatePath, `Build::${cloudAssembly}/${path.basename(g.environments[i]?.templateFile ?? '')}`);
    fromBuild.push(deploy.TemplatePath);
    const rollout = action(st, 'Rollout');
    expectSame(`${e.name} rollout target`, [rollout.Configuration.ClusterName, rollout.Configuration.ServiceName], [qualified, qualified]);
    expectSame(`${e.name} rollout file`, rollout.Configuration.FileName ?? 'imagedefinitions.json', 'imagedefinitions.json');
    const deployment = s.environments[i]?.deployment;
    expectSame(`${e.name} rollout timeout`, rollout.Configuration.DeploymentTimeout, deployment?.rolloutTimeoutMinutes);
    const ecsService = resourcesOfType(g.environments[i]?.template ?? { Resources: {} }, 'AWS::ECS::Service')[0]?.[1];
    expectSame(`${e.name} deployment strategy`, ecsService?.Properties.DeploymentConfiguration?.Strategy ?? 'ROLLING', deployment?.strategy.replace('-', '_').toUpperCase());
    const roles = resourcesOfType(g.environments[i]?.template ?? { Resources: {} }, 'AWS::IAM::Role').map(([, r]) => r.Properties.RoleName);
    const deployRole = `${qualified}-ecs-deploy`;
    if (!roles.includes(deployRole)) out.push(`${qualified} has no role ${deployRole} for the pipeline's rollout`);
    const account = e.account ?? s.pipelineAccount;
    if (!JSON.stringify(rollout.RoleArn ?? null).includes(`:iam::${account ?? '${AWS::AccountId}'}:role/${deployRole}"`)) {
      out.push(`${e.name} rollout role is not ${deployRole} of account ${account ?? 'the pipeline\'s'}: ${JSON.stringify(rollout.RoleArn)}`);
    }
    const verify = action(st, 'Verify').Configuration.UserParameters;
    let url: string | undefined;
    try {
      url = JSON.parse(verify).url;
    } catch {
      url = undefined;
    }
    if (typeof url !== 'string' || !url.endsWith(`.ServiceUrl}${s.healthCheckPath}`)) out.push(`${e.name} verification does not request ${s.healthCheckPath}: ${JSON.stringify(verify)}`);
  });
  const artifacts: string[] = (buildspec?.artifacts?.files ?? []).map(String);
  for (const file of new Set(fromBuild)) {
    if (typeof file !== 'string' || !artifactHolds(artifacts, file.replace(/^Build::/, ''))) out.push(`buildspec.yml artifacts do not hold ${file}, which the pipeline reads`);
  }
  const exported: string[] = (buildspec?.env?.['exported-variables'] ?? []).map(String);
  const variables = new Set([...JSON.stringify(stages).matchAll(/#\{Build\.([A-Za-z0-9_]+)\}/g)].map((m) => m[1]));
  for (const variable of variables) {
    if (!exported.includes(variable)) out.push(`buildspec.yml does not export ${variable}, which the pipeline reads as #{Build.${variable}}`);
  }
  out.push(...sourceProblems(g, stages, commands));
  return out;
}

/**
 * Where the Source stage disagrees with `source`: the CodeCommit repository and its action, or the
 * connection's action and the V2 trigger with the branch and the excluded paths, and no CodeCommit
 * repository; either way the build action hands the source's commit ID to the build, which
 * buildspec.yml tags the image with.
 */
function sourceProblems(g: Generated, stages: any[], commands: string[]): string[] {
  const out: string[] = [];
  const s = g.project._settings;
  const source = stages[0]?.Actions?.[0] ?? { ActionTypeId: {}, Configuration: {} };
  const pipeline = resourcesOfType(g.delivery.template, 'AWS::CodePipeline::Pipeline')[0]?.[1]?.Properties ?? {};
  const repositories = resourcesOfType(g.delivery.template, 'AWS::CodeCommit::Repository').map(([, r]) => r.Properties.RepositoryName);
  const check = (what: string, actual: unknown, expected: unknown) => {
    if (!isDeepStrictEqual(actual, expected)) out.push(`${what}: ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`);
  };
  if (s.source) {
    check('source provider', source.ActionTypeId.Provider, 'CodeStarSourceConnection');
    check('source connection and repository', [source.Configuration.ConnectionArn, source.Configuration.FullRepositoryId, source.Configuration.DetectChanges],
      [s.source.connectionArn, s.source.repository, false]);
    check('CodeCommit repositories', repositories, []);
    const filePaths = s.source.excludedPaths.length > 0 ? { FilePaths: { Excludes: s.source.excludedPaths } } : {};
    check('pipeline trigger', pipeline.Triggers, [{
      ProviderType: 'CodeStarSourceConnection',
      GitConfiguration: { SourceActionName: source.Name, Push: [{ Branches: { Includes: [s.branch] }, ...filePaths }] },
    }]);
  } else {
    check('source provider', source.ActionTypeId.Provider, 'CodeCommit');
    check('CodeCommit repositories', repositories, [s.serviceName]);
    check('pipeline trigger', pipeline.Triggers, undefined);
  }
  const build = stages[1]?.Actions?.[0]?.Configuration ?? {};
  check('source namespace', source.Namespace, 'Source');
  check('commit ID of the build', JSON.parse(build.EnvironmentVariables ?? '[]'), [{ name: SOURCE_COMMIT_ENV, type: 'PLAINTEXT', value: '#{Source.CommitId}' }]);
  if (!commands.some((c) => c.includes('IMAGE_TAG=') && c.includes(`\${${SOURCE_COMMIT_ENV}`))) out.push(`buildspec.yml does not tag the image with $${SOURCE_COMMIT_ENV}`);
  return out;
}

/**
 * The team's access: the policy `<service>-team-access` in the pipeline's stack (and `-2`, `-3`...
 * for every three environments after the first three), each within IAM's size at the longest values
 * of its references, one per environment in another account and none in the others, the group only when asked for, and every
 * team policy on the service's own resources.
 */
function teamAccessProblems(g: Generated): string[] {
  const s = g.project._settings;
  const names = (t: any) => teamPolicies(t).map(([, r]) => r.Properties.ManagedPolicyName);
  const out: string[] = [];
  const elsewhere = (e: typeof s.environments[number]) => e.account !== undefined && e.account !== s.pipelineAccount;
  // Three environments to a policy in the pipeline's account; a later three with nothing there
  // (all elsewhere, none approved) get none.
  const more: string[] = [];
  for (let i = ENVIRONMENTS_PER_TEAM_POLICY; i < s.environments.length; i += ENVIRONMENTS_PER_TEAM_POLICY) {
    const three = s.environments.slice(i, i + ENVIRONMENTS_PER_TEAM_POLICY);
    if (three.some((e) => !elsewhere(e) || e.requireApproval)) more.push(`${s.teamAccess.policyName}-${i / ENVIRONMENTS_PER_TEAM_POLICY + 1}`);
  }
  const expected = [[s.teamAccess.policyName, ...more], ...s.environments.map((e) => (elsewhere(e) ? [`${e.stackName}-team-access`] : []))];
  if (!isDeepStrictEqual([g.delivery, ...g.environments].map((x) => names(x.template)), expected)) out.push(`team policies ${JSON.stringify([g.delivery, ...g.environments].map((x) => names(x.template)))}`);
  for (const x of [g.delivery, ...g.environments]) {
    for (const [id, r] of teamPolicies(x.template)) {
      const length = worstCasePolicyLength(x.template, r.Properties.PolicyDocument);
      if (length > MANAGED_POLICY_MAX_LENGTH) out.push(`${x.stackName}: team policy ${id} up to ${length} characters, over IAM's ${MANAGED_POLICY_MAX_LENGTH}`);
    }
  }
  const groups = resourcesOfType(g.delivery.template, 'AWS::IAM::Group').map(([, r]) => r.Properties.GroupName);
  if (!isDeepStrictEqual(groups, s.teamAccess.group ? [s.teamAccess.groupName] : [])) out.push(`team groups ${JSON.stringify(groups)}`);
  for (const x of [g.delivery, ...g.environments]) out.push(...teamPolicyViolations(x.template, s.serviceName).map((p) => `${x.stackName}: ${p}`));
  return out;
}

/** Every check that is cheap enough for every case: IAM walk of every template, buildspec schema, Dockerfile lint, consistency, physical names. */
export function cheapProblems(g: Generated): string[] {
  return [
    // A stack that aws-cdk-lib adds (cross-region support) may have no policy at all; the service's own stacks all have some.
    ...g.stacks.filter((s) => [g.delivery, ...g.environments].includes(s) || JSON.stringify(s.template).includes('"AWS::IAM::'))
      .flatMap((s) => iamViolations(s.template).map((p) => `IAM ${s.stackName}: ${p}`)),
    ...checkBuildspec(g.files['buildspec.yml']).map((p) => `buildspec schema: ${p.message}`),
    ...lintDockerfile(g.files.Dockerfile).map((p) => `Dockerfile:${p.line}: ${p.message}`),
    ...consistencyProblems(g).map((p) => `consistency: ${p}`),
    ...duplicatePhysicalNames(g.stacks).map((p) => `physical names: ${p}`),
  ];
}

/**
 * Whether a template has what the strict compliance profile adds: a customer-managed key on every
 * log group, no privileged build, no task with a public IP address.
 */
function strictShape(template: any): boolean {
  const resources = Object.values<any>(template.Resources ?? {});
  const of = (type: string) => resources.filter((r) => r.Type === type);
  return of('AWS::Logs::LogGroup').every((r) => r.Properties?.KmsKeyId !== undefined)
    && of('AWS::CodeBuild::Project').every((r) => r.Properties.Environment.PrivilegedMode !== true)
    && of('AWS::ECS::Service').every((r) => r.Properties.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp === 'DISABLED');
}

/** One physical name: a stack name, or a resource property whose key ends in "Name" (or `Family`). */
export interface PhysicalName {
  readonly stack: string;
  /** `stack`, or `<resource type>.<property>`. */
  readonly kind: string;
  readonly value: string;
}

/**
 * Properties named like physical names that name something inside their parent only, so that the
 * same value in two stacks is no clash: an inline policy's name is unique per role, a scaling
 * policy's per scalable target; or that are no name of the resource at all (an alarm's metric).
 */
const SCOPED_NAMES = new Set(['AWS::IAM::Policy.PolicyName', 'AWS::ApplicationAutoScaling::ScalingPolicy.PolicyName',
  // The metric an alarm watches (its dimensions say whose), not a name of the alarm.
  'AWS::CloudWatch::Alarm.MetricName']);

/** Every physical name in `stacks`: the stack names, and each resource's top-level properties that end in "Name" or are `Family`, with a plain string value. */
export function physicalNames(stacks: GeneratedStack[]): PhysicalName[] {
  return stacks.flatMap((s) => [
    { stack: s.stackName, kind: 'stack', value: s.stackName },
    ...Object.values<any>(s.template.Resources).flatMap((r) => Object.entries<unknown>(r.Properties ?? {})
      .filter(([key, value]) => (key.endsWith('Name') || key === 'Family') && typeof value === 'string')
      .map(([key, value]) => ({ stack: s.stackName, kind: `${r.Type}.${key}`, value: value as string }))),
  ]);
}

/** Physical names that two resources of the same kind share, across all `stacks`; empty when every name is unique. */
export function duplicatePhysicalNames(stacks: GeneratedStack[]): string[] {
  const seen = new Map<string, string[]>();
  for (const n of physicalNames(stacks).filter((x) => !SCOPED_NAMES.has(x.kind))) {
    const key = `${n.kind} "${n.value}"`;
    seen.set(key, [...(seen.get(key) ?? []), n.stack]);
  }
  return [...seen.entries()].filter(([, where]) => where.length > 1).map(([key, where]) => `${key} in ${where.join(', ')}`);
}
