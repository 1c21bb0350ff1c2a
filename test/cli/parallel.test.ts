import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PassThrough } from 'stream';
import { ParallelCommand, parseParallelArgs, projenTask, runParallel } from '../../src/cli/parallel';

/** A node script as a command. */
function node(name: string, script: string): ParallelCommand {
  return { name, argv: [process.execPath, '-e', script] };
}

/** A script that writes `mine`, then waits (up to 20 s) for `theirs`: it only ends if the other runs at the same time. */
function meet(dir: string, mine: string, theirs: string, exitCode: number): string {
  return `const fs = require('fs'); const p = require('path');
    console.log('${mine} started'); console.error('${mine} to stderr');
    fs.writeFileSync(p.join(${JSON.stringify(dir)}, '${mine}'), '');
    const until = Date.now() + 20000;
    const wait = () => fs.existsSync(p.join(${JSON.stringify(dir)}, '${theirs}')) ? (console.log('${mine} met ${theirs}'), process.exit(${exitCode}))
      : Date.now() > until ? (console.log('${mine} waited alone'), process.exit(99)) : setTimeout(wait, 20);
    wait();`;
}

/** Whether a process of that pid exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Polls `check` every 50 ms until it holds or `ms` have passed; says whether it held. */
async function waitUntil(check: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (!check() && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  return check();
}

/** The pid a test command wrote to `file`, once it has (within 30 s). */
async function pidIn(file: string): Promise<number> {
  if (!await waitUntil(() => fs.existsSync(file) && fs.readFileSync(file, 'utf-8') !== '', 30_000)) {
    throw new Error(`no pid in ${file}: the command did not start`);
  }
  return Number(fs.readFileSync(file, 'utf-8'));
}

/**
 * Runs `commands` with runParallel in a process of its own, to which a test sends signals; its
 * `outcome` is the process's exit code and the summary it printed.
 */
function runInOwnProcess(commands: ParallelCommand[], cwd: string) {
  const script = `require('ts-node').register({ transpileOnly: true });
    const { runParallel } = require(${JSON.stringify(path.resolve(__dirname, '../../src/cli/parallel'))});
    const { PassThrough } = require('stream');
    runParallel(${JSON.stringify(commands)}, ${JSON.stringify(cwd)}, new PassThrough().resume())
      .then((o) => { console.log(JSON.stringify(o.summary)); process.exitCode = o.exitCode; });`;
  const runner = spawn(process.execPath, ['-e', script], { cwd: path.resolve(__dirname, '../..'), stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  runner.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  const outcome = new Promise<{ code: number | null; summary: string[] }>((resolve) =>
    runner.on('close', (code) => resolve({ code, summary: JSON.parse(stdout) })));
  return { runner, outcome };
}

/** Runs `commands` and returns the outcome with everything written to the output, colours removed. */
async function run(commands: ParallelCommand[], cwd = os.tmpdir()) {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (d: Buffer) => chunks.push(d));
  const outcome = await runParallel(commands, cwd, out);
  // eslint-disable-next-line no-control-regex
  return { ...outcome, output: Buffer.concat(chunks).toString('utf-8').replace(/\x1b\[[0-9;]*m/g, '') };
}

describe('runParallel', () => {
  test('runs the commands at the same time, each one\'s output in one block of prefixed lines; one failure fails the run', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-parallel-'));
    const { exitCode, summary, output } = await run([node('left', meet(dir, 'a', 'b', 0)), node('right', meet(dir, 'b', 'a', 3))], dir);

    expect(exitCode).toBe(1);
    expect(summary).toEqual([expect.stringMatching(/^left: passed in \d+\.\d s$/), expect.stringMatching(/^right: failed \(exit 3\) in \d+\.\d s$/)]);
    const lines = output.split('\n');
    const left = lines.filter((l) => l.startsWith('[left] '));
    const right = lines.filter((l) => l.startsWith('[right] '));
    expect(left).toEqual(expect.arrayContaining(['[left] a started', '[left] a to stderr', '[left] a met b']));
    expect(right).toEqual(expect.arrayContaining(['[right] b started', '[right] b met a']));
    // Grouped: every line of the first command comes before any line of the second.
    expect(lines.indexOf(left[left.length - 1])).toBeLessThan(lines.indexOf(right[0]));
  });

  test('passes when every command passes; arguments reach the program as they were', async () => {
    const { exitCode, output } = await run([node('args', 'console.log(JSON.stringify(process.argv.slice(1)))'), node('other', '')]);
    expect(exitCode).toBe(0);
    expect(output).toContain('[args] []');
    const quoted = await run([{ name: 'q', argv: [process.execPath, '-e', 'console.log(JSON.stringify(process.argv.slice(1)))', '--', '-t', 'a name', "it's $HOME"] }]);
    expect(quoted.output).toContain(`[q] ${JSON.stringify(['-t', 'a name', "it's $HOME"])}`);
  });

  test('a command that cannot start fails the run', async () => {
    const { exitCode, summary, output } = await run([{ name: 'missing', argv: [path.join(os.tmpdir(), 'no-such-program')] }]);
    expect(exitCode).toBe(1);
    expect(summary).toEqual([expect.stringMatching(/^missing: failed \(exit 127\)/)]);
    expect(output).toMatch(/^\[missing\] .*no-such-program: .*ENOENT/m);
  });

  test('a command ended by a signal fails the run', async () => {
    const { exitCode, summary, output } = await run([node('killed', "console.log('before'); process.kill(process.pid, 'SIGTERM'); setTimeout(() => {}, 5000);")]);
    expect(exitCode).toBe(1);
    expect(summary).toEqual([expect.stringMatching(/^killed: failed \(ended by SIGTERM\)/)]);
    expect(output).toContain('[killed] before');
  });

  test.each([['SIGINT', 130], ['SIGTERM', 143]] as const)('%s reaches every command and what it started, and fails the run with %d', async (signal, expected) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-parallel-'));
    // Each command records its pid, starts a child that records its own, and then both wait far
    // longer than the test.
    const sleep = "require('fs').writeFileSync(process.argv[1], String(process.pid)); setTimeout(() => {}, 60000);";
    const sleeper = (name: string) => node(name, `require('child_process').spawn(process.execPath, ['-e', ${JSON.stringify(sleep)}, ${JSON.stringify(path.join(dir, `${name}-child`))}], { stdio: 'ignore' });
      ${sleep.replace('process.argv[1]', JSON.stringify(path.join(dir, name)))}`);
    const { runner, outcome } = runInOwnProcess([sleeper('one'), sleeper('two')], dir);
    const pids = await Promise.all(['one', 'two', 'one-child', 'two-child'].map((n) => pidIn(path.join(dir, n))));
    runner.kill(signal);
    const { code, summary } = await outcome;
    expect(code).toBe(expected);
    expect(summary).toEqual([expect.stringMatching(new RegExp(`^one: stopped by ${signal} in `)), expect.stringMatching(new RegExp(`^two: stopped by ${signal} in `))]);
    // The children are gone a moment after the signal: poll for up to 5 s.
    await waitUntil(() => !pids.some(alive), 5000);
    expect(pids.map(alive)).toEqual([false, false, false, false]);
  }, 60_000);

  test('a later command\'s output waits for the commands before it; a last line without a newline is shown', async () => {
    const { exitCode, output } = await run([
      node('slow', "setTimeout(() => process.stdout.write('slow done'), 300)"),
      node('quick', "process.stdout.write('quick done\\nno newline')"),
    ]);
    expect(exitCode).toBe(0);
    expect(output).toBe('[slow] slow done\n[quick] quick done\n[quick] no newline\n');
  });

  test('an unfinished line of one stream is not joined to a line of the other', async () => {
    const { output } = await run([node('m', "process.stderr.write('progress 50%'); setTimeout(() => { console.log('stdout line'); process.stderr.write(' and done\\n'); }, 200)")]);
    expect(output.split('\n').sort()).toEqual(['', '[m] progress 50% and done', '[m] stdout line']);
  });

  test('a command that exits while a process it started holds its output ends; that process is stopped', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-parallel-'));
    const pidFile = path.join(dir, 'grandchild');
    // The grandchild shares the command's stdout and would sleep for a minute.
    const script = `require('child_process').spawn(process.execPath, ['-e', "require('fs').writeFileSync(${JSON.stringify(pidFile).replace(/"/g, "'")}, String(process.pid)); setTimeout(() => {}, 60000)"], { stdio: 'inherit' });
      const leave = () => require('fs').existsSync(${JSON.stringify(pidFile)}) ? (console.log('leaving'), process.exit(0)) : setTimeout(leave, 20);
      leave();`;
    const began = Date.now();
    const { exitCode, summary, output } = await run([node('leaver', script)], dir);
    expect(Date.now() - began).toBeLessThan(20_000);
    expect(exitCode).toBe(0);
    expect(summary).toEqual([expect.stringMatching(/^leaver: passed in /)]);
    expect(output).toContain('[leaver] leaving');
    expect(output).toMatch(/processes it started still held its output: stopped/);
    const pid = Number(fs.readFileSync(pidFile, 'utf-8'));
    await waitUntil(() => !alive(pid), 5000);
    expect(alive(pid)).toBe(false);
  }, 30_000);

  test('a second Ctrl+C ends a command that ignores the first', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-parallel-'));
    const stubborn = node('stubborn', `process.on('SIGINT', () => require('fs').writeFileSync(${JSON.stringify(path.join(dir, 'got-sigint'))}, ''));
      require('fs').writeFileSync(${JSON.stringify(path.join(dir, 'stubborn'))}, String(process.pid)); setTimeout(() => {}, 60000);`);
    const { runner, outcome } = runInOwnProcess([stubborn], dir);
    const pid = await pidIn(path.join(dir, 'stubborn'));
    runner.kill('SIGINT');
    // The first one reaches the command, which ignores it.
    expect(await waitUntil(() => fs.existsSync(path.join(dir, 'got-sigint')), 20_000)).toBe(true);
    expect(alive(pid)).toBe(true);
    runner.kill('SIGINT');
    const { code, summary } = await outcome;
    expect(code).toBe(130);
    expect(summary).toEqual([expect.stringMatching(/^stubborn: stopped by SIGINT in /)]);
    expect(alive(pid)).toBe(false);
  }, 60_000);
});

describe('parseParallelArgs', () => {
  test('tasks before --, the first task\'s arguments after it', () => {
    expect(parseParallelArgs(['test:unit', 'gates', '--', '-t', 'a name'])).toEqual({ tasks: ['test:unit', 'gates'], args: ['-t', 'a name'] });
    expect(parseParallelArgs(['test:unit', 'gates', '--'])).toEqual({ tasks: ['test:unit', 'gates'], args: [] });
    expect(parseParallelArgs(['a'])).toEqual({ tasks: ['a'], args: [] });
  });

  test.each([[[]], [['--', 'x']], [['-t', 'x']]])('%p is a usage error', (argv) => {
    expect(parseParallelArgs(argv)).toMatch(/^usage: cicd-service-parallel/);
  });

  test('refuses watch mode, which would show nothing', () => {
    expect(parseParallelArgs(['test:unit', 'gates', '--', '--watch'])).toMatch(/watch mode: run its own task \(npx projen test:watch\)/);
    expect(parseParallelArgs(['test:unit', 'gates', '--', '--watchAll'])).toMatch(/watch mode/);
  });
});

describe('projenTask', () => {
  test('runs the repository\'s own projen with node, arguments after the task', () => {
    const cmd = projenTask(process.cwd(), 'test:unit', ['-t', 'a name']);
    expect(cmd).toEqual({ name: 'test:unit', argv: [process.execPath, require.resolve('projen/bin/projen'), 'test:unit', '-t', 'a name'] });
  });
});
