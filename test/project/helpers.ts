import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthSnapshot } from 'projen/lib/util/synth';
import { CicdServiceProject, CicdServiceProjectOptions } from '../../src';

/** A fresh, empty output folder. */
export function freshOutdir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-project-'));
}

/** A project with the defaults (or the given options) in a fresh folder. */
export function newProject(options: Partial<CicdServiceProjectOptions> = {}): CicdServiceProject {
  return new CicdServiceProject({
    name: 'orders-api',
    defaultReleaseBranch: 'main',
    cdkVersion: '2.189.1',
    outdir: freshOutdir(),
    ...options,
  });
}

/** The synthesized files of a project built with the given options. */
export function synth(options: Partial<CicdServiceProjectOptions> = {}): Record<string, any> {
  return synthSnapshot(newProject(options));
}

/** Synthesizes into the project's own folder, without the install that projen runs afterwards. */
export function synthInPlace(project: CicdServiceProject): void {
  const before = process.env.PROJEN_DISABLE_POST;
  process.env.PROJEN_DISABLE_POST = 'true';
  try {
    project.synth();
  } finally {
    if (before === undefined) delete process.env.PROJEN_DISABLE_POST;
    else process.env.PROJEN_DISABLE_POST = before;
  }
}
