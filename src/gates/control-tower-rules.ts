import * as fs from 'fs';
import * as path from 'path';
import type { CfnGuardValidator, CfnGuardValidatorProps } from '@cdklabs/cdk-validator-cfnguard';
import { IPolicyValidationContextBeta1, IPolicyValidationPluginBeta1, PolicyValidationPluginReportBeta1 } from 'aws-cdk-lib';

/** A bundled Control Tower rule file and the CloudFormation resource types that it names. */
export interface ControlTowerRuleFile {
  readonly file: string;
  readonly types: readonly string[];
}

const ruleFilesByDirectory = new Map<string, ControlTowerRuleFile[]>();

/** The rule files under `directory` (`*.guard`, at any depth), sorted by path, read once per process. */
export function controlTowerRuleFiles(directory: string): ControlTowerRuleFile[] {
  const known = ruleFilesByDirectory.get(directory);
  if (known) return known;
  const files: ControlTowerRuleFile[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(full);
      } else if (entry.name.endsWith('.guard')) {
        const text = fs.readFileSync(full, 'utf-8');
        files.push({ file: full, types: [...new Set([...text.matchAll(/["'](AWS::[A-Za-z0-9]+::[A-Za-z0-9]+)["']/g)].map((m) => m[1]))] });
      }
    }
  };
  walk(directory);
  files.sort((a, b) => a.file.localeCompare(b.file));
  ruleFilesByDirectory.set(directory, files);
  return files;
}

/**
 * The rule files that can find something in templates holding resources of `types`. Each Control
 * Tower rule selects the resources it checks by their type (`Resources.*[ Type == 'AWS::S3::Bucket' ]`,
 * the type named in a string) and cfn-guard skips it on a template that has none of them, so leaving
 * out the other files changes no finding. A file that names no type is always kept.
 */
export function applicableRuleFiles(files: readonly ControlTowerRuleFile[], types: ReadonlySet<string>): string[] {
  return files.filter((f) => f.types.length === 0 || f.types.some((t) => types.has(t))).map((f) => f.file);
}

/** The resource types of the CloudFormation templates at `templatePaths`. */
export function resourceTypes(templatePaths: readonly string[]): Set<string> {
  const types = new Set<string>();
  for (const templatePath of templatePaths) {
    const resources: Record<string, { Type?: unknown }> = JSON.parse(fs.readFileSync(templatePath, 'utf-8')).Resources ?? {};
    for (const resource of Object.values(resources)) {
      if (typeof resource?.Type === 'string') types.add(resource.Type);
    }
  }
  return types;
}

/** `CfnGuardValidator` of `@cdklabs/cdk-validator-cfnguard`, as the app loads it. */
export type CfnGuardValidatorClass = new (props?: CfnGuardValidatorProps) => CfnGuardValidator;

/**
 * The Control Tower rules of `@cdklabs/cdk-validator-cfnguard` as a validation plugin.
 *
 * It runs the plugin with only the rule files that apply to the resource types of the templates
 * (the findings are the same, and cfn-guard's time grows with the number of rule files times the
 * number of templates, while most rule files are about services that the stacks do not use), and
 * makes every finding an error: the plugin reports its findings without a severity, and once an
 * acknowledgment answers one of them, aws-cdk-lib judges the report by the severities that remain,
 * so a report of findings without one would pass.
 */
export class ControlTowerRules implements IPolicyValidationPluginBeta1 {
  /** The plugin's name, which is also the namespace of its acknowledgments. */
  public readonly name: string;
  /** The version of `@cdklabs/cdk-validator-cfnguard`. */
  public readonly version?: string;
  /** Every Control Tower rule that the plugin bundles. */
  public readonly ruleIds?: string[];

  /**
   * @param validator `CfnGuardValidator` of the app's `@cdklabs/cdk-validator-cfnguard`
   * @param rulesDirectory its bundled Control Tower rules (`rules/control-tower/cfn-guard` in the package)
   * @param maxBuffer the most output of cfn-guard that the plugin reads (it fails beyond it)
   */
  constructor(
    private readonly validator: CfnGuardValidatorClass,
    private readonly rulesDirectory: string,
    private readonly maxBuffer = 64 * 1024 * 1024,
  ) {
    const every = new validator({ maxBuffer });
    this.name = every.name;
    this.version = every.version;
    this.ruleIds = every.ruleIds;
  }

  /** Runs the rules that apply over the templates of `context`. */
  public validate(context: IPolicyValidationContextBeta1): PolicyValidationPluginReportBeta1 {
    const rules = applicableRuleFiles(controlTowerRuleFiles(this.rulesDirectory), resourceTypes(context.templatePaths));
    if (rules.length === 0) {
      return { success: true, violations: [] };
    }
    const report = new this.validator({ controlTowerRulesEnabled: false, rules, maxBuffer: this.maxBuffer }).validate(context);
    return { ...report, violations: report.violations.map((v) => ({ ...v, severity: v.severity ?? 'error' })) };
  }
}
