import { execSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { developerEnv, generateRepository, packedTarball, packedTarballAt, templateFiles } from './generated-repository';

jest.setTimeout(30 * 60 * 1000);

/** The last commit whose generated `src/main.ts` builds a single `CicdPipelineStack`. */
const BEFORE_ENVIRONMENTS = 'e368439b4fce744d14fcd9da2f174cfadeea1ebc';

function sh(cmd: string, cwd: string): string {
  return execSync(cmd, { cwd, encoding: 'utf-8', stdio: ['ignore', 'pipe', 'inherit'], env: developerEnv() });
}

function commit(dir: string, message: string): void {
  sh(`git add -A && git -c user.name=t -c user.email=t@example.com commit -qm "${message}"`, dir);
}

/**
 * A repository generated (and built) by the version before environments, upgraded to this one as
 * the error message and CHANGELOG.md say: `npx projen` stops while the app builds the replaced
 * stack; with src/main.ts and test/main.test.ts moved aside it writes the new ones, and it builds.
 */
describe('upgrading a repository generated before environments', () => {
  let dir: string;
  let service: string;
  let blocked: { status: number | null; output: string; changes: string };
  let oldApp: { main: string; test: string };

  beforeAll(() => {
    dir = generateRepository([], packedTarballAt(BEFORE_ENVIRONMENTS));
    service = path.basename(dir).toLowerCase().replace(/[^a-z0-9]+/g, '-');
    sh('git init -q -b main', dir);
    commit(dir, 'generated before environments');
    const read = (file: string) => fs.readFileSync(path.join(dir, file), 'utf-8');
    oldApp = { main: read('src/main.ts'), test: read('test/main.test.ts') };

    // The first run, with the old version's code, installs the new version.
    const rcPath = path.join(dir, '.projenrc.ts');
    const rc = read('.projenrc.ts');
    const upgraded = rc.replace(/cicd-service-template@file:[^'"]+/, `cicd-service-template@file:${packedTarball()}`);
    if (upgraded === rc) {
      throw new Error('.projenrc.ts names no cicd-service-template@file: dependency');
    }
    fs.writeFileSync(rcPath, upgraded);
    sh('npx projen', dir);
    commit(dir, 'new template version installed');

    // The second run is the new version's.
    const run = spawnSync('npx', ['projen'], { cwd: dir, encoding: 'utf-8', env: developerEnv() });
    blocked = { status: run.status, output: `${run.stdout}\n${run.stderr}`, changes: sh('git status --porcelain', dir) };

    // The documented steps: move the two files aside, run projen, build.
    const aside = fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-aside-'));
    for (const file of ['src/main.ts', 'test/main.test.ts']) {
      fs.renameSync(path.join(dir, file), path.join(aside, path.basename(file)));
    }
    sh('npx projen', dir);
    sh('npx projen build', dir);
  });

  const read = (file: string) => fs.readFileSync(path.join(dir, file), 'utf-8');

  test('the old version generated an app and a test that build CicdPipelineStack', () => {
    expect(oldApp.main).toContain('new CicdPipelineStack(');
    expect(oldApp.test).toContain('CicdPipelineStack');
  });

  test('npx projen stops and says that src/main.ts still builds CicdPipelineStack, and how to upgrade', () => {
    expect(blocked.status).not.toBe(0);
    expect(blocked.output).toContain('src/main.ts and test/main.test.ts still build CicdPipelineStack');
    expect(blocked.output).toContain('replaced with CicdService');
    expect(blocked.output).toContain('move src/main.ts and test/main.test.ts aside, run `npx projen`');
  });

  test('the stopped run wrote nothing', () => {
    expect(blocked.changes).toBe('');
  });

  test('with the two files moved aside, npx projen wrote the new app and its test', () => {
    expect(read('src/main.ts')).toContain('export function createApp(');
    expect(read('src/main.ts')).not.toContain('CicdPipelineStack');
    expect(read('test/main.test.ts')).toContain("import { createApp } from '../src/main';");
    expect(read('src/service-settings.ts')).toContain('environments: [');
    expect(JSON.parse(read('.projen/tasks.json')).tasks.deploy.steps).toEqual([{ exec: `cdk deploy ${service}-pipeline`, receiveArgs: true }]);
  });

  test('then npx projen build passed and synthesized the pipeline stack and one stack per environment', () => {
    expect(templateFiles(path.join(dir, 'cdk.out'))).toEqual(
      [`${service}-pipeline`, `${service}-production`, `${service}-staging`].map((s) => `${s}.template.json`));
    expect(fs.existsSync(path.join(dir, 'test-reports', 'junit.xml'))).toBe(true);
  });
});
