import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { generateRepository, packedTarball } from './generated-repository';

jest.setTimeout(15 * 60 * 1000);

describe('a repository generated from the packed tarball', () => {
  let dir: string;

  beforeAll(() => {
    dir = generateRepository();
  });

  test('the tarball ships the templates', () => {
    const list = execFileSync('tar', ['tzf', packedTarball()], { encoding: 'utf-8' });
    expect(list).toContain('package/templates/app/main.ts.mustache');
    expect(list).toContain('package/lib/project/template-renderer.js');
    // Only the package itself: no demo repository, scripts or build leftovers.
    const top = new Set(list.split('\n').filter(Boolean).map((entry) => entry.split('/')[1]));
    expect([...top].sort()).toEqual(['.jsii', 'LICENSE', 'README.md', 'lib', 'node_modules', 'package.json', 'schemas', 'templates']);
  });

  test('renders its files from the installed package', () => {
    const installed = path.join(dir, 'node_modules', 'cicd-service-template', 'templates', 'app', 'main.ts.mustache');
    expect(fs.existsSync(installed)).toBe(true);
    expect(fs.readFileSync(path.join(dir, 'src', 'main.ts'), 'utf-8')).toContain('new CicdPipelineStack(');
  });

  test('records the tarball as the template dependency', () => {
    const rc = fs.readFileSync(path.join(dir, '.projenrc.ts'), 'utf-8');
    expect(rc).toContain('new CicdServiceProject(');
    expect(rc).toContain('cicd-service-template@file:');
  });

  test('builds: compiles, synthesizes the CDK app and runs its tests', () => {
    const templates = fs.readdirSync(path.join(dir, 'cdk.out')).filter((f) => f.endsWith('.template.json'));
    expect(templates).toEqual([`${path.basename(dir).toLowerCase().replace(/[^a-z0-9]+/g, '-')}-pipeline.template.json`]);
    expect(fs.existsSync(path.join(dir, 'test-reports', 'junit.xml'))).toBe(true);
  });
});
