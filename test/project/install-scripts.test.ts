import { synthSnapshot } from 'projen/lib/util/synth';
import { newProject, synth } from './helpers';
import { DENIED_INSTALL_SCRIPTS } from '../../src/project/install-scripts';

describe('InstallScripts', () => {
  test('package.json denies the install scripts of the toolchain\'s native packages', () => {
    const manifest = synth()['package.json'];
    expect(manifest.allowScripts).toEqual({ '@swc/core': false, 'esbuild': false, '@parcel/watcher': false });
  });

  test('each denied package is one the repository installs: a direct dev dependency or one of the tools that bring it', () => {
    const manifest = synth()['package.json'];
    const devDeps = Object.keys(manifest.devDependencies);
    // Where each comes from: @swc/core directly, esbuild through tsx, @parcel/watcher through jest.
    const bringers: Record<string, string> = { '@swc/core': '@swc/core', 'esbuild': 'tsx', '@parcel/watcher': 'jest' };
    expect(Object.keys(bringers).sort()).toEqual([...DENIED_INSTALL_SCRIPTS].sort());
    for (const bringer of Object.values(bringers)) expect(devDeps).toContain(bringer);
  });

  test('.projenrc.ts can decide otherwise, and the synth writes its decision', () => {
    const project = newProject();
    project.package.addField('allowScripts', { '@swc/core': true, 'esbuild': false, '@parcel/watcher': false });
    const manifest = synthSnapshot(project)['package.json'];
    expect(manifest.allowScripts['@swc/core']).toBe(true);
  });
});
