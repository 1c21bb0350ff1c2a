import { resolveServiceSettings } from '../../src/shared/service-settings';
import { DEFAULT_EXCLUDED_PATHS, resolveSource } from '../../src/shared/source-settings';

const NEW_ARN = 'arn:aws:codeconnections:eu-west-1:123456789012:connection/12345678-1234-4234-8234-123456789012';
const OLD_ARN = 'arn:aws:codestar-connections:us-east-1:123456789012:connection/abcdef01-2345-4678-9abc-def012345678';

test('no source is the CodeCommit repository', () => {
  expect(resolveSource(undefined, undefined)).toBeUndefined();
  expect(resolveServiceSettings({ serviceName: 'orders' }).source).toBeUndefined();
});

test('both ARN forms, with the prefix that their permissions use, and the repository split at its last "/"', () => {
  expect(resolveSource({ connectionArn: NEW_ARN, repository: 'acme/orders' }, undefined)).toEqual({
    connectionArn: NEW_ARN,
    repository: 'acme/orders',
    owner: 'acme',
    name: 'orders',
    servicePrefix: 'codeconnections',
    account: '123456789012',
    excludedPaths: [...DEFAULT_EXCLUDED_PATHS],
  });
  expect(resolveSource({ connectionArn: OLD_ARN, repository: 'group/sub-group/my.repo_1', excludedPaths: [] }, '123456789012')).toEqual(expect.objectContaining({
    servicePrefix: 'codestar-connections', owner: 'group/sub-group', name: 'my.repo_1', excludedPaths: [],
  }));
  expect(resolveServiceSettings({ serviceName: 'orders', source: { connectionArn: NEW_ARN, repository: 'a/b' } }).source?.repository).toBe('a/b');
});

test('the default excluded paths cover Markdown at the root and below, and the docs folder', () => {
  expect(DEFAULT_EXCLUDED_PATHS).toEqual(['*.md', '**/*.md', 'docs/**']);
  const given = ['docs/**', '*.{md,txt}', 'adr/[0-9]*.md', 'LICENSE', 'a/b/c/d/e/f/g/h/**', '.github/**', 'x', 'y'];
  expect(resolveSource({ connectionArn: NEW_ARN, repository: 'a/b', excludedPaths: given }, undefined)?.excludedPaths).toEqual(given);
});

test.each<[string, unknown, string | undefined, string]>([
  ['not an object', 'acme/orders', undefined, 'source'],
  ['a list', [NEW_ARN], undefined, 'source'],
  ['an unknown field', { connectionArn: NEW_ARN, repository: 'a/b', branch: 'main' }, undefined, 'source.branch'],
  ['no ARN', { repository: 'a/b' }, undefined, 'source.connectionArn'],
  ['an ARN of another service', { connectionArn: NEW_ARN.replace('codeconnections', 'codecommit'), repository: 'a/b' }, undefined, 'source.connectionArn'],
  ['a host ARN', { connectionArn: NEW_ARN.replace(':connection/', ':host/'), repository: 'a/b' }, undefined, 'source.connectionArn'],
  ['an ID that is no UUID', { connectionArn: NEW_ARN.replace('12345678-1234-4234-8234-123456789012', 'my-connection'), repository: 'a/b' }, undefined, 'source.connectionArn'],
  ['another account than the pipeline\'s', { connectionArn: NEW_ARN, repository: 'a/b' }, '210987654321', 'source.connectionArn'],
  ['a repository without owner', { connectionArn: NEW_ARN, repository: 'orders' }, undefined, 'source.repository'],
  ['a URL as repository', { connectionArn: NEW_ARN, repository: 'https://github.com/acme/orders' }, undefined, 'source.repository'],
  ['a ".." part', { connectionArn: NEW_ARN, repository: 'acme/../orders' }, undefined, 'source.repository'],
  ['a trailing "/"', { connectionArn: NEW_ARN, repository: 'acme/orders/' }, undefined, 'source.repository'],
  ['excluded paths not a list', { connectionArn: NEW_ARN, repository: 'a/b', excludedPaths: 'docs/**' }, undefined, 'source.excludedPaths'],
  ['nine excluded paths', { connectionArn: NEW_ARN, repository: 'a/b', excludedPaths: Array.from({ length: 9 }, (_, i) => `d${i}/**`) }, undefined, 'source.excludedPaths'],
  ['an absolute path', { connectionArn: NEW_ARN, repository: 'a/b', excludedPaths: ['docs/**', '/README.md'] }, undefined, 'source.excludedPaths[1]'],
  ['a ".." path', { connectionArn: NEW_ARN, repository: 'a/b', excludedPaths: ['../x'] }, undefined, 'source.excludedPaths[0]'],
  ['a path with a space', { connectionArn: NEW_ARN, repository: 'a/b', excludedPaths: ['my docs/**'] }, undefined, 'source.excludedPaths[0]'],
  ['a duplicate path', { connectionArn: NEW_ARN, repository: 'a/b', excludedPaths: ['docs/**', 'docs/**'] }, undefined, 'source.excludedPaths[1]'],
])('refuses %s, naming the option', (_what, input, pipelineAccount, named) => {
  expect(() => resolveSource(input, pipelineAccount)).toThrow(new RegExp(`^Invalid option "${named.replace(/[.[\]]/g, '\\$&')}": got .+; expected .+\\.$`, 's'));
});
