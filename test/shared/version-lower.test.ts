import { versionLower } from '../../src/shared/service-settings';

describe('versionLower', () => {
  test.each([
    ['2.189.1', '2.257.0', true],
    ['2.257.0', '2.257.0', false],
    ['2.300.1', '2.257.0', false],
    // Numerically, not as text.
    ['2.1000.0', '2.257.0', false],
    ['2.99.0', '2.257.0', true],
    ['^2.100.0', '2.257.0', true],
    ['~2.300.0', '2.257.0', false],
    // A prerelease of the minimum is taken as the minimum.
    ['2.257.0-rc.1', '2.257.0', false],
    ['3.0.0', '2.257.0', false],
    ['latest', '2.257.0', true],
  ])('%s lower than %s: %p', (a, b, lower) => {
    expect(versionLower(a, b)).toBe(lower);
  });
});
