import Ajv from 'ajv';
import * as YAML from 'yaml';
import { synth } from './helpers';
import schema from '../../schemas/buildspec.schema.json';

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
const validate = ajv.compile(schema);

function errors(spec: unknown): string[] {
  return validate(spec) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

/** The generated buildspec, parsed as CodeBuild parses it (YAML 1.1 would read "yes" as true; 1.2 keeps it). */
function generated(options = {}): any {
  const doc = YAML.parseDocument(synth(options)['buildspec.yml']);
  expect(doc.errors).toEqual([]);
  return doc.toJS();
}

describe('the buildspec schema', () => {
  test('accepts the generated buildspec with the defaults', () => {
    expect(errors(generated())).toEqual([]);
  });

  test('accepts the generated buildspec with extra commands in every phase', () => {
    const spec = generated({ buildspecExtraCommands: { installCommands: ['n 20'], preBuildCommands: ['echo "x: y"'], buildCommands: ['true'], postBuildCommands: ['echo done # c'] } });
    expect(errors(spec)).toEqual([]);
    expect(spec.phases.install.commands).toEqual(['n 20']);
  });

  test('declares the JUnit reports, and imagedefinitions.json and the cloud assembly as artifacts', () => {
    const spec = generated();
    expect(spec.version).toBe(0.2);
    expect(spec.reports['unit-tests']).toEqual({ 'base-directory': 'test-reports', 'files': ['**/*.xml'], 'file-format': 'JUNITXML' });
    expect(spec.artifacts).toEqual({ files: ['imagedefinitions.json', 'cdk.out/**/*'] });
    expect(spec.phases.install['runtime-versions']).toEqual({ nodejs: 20 });
    expect(spec.env).toEqual({ variables: { DOCKER_BUILDKIT: '1' } });
  });

  test.each<[string, (spec: any) => void, RegExp]>([
    ['an unknown top-level key', (s) => { s.stages = {}; }, /must NOT have additional properties/],
    ['a missing version', (s) => { delete s.version; }, /must have required property 'version'/],
    ['version 0.3', (s) => { s.version = 0.3; }, /\/version must be equal to one of the allowed values/],
    ['an unknown phase', (s) => { s.phases.deploy = { commands: ['x'] }; }, /\/phases must NOT have additional properties/],
    ['commands as a string', (s) => { s.phases.build.commands = 'docker build .'; }, /\/phases\/build\/commands must be array/],
    ['an empty command list', (s) => { s.phases.build.commands = []; }, /\/phases\/build\/commands must NOT have fewer than 1 items/],
    ['a non-string command', (s) => { s.phases.build.commands = [{ run: 'x' }]; }, /\/phases\/build\/commands\/0 must be string/],
    ['runtime-versions outside install', (s) => { s.phases.build['runtime-versions'] = { nodejs: 20 }; }, /\/phases\/build must NOT have additional properties/],
    ['a misspelt phase key', (s) => { s.phases.post_build.command = ['x']; }, /\/phases\/post_build must NOT have additional properties/],
    ['an unknown report format', (s) => { s.reports['unit-tests']['file-format'] = 'JUNIT'; }, /file-format must be equal to one of the allowed values/],
    ['a report without files', (s) => { delete s.reports['unit-tests'].files; }, /must have required property 'files'/],
    ['artifacts without files', (s) => { s.artifacts = { name: 'x' }; }, /\/artifacts must have required property 'files'/],
    ['an unknown artifacts key', (s) => { s.artifacts.type = 'zip'; }, /\/artifacts must NOT have additional properties/],
    ['an invalid on-failure', (s) => { s.phases.build['on-failure'] = 'IGNORE'; }, /on-failure must match pattern/],
    ['an unknown env key', (s) => { s.env.vars = {}; }, /\/env must NOT have additional properties/],
  ])('rejects %s', (_name, mutate, message) => {
    const spec = generated();
    mutate(spec);
    expect(errors(spec).join('\n')).toMatch(message);
  });

  test('accepts the other documented sections', () => {
    const spec = generated();
    spec.env = { 'shell': 'bash', 'variables': { A: 'b' }, 'exported-variables': ['A'], 'git-credential-helper': 'yes' };
    spec.phases.build['on-failure'] = 'RETRY-2';
    spec.phases.build.finally = ['echo finally'];
    spec.cache = { paths: ['/root/.npm/**/*'] };
    spec.artifacts['secondary-artifacts'] = { extra: { files: ['a'] } };
    expect(errors(spec)).toEqual([]);
  });
});
