import { ChildProcess, execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { CicdServiceProject } from '../../src';
import { CONTAINER_USER, SCRATCH_PATH } from '../../src/shared/hardening-settings';
import { NODE_RELEASES } from '../../src/shared/node-versions';
import { DEFAULTS } from '../../src/shared/service-settings';
import { synthInPlace } from '../project/helpers';

const NODE_BASE_IMAGE = NODE_RELEASES[DEFAULTS.nodeVersion].baseImage;
/** The Node.js release of the base image, from its tag ("24.19.0" in "node:24.19.0-bookworm-slim"). */
const NODE_RELEASE = /:(\d+\.\d+\.\d+)-/.exec(NODE_BASE_IMAGE)![1];

// Builds the generated Dockerfile with buildah (vfs storage, chroot isolation: no daemon, no
// privileges beyond root) on a stand-in for the base image made here, since no image can be
// pulled: the same Node.js release (its binary from the npm package node-linux-<arch>) and this
// machine's npm. Runs the image as the task definitions do (their user, a read-only root filesystem,
// a writable /tmp), checks the health endpoint and the shutdown, then checks that a source-only
// change with a new version reuses the dependency layers.

jest.setTimeout(20 * 60 * 1000);

const STEP_TIMEOUT_MS = 8 * 60 * 1000;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'image-test-'));
const storage = ['--root', path.join(work, 'storage'), '--runroot', path.join(work, 'run'), '--storage-driver', 'vfs'];
const repo = path.join(work, 'repo');
const HEALTH = '/ready';
const PORT_IN_IMAGE = 3000;
const FIRST_VERSION = '0123abcd';

function buildah(args: string[], options: { cwd?: string } = {}): string {
  return execFileSync('buildah', [...storage, ...args], { encoding: 'utf-8', timeout: STEP_TIMEOUT_MS, cwd: options.cwd, maxBuffer: 64 * 1024 * 1024 });
}

/** Builds the repository's Dockerfile as buildspec.yml does (with SERVICE_VERSION); returns the output and how long it took. */
function build(tag: string, version: string): { output: string; seconds: number } {
  const started = Date.now();
  const result = spawnSync('buildah', [...storage, 'bud', '--format', 'docker', '--isolation', 'chroot', '--network', 'host',
    '--layers', '--pull=never', '--build-arg', `SERVICE_VERSION=${version}`, '-t', tag, '.'],
  { cwd: repo, encoding: 'utf-8', timeout: STEP_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024 });
  const output = `${result.stdout}${result.stderr}`;
  if (result.status !== 0) throw new Error(`buildah bud failed (${result.status ?? result.signal}):\n${output}`);
  return { output, seconds: (Date.now() - started) / 1000 };
}

/** For each Dockerfile step ("[stage] STEP n/m: INSTRUCTION"), whether buildah took it from its cache. */
function cachedSteps(output: string): Array<{ step: string; cached: boolean }> {
  const out: Array<{ step: string; cached: boolean }> = [];
  const outputLines = output.split('\n');
  outputLines.forEach((line, i) => {
    const match = /^\[\d\/\d\] STEP \d+\/\d+: (.*)$/.exec(line);
    if (!match) return;
    const next = outputLines.slice(i + 1).find((l) => l.startsWith('--> ') || / STEP \d+\/\d+: /.test(l)) ?? '';
    out.push({ step: match[1], cached: next.startsWith('--> Using cache') });
  });
  return out;
}

/**
 * Starts `command` in the container as the task definitions run it: as their user, with a
 * read-only root filesystem and a writable tmpfs at the scratch path. buildah run has no read-only
 * option: in a mount namespace of its own, the container's root is bind-mounted read-only onto
 * itself before buildah runs in it. The mount points that buildah run needs in the root are made
 * first, by a run while it is still writable; /run gets a tmpfs, since buildah writes its marker
 * /run/.containerenv there before the command and removes it after (ECS writes nothing there).
 */
function runAsTask(ctr: string, command: string[]): ChildProcess {
  buildah(['run', '--isolation', 'chroot', ctr, '--', 'node', '-e', '']);
  const root = buildah(['mount', ctr]).trim();
  const readOnlyRoot = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && mount -t tmpfs tmpfs "$1/run" && shift && exec "$@"';
  return spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', readOnlyRoot, 'sh', root,
    'buildah', ...storage, 'run', '--isolation', 'chroot', '--network', 'host', '--user', CONTAINER_USER,
    '--mount', `type=tmpfs,destination=${SCRATCH_PATH}`, ctr, '--', ...command], { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The exit code and output of a process. */
function outcome(child: ChildProcess): Promise<{ code: number | null; output: string }> {
  let output = '';
  child.stdout!.on('data', (d) => { output += d; });
  child.stderr!.on('data', (d) => { output += d; });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function descendants(pid: number): number[] {
  const children = spawnSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf-8' }).stdout
    .split('\n').map((s) => parseInt(s.trim(), 10)).filter((n) => !isNaN(n));
  return children.flatMap((c) => [c, ...descendants(c)]);
}

function commandOf(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf-8').split('\0').join(' ');
  } catch {
    return '';
  }
}

/** The node binary of the base image's release, from the npm registry (the package holds the official build). */
function nodeBinary(): string {
  const dir = path.join(work, 'node-package');
  fs.mkdirSync(dir);
  const tarball = execFileSync('npm', ['pack', `node-linux-${process.arch}@${NODE_RELEASE}`, '--pack-destination', dir, '--silent'],
    { encoding: 'utf-8', timeout: STEP_TIMEOUT_MS }).trim().split('\n').pop()!;
  execFileSync('tar', ['-xzf', path.join(dir, tarball), '-C', dir, 'package/bin/node'], { timeout: STEP_TIMEOUT_MS });
  return path.join(dir, 'package', 'bin', 'node');
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe(`the generated Dockerfile, built on a locally made stand-in of ${NODE_BASE_IMAGE} (Node.js ${NODE_RELEASE}), not the real image`, () => {
  const report: Record<string, unknown> = {};
  let first: { output: string; seconds: number };

  beforeAll(() => {
    synthInPlace(new CicdServiceProject({
      name: 'orders-api',
      defaultReleaseBranch: 'main',
      cdkVersion: '2.189.1',
      outdir: repo,
      containerPort: PORT_IN_IMAGE,
      healthCheckPath: HEALTH,
      dockerRuntimeEnv: { GREETING_SOURCE: 'image-test' },
    }));
    execFileSync('bash', [path.join(__dirname, 'make-base-image.sh'), NODE_BASE_IMAGE, nodeBinary(), ...storage],
      { stdio: ['ignore', 'ignore', 'inherit'], timeout: STEP_TIMEOUT_MS });
    report.baseImage = `a stand-in made here of ${NODE_BASE_IMAGE}: Node.js ${NODE_RELEASE} from npm, not the real image`;
    first = build('service:first', FIRST_VERSION);
    report.firstBuildSeconds = first.seconds;
  });

  afterAll(() => {
    spawnSync('buildah', [...storage, 'rm', '--all'], { stdio: 'ignore' });
    spawnSync('buildah', [...storage, 'rmi', '--all', '--force'], { stdio: 'ignore' });
    fs.rmSync(work, { recursive: true, force: true });
    console.log(`image test: ${JSON.stringify(report)}`);
    fs.mkdirSync(path.resolve(__dirname, '..', '..', 'test-reports'), { recursive: true });
    fs.writeFileSync(path.resolve(__dirname, '..', '..', 'test-reports', 'image-test.json'), `${JSON.stringify(report, null, 2)}\n`);
  });

  test('builds both stages from the stand-in of the pinned base image, which runs its Node.js release', () => {
    expect(first.output).toContain(`[1/2] STEP 1/7: FROM ${NODE_BASE_IMAGE} AS build`);
    expect(first.output).toMatch(new RegExp(`\\[2/2\\] STEP 1/\\d+: FROM ${NODE_BASE_IMAGE.replace(/[.]/g, '\\.')}\\n`));
    const ctr = buildah(['from', 'service:first']).trim();
    try {
      expect(buildah(['run', '--isolation', 'chroot', ctr, '--', 'node', '--version']).trim()).toBe(`v${NODE_RELEASE}`);
    } finally {
      buildah(['rm', ctr]);
    }
  });

  test('the image runs node as the task definitions\' user, with the port, environment and health check', () => {
    const config = JSON.parse(buildah(['inspect', '--type', 'image', 'service:first'])).Docker.config;
    expect(config.User).toBe(CONTAINER_USER);
    expect(config.Cmd).toEqual(['node', 'dist/src/server.js']);
    expect(config.WorkingDir).toBe('/app');
    expect(config.Env).toEqual(expect.arrayContaining([`PORT=${PORT_IN_IMAGE}`, 'NODE_ENV=production', 'GREETING_SOURCE=image-test',
      `SERVICE_VERSION=${FIRST_VERSION}`]));
    expect(Object.keys(config.ExposedPorts)).toEqual([`${PORT_IN_IMAGE}/tcp`]);
    expect(config.Healthcheck.Test.join(' ')).toContain(HEALTH);
  });

  test('the image holds the compiled service and production dependencies only', () => {
    const ctr = buildah(['from', 'service:first']).trim();
    try {
      const mnt = buildah(['mount', ctr]).trim();
      const entries = fs.readdirSync(path.join(mnt, 'app'));
      expect(entries).toEqual(expect.arrayContaining(['dist', 'package.json', 'package-lock.json']));
      expect(entries).not.toContain('tsconfig.json');
      const appBytes = parseInt(execFileSync('du', ['-sb', path.join(mnt, 'app')], { encoding: 'utf-8' }).split('\t')[0], 10);
      report.appLayerKB = Math.round(appBytes / 1024);
      expect(appBytes).toBeLessThan(2 * 1024 * 1024);
      expect(fs.existsSync(path.join(mnt, 'app', 'dist', 'src', 'server.js'))).toBe(true);
      expect(fs.existsSync(path.join(mnt, 'app', 'src'))).toBe(false);
      expect(fs.existsSync(path.join(mnt, 'app', 'node_modules', 'typescript'))).toBe(false);
      expect(fs.existsSync(path.join(mnt, 'app', 'dist', 'test'))).toBe(false);
    } finally {
      buildah(['rm', ctr]);
    }
  });

  test('as the task runs it, the container cannot write to its root filesystem, only to its scratch path', async () => {
    const ctr = buildah(['from', 'service:first']).trim();
    try {
      const probe = `const fs = require('fs');
        const attempt = (file) => { try { fs.writeFileSync(file, 'x'); return 'written'; } catch (e) { return e.code; } };
        console.log(JSON.stringify({ uid: process.getuid(), root: attempt('/probe'), app: attempt('/app/probe'), etc: attempt('/etc/probe'),
          home: attempt('/home/node/probe'), scratch: attempt('${SCRATCH_PATH}/probe'), tmpdir: require('os').tmpdir() }));`;
      const { code, output } = await outcome(runAsTask(ctr, ['node', '-e', probe]));
      expect([code, output]).toEqual([0, expect.stringContaining('"uid"')]);
      const result = JSON.parse(output.trim().split('\n').pop()!);
      // uid 1000: the node user of the base image. EROFS, not EACCES: the root filesystem itself is
      // read-only, even the user's own home directory.
      expect(result).toEqual({ uid: 1000, root: 'EROFS', app: 'EROFS', etc: 'EROFS', home: 'EROFS', scratch: 'written', tmpdir: SCRATCH_PATH });
      report.readOnlyRoot = result;
    } finally {
      spawnSync('buildah', [...storage, 'rm', ctr], { stdio: 'ignore' });
    }
  });

  test('the container, run as the task runs it, answers the health check and stops cleanly on SIGTERM', async () => {
    const ctr = buildah(['from', 'service:first']).trim();
    const port = await freePort();
    buildah(['config', '--env', `PORT=${port}`, ctr]);
    const config = JSON.parse(buildah(['inspect', '--type', 'image', 'service:first'])).Docker.config;
    let run: ChildProcess | undefined;
    let logs = '';
    try {
      run = runAsTask(ctr, config.Cmd);
      run.stdout!.on('data', (d) => { logs += d; });
      run.stderr!.on('data', (d) => { logs += d; });
      const exited = new Promise<number | null>((resolve) => run!.on('exit', (code) => resolve(code)));

      const started = Date.now();
      const res = await waitFor('the health check', 60_000, async () => {
        const r = await fetch(`http://127.0.0.1:${port}${HEALTH}`);
        return r.status === 200 ? r : undefined;
      });
      report.secondsToHealthy = (Date.now() - started) / 1000;
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      // The contract of the pipeline's check after a deploy: 200 and the image tag as the version.
      expect(await res.json()).toMatchObject({ status: 'ok', service: 'orders-api', version: FIRST_VERSION });
      expect((await fetch(`http://127.0.0.1:${port}/nope`)).status).toBe(404);

      // buildah run does not forward signals: send SIGTERM to node inside the container directly.
      const node = descendants(run.pid!).find((pid) => commandOf(pid).startsWith('/usr/local/bin/node dist/src/server.js')
        || commandOf(pid).startsWith('node dist/src/server.js'));
      expect(node).toBeDefined();
      process.kill(node!, 'SIGTERM');
      expect(await exited).toBe(0);
      const messages = logs.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l).msg);
      expect(messages).toEqual(expect.arrayContaining(['listening', 'request', 'shutting down', 'stopped']));
    } finally {
      if (run && run.exitCode === null) run.kill('SIGKILL');
      spawnSync('buildah', [...storage, 'rm', ctr], { stdio: 'ignore' });
    }
  });

  test('a change to the service sources alone, with a new version, reuses the dependency layers', () => {
    const app = path.join(repo, 'service', 'src', 'app.ts');
    fs.writeFileSync(app, fs.readFileSync(app, 'utf-8').replace('Hello from ${SERVICE_NAME}', 'Hi from ${SERVICE_NAME}'));
    const second = build('service:second', '89abcdef');
    report.cachedRebuildSeconds = second.seconds;
    const steps = cachedSteps(second.output);
    report.cachedSteps = `${steps.filter((s) => s.cached).length} of ${steps.length}`;
    const cached = (prefix: string) => steps.filter((s) => s.step.startsWith(prefix)).map((s) => s.cached);
    expect(cached('RUN npm ci --no-audit')).toEqual([true]);
    expect(cached('RUN npm ci --omit=dev')).toEqual([true]);
    expect(cached('COPY service/src')).toEqual([false]);
    expect(cached('RUN npx tsc')).toEqual([false]);

    const size = (tag: string) => buildah(['images', '--format', '{{.Size}}', tag]).trim();
    report.imageSize = size('service:second');
    report.baseImageSize = size(NODE_BASE_IMAGE);
  });
});
