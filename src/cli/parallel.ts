#!/usr/bin/env node
import { ChildProcess, spawn } from 'child_process';
import * as os from 'os';
import * as path from 'path';

/** A command that runs next to others. */
export interface ParallelCommand {
  /** How its output is headed. */
  readonly label: string;
  readonly command: string;
  readonly args: string[];
}

/** What a finished command left. */
export interface ParallelResult {
  readonly label: string;
  readonly exitCode: number;
  readonly seconds: number;
}

/** The exit code of a process that a signal ended, as shells report it. */
function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (os.constants.signals[signal] ?? 0);
}

/**
 * Runs `commands` at the same time in `cwd`. Each one's output (stdout and stderr, in the order it
 * came) is held back and written to `out` in one block when the command ends, so that blocks do
 * not interleave. Every command runs to its end, even after another failed. `children` receives
 * the running processes (to pass a signal on to them).
 */
export function runParallel(commands: ParallelCommand[], cwd: string, out: (text: string) => void,
  children: Set<ChildProcess> = new Set(), env: NodeJS.ProcessEnv = process.env): Promise<ParallelResult[]> {
  return Promise.all(commands.map((c) => new Promise<ParallelResult>((resolve) => {
    const started = Date.now();
    const chunks: Buffer[] = [];
    const child = spawn(c.command, c.args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    child.stdout?.on('data', (d: Buffer) => chunks.push(d));
    child.stderr?.on('data', (d: Buffer) => chunks.push(d));
    let done = false;
    const finish = (exitCode: number, how: string, extra = '') => {
      // A process that cannot start emits 'error' and then 'close': report it once.
      if (done) return;
      done = true;
      children.delete(child);
      const seconds = (Date.now() - started) / 1000;
      out(`----- ${c.label}: ${exitCode === 0 ? 'passed' : `failed (${how})`} in ${seconds.toFixed(1)} s -----\n`
        + Buffer.concat(chunks).toString('utf-8') + extra);
      resolve({ label: c.label, exitCode, seconds });
    };
    child.on('error', (e) => finish(127, 'did not start', `${e.message}\n`));
    child.on('close', (code, signal) => signal
      ? finish(signalExitCode(signal), `ended by ${signal}`)
      : finish(code ?? 1, `exit ${code}`));
  })));
}

/** Splits `<task>... [-- <args>]`; returns an error message for a command line it cannot run. */
export function parseParallelArgs(argv: string[]): { tasks: string[]; args: string[] } | string {
  const dash = argv.indexOf('--');
  const tasks = dash >= 0 ? argv.slice(0, dash) : argv;
  const args = dash >= 0 ? argv.slice(dash + 1) : [];
  if (tasks.length === 0 || tasks.some((t) => t.startsWith('-'))) {
    return 'usage: cicd-service-parallel <task>... [-- <arguments of the first task>]';
  }
  // Output is held back until a task ends, and stdin is closed: a watcher would never show anything.
  if (args.some((a) => a === '--watch' || a === '--watchAll' || a.startsWith('--watch='))) {
    return `cicd-service-parallel cannot run ${tasks[0]} in watch mode: run its own task (npx projen test:watch)`;
  }
  return { tasks, args };
}

/** The command line that runs a projen task of the repository in `cwd` without npx. */
export function projenTask(cwd: string, task: string, args: string[] = []): ParallelCommand {
  const projen = require.resolve('projen/bin/projen', { paths: [cwd] });
  return { label: `projen ${[task, ...args].join(' ')}`, command: process.execPath, args: [projen, task, ...args] };
}

/**
 * `cicd-service-parallel <task>... [-- <args>]`: runs the projen tasks of the repository at the same
 * time and fails if any of them failed. The arguments after `--` go to the first task (a generated
 * repository's `test` task passes them on to Jest).
 */
async function main(argv: string[]): Promise<number> {
  const parsed = parseParallelArgs(argv);
  if (typeof parsed === 'string') {
    process.stderr.write(`${parsed}\n`);
    return 2;
  }
  const cwd = process.cwd();
  const commands = parsed.tasks.map((t, i) => projenTask(cwd, t, i === 0 ? parsed.args : []));
  process.stdout.write(`Running at the same time (each one's output follows when it ends): ${commands.map((c) => c.label).join(', ')}\n`);
  // Ctrl+C, a cancelled build or a timeout: pass the signal on, so that no task runs on alone;
  // each task's output so far is printed as it ends.
  const children = new Set<ChildProcess>();
  let interrupted: NodeJS.Signals | undefined;
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as NodeJS.Signals[]) {
    process.on(signal, () => {
      interrupted = signal;
      for (const child of children) child.kill(signal);
    });
  }
  // Colours survive the pipe when the output goes to a terminal.
  const env = process.stdout.isTTY && !process.env.NO_COLOR ? { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '1' } : process.env;
  const results = await runParallel(commands, cwd, (text) => process.stdout.write(text), children, env);
  if (interrupted) return signalExitCode(interrupted);
  const failed = results.filter((r) => r.exitCode !== 0);
  if (failed.length > 0) {
    process.stderr.write(`${failed.map((r) => r.label).join(', ')} failed (see above) in ${path.basename(cwd)}\n`);
    return 1;
  }
  return 0;
}

if (require.main === module) {
  // exitCode, not exit(): the held-back output must reach a piped stdout first.
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exitCode = 2;
  });
}
