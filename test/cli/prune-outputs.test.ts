import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { captureWrites } from './capture';
import { pruneOutputs, pruneOutputsMain } from '../../src/cli/prune-outputs';

function touchAll(dir: string, files: string[]): void {
  for (const file of files) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), '');
  }
}

describe('pruneOutputs', () => {
  test('deletes compiled files whose source is gone, by the kind of source that makes them', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-prune-'));
    const kept = ['service/src/app.ts', 'service/dist/src/app.js', 'service/dist/src/app.js.map', 'service/dist/src/app.d.ts',
      'service/src/esm.mts', 'service/dist/src/esm.mjs', 'service/dist/src/esm.d.mts', 'service/dist/tsconfig.tsbuildinfo',
      'service/src/renamed.mts', 'service/dist/src/renamed.mjs', 'service/src/plain.js', 'service/dist/src/plain.js',
      'service/src/common.cts', 'service/dist/src/common.cjs'];
    // removed.test.ts is gone; renamed.ts became renamed.mts, so its old renamed.js is stale.
    const stale = ['service/dist/test/removed.test.js', 'service/dist/test/removed.test.d.ts', 'service/dist/src/old.js.map',
      'service/dist/src/renamed.js', 'service/dist/src/renamed.d.ts', 'service/dist/src/common.js'];
    touchAll(dir, [...kept, ...stale]);

    const removed = pruneOutputs(path.join(dir, 'service/dist'), path.join(dir, 'service'));

    expect(removed.map((f) => path.relative(dir, f)).sort()).toEqual([...stale].sort());
    for (const file of kept) expect([file, fs.existsSync(path.join(dir, file))]).toEqual([file, true]);
    for (const file of stale) expect([file, fs.existsSync(path.join(dir, file))]).toEqual([file, false]);
  });

  test('a missing output folder (a fresh clone) is nothing to prune', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-prune-'));
    expect(pruneOutputs(path.join(dir, 'dist'), dir)).toEqual([]);
  });
});

describe('cicd-service-prune-outputs', () => {
  test('prunes relative to the current folder and lists what it deleted', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-prune-'));
    touchAll(dir, ['service/dist/gone.js', 'service/src/here.ts', 'service/dist/src/here.js']);
    expect(captureWrites(process.stdout, () => pruneOutputsMain(['service/dist', 'service'], dir)))
      .toEqual({ result: 0, written: `Deleted 1 compiled file(s) whose source is gone:\n  ${path.join('service/dist', 'gone.js')}\n` });
    expect(fs.existsSync(path.join(dir, 'service/dist/gone.js'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'service/dist/src/here.js'))).toBe(true);
  });

  test.each([[[]], [['dist']], [['dist', 'src', 'more']], [['--help', 'x']]])('%p is a usage error', (args) => {
    expect(captureWrites(process.stderr, () => pruneOutputsMain(args, os.tmpdir())))
      .toEqual({ result: 2, written: 'usage: cicd-service-prune-outputs <outDir> <sourceDir>\n' });
  });
});
