import * as fs from 'fs';
import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** A cdk-nag finding that no acknowledgment answers. */
export interface NagFinding {
  readonly rule: string;
  readonly path: string;
}

/**
 * Synthesizes `app` and returns the cdk-nag AwsSolutions findings of its validation report (a
 * finding fails the synth; the report says which). The checks must have been registered.
 */
export function synthNagFindings(app: App): NagFinding[] {
  try {
    app.synth();
  } catch (error) {
    if (!fs.existsSync(path.join(app.outdir, 'validation-report.json'))) throw error;
  }
  return readNagReport(app.outdir);
}

/** The AwsSolutions findings of the validation report in `outdir` (none when there is no report). */
export function readNagReport(outdir: string): NagFinding[] {
  const file = path.join(outdir, 'validation-report.json');
  if (!fs.existsSync(file)) return [];
  const report = JSON.parse(fs.readFileSync(file, 'utf-8'));
  return report.pluginReports
    .filter((p: any) => p.pluginName === 'AwsSolutions')
    .flatMap((p: any) => p.violations.flatMap((v: any) => v.violatingConstructs.map((c: any) => ({ rule: v.ruleName, path: c.constructPath }))));
}

/**
 * The cdk-nag rule IDs acknowledged in `scope` and below, with their reasons and the construct that
 * carries each; or, with `plugin`, the rules of that validation plugin (such as the Control Tower rules').
 */
export function acknowledgments(scope: IConstruct, plugin?: string): Array<{ id: string; reason: string; path: string }> {
  return scope.node.findAll()
    .flatMap((c) => c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries<any>(m.data)
        .filter(([id]) => plugin === undefined || id.startsWith(`${plugin}::`))
        .map(([id, value]) => ({
          id: id.replace(/^[^:]+::/, ''),
          reason: typeof value === 'string' ? value : value?.reason,
          path: c.node.path,
        }))))
    .filter((a) => plugin !== undefined || a.id.startsWith('AwsSolutions-'));
}

/** The stacks of an app below `scope`. */
export function stacksOf(scope: IConstruct): Stack[] {
  return scope.node.findAll().filter((c): c is Stack => Stack.isStack(c));
}
