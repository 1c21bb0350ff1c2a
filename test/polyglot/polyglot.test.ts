// Compares what the Python and Java consumers of scripts/polyglot.sh produced with the TypeScript
// reference; run by `npx projen test:polyglot` after the consumers ran (POLYGLOT_OUT is their output).
import * as fs from 'fs';
import * as path from 'path';
import {
  managedFiles, normalizeTemplate, projectFiles, readmeSnippet, resourceCounts, stackTemplates, taskDefinitions, withoutPythonProjenrc,
} from './outputs';

/**
 * The consumers' output folder. Without it the suite fails to run: it never passes with nothing
 * compared.
 */
function consumersOutput(): string {
  const out = process.env.POLYGLOT_OUT;
  if (!out) {
    throw new Error('POLYGLOT_OUT is not set: run `npx projen test:polyglot` (scripts/polyglot.sh), which builds the packages and runs the consumers first');
  }
  const missing = ['typescript', 'python', 'java'].filter((language) => !fs.existsSync(path.join(out, language)));
  if (missing.length > 0) {
    throw new Error(`POLYGLOT_OUT=${out} has no output of the ${missing.join(', ')} consumer(s): run scripts/polyglot.sh`);
  }
  return out;
}

const OUT = consumersOutput();
const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, 'fixture.json'), 'utf-8'));

describe('the TypeScript reference', () => {
  const templates = () => stackTemplates(path.join(OUT, 'typescript', 'app'));

  test('synthesizes one stack named after the fixture', () => {
    expect(Object.keys(templates())).toEqual([`${fixture.stackId}.template.json`]);
  });

  test('runs the service with the fixture size, container name and port', () => {
    const template = templates()[`${fixture.stackId}.template.json`];
    expect(taskDefinitions(template)).toEqual([{
      cpu: String(fixture.stackProps.cpu),
      memory: String(fixture.stackProps.memory),
      containers: [{ name: fixture.stackProps.serviceName, ports: [fixture.stackProps.containerPort] }],
    }]);
  });

  test('keeps a real difference through the template normalization', () => {
    const template = templates()[`${fixture.stackId}.template.json`];
    const changed = JSON.parse(JSON.stringify(template));
    const taskDefinition = Object.values<any>(changed.Resources).find((r) => r.Type === 'AWS::ECS::TaskDefinition');
    taskDefinition.Properties.ContainerDefinitions[0].PortMappings[0].ContainerPort += 1;
    expect(normalizeTemplate(changed)).not.toEqual(normalizeTemplate(template));
  });

  test('is left byte for byte as it is by the Python projenrc normalization', () => {
    const files = managedFiles(path.join(OUT, 'typescript', 'project'));
    expect(withoutPythonProjenrc(files)).toEqual(files);
  });

  test('generates a repository with managed files and the service settings', () => {
    const files = managedFiles(path.join(OUT, 'typescript', 'project'));
    expect(Object.keys(files)).toEqual(expect.arrayContaining(['package.json', '.projen/tasks.json', 'src/service-settings.ts']));
    expect(files['src/service-settings.ts']).toContain(String(fixture.projectOptions.containerPort));
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
      expect(Object.keys(actual())).toEqual(Object.keys(reference()));
    });

    test('has the same resource types and counts', () => {
      for (const [file, template] of Object.entries(reference())) {
        expect(resourceCounts(actual()[file])).toEqual(resourceCounts(template));
      }
    });

    test('has the same task size, container name and port', () => {
      for (const [file, template] of Object.entries(reference())) {
        expect(taskDefinitions(actual()[file])).toEqual(taskDefinitions(template));
      }
    });

    test('has the same template once asset hashes and CDK metadata are normalized', () => {
      for (const [file, template] of Object.entries(reference())) {
        expect(normalizeTemplate(actual()[file])).toEqual(normalizeTemplate(template));
      }
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
