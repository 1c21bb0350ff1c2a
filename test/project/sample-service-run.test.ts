import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synth } from './helpers';

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * The generated service's own tests, compiled and run as `service:test` runs them, with GREETING
 * and API_TOKEN set in the environment as ECS sets them from the task definition: the sample reads
 * the variable and the secret, and its tests hold whatever the shell sets.
 */
test('the sample service\'s tests pass, and read GREETING and API_TOKEN without printing the token', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sample-service-'));
  for (const [file, content] of Object.entries(synth())) {
    if (!file.startsWith('service/')) continue;
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), typeof content === 'string' ? content : JSON.stringify(content));
  }
  // The generated repository compiles the service with the root's typescript and @types/node.
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
  const tsc = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['--build', 'service/tsconfig.json'], { cwd: dir, encoding: 'utf-8' });
  expect([tsc.status, tsc.stdout]).toEqual([0, '']);
  const token = 'planted-shell-token-93be';
  const run = spawnSync(process.execPath, ['--test', '--test-reporter=tap', 'service/dist/test/'], {
    cwd: dir, encoding: 'utf-8', env: { ...process.env, GREETING: 'Hallo', API_TOKEN: token }, timeout: 60_000,
  });
  expect(run.stdout).toMatch(/^# fail 0$/m);
  expect(run.stdout).toContain('ok 1 - greets with GREETING and reports an API_TOKEN without ever returning or logging it');
  expect(run.stdout).toMatch(/^# pass (\d+)$/m);
  expect(Number(/^# pass (\d+)$/m.exec(run.stdout)?.[1])).toBeGreaterThanOrEqual(12);
  expect(run.status).toBe(0);
  expect(`${run.stdout}${run.stderr}`).not.toContain(token);
});
