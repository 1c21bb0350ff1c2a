import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');

let tarball: string | undefined;

/** The environment of a developer's shell: projen installs with `npm ci` (a frozen lockfile) when CI is set. */
export function developerEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.CI;
  return env;
}

/** Packs this package once per test run and returns the tarball's absolute path. */
export function packedTarball(): string {
  if (!tarball) {
    tarball = execFileSync('bash', [path.join(ROOT, 'scripts', 'pack.sh')], { cwd: ROOT, encoding: 'utf-8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  }
  return tarball;
}

/**
 * Generates a service repository from the packed tarball with `projen new --no-git --from`
 * in a fresh temporary folder, builds it with `npx projen build`, and returns the folder.
 */
export function generateRepository(extraArgs: string[] = []): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-e2e-'));
  execFileSync('bash', [path.join(ROOT, 'scripts', 'generate.sh'), packedTarball(), dir, '--no-git', ...extraArgs], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: developerEnv(),
  });
  return dir;
}
