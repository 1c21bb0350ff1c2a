import * as fs from 'fs';
import * as path from 'path';
import { generateRepository, templateFiles } from './generated-repository';

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
    expect(read('README.md')).toContain('git push -u origin trunk');
    expect(read('README.md')).toContain('512 CPU units, 1024 MiB');
  });

  test('its build ran the service tests and the CDK tests, with JUnit reports, and synthesized every stack', () => {
    const service = junitCounts(path.join(dir, 'test-reports', 'service-junit.xml'));
    expect(service.tests).toBeGreaterThanOrEqual(5);
    expect(service.failures).toBe(0);
    expect(fs.existsSync(path.join(dir, 'test-reports', 'junit.xml'))).toBe(true);
    expect(templateFiles(path.join(dir, 'cdk.out'))).toEqual(['billing-pipeline.template.json', 'billing-production.template.json', 'billing-staging.template.json']);
  });

  test('the synthesized stacks follow the options: the branch the pipeline watches, each environment\'s task size and port', () => {
    const template = (stack: string) => JSON.parse(read(`cdk.out/${stack}.template.json`));
    const actions = Object.values<any>(template('billing-pipeline').Resources)
      .filter((r) => r.Type === 'AWS::CodePipeline::Pipeline')
      .flatMap((r) => r.Properties.Stages.flatMap((s: any) => s.Actions));
    expect(actions.filter((a) => a.ActionTypeId.Provider === 'CodeCommit').map((a) => a.Configuration.BranchName)).toEqual(['trunk']);
    for (const stack of ['billing-staging', 'billing-production']) {
      const tasks = Object.values<any>(template(stack).Resources).filter((r) => r.Type === 'AWS::ECS::TaskDefinition');
      expect([stack, tasks.map((t) => [t.Properties.Cpu, t.Properties.Memory, t.Properties.ContainerDefinitions[0].PortMappings[0].ContainerPort])])
        .toEqual([stack, [['512', '1024', 3000]]]);
    }
  });

  test('generates nothing for GitHub', () => {
    expect(fs.existsSync(path.join(dir, '.github'))).toBe(false);
    expect(fs.existsSync(path.join(dir, '.mergify.yml'))).toBe(false);
  });
});
