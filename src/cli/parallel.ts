#!/usr/bin/env node
import { ChildProcess, spawn } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import { Writable } from 'stream';

/** A command that runs next to others. */
export interface ParallelCommand {
  /** How its output lines are prefixed. */
  readonly name: string;
  /** The program and its arguments, passed to the program as they are (no shell). */
  readonly argv: string[];
}

/** How the commands ended. */
export interface ParallelOutcome {
  /** 0 when every command passed; 1 when one failed; 128 + its number when a signal stopped the run. */
  readonly exitCode: number;
  /** One line per command: its name, passed or failed, and how long it ran. */
  readonly summary: string[];
}

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** How one command ended. */
interface Ended {
  /** Its exit code; 127 or 126 when it could not start (as a shell reports it). */
  readonly code: number | null;
  /** The signal that ended it, if one did. */
  readonly signal: NodeJS.Signals | null;
  readonly seconds: number;
  /** When it ended (Date.now()). */
  readonly at: number;
}

/** How long a command's output may stay open after the command exited (a process it started holds it). */
const OUTPUT_GRACE_MS = 2000;

function describe(name: string, ended: Ended, interrupted?: { signal: NodeJS.Signals; at: number }): string {
  const seconds = ended.seconds.toFixed(1);
  // A command that ended before the signal came is reported as it ended.
  const how = interrupted && ended.at >= interrupted.at && ended.code !== 0 ? `stopped by ${interrupted.signal}`
    : ended.code === 0 ? 'passed'
      : `failed (${ended.signal ? `ended by ${ended.signal}` : `exit ${ended.code}`})`;
  return `${name}: ${how} in ${seconds} s`;
}

/**
 * One command's output: its stdout and stderr as lines prefixed with `[name] `, kept until the
 * command's turn to show them, then written as they come.
 */
class PrefixedOutput {
  private readonly held: string[] = [];
  /** The last, unfinished line of each stream. */
  private readonly partial = new Map<string, string>();
  private target?: Writable;

  constructor(private readonly prefix: string) {}

  /** Text from one of the command's streams; complete lines are written or held, a last partial line waits. */
  public add(stream: string, text: string): void {
    const lines = ((this.partial.get(stream) ?? '') + text).split('\n');
    this.partial.set(stream, lines.pop() ?? '');
    for (const line of lines) this.emit(line);
  }

  /** The command has ended: the last line of each stream, even without a newline. */
  public end(): void {
    for (const rest of this.partial.values()) {
      if (rest !== '') this.emit(rest);
    }
    this.partial.clear();
  }

  /** From now on lines go to `out`; the held ones first. */
  public show(out: Writable): void {
    this.target = out;
    if (this.held.length > 0) out.write(this.held.splice(0).join(''));
  }

  private emit(line: string): void {
    const text = `${this.prefix}${line.replace(/\r$/, '')}\n`;
    if (this.target) this.target.write(text);
    else this.held.push(text);
  }
}

/** A started command. */
interface Running {
  readonly child: ChildProcess;
  readonly ended: Promise<Ended>;
}

/**
 * Sends `signal` to everything the command runs: its process group on POSIX systems (also after
 * the command's own process exited), its process tree (taskkill) on Windows while the command's
 * process runs. A group that is gone is fine.
 */
function signalCommand(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  if (process.platform === 'win32') {
    // taskkill finds the tree from the command's own process, whose pid may be reused once it exited.
    if (child.exitCode !== null || child.signalCode !== null) return;
    spawn('taskkill', ['/pid', String(child.pid), '/T', '/F'], { stdio: 'ignore' }).on('error', () => undefined);
    return;
  }
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Nothing of the group is left.
  }
}

/**
 * Starts `argv` in `cwd` with its stdout and stderr going to `output`. On POSIX systems the command
 * leads a process group of its own, so that a signal reaches everything it started. It has ended
 * when it exited and its output closed; output that a process it started still holds open
 * `OUTPUT_GRACE_MS` after it exited is cut, and that process group is sent SIGTERM.
 */
function start(argv: string[], cwd: string, output: PrefixedOutput, color: boolean): Running {
  const began = Date.now();
  // The command writes to a pipe: on a terminal, it is told that colours will be shown.
  const env = color && process.env.FORCE_COLOR === undefined && process.env.NO_COLOR === undefined ? { ...process.env, FORCE_COLOR: '1' } : process.env;
  const child = spawn(argv[0], argv.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: process.platform !== 'win32' });
  child.stdout?.setEncoding('utf-8').on('data', (d: string) => output.add('stdout', d));
  child.stderr?.setEncoding('utf-8').on('data', (d: string) => output.add('stderr', d));
  let closed = false;
  child.on('close', () => { closed = true; });
  const ended = new Promise<Ended>((resolve) => {
    let done = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null, at: number) => {
      if (done) return;
      done = true;
      output.end();
      resolve({ code, signal, seconds: (at - began) / 1000, at });
    };
    child.on('error', (e: NodeJS.ErrnoException) => {
      // Only a command that could not start: a running one reports its end with 'exit'.
      if (child.pid !== undefined) return;
      output.add('stderr', `${argv[0]}: ${e.message}\n`);
      finish(e.code === 'ENOENT' ? 127 : 126, null, Date.now());
    });
    child.on('exit', (code, signal) => {
      // The command ended now, even if its output stays open a little longer.
      const at = Date.now();
      if (closed) return finish(code, signal, at);
      const cut = setTimeout(() => {
        output.end();
        output.add('stderr', `(${argv[0]} exited, but processes it started still held its output: stopped)\n`);
        signalCommand(child, 'SIGTERM');
        child.stdout?.destroy();
        child.stderr?.destroy();
        finish(code, signal, at);
      }, OUTPUT_GRACE_MS);
      child.on('close', () => {
        clearTimeout(cut);
        finish(code, signal, at);
      });
    });
  });
  return { child, ended };
}

/**
 * Runs `commands` at the same time in `cwd`. Their output goes to `out` grouped per command, in
 * the order of `commands` (the first one streams, each of the others follows when the one before
 * it ends), each line prefixed with `[name] `. Every command runs to its end, even after another
 * failed. Ctrl+C, a termination or a hang-up is passed on to everything each command runs (its
 * process group; its process tree on Windows), a second one ends them with SIGKILL, and the run
 * then fails with 128 + the first signal's number.
 */
export async function runParallel(commands: ParallelCommand[], cwd: string, out: Writable = process.stdout): Promise<ParallelOutcome> {
  const outputs = commands.map((c) => new PrefixedOutput(`[${c.name}] `));
  const color = (out as { isTTY?: boolean }).isTTY === true;
  const running: Running[] = [];
  let interrupted: { signal: NodeJS.Signals; at: number } | undefined;
  const forward = (signal: NodeJS.Signals) => {
    // The first signal is passed on; a second one, for a command that ignores the first, kills.
    const next = interrupted ? 'SIGKILL' : signal;
    interrupted ??= { signal, at: Date.now() };
    running.forEach((r) => signalCommand(r.child, next));
  };
  SIGNALS.forEach((s) => process.on(s, forward));
  try {
    try {
      commands.forEach((c, i) => running.push(start(c.argv, cwd, outputs[i], color)));
    } catch (e) {
      // A command that cannot even be spawned: stop those already started.
      running.forEach((r) => signalCommand(r.child, 'SIGTERM'));
      throw e;
    }
    const ended: Ended[] = [];
    // In order: a command's output shows once every command before it has ended.
    for (let i = 0; i < running.length; i++) {
      outputs[i].show(out);
      ended.push(await running[i].ended);
    }
    const failed = ended.some((e) => e.code !== 0);
    const exitCode = interrupted ? 128 + (os.constants.signals[interrupted.signal] ?? 0) : failed ? 1 : 0;
    return { exitCode, summary: commands.map((c, i) => describe(c.name, ended[i], interrupted)) };
  } finally {
    SIGNALS.forEach((s) => process.off(s, forward));
  }
}

/** Splits `<task>... [-- <args>]`; returns an error message for a command line it cannot run. */
export function parseParallelArgs(argv: string[]): { tasks: string[]; args: string[] } | string {
  const dash = argv.indexOf('--');
  const tasks = dash >= 0 ? argv.slice(0, dash) : argv;
  const args = dash >= 0 ? argv.slice(dash + 1) : [];
  if (tasks.length === 0 || tasks.some((t) => t.startsWith('-'))) {
    return 'usage: cicd-service-parallel <task>... [-- <arguments of the first task>]';
  }
  // Only the first task's output streams, and a watcher never ends: the other tasks would never show.
  if (args.some((a) => a === '--watch' || a === '--watchAll' || a.startsWith('--watch='))) {
    return `cicd-service-parallel cannot run ${tasks[0]} in watch mode: run its own task (npx projen test:watch)`;
  }
  return { tasks, args };
}

/** The command that runs a projen task of the repository in `cwd` without npx. */
export function projenTask(cwd: string, task: string, args: string[] = []): ParallelCommand {
  const projen = require.resolve('projen/bin/projen', { paths: [cwd] });
  return { name: task, argv: [process.execPath, projen, task, ...args] };
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
  process.stdout.write(`Running at the same time: ${commands.map((c) => c.name).join(', ')} (the output of each follows the one before)\n`);
  const outcome = await runParallel(commands, cwd);
  process.stdout.write(outcome.summary.map((line) => `${line}\n`).join(''));
  if (outcome.exitCode === 1) {
    process.stderr.write(`cicd-service-parallel: a task failed (see above) in ${path.basename(cwd)}\n`);
  }
  return outcome.exitCode;
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exitCode = 2;
  });
}
