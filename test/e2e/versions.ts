import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Edits of a packed package: paths relative to the package root, each to a function of the text. */
export type PackageEdits = Record<string, (text: string) => string>;

/**
 * Another version of the package, made from a packed tarball: the same package with `edits`
 * applied (templates, or the compiled code in lib/) and the given version number. An edit that
 * changes nothing fails, so a test cannot pass on an edit that no longer applies.
 */
export function editedTarball(current: string, version: string, edits: PackageEdits): string {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-version-'));
  execFileSync('tar', ['xzf', current, '-C', work]);
  const pkgDir = path.join(work, 'package');
  for (const [file, edit] of Object.entries(edits)) {
    const p = path.join(pkgDir, file);
    const before = fs.readFileSync(p, 'utf-8');
    const after = edit(before);
    if (after === before) throw new Error(`the edit of ${file} changed nothing`);
    fs.writeFileSync(p, after);
  }
  const pkgJson = path.join(pkgDir, 'package.json');
  const pkg = JSON.parse(fs.readFileSync(pkgJson, 'utf-8'));
  pkg.version = version;
  fs.writeFileSync(pkgJson, JSON.stringify(pkg, null, 2));
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-version-pkg-'));
  // The bundled dependencies are already inside package/node_modules; pack them as they are.
  execFileSync('npm', ['pack', '--pack-destination', out], { cwd: pkgDir, stdio: ['ignore', 'ignore', 'inherit'] });
  const tgz = fs.readdirSync(out).find((f) => f.endsWith('.tgz'))!;
  // A name without "@", so that `--from cicd-service-template@file:<tgz>` parses.
  const target = path.join(out, 'cicd-service-template.tgz');
  fs.renameSync(path.join(out, tgz), target);
  return target;
}

/** Replaces exactly one match of `pattern` in compiled code, or fails. */
export function replaceOnce(pattern: RegExp, replacement: string): (text: string) => string {
  return (text) => {
    const matches = text.match(new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`)) ?? [];
    if (matches.length !== 1) throw new Error(`${pattern} matches ${matches.length} times, expected once`);
    return text.replace(pattern, replacement);
  };
}
