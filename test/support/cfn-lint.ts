import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** Path of cfn-lint, installed by scripts/setup.sh. */
export const CFN_LINT = path.join(__dirname, '..', '..', '.venv', 'bin', 'cfn-lint');

/** A cfn-lint match. */
export interface LintMatch {
  readonly Rule: { readonly Id: string };
  readonly Message: string;
  readonly Filename: string;
  readonly Level: string;
}

/** Runs cfn-lint once over every template; every match, errors and warnings alike. */
export function cfnLint(templateFiles: string[]): LintMatch[] {
  if (!fs.existsSync(CFN_LINT)) throw new Error(`${CFN_LINT} is missing: run "bash scripts/setup.sh", which installs cfn-lint into .venv`);
  if (templateFiles.length === 0) throw new Error('cfn-lint: no template to check');
  for (const file of templateFiles) if (!fs.existsSync(file)) throw new Error(`cfn-lint: ${file} does not exist`);
  let output: string;
  try {
    output = execFileSync(CFN_LINT, ['--format', 'json', '--', ...templateFiles], { encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
  } catch (error: any) {
    // cfn-lint exits non-zero when it finds something (2 errors, 4 warnings, 8 informational).
    if (typeof error.status !== 'number' || error.status === 1 || error.stdout === undefined) throw error;
    output = error.stdout;
  }
  return JSON.parse(output);
}

/** Runs cfn-lint once over every template and returns its errors (rules E*), by template file. */
export function cfnLintErrors(templateFiles: string[]): Map<string, string[]> {
  const byFile = new Map<string, string[]>(templateFiles.map((f) => [f, []]));
  for (const m of cfnLint(templateFiles)) {
    if (!m.Rule.Id.startsWith('E')) continue;
    const key = templateFiles.find((f) => path.resolve(f) === path.resolve(m.Filename)) ?? m.Filename;
    byFile.set(key, [...(byFile.get(key) ?? []), `${m.Rule.Id}: ${m.Message}`]);
  }
  return byFile;
}
