import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** A managed file whose content on disk differs from what `.projenrc.ts` generates. */
export interface TamperedFile {
  /** Path relative to the repository root. */
  readonly path: string;
  /** `edited`: the content differed; `deleted`: the file was missing; `added`: not there before synth. */
  readonly change: 'edited' | 'deleted' | 'added';
}

/** The files projen generated at the last synth, as it lists them in `.projen/files.json`. */
function managedFiles(root: string): string[] {
  const list = path.join(root, '.projen', 'files.json');
  if (!fs.existsSync(list)) {
    throw new Error(`${list} is missing: this is not a projen-managed repository, or it was never synthesized.`);
  }
  const files: unknown = JSON.parse(fs.readFileSync(list, 'utf-8')).files;
  if (!Array.isArray(files)) throw new Error(`${list} has no "files" list.`);
  return files.filter((f): f is string => typeof f === 'string');
}

function digest(file: string): string | undefined {
  return fs.existsSync(file) ? crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex') : undefined;
}

/**
 * Finds managed files that were changed by hand: hashes every managed file, runs `regenerate`
 * (a projen synth), and compares. The synth restores the generated content, so after a finding
 * the working tree holds what `.projenrc.ts` generates.
 */
export function findTamperedFiles(root: string, regenerate: () => void): TamperedFile[] {
  const before = new Map(managedFiles(root).map((f) => [f, digest(path.join(root, f))]));
  regenerate();
  const after = managedFiles(root);
  const out: TamperedFile[] = [];
  for (const file of new Set([...before.keys(), ...after])) {
    const now = digest(path.join(root, file));
    if (!before.has(file)) {
      out.push({ path: file, change: 'added' });
    } else if (before.get(file) === undefined && now !== undefined) {
      out.push({ path: file, change: 'deleted' });
    } else if (before.get(file) !== now) {
      out.push({ path: file, change: 'edited' });
    }
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

/** The message for a failed check. */
export function describeTampering(files: readonly TamperedFile[]): string {
  return [
    'These files are managed by the template and generated from .projenrc.ts, but differ from what it generates:',
    ...files.map((f) => `  ${f.path} (${f.change})`),
    'Make the change through the options in .projenrc.ts (then run "npx projen"), or take the file over',
    'with the ownedFiles option. The working tree now holds the generated content.',
  ].join('\n');
}
