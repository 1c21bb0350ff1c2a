import { execFileSync, execSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { developerEnv, packedTarball } from './generated-repository';
import { editedTarball } from './versions';

jest.setTimeout(20 * 60 * 1000);

const ROOT = path.resolve(__dirname, '..', '..');

function sh(cmd: string, cwd: string): string {
  return execSync(cmd, { cwd, encoding: 'utf-8', stdio: ['ignore', 'pipe', 'inherit'], env: developerEnv() });
}

function files(dir: string): string[] {
  return sh('git ls-files --cached --others --exclude-standard', dir).split('\n').filter(Boolean).sort();
}

describe('upgrading a generated repository to a new template version', () => {
  let dir: string;
  let before: string[];
  const MANAGED = 'src/service-settings.ts';
  const MANAGED_TEMPLATE = 'app/service-settings.ts.mustache';
  const OWNED = 'src/main.ts';
  const OWNED_TEMPLATE = 'app/main.ts.mustache';
  const MARK_MANAGED = '// upgraded managed template';
  const MARK_OWNED = '// upgraded user-owned template';

  beforeAll(() => {
    const v1 = packedTarball();
    // The next version: the same code with a real content change in one managed template and in
    // one user-owned template.
    const v2 = editedTarball(v1, '99.0.0', {
      [`templates/${MANAGED_TEMPLATE}`]: (t) => `${MARK_MANAGED}\n${t}`,
      [`templates/${OWNED_TEMPLATE}`]: (t) => `${MARK_OWNED}\n${t}`,
    });

    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-upgrade-'));
    execFileSync(path.join(ROOT, 'node_modules', '.bin', 'projen'), ['new', '--no-git', '--from', `cicd-service-template@file:${v1}`], {
      cwd: dir, stdio: ['ignore', 'inherit', 'inherit'], env: developerEnv(),
    });
    sh('git init -q -b main && git add -A && git -c user.name=t -c user.email=t@example.com commit -qm generated', dir);

    // The team's own work: an edited user-owned file, a new file, a changed option.
    fs.appendFileSync(path.join(dir, OWNED), '\n// team edit: keep me\n');
    fs.mkdirSync(path.join(dir, 'docs'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'docs', 'runbook.md'), '# Our runbook\n');
    const rcPath = path.join(dir, '.projenrc.ts');
    let rc = fs.readFileSync(rcPath, 'utf-8');
    rc = rc.replace('new CicdServiceProject({', 'new CicdServiceProject({\n  containerPort: 9090,');
    fs.writeFileSync(rcPath, rc);
    sh('npx projen', dir);
    sh('git add -A && git -c user.name=t -c user.email=t@example.com commit -qm "team edits"', dir);
    before = files(dir);

    // The upgrade, as the README describes it: point the template dependency at the new version;
    // the first projen run installs it, the second renders the files with it.
    rc = fs.readFileSync(rcPath, 'utf-8').replace(/cicd-service-template@file:[^'"]+/, `cicd-service-template@file:${v2}`);
    fs.writeFileSync(rcPath, rc);
    sh('npx projen', dir);
    sh('npx projen', dir);
  });

  test('the new version is installed', () => {
    const installed = JSON.parse(fs.readFileSync(path.join(dir, 'node_modules', 'cicd-service-template', 'package.json'), 'utf-8'));
    expect(installed.version).toBe('99.0.0');
  });

  test('managed files show the new template and keep the changed option', () => {
    const managed = fs.readFileSync(path.join(dir, MANAGED), 'utf-8');
    expect(managed).toContain(MARK_MANAGED);
    expect(managed).toContain('containerPort: 9090');
  });

  test('user-owned files and user edits are intact', () => {
    const owned = fs.readFileSync(path.join(dir, OWNED), 'utf-8');
    expect(owned).not.toContain(MARK_OWNED);
    expect(owned).toContain('// team edit: keep me');
    expect(fs.readFileSync(path.join(dir, 'docs', 'runbook.md'), 'utf-8')).toBe('# Our runbook\n');
    expect(fs.readFileSync(path.join(dir, '.projenrc.ts'), 'utf-8')).toContain('containerPort: 9090');
  });

  test('no file appears or disappears', () => {
    expect(files(dir)).toEqual(before);
  });

  test('a second projen run changes nothing', () => {
    sh('git add -A && git -c user.name=t -c user.email=t@example.com commit -qm upgraded', dir);
    sh('npx projen', dir);
    expect(sh('git status --porcelain', dir)).toBe('');
  });

  test('the upgraded repository still builds', () => {
    sh('npx projen build', dir);
    expect(fs.readdirSync(path.join(dir, 'cdk.out')).some((f) => f.endsWith('.template.json'))).toBe(true);
  });
});
