import * as fs from 'fs';
import * as path from 'path';
import { newProject, synthInPlace } from './helpers';
import { CicdServiceProject } from '../../src';
import { UnchangedFileTimes } from '../../src/project/unchanged-file-times';

/** Synthesizes in place and then runs the component's post-synth step (projen's install is skipped). */
function synthWithTimes(project: CicdServiceProject): void {
  synthInPlace(project);
  const times = project.components.find((c): c is UnchangedFileTimes => c instanceof UnchangedFileTimes);
  if (!times) throw new Error('the project has no UnchangedFileTimes');
  times.postSynthesize();
}

describe('UnchangedFileTimes', () => {
  const LONG_AGO = new Date('2020-01-01T00:00:00Z');

  test('a synth keeps the times of the files it did not change, and gives changed ones a new time', () => {
    const first = newProject();
    synthWithTimes(first);
    const dir = first.outdir;
    const files = ['tsconfig.json', 'test/tsconfig.json', 'src/service-settings.ts', '.projen/tasks.json', 'Dockerfile'];
    for (const file of files) {
      // Writable: projen rewrites a generated file that lost its read-only mode, as it does every
      // read-only one when it runs as root, so the synth below writes these files for any user.
      fs.chmodSync(path.join(dir, file), 0o644);
      fs.utimesSync(path.join(dir, file), LONG_AGO, LONG_AGO);
    }

    // Same options, new port: service-settings.ts and the Dockerfile change, the tsconfigs do not.
    synthWithTimes(newProject({ outdir: dir, containerPort: 9090 }));
    const mtime = (file: string) => fs.statSync(path.join(dir, file)).mtime.getTime();
    expect(mtime('tsconfig.json')).toBe(LONG_AGO.getTime());
    expect(mtime('test/tsconfig.json')).toBe(LONG_AGO.getTime());
    expect(mtime('.projen/tasks.json')).toBe(LONG_AGO.getTime());
    expect(fs.readFileSync(path.join(dir, 'src/service-settings.ts'), 'utf-8')).toContain('containerPort: 9090');
    expect(mtime('src/service-settings.ts')).toBeGreaterThan(LONG_AGO.getTime());
    expect(mtime('Dockerfile')).toBeGreaterThan(LONG_AGO.getTime());
  });

  test('a file the synth creates or removes is left as it is', () => {
    const project = newProject();
    synthWithTimes(project);
    const dir = project.outdir;
    fs.rmSync(path.join(dir, 'tsconfig.json'), { force: true });
    synthWithTimes(newProject({ outdir: dir, github: true }));
    expect(fs.existsSync(path.join(dir, 'tsconfig.json'))).toBe(true);
    expect(fs.existsSync(path.join(dir, '.github/workflows/build.yml'))).toBe(true);
    synthWithTimes(newProject({ outdir: dir, github: false }));
    expect(fs.existsSync(path.join(dir, '.github/workflows/build.yml'))).toBe(false);
  });
});
