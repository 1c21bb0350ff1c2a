import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthInPlace } from './helpers';
import { CicdServiceProject } from '../../src';
import { describeTampering, findTamperedFiles } from '../../src/project/managed-files-check';

describe('the check that managed files were not edited by hand', () => {
  function generate(outdir: string): () => void {
    const synth = () => synthInPlace(new CicdServiceProject({ name: 'orders', defaultReleaseBranch: 'main', cdkVersion: '2.257.0', outdir }));
    synth();
    return synth;
  }

  function edit(file: string, change: (text: string) => string) {
    fs.chmodSync(file, 0o644);
    fs.writeFileSync(file, change(fs.readFileSync(file, 'utf-8')));
  }

  test('passes on a freshly generated repository', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'managed-check-'));
    const regenerate = generate(outdir);
    expect(findTamperedFiles(outdir, regenerate)).toEqual([]);
  });

  test('names each edited or deleted managed file, and the synth restores them', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'managed-check-'));
    const regenerate = generate(outdir);
    const generated = fs.readFileSync(path.join(outdir, 'Dockerfile'), 'utf-8');
    edit(path.join(outdir, 'Dockerfile'), (t) => t.replace('USER node', 'USER root'));
    fs.rmSync(path.join(outdir, 'buildspec.yml'));
    const found = findTamperedFiles(outdir, regenerate);
    expect(found).toEqual([
      { path: 'buildspec.yml', change: 'deleted' },
      { path: 'Dockerfile', change: 'edited' },
    ]);
    expect(describeTampering(found)).toMatch(/buildspec\.yml \(deleted\)[\s\S]*Dockerfile \(edited\)[\s\S]*ownedFiles/);
    expect(fs.readFileSync(path.join(outdir, 'Dockerfile'), 'utf-8')).toBe(generated);
  });

  test('leaves user-owned files alone', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'managed-check-'));
    const regenerate = generate(outdir);
    edit(path.join(outdir, 'src', 'main.ts'), (t) => `${t}\n// ours\n`);
    expect(findTamperedFiles(outdir, regenerate)).toEqual([]);
    expect(fs.readFileSync(path.join(outdir, 'src', 'main.ts'), 'utf-8')).toContain('// ours');
  });

  test('refuses a folder that projen never synthesized', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'managed-check-'));
    expect(() => findTamperedFiles(outdir, () => undefined)).toThrow(/\.projen\/files\.json is missing/);
  });
});
