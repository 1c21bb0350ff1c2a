// Compares what the Python and Java consumers of scripts/polyglot.sh produced with the TypeScript
// reference; run by `npx projen test:polyglot` after the consumers ran (POLYGLOT_OUT is their output).
import * as fs from 'fs';
import * as path from 'path';
import {
  consumersOutput, managedFiles, normalizeTemplate, projectFiles, readmeSnippet, resourceCounts, stackTemplates, taskDefinitions, Template,
  withoutPythonProjenrc,
} from './outputs';

const OUT = consumersOutput();
const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixture.json'), 'utf-8'));
const service = fixture.serviceProps;
/** The fixture's environments, with the fields that the tests compare. */
interface FixtureEnvironment {
  readonly name: string;
  readonly desiredCount?: number;
  readonly deployment?: { strategy: string; bakeTimeMinutes?: number };
}
const environments: FixtureEnvironment[] = service.environments;
/** The stack names that the fixture's app synthesizes, sorted as stackTemplates sorts them. */
const STACKS: string[] = [...fixture.stacks].sort();

/** The resources of a template. */
function resources(template: Template): any[] {
  return Object.values<any>(template.Resources ?? {});
}

/** The desired task counts of the ECS services of a template. */
function desiredCounts(template: Template): number[] {
  return Object.values(template.Resources ?? {}).filter((r) => r.Type === 'AWS::ECS::Service').map((r) => r.Properties?.DesiredCount);
}

describe('the TypeScript reference', () => {
  const templates = () => stackTemplates(path.join(OUT, 'typescript', 'app'));

  test('synthesizes the pipeline stack and one stack per environment, named as the fixture says', () => {
    expect(STACKS).toEqual([`${service.serviceName}-pipeline`, ...environments.map((e) => `${service.serviceName}-${e.name}`)].sort());
    expect(Object.keys(templates())).toEqual(STACKS);
  });

  test.each(environments)('runs $name with the fixture size, container name, port and task count', (environment) => {
    const template = templates()[`${service.serviceName}-${environment.name}`];
    expect(taskDefinitions(template)).toEqual([{
      cpu: String(service.cpu),
      memory: String(service.memory),
      containers: [{ name: service.serviceName, ports: [service.containerPort] }],
    }]);
    expect(desiredCounts(template)).toEqual([environment.desiredCount ?? 1]);
  });

  test.each(environments)('gives $name the fixture\'s variable and secret, by reference', (environment) => {
    const template = templates()[`${service.serviceName}-${environment.name}`];
    const taskDefinition = Object.values<any>(template.Resources ?? {}).find((r) => r.Type === 'AWS::ECS::TaskDefinition');
    const container = taskDefinition.Properties.ContainerDefinitions[0];
    expect(container.Environment).toEqual(expect.arrayContaining(
      Object.entries(service.environment).map(([name, value]) => ({ Name: name, Value: value }))));
    expect(container.Secrets).toEqual(Object.entries(service.secrets).map(([name, arn]) => ({ Name: name, ValueFrom: arn })));
  });

  test('deploys each environment with the fixture\'s strategy where it names one, else the default', () => {
    // The fixture gives one environment a strategy of its own, so the option is exercised at all.
    expect(environments.filter((e) => e.deployment !== undefined).length).toBeGreaterThan(0);
    environments.forEach((environment, i) => {
      const config = resources(templates()[`${service.serviceName}-${environment.name}`])
        .find((r) => r.Type === 'AWS::ECS::Service').Properties.DeploymentConfiguration;
      // The defaults: a canary deployment (10 minutes of bake time) in the last environment, rolling updates before it.
      const expected = environment.deployment
        ? [environment.deployment.strategy.toUpperCase().replace('-', '_'), environment.deployment.bakeTimeMinutes]
        : i === environments.length - 1 ? ['CANARY', 10] : [undefined, undefined];
      expect([config.Strategy, config.BakeTimeInMinutes]).toEqual(expected);
    });
  });

  test('builds pull requests and runs the template upgrade on the fixture\'s schedule', () => {
    expect(service.pullRequestBuilds).toBe(true);
    const pipeline = resources(templates()[`${service.serviceName}-pipeline`]);
    expect(pipeline.filter((r) => r.Type === 'AWS::CodeBuild::Project').map((r) => r.Properties.Name))
      .toContain(`${service.serviceName}-pull-requests`);
    expect(pipeline.filter((r) => r.Type === 'AWS::Events::Rule' && r.Properties.ScheduleExpression).map((r) => r.Properties.ScheduleExpression))
      .toEqual([service.upgradeSchedule]);
  });

  test('keeps a real difference through the template normalization', () => {
    const template = templates()[`${service.serviceName}-${environments[0].name}`];
    const changed = JSON.parse(JSON.stringify(template));
    const taskDefinition = Object.values<any>(changed.Resources).find((r) => r.Type === 'AWS::ECS::TaskDefinition');
    taskDefinition.Properties.ContainerDefinitions[0].PortMappings[0].ContainerPort += 1;
    expect(normalizeTemplate(changed)).not.toEqual(normalizeTemplate(template));
  });

  test('is left byte for byte as it is by the Python projenrc normalization', () => {
    const files = managedFiles(path.join(OUT, 'typescript', 'project'));
    expect(withoutPythonProjenrc(files)).toEqual(files);
  });

  test('generates a repository with managed files and the service settings, environments included', () => {
    const files = managedFiles(path.join(OUT, 'typescript', 'project'));
    expect(Object.keys(files)).toEqual(expect.arrayContaining(['package.json', '.projen/tasks.json', 'src/service-settings.ts']));
    const settings = files['src/service-settings.ts'];
    expect(settings).toContain(`containerPort: ${fixture.projectOptions.containerPort}`);
    for (const environment of fixture.projectOptions.environments) {
      expect(settings).toContain(`name: '${environment.name}'`);
      if (environment.desiredCount !== undefined) {
        expect(settings).toContain(`desiredCount: ${environment.desiredCount}`);
      }
      if (environment.deployment !== undefined) {
        expect(settings).toContain(`strategy: '${environment.deployment.strategy}'`);
        expect(settings).toContain(`bakeTimeMinutes: ${environment.deployment.bakeTimeMinutes}`);
      }
    }
    expect(settings).toContain(`pullRequestBuilds: ${fixture.projectOptions.pullRequestBuilds},\n  upgradeSchedule: '${fixture.projectOptions.upgradeSchedule}',`);
  });
});

describe.each([
  ['python', { app: 'python-app', projenrc: 'python-projenrc', install: 'python-install' }, { app: 'app.py', projenrc: 'projenrc.py', install: 'install.sh' }],
  ['java', { app: 'java-app', projenrc: 'java-projenrc', install: 'java-dependency' }, { app: 'app.java', projenrc: 'projenrc.java', install: 'dependency.xml' }],
])('%s', (language, snippets, sources) => {
  const dir = path.join(OUT, language);

  test.each(Object.keys(snippets) as Array<keyof typeof snippets>)('ran the README %s snippet as written', (kind) => {
    expect(fs.readFileSync(path.join(dir, 'src', sources[kind]), 'utf-8')).toEqual(readmeSnippet(snippets[kind]));
  });

  describe('CDK app', () => {
    const reference = () => stackTemplates(path.join(OUT, 'typescript', 'app'));
    const actual = () => stackTemplates(path.join(dir, 'app'));

    test('synthesizes the same stacks', () => {
      expect(Object.keys(actual())).toEqual(STACKS);
    });

    describe.each(STACKS)('stack %s', (stack) => {
      test('has the same resource types and counts', () => {
        expect(resourceCounts(actual()[stack])).toEqual(resourceCounts(reference()[stack]));
      });

      test('has the same task size, container name and port', () => {
        expect(taskDefinitions(actual()[stack])).toEqual(taskDefinitions(reference()[stack]));
      });

      test('has the same template once asset hashes and CDK metadata are normalized', () => {
        expect(normalizeTemplate(actual()[stack])).toEqual(normalizeTemplate(reference()[stack]));
      });
    });
  });

  describe('projenrc', () => {
    // The TypeScript reference goes through JSON.parse/stringify too when Python's is normalized,
    // so that only content, not formatting, is compared in the files normalized as JSON.
    const normalize = language === 'python' ? withoutPythonProjenrc : (files: Record<string, string>) => files;
    const reference = () => normalize(managedFiles(path.join(OUT, 'typescript', 'project')));
    const actual = () => normalize(managedFiles(path.join(dir, 'project')));

    test('manages the same files', () => {
      expect(Object.keys(actual())).toEqual(Object.keys(reference()));
    });

    test.each(Object.keys(managedFiles(path.join(OUT, 'typescript', 'project'))))('writes %s byte for byte', (file) => {
      expect(actual()[file]).toEqual(reference()[file]);
    });

    test('writes the same user-owned sample files', () => {
      expect(projectFiles(path.join(dir, 'project'))).toEqual(projectFiles(path.join(OUT, 'typescript', 'project')));
    });
  });
});
