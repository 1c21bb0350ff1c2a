import * as fs from 'fs';
import * as path from 'path';
import { synthSnapshot } from 'projen/lib/util/synth';
import { newProject, synth } from './helpers';
import { TOOLCHAIN_INSTALL_SCRIPTS } from '../../src/project/install-scripts';

describe('InstallScripts', () => {
  test('package.json lets the toolchain\'s install scripts run', () => {
    const manifest = synth()['package.json'];
    expect(manifest.allowScripts).toEqual({ '@parcel/watcher': true, '@swc/core': true, 'esbuild': true });
  });

  test('the tools that bring the listed packages are dev dependencies; the watcher Jest installs has an install script', () => {
    // This repository's own Jest and the toolchain packages a generated repository installs; the
    // end-to-end test checks the generated repository itself with `npm install-scripts ls`.
    const root = path.resolve(__dirname, '..', '..');
    const bringers: Record<string, string> = { '@swc/core': '@swc/jest', 'esbuild': 'tsx', '@parcel/watcher': 'jest-haste-map' };
    expect(Object.keys(bringers).sort()).toEqual([...TOOLCHAIN_INSTALL_SCRIPTS].sort());
    const devDeps = Object.keys(synth()['package.json'].devDependencies);
    expect(devDeps).toEqual(expect.arrayContaining(['@swc/jest', '@swc/core', 'tsx', 'jest']));
    // Only @parcel/watcher is installed here (through Jest); its manifest names the script.
    const watcher = require.resolve('@parcel/watcher/package.json', { paths: [path.dirname(require.resolve('jest-haste-map/package.json', { paths: [root] }))] });
    expect(JSON.parse(fs.readFileSync(watcher, 'utf-8')).scripts.install).toBeDefined();
  });

  test('the allowScripts option and addAllowedScripts add to the list; removeAllowedScripts takes one off', () => {
    const project = newProject({ allowScripts: ['sharp'] });
    project.package.addAllowedScripts('canvas');
    project.package.removeAllowedScripts('esbuild');
    expect(synthSnapshot(project)['package.json'].allowScripts).toEqual({ '@parcel/watcher': true, '@swc/core': true, 'canvas': true, 'sharp': true });
  });
});
