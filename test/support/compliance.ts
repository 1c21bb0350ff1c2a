import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { CfnResource, IPolicyValidationContextBeta1, Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { CONTROL_TOWER_PLUGIN } from '../../src/gates/control-tower';
import { applicableRuleFiles, controlTowerRuleFiles, resourceTypes } from '../../src/gates/control-tower-rules';

/** Path of checkov, installed (pinned) by scripts/setup.sh. */
export const CHECKOV = path.join(__dirname, '..', '..', '.venv', 'bin', 'checkov');

const GUARD_PACKAGE = path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'));
/** The Control Tower rules that the plugin bundles, one control per file. */
const RULES = path.join(GUARD_PACKAGE, 'rules', 'control-tower', 'cfn-guard');
/** The cfn-guard binary that the plugin runs (the same platform choice as the plugin's). */
const GUARD_BINARY = path.join(GUARD_PACKAGE, 'bin', process.platform === 'darwin' ? 'macos' : 'ubuntu',
  process.arch === 'arm64' ? 'aarch64' : 'x86_64', 'cfn-guard');

/** One resource that breaks a Control Tower rule. */
export interface GuardFinding {
  readonly rule: string;
  readonly templateFile: string;
  readonly logicalId: string;
}

/** cfn-guard's verdict on a set of templates. */
export interface GuardResult {
  /** The rules that each template passes (cfn-guard's "compliant"), by absolute template path. */
  readonly compliant: Map<string, string[]>;
  /** The resources that break a rule. */
  readonly findings: GuardFinding[];
}

/** A bundled rule file: its path, the rules it declares, the control it implements. */
interface RuleFile {
  readonly file: string;
  readonly rules: string[];
  readonly control: string;
}

let ruleFiles: RuleFile[] | undefined;

/** Every bundled rule file, read once. */
function bundledRuleFiles(): RuleFile[] {
  ruleFiles ??= controlTowerRuleFiles(RULES).map(({ file }) => {
    const text = fs.readFileSync(file, 'utf-8');
    return {
      file,
      rules: [...text.matchAll(/^rule (\w+) when is_cfn_template/gm)].map((m) => m[1]),
      control: /\[(CT\.[A-Z0-9]+\.PR\.\d+)\]/.exec(text)?.[1] ?? '?',
    };
  });
  return ruleFiles;
}

/** Every Control Tower rule name of the bundled rules, with the control it implements (`CT.S3.PR.5`). */
export function controlTowerRules(): Map<string, string> {
  return new Map(bundledRuleFiles().flatMap((f) => f.rules.map((r): [string, string] => [r, f.control])));
}

/**
 * The resources of the `/Resources/<logical ID>/...` paths in a not-compliant rule of cfn-guard's
 * structured output: where its checks traversed to, or the values they compared.
 */
function traversedResources(node: unknown, out: Set<string>): void {
  if (Array.isArray(node)) {
    node.forEach((n) => traversedResources(n, out));
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      const id = key === 'path' && typeof value === 'string' ? /^\/Resources\/([^/]+)/.exec(value)?.[1] : undefined;
      if (id !== undefined) out.add(id);
      traversedResources(value, out);
    }
  }
}

/**
 * Runs the bundled Control Tower rules with the plugin's cfn-guard binary, once over
 * `templateFiles` (one configuration), with only the rules that can apply to their resource types:
 * the rules each template passes and the resources that break one.
 */
export function runControlTowerRules(templateFiles: string[]): Promise<GuardResult> {
  const rules = applicableRuleFiles(controlTowerRuleFiles(RULES), resourceTypes(templateFiles));
  const args = ['validate', ...rules.flatMap((r) => ['--rules', r]), ...templateFiles.flatMap((f) => ['--data', f]),
    '--output-format', 'json', '--show-summary', 'none', '--structured'];
  return new Promise((resolve, reject) => {
    execFile(GUARD_BINARY, args, { encoding: 'utf-8', maxBuffer: 256 * 1024 * 1024 }, (error, stdout) => {
      // cfn-guard exits 19 when a rule fails.
      if (error && (error.code !== 19 || !stdout)) return reject(error);
      try {
        const compliant = new Map<string, string[]>();
        const findings: GuardFinding[] = [];
        for (const result of JSON.parse(stdout)) {
          const templateFile = path.resolve(result.name);
          compliant.set(templateFile, result.compliant ?? []);
          for (const entry of Object.values<any>(result.not_compliant ?? {})) {
            const ids = new Set<string>();
            traversedResources(entry.Rule, ids);
            for (const logicalId of ids) findings.push({ rule: entry.Rule.name, templateFile, logicalId });
          }
        }
        resolve({ compliant, findings });
      } catch (e) {
        reject(e);
      }
    });
  });
}

/**
 * The findings of `@cdklabs/cdk-validator-cfnguard` itself, with every bundled rule: the reference
 * for `runControlTowerRules` and for the gate's plugin, which both run only the rules that apply.
 */
export function pluginFindings(templateFiles: string[]): GuardFinding[] {
  const plugin = new CfnGuardValidator({ maxBuffer: 256 * 1024 * 1024 });
  const report = plugin.validate({ templatePaths: templateFiles } as IPolicyValidationContextBeta1);
  return report.violations.flatMap((v) => v.violatingResources.map((r) => ({
    rule: v.ruleName, templateFile: path.resolve(r.templatePath), logicalId: r.resourceLogicalId,
  })));
}

/** The CloudFormation resource of `stack` whose logical ID is `logicalId`. */
export function resourceOf(stack: Stack, logicalId: string): CfnResource | undefined {
  return stack.node.findAll().find((c): c is CfnResource => CfnResource.isCfnResource(c)
    && Stack.of(c) === stack && stack.resolve(c.logicalId) === logicalId);
}

/** The Control Tower rules acknowledged on `resource` or on a parent of it, as aws-cdk-lib reads them. */
export function acknowledgedRules(resource: IConstruct): string[] {
  return resource.node.scopes.flatMap((c: IConstruct) => c.node.metadata
    .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
    .flatMap((m) => Object.keys(m.data))
    .filter((id) => id.startsWith(`${CONTROL_TOWER_PLUGIN}::`))
    .map((id) => id.slice(CONTROL_TOWER_PLUGIN.length + 2)));
}

/** One checkov result: a check on a resource (`AWS::S3::Bucket.LogBucketCC3B17E8`) of a template. */
export interface CheckovResult {
  readonly check: string;
  readonly resource: string;
  /** The template's path below the folder that checkov ran over, starting with `/`. */
  readonly file: string;
}

/** checkov's passed and failed checks. */
export interface CheckovReport {
  readonly passed: CheckovResult[];
  readonly failed: CheckovResult[];
}

/**
 * Runs checkov once over every CloudFormation template below `dir`, with every check (no skip
 * list), offline.
 */
export function checkov(dir: string): Promise<CheckovReport> {
  if (!fs.existsSync(CHECKOV)) throw new Error(`${CHECKOV} is missing: run "bash scripts/setup.sh", which installs checkov into .venv`);
  return new Promise((resolve, reject) => {
    // --compact leaves the resources' code out of the report, which is then a fifth as long.
    execFile(CHECKOV, ['--directory', dir, '--framework', 'cloudformation', '--output', 'json', '--compact', '--skip-download'],
      { encoding: 'utf-8', maxBuffer: 1024 * 1024 * 1024, env: { ...process.env, BC_SKIP_MAPPING: 'TRUE' } }, (error, stdout) => {
        // checkov exits 1 when a check fails.
        if (error && (error.code !== 1 || !stdout)) return reject(error);
        try {
          const parsed = JSON.parse(stdout);
          const reports: any[] = Array.isArray(parsed) ? parsed : [parsed];
          const results = (kind: 'passed_checks' | 'failed_checks') => reports.flatMap((r) => (r.results?.[kind] ?? [])
            .map((c: any): CheckovResult => ({ check: c.check_id, resource: c.resource, file: c.file_path })));
          resolve({ passed: results('passed_checks'), failed: results('failed_checks') });
        } catch (e) {
          reject(e);
        }
      });
  });
}
