import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CicdServiceProject, CicdServiceProjectOptions } from '../../src';
import { synthInPlace } from '../project/helpers';

/** Every file below `dir`, relative, sorted. */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

function synth(outdir: string, options: Partial<CicdServiceProjectOptions>) {
  const project = new CicdServiceProject({
    name: 'orders',
    defaultReleaseBranch: 'main',
    cdkVersion: '2.189.1',
    outdir,
    ...options,
  });
  synthInPlace(project);
}

// projen's own cleanup (it deletes the generated files a run no longer generates), checked in a
// generated repository with one of projen's features; no option of this package is involved.
describe('projen\'s cleanup in a generated repository', () => {
  test('github: false removes exactly the files projen\'s GitHub feature generated, and keeps a file of the user', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-removal-'));
    synth(outdir, { github: true });
    fs.writeFileSync(path.join(outdir, 'NOTES.md'), 'mine\n');
    const withFeature = tree(outdir);
    const featureFiles = withFeature.filter((f) => f.startsWith('.github/') || f === '.mergify.yml');
    expect(featureFiles.length).toBeGreaterThan(0);

    synth(outdir, { github: false });
    const without = tree(outdir);
    // Exactly the feature's files went away; nothing else changed in the file list...
    expect(without).toEqual(withFeature.filter((f) => !featureFiles.includes(f)));
    // ...and the user's file is untouched.
    expect(fs.readFileSync(path.join(outdir, 'NOTES.md'), 'utf-8')).toBe('mine\n');
  });
});
