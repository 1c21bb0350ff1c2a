#!/usr/bin/env node
import * as fs from 'fs';
import * as path from 'path';

/** For each kind of compiled file, the source extensions that produce it. */
const SOURCES_OF: Record<string, string[]> = {
  js: ['.ts', '.tsx', '.js', '.jsx'],
  mjs: ['.mts', '.mjs'],
  cjs: ['.cts', '.cjs'],
};
/** A compiled file: JavaScript or a declaration, with or without a source map. Captures its stem and kind. */
const COMPILED = /^(.*)\.(?:d\.([mc]?)ts|([mc]?)js)(?:\.map)?$/;

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]);
}

/**
 * Deletes every compiled file under `outDir` (JavaScript, declarations, source maps) whose
 * TypeScript or JavaScript source under `sourceDir` no longer exists, and returns the deleted
 * paths. `tsc --build` never removes an output whose source is gone, so a deleted test would keep
 * running from `outDir`. Other files (say tsc's build record) and a missing `outDir` are left alone.
 */
export function pruneOutputs(outDir: string, sourceDir: string): string[] {
  const removed: string[] = [];
  for (const file of walk(outDir)) {
    const m = COMPILED.exec(path.relative(outDir, file));
    if (!m) continue;
    const stem = m[1];
    const kind = `${m[2] ?? m[3]}js`;
    if (!SOURCES_OF[kind].some((ext) => fs.existsSync(path.join(sourceDir, stem + ext)))) {
      fs.rmSync(file);
      removed.push(file);
    }
  }
  return removed;
}

/**
 * `cicd-service-prune-outputs <outDir> <sourceDir>` (see `pruneOutputs`), both relative to `cwd`.
 * Returns the exit code.
 */
export function pruneOutputsMain(args: string[], cwd: string): number {
  if (args.length !== 2 || args.some((a) => a.startsWith('-'))) {
    process.stderr.write('usage: cicd-service-prune-outputs <outDir> <sourceDir>\n');
    return 2;
  }
  const removed = pruneOutputs(path.resolve(cwd, args[0]), path.resolve(cwd, args[1]));
  if (removed.length > 0) {
    const list = removed.map((f) => `  ${path.relative(cwd, f)}\n`).join('');
    process.stdout.write(`Deleted ${removed.length} compiled file(s) whose source is gone:\n${list}`);
  }
  return 0;
}

if (require.main === module) {
  process.exitCode = pruneOutputsMain(process.argv.slice(2), process.cwd());
}
