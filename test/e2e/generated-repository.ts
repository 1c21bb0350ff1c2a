import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');

let tarball: string | undefined;

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
    // Not CI=true: projen then installs with `npm ci`, which needs the lock file that projen new
    // has not written yet.
    env: { ...process.env, CI: undefined },
  });
  return dir;
}
