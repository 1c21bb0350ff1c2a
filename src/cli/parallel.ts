#!/usr/bin/env node
import * as os from 'os';
import * as path from 'path';
import { Writable } from 'stream';
import { CloseEvent, concurrently } from 'concurrently';
import { quote } from 'shell-quote';

/** A command that runs next to others. */
export interface ParallelCommand {
  /** How its output lines are prefixed. */
  readonly name: string;
  /** The program and its arguments (quoted for the shell that runs it). */
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

function describe(event: CloseEvent, interrupted?: NodeJS.Signals): string {
  const seconds = event.timings.durationSeconds.toFixed(1);
  const how = event.killed ? `stopped by ${interrupted ?? 'a signal'}`
    : event.exitCode === 0 ? 'passed'
      : `failed (${typeof event.exitCode === 'number' ? `exit ${event.exitCode}` : `ended by ${event.exitCode}`})`;
  return `${event.command.name}: ${how} in ${seconds} s`;
}

/**
 * Runs `commands` at the same time in `cwd` with concurrently. Their output goes to `out` grouped
 * per command, in the order of `commands` (the first one streams, the others follow when it ends),
 * each line prefixed with the command's name. Every command runs to its end, even after another
 * failed. Ctrl+C, a termination or a hang-up is passed on to every command (concurrently kills
 * each one's process tree), and the run then fails with 128 + the signal's number.
 */
export async function runParallel(commands: ParallelCommand[], cwd: string, out: Writable = process.stdout): Promise<ParallelOutcome> {
  // concurrently reports a command stopped by Ctrl+C as passed (exit 0): note the signal here.
  let interrupted: NodeJS.Signals | undefined;
  const note = (signal: NodeJS.Signals) => { interrupted = signal; };
  SIGNALS.forEach((s) => process.on(s, note));
  try {
    const { result } = concurrently(commands.map((c) => ({ name: c.name, command: quote(c.argv) })), {
      cwd,
      group: true,
      prefix: 'name',
      outputStream: out,
    });
    // The list of close events, whether it resolves (all passed) or rejects (one failed).
    const events = await result.then((e) => e, (e: CloseEvent[]) => e);
    const ordered = [...events].sort((a, b) => a.index - b.index);
    const failed = ordered.some((e) => e.exitCode !== 0);
    const exitCode = interrupted ? 128 + (os.constants.signals[interrupted] ?? 0) : failed ? 1 : 0;
    return { exitCode, summary: ordered.map((e) => describe(e, interrupted)) };
  } finally {
    SIGNALS.forEach((s) => process.off(s, note));
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
