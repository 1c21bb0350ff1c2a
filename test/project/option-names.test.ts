import * as fs from 'fs';
import * as path from 'path';
// projen's own reading of jsii assemblies: what `projen new` turns into flags.
import { readManifest, toProjectType } from 'projen/lib/inventory';
import { freshOutdir } from './helpers';
import { CicdServiceProject, CicdServiceProjectOptions } from '../../src';
import { knownOptionNames } from '../../src/project/option-names';
import { InvalidOptionError } from '../../src/shared/service-settings';

const ROOT = path.resolve(__dirname, '..', '..');

function construct(extra: Record<string, unknown>): { outdir: string; make: () => CicdServiceProject } {
  const outdir = freshOutdir();
  return {
    outdir,
    make: () => new CicdServiceProject({ name: 'orders-api', defaultReleaseBranch: 'main', cdkVersion: '2.257.0', outdir, ...extra } as CicdServiceProjectOptions),
  };
}

describe('option names', () => {
  test('a misspelled option stops the constructor, names the closest valid one, and nothing is written', () => {
    const { outdir, make } = construct({ contianerPort: 9090 });
    expect(make).toThrow(InvalidOptionError);
    expect(make).toThrow('Invalid option "contianerPort": got 9090; expected one of the options of CicdServiceProject (did you mean "containerPort"?).');
    expect(fs.readdirSync(outdir)).toEqual([]);
  });

  test.each([
    ['healthcheckPath', 'healthCheckPath'],
    ['qualityGate', 'qualityGates'],
    ['defaultReleaseBrnach', 'defaultReleaseBranch'],
    ['ownedFile', 'ownedFiles'],
  ])('%s: did you mean "%s"?', (wrong, right) => {
    expect(construct({ [wrong]: 'x' }).make).toThrow(`did you mean "${right}"?`);
  });

  test('a name that is close to none gets no suggestion', () => {
    expect(construct({ zzzqqq: 1 }).make).toThrow('Invalid option "zzzqqq": got 1; expected one of the options of CicdServiceProject (see API.md for the list).');
  });

  test('options of every level are accepted: this package, the CDK app, the Node project, the project', () => {
    const { make } = construct({
      containerPort: 9090,
      appEntrypoint: 'main.ts',
      packageManager: 'npm',
      projenrcTs: true,
      gitignore: ['/x'],
      contianerPort: undefined, // an undefined value is no setting
    });
    expect(make().containerPort).toBe(9090);
  });

  test('the names are those that projen new reads from the jsii assemblies, plus the key projen new adds', () => {
    const jsii = { ...readManifest(path.dirname(require.resolve('projen/package.json'))).types, ...readManifest(ROOT).types };
    const projenNew = toProjectType(jsii, 'cicd-service-template.CicdServiceProject').options.map((o) => o.name);
    expect(projenNew.length).toBeGreaterThan(100);
    expect([...knownOptionNames()].sort()).toEqual([...projenNew, '__new__'].sort());
  });

  describe('the cache', () => {
    /** A fresh copy of the module: a synth runs in a new process, without the names in memory. */
    const fresh = (cacheFile?: string) => {
      let mod: typeof import('../../src/project/option-names') | undefined;
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      jest.isolateModules(() => { mod = require('../../src/project/option-names'); });
      if (cacheFile !== undefined) mod!.useCacheFile(cacheFile);
      return mod!;
    };

    test('lives in node_modules/.cache, next to the projen it was read from, keyed on both assemblies', () => {
      const projenDir = path.dirname(require.resolve('projen/package.json'));
      const real = path.join(projenDir, '..', '.cache', 'cicd-service-template', 'option-names.json');
      // Other test processes may read or write it meanwhile; they write the same names and key.
      fresh().checkOptionNames({ containerPort: 1 });
      const cached = JSON.parse(fs.readFileSync(real, 'utf-8'));
      const stamp = (dir: string) => `${dir}:${fs.statSync(path.join(dir, '.jsii')).size}:`;
      expect(cached.key).toContain(stamp(ROOT));
      expect(cached.key).toContain(stamp(projenDir));
      expect([...cached.names].sort()).toEqual([...knownOptionNames()].sort());
    });

    // The tests below plant caches: in a file of their own, since every other test process that
    // constructs a project reads the one in node_modules/.cache.
    let file: string;
    beforeEach(() => { file = path.join(freshOutdir(), 'option-names.json'); });

    test('is written after a check that passed, and read by the next synth while the assemblies are the same', () => {
      const first = fresh(file);
      expect(() => first.checkOptionNames({ contianerPort: 1 })).toThrow('Invalid option "contianerPort"');
      expect(fs.existsSync(file)).toBe(false);
      first.checkOptionNames({ containerPort: 1 });
      const cached = JSON.parse(fs.readFileSync(file, 'utf-8'));
      expect(cached.names.length).toBe(knownOptionNames().size);

      fs.writeFileSync(file, JSON.stringify({ ...cached, names: ['onlyThis'] }));
      expect([...fresh(file).knownOptionNames()]).toEqual(['onlyThis']);
    });

    test('is ignored when an assembly changed (another size or time)', () => {
      fs.writeFileSync(file, JSON.stringify({ key: 'an older install', names: ['onlyThis'] }));
      expect(fresh(file).knownOptionNames().has('containerPort')).toBe(true);
    });
  });
});
