import * as semver from 'semver';
import { CODEBUILD_NODE_RUNTIMES, NODE_RELEASES, nodeVersionsFor, resolveNodeRelease } from '../../src/shared/node-versions';
import { DEFAULTS } from '../../src/shared/service-settings';

describe('the Node.js releases', () => {
  test.each(Object.entries(NODE_RELEASES))('%s: every version string belongs to its major', (key, release) => {
    expect(release.major).toBe(key);
    expect(release.codebuildRuntime).toBe(key);
    const tag = /^public\.ecr\.aws\/docker\/library\/node:(\d+\.\d+\.\d+)-[a-z]+-slim$/.exec(release.baseImage);
    expect(tag).not.toBeNull();
    expect(semver.major(tag![1])).toBe(Number(key));
    expect(semver.minVersion(release.engines)?.major).toBe(Number(key));
    expect(semver.satisfies(release.typesNode.version, release.typesNode.range)).toBe(true);
    expect(semver.major(release.typesNode.version)).toBe(Number(key));
    expect(semver.satisfies(release.typesNode.undiciTypes.version, release.typesNode.undiciTypes.range)).toBe(true);
    for (const integrity of [release.typesNode.integrity, release.typesNode.undiciTypes.integrity]) {
      expect(integrity).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
    }
    expect(release.endOfLife).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  test('are listed from the oldest', () => {
    const majors = Object.keys(NODE_RELEASES).map(Number);
    expect(majors).toEqual([...majors].sort((a, b) => a - b));
  });

  test('the default runs on the default build image', () => {
    expect(resolveNodeRelease(undefined, DEFAULTS.buildImage)).toBe(NODE_RELEASES[DEFAULTS.nodeVersion]);
    expect(CODEBUILD_NODE_RUNTIMES[DEFAULTS.buildImage]).toContain(DEFAULTS.nodeVersion);
  });

  test('each known image allows the supported releases it offers', () => {
    expect(nodeVersionsFor('aws/codebuild/amazonlinux-x86_64-standard:5.0')).toEqual(['22', '24']);
    expect(nodeVersionsFor('aws/codebuild/amazonlinux-aarch64-standard:3.0')).toEqual(['22', '24']);
    expect(nodeVersionsFor('aws/codebuild/standard:7.0')).toEqual(['22', '24']);
    expect(nodeVersionsFor('my-registry.example.com/builder:1')).toEqual(Object.keys(NODE_RELEASES));
  });

  test.each<[unknown, string, RegExp]>([
    ['20', 'aws/codebuild/standard:7.0', /^Invalid option "nodeVersion": got "20"; expected one of the Node.js LTS releases that aws\/codebuild\/standard:7.0 offers: "22" \(supported until 2027-04-30\), "24" \(supported until 2028-04-30\)\.$/],
    ['v24', DEFAULTS.buildImage, /got "v24"/],
    [null, DEFAULTS.buildImage, /got null/],
    [24.5, DEFAULTS.buildImage, /got 24.5/],
    ['18', 'my-registry.example.com/builder:1', /got "18"; expected one of the Node.js LTS releases in support: "22"/],
  ])('rejects %j on %s', (value, image, message) => {
    expect(() => resolveNodeRelease(value, image)).toThrow(message);
  });

  test('takes the major as a string or a number', () => {
    expect(resolveNodeRelease('22', DEFAULTS.buildImage).major).toBe('22');
    expect(resolveNodeRelease(22, DEFAULTS.buildImage).major).toBe('22');
  });
});
