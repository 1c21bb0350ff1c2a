#!/usr/bin/env node
import * as fs from 'fs';
import * as path from 'path';

/** Where the type-check of a generated repository keeps its records. */
export const TSC_CACHE_DIR = 'node_modules/.cache/tsc';
/** Where `tsc --build` records the last clean check. */
export const TSC_BUILD_INFO = `${TSC_CACHE_DIR}/dev.tsbuildinfo`;
/** Written when a type-check starts. */
export const TSC_CHECK_STARTED = `${TSC_CACHE_DIR}/check-started`;
/** Where ESLint keeps the files that passed. */
export const ESLINT_CACHE_DIR = 'node_modules/.cache/eslint/';
/** npm rewrites this file on every install (yarn and pnpm do not write it: their caches are kept). */
export const NPM_INSTALL_RECORD = 'node_modules/.package-lock.json';

function mtimeMs(file: string): number {
  return fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0;
}

/**
 * Before the type-check of the repository in `root`: deletes the type-check record and ESLint's
 * cache when npm installed something since the record was written (neither `tsc --build` nor
 * ESLint looks at node_modules), and notes when this check starts.
 */
export function prepareCheck(root: string): void {
  const at = (file: string) => path.join(root, file);
  if (mtimeMs(at(NPM_INSTALL_RECORD)) > mtimeMs(at(TSC_BUILD_INFO))) {
    fs.rmSync(at(TSC_BUILD_INFO), { force: true });
    fs.rmSync(at(ESLINT_CACHE_DIR), { recursive: true, force: true });
  }
  fs.mkdirSync(at(TSC_CACHE_DIR), { recursive: true });
  fs.writeFileSync(at(TSC_CHECK_STARTED), '');
}

/**
 * After a clean type-check of the repository in `root`: dates its record at the check's start.
 * `tsc --build` of a project without output (`noEmit`) does not rewrite its record when a check
 * finds nothing new, so an input that only got a newer time (a checkout, a synth run with
 * `--no-post`) would make every later build check again. The start, not the end: a file saved
 * while tsc ran stays newer than the record and is checked next time.
 */
export function recordCheck(root: string): void {
  const info = path.join(root, TSC_BUILD_INFO);
  const started = path.join(root, TSC_CHECK_STARTED);
  if (fs.existsSync(info) && fs.existsSync(started)) {
    const t = fs.statSync(started).mtime;
    fs.utimesSync(info, t, t);
  }
}

const COMMANDS: Record<string, (root: string) => void> = { prepare: prepareCheck, record: recordCheck };

/**
 * `cicd-service-check-cache prepare` before `tsc --build`, `cicd-service-check-cache record` after a
 * clean check, run in the repository's root (projen runs tasks there). Returns the exit code.
 */
export function checkCacheMain(args: string[], root: string): number {
  const command = COMMANDS[args[0]];
  if (!command || args.length !== 1) {
    process.stderr.write(`usage: cicd-service-check-cache <${Object.keys(COMMANDS).join('|')}>\n`);
    return 2;
  }
  command(root);
  return 0;
}

if (require.main === module) {
  process.exitCode = checkCacheMain(process.argv.slice(2), process.cwd());
}
