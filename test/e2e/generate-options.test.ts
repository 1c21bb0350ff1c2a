import * as fs from 'fs';
import * as path from 'path';
import { generateRepository } from './generated-repository';

jest.setTimeout(15 * 60 * 1000);

/** The test cases and failures a JUnit XML report counts. */
function junitCounts(file: string): { tests: number; failures: number } {
  const xml = fs.readFileSync(file, 'utf-8');
  const tests = (xml.match(/<testcase /g) ?? []).length;
  const failures = (xml.match(/<failure[ >]/g) ?? []).length;
  return { tests, failures };
}

describe('a repository generated with non-default options', () => {
  let dir: string;

  beforeAll(() => {
    // generate.sh runs `npx projen build` in the new repository: getting here means it passed.
    dir = generateRepository(['--service-name', 'billing', '--container-port', '3000', '--cpu', '512', '--memory', '1024', '--branch', 'trunk']);
  });

  const read = (file: string) => fs.readFileSync(path.join(dir, file), 'utf-8');

  test('records the options in .projenrc.ts', () => {
    const rc = read('.projenrc.ts');
    expect(rc).toContain("serviceName: 'billing'");
    expect(rc).toMatch(/containerPort: 3000/);
    expect(rc).toMatch(/cpu: 512/);
    expect(rc).toMatch(/memory: 1024/);
    expect(rc).toContain("branch: 'trunk'");
  });

  test('every generated file follows the options', () => {
    expect(read('Dockerfile')).toContain('EXPOSE 3000');
    expect(read('service/src/server.ts')).toContain('const DEFAULT_PORT = 3000;');
    expect(read('service/src/app.ts')).toContain("export const SERVICE_NAME = 'billing';");
    expect(JSON.parse(read('service/package.json')).name).toBe('billing');
    expect(read('src/service-settings.ts')).toContain('containerPort: 3000');
    expect(read('docs/operations.md')).toContain('git push -u origin trunk');
    expect(read('docs/operations.md')).toContain('512 CPU units, 1024 MiB');
    expect(read('README.md')).toContain('# billing\n');
  });

  test('its build ran the service tests and the CDK tests, with JUnit reports', () => {
    const service = junitCounts(path.join(dir, 'test-reports', 'service-junit.xml'));
    expect(service.tests).toBeGreaterThanOrEqual(5);
    expect(service.failures).toBe(0);
    expect(fs.existsSync(path.join(dir, 'test-reports', 'junit.xml'))).toBe(true);
    expect(fs.readdirSync(path.join(dir, 'cdk.out')).filter((f) => f.endsWith('.template.json'))).toEqual(['billing-pipeline.template.json']);
  });

  test('generates nothing for GitHub', () => {
    expect(fs.existsSync(path.join(dir, '.github'))).toBe(false);
    expect(fs.existsSync(path.join(dir, '.mergify.yml'))).toBe(false);
  });
});
