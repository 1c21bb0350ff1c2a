import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { customizedStack, defaultStack, Synthesized } from './stacks';

const CFN_LINT = path.join(__dirname, '..', '..', '.venv', 'bin', 'cfn-lint');

interface LintMatch {
  readonly Rule: { readonly Id: string };
  readonly Message: string;
  readonly Level: string;
}

/** cfn-lint's findings for the stack's template. */
function lint(s: Synthesized): LintMatch[] {
  const file = path.join(s.outdir, `${s.stack.artifactId}.template.json`);
  expect(fs.existsSync(file)).toBe(true);
  let output: string;
  try {
    output = execFileSync(CFN_LINT, ['--format', 'json', '--', file], { encoding: 'utf-8' });
  } catch (error: any) {
    // cfn-lint exits non-zero when it finds something (2 errors, 4 warnings, 8 informational).
    if (typeof error.status !== 'number' || error.status === 1 || error.stdout === undefined) throw error;
    output = error.stdout;
  }
  return JSON.parse(output);
}

test('cfn-lint is installed (run scripts/setup.sh)', () => {
  if (!fs.existsSync(CFN_LINT)) {
    throw new Error(`${CFN_LINT} is missing: run "bash scripts/setup.sh", which installs cfn-lint into .venv`);
  }
});

describe.each([
  ['default', defaultStack],
  ['customized', customizedStack],
])('cfn-lint: the %s template', (_name, make) => {
  let matches: LintMatch[];
  beforeAll(() => {
    if (!fs.existsSync(CFN_LINT)) throw new Error(`${CFN_LINT} is missing: run "bash scripts/setup.sh"`);
    matches = lint(make());
  });

  test('has no error', () => {
    const errors = matches.filter((m) => m.Rule.Id.startsWith('E'));
    expect(errors.map((m) => `${m.Rule.Id}: ${m.Message}`)).toEqual([]);
  });
});

test('cfn-lint reports errors as the test expects them', () => {
  if (!fs.existsSync(CFN_LINT)) throw new Error(`${CFN_LINT} is missing: run "bash scripts/setup.sh"`);
  const s = defaultStack();
  const file = path.join(s.outdir, `${s.stack.artifactId}.template.json`);
  const broken = JSON.parse(fs.readFileSync(file, 'utf-8'));
  const service = Object.values<any>(broken.Resources).find((r) => r.Type === 'AWS::ECS::Service');
  service.Properties.LaunchType = 'SPACESHIP';
  fs.writeFileSync(file, JSON.stringify(broken));
  expect(lint(s).filter((m) => m.Rule.Id.startsWith('E')).length).toBeGreaterThan(0);
});
