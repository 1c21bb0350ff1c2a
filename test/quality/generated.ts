import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { synthSnapshot } from 'projen/lib/util/synth';
import { CicdPipelineStack, CicdPipelineStackProps, CicdServiceProject, CicdServiceProjectOptions } from '../../src';
import { checkBuildspec, lintDockerfile } from '../../src/gates/checks';
import { QualityGates } from '../../src/gates/quality-gates';
import { BUILD_ENV } from '../../src/shared/service-settings';
import { iamViolations } from '../pipeline/iam-walk';

/** Path of cfn-lint, installed by scripts/setup.sh. */
export const CFN_LINT = path.join(__dirname, '..', '..', '.venv', 'bin', 'cfn-lint');

/** Options of a generated repository, and stack props that only the CDK app can give (a VPC, a certificate...). */
export interface Combination {
  readonly name: string;
  readonly options: Partial<CicdServiceProjectOptions>;
  readonly stackExtras?: (app: App) => Partial<CicdPipelineStackProps>;
}

/** A cdk-nag finding that no acknowledgment answers. */
export interface NagFinding {
  readonly rule: string;
  readonly path: string;
}

/** A generated repository and the stack its CDK app deploys, synthesized once. */
export interface Generated {
  readonly combination: Combination;
  readonly project: CicdServiceProject;
  /** The repository's files, as projen writes them. */
  readonly files: Record<string, any>;
  /** `serviceSettings` read from the generated src/service-settings.ts. */
  readonly settings: Record<string, any>;
  /** The stack's template. */
  readonly template: any;
  /** Path of the template file in the cloud assembly. */
  readonly templateFile: string;
  /** cdk-nag AwsSolutions findings, when the checks ran (`nag`), else undefined. */
  readonly nagFindings?: NagFinding[];
}

/** Reads the object literal `export const <name>... = {...};` of the generated TypeScript settings file. */
export function readSettingsObject(source: string, name: string): Record<string, any> {
  const match = new RegExp(`export const ${name}\\b[^=]*=\\s*(\\{[\\s\\S]*?\\n\\});`).exec(source);
  if (!match) throw new Error(`no "export const ${name}" in the settings file`);
  return new Function(`return (${match[1]});`)();
}

/**
 * Generates the repository for `combination` into a fresh folder (projen synthSnapshot), then
 * synthesizes the stack as the generated `src/main.ts` does: with the generated settings, the
 * feature flags of the generated cdk.json and, when `nag`, the cdk-nag gate of QualityGates.
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
  if (nag) QualityGates.apply(app, { cdkNag: true });
  const extras = combination.stackExtras?.(app) ?? {};
  const stack = new CicdPipelineStack(app, `${settings.serviceName}-pipeline`, { ...settings, ...extras } as CicdPipelineStackProps);
  let nagFindings: NagFinding[] | undefined;
  try {
    app.synth();
  } catch (error) {
    // A cdk-nag finding fails the synth; the validation report says which.
    if (!nag || !fs.existsSync(path.join(app.outdir, 'validation-report.json'))) throw error;
  }
  // Only the pipeline stack's findings: a stack that stands for the user's own resources ("shared") is not checked.
  if (nag) nagFindings = readNagReport(app.outdir).filter((f) => f.path.startsWith(`${stack.node.path}/`));
  const templateFile = path.join(app.outdir, stack.templateFile);
  return { combination, project, files, settings, template: JSON.parse(fs.readFileSync(templateFile, 'utf-8')), templateFile, nagFindings };
}

function readNagReport(outdir: string): NagFinding[] {
  const file = path.join(outdir, 'validation-report.json');
  if (!fs.existsSync(file)) return [];
  const report = JSON.parse(fs.readFileSync(file, 'utf-8'));
  return report.pluginReports
    .filter((p: any) => p.pluginName === 'AwsSolutions')
    .flatMap((p: any) => p.violations.flatMap((v: any) => v.violatingConstructs.map((c: any) => ({ rule: v.ruleName, path: c.constructPath }))));
}

function resourcesOf(template: any, type: string): any[] {
  return Object.values<any>(template.Resources).filter((r) => r.Type === type);
}

/**
 * Where the generated repository and the stack disagree: the Dockerfile's EXPOSE and PORT, the
 * task definition's port, the target group's port and health check; the container name of the
 * task definition and the CONTAINER_NAME of the build; the branch; the settings file against the
 * project's options. Empty when everything agrees.
 */
export function consistencyProblems(g: Generated): string[] {
  const out: string[] = [];
  const expectSame = (what: string, actual: unknown, expected: unknown) => {
    if (JSON.stringify(actual) !== JSON.stringify(expected)) out.push(`${what}: ${JSON.stringify(actual)} != ${JSON.stringify(expected)}`);
  };
  const s = g.project._settings;
  expectSame('service-settings.ts', g.settings, {
    serviceName: s.serviceName,
    containerPort: s.containerPort,
    healthCheckPath: s.healthCheckPath,
    cpu: s.cpu,
    memory: s.memory,
    desiredCount: s.desiredCount,
    maxCount: s.maxCount,
    branch: s.branch,
    buildImage: s.buildImage,
  });

  const dockerfile: string = g.files.Dockerfile;
  const exposed = [...dockerfile.matchAll(/^EXPOSE\s+(\d+)/gm)].map((m) => Number(m[1]));
  const envPort = [...dockerfile.matchAll(/\bPORT=(\d+)/g)].map((m) => Number(m[1]));
  expectSame('Dockerfile EXPOSE', exposed, [s.containerPort]);
  expectSame('Dockerfile ENV PORT', envPort, [s.containerPort]);
  if (!dockerfile.includes(`'${s.healthCheckPath}'`)) out.push(`Dockerfile HEALTHCHECK does not request ${s.healthCheckPath}`);

  const taskDefs = resourcesOf(g.template, 'AWS::ECS::TaskDefinition');
  expectSame('task definitions', taskDefs.length, 1);
  const containers = taskDefs[0]?.Properties.ContainerDefinitions ?? [];
  expectSame('containers', containers.length, 1);
  const container = containers[0] ?? {};
  expectSame('container port', (container.PortMappings ?? []).map((p: any) => p.ContainerPort), [s.containerPort]);
  expectSame('container name', container.Name, s.containerName);
  expectSame('task cpu/memory', [taskDefs[0]?.Properties.Cpu, taskDefs[0]?.Properties.Memory], [String(s.cpu), String(s.memory)]);

  const groups = resourcesOf(g.template, 'AWS::ElasticLoadBalancingV2::TargetGroup');
  expectSame('target groups', groups.length, 1);
  const tg = groups[0]?.Properties ?? {};
  expectSame('target group port', tg.Port, s.containerPort);
  expectSame('health check path', tg.HealthCheckPath, s.healthCheckPath);
  if (tg.HealthCheckPort !== undefined && tg.HealthCheckPort !== 'traffic-port' && Number(tg.HealthCheckPort) !== s.containerPort) {
    out.push(`health check port ${tg.HealthCheckPort} != ${s.containerPort}`);
  }
  const lbPorts = resourcesOf(g.template, 'AWS::ECS::Service').flatMap((svc) => (svc.Properties.LoadBalancers ?? []).map((lb: any) => [lb.ContainerName, lb.ContainerPort]));
  expectSame('service load balancer target', lbPorts, [[s.containerName, s.containerPort]]);

  const builds = resourcesOf(g.template, 'AWS::CodeBuild::Project');
  expectSame('build projects', builds.length, 1);
  const vars = builds[0]?.Properties.Environment.EnvironmentVariables ?? [];
  expectSame(`build ${BUILD_ENV.containerName}`, vars.filter((v: any) => v.Name === BUILD_ENV.containerName).map((v: any) => v.Value), [container.Name]);
  expectSame('build image', builds[0]?.Properties.Environment.Image, s.buildImage);
  const buildspec: string = g.files['buildspec.yml'];
  if (!buildspec.includes(`"$${BUILD_ENV.containerName}"`)) out.push(`buildspec.yml does not name the container with $${BUILD_ENV.containerName}`);
  if (!buildspec.includes(`"$${BUILD_ENV.repositoryUri}`)) out.push(`buildspec.yml does not push to $${BUILD_ENV.repositoryUri}`);
  if (!/^\s+- npx projen test$/m.test(buildspec)) out.push('buildspec.yml does not run npx projen test (the quality gates)');

  const pipelines = resourcesOf(g.template, 'AWS::CodePipeline::Pipeline');
  expectSame('pipeline branch', pipelines[0]?.Properties.Stages[0].Actions[0].Configuration.BranchName, s.branch);
  return out;
}

/** Every check that is cheap enough for every case: IAM walk, buildspec schema, Dockerfile lint, consistency. */
export function cheapProblems(g: Generated): string[] {
  return [
    ...iamViolations(g.template, g.project._settings.serviceName).map((p) => `IAM: ${p}`),
    ...checkBuildspec(g.files['buildspec.yml']).map((p) => `buildspec schema: ${p.message}`),
    ...lintDockerfile(g.files.Dockerfile).map((p) => `Dockerfile:${p.line}: ${p.message}`),
    ...consistencyProblems(g).map((p) => `consistency: ${p}`),
  ];
}

/** A cfn-lint match. */
export interface LintMatch {
  readonly Rule: { readonly Id: string };
  readonly Message: string;
  readonly Filename: string;
}

/** Runs cfn-lint once over every template and returns its errors (rules E*), by template file. */
export function cfnLintErrors(templateFiles: string[]): Map<string, string[]> {
  if (!fs.existsSync(CFN_LINT)) throw new Error(`${CFN_LINT} is missing: run "bash scripts/setup.sh", which installs cfn-lint into .venv`);
  let output: string;
  try {
    output = execFileSync(CFN_LINT, ['--format', 'json', '--', ...templateFiles], { encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
  } catch (error: any) {
    // cfn-lint exits non-zero when it finds something (2 errors, 4 warnings, 8 informational).
    if (typeof error.status !== 'number' || error.status === 1 || error.stdout === undefined) throw error;
    output = error.stdout;
  }
  const byFile = new Map<string, string[]>(templateFiles.map((f) => [f, []]));
  for (const m of JSON.parse(output) as LintMatch[]) {
    if (!m.Rule.Id.startsWith('E')) continue;
    const key = templateFiles.find((f) => path.resolve(f) === path.resolve(m.Filename)) ?? m.Filename;
    byFile.set(key, [...(byFile.get(key) ?? []), `${m.Rule.Id}: ${m.Message}`]);
  }
  return byFile;
}
