#!/usr/bin/env node
import { spawn } from 'child_process';
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

/**
 * Runs `commands` at the same time in `cwd`. Each one's output (stdout and stderr, in the order it
 * came) is held back and written to `out` in one block when the command ends, so that blocks do
 * not interleave. Every command runs to its end, even after another failed.
 */
export function runParallel(commands: ParallelCommand[], cwd: string, out: (text: string) => void): Promise<ParallelResult[]> {
  return Promise.all(commands.map((c) => new Promise<ParallelResult>((resolve) => {
    const started = Date.now();
    const chunks: Buffer[] = [];
    const child = spawn(c.command, c.args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.stderr.on('data', (d: Buffer) => chunks.push(d));
    const finish = (exitCode: number, extra = '') => {
      const seconds = (Date.now() - started) / 1000;
      out(`----- ${c.label}: ${exitCode === 0 ? 'passed' : `failed (exit ${exitCode})`} in ${seconds.toFixed(1)} s -----\n`
        + Buffer.concat(chunks).toString('utf-8') + extra);
      resolve({ label: c.label, exitCode, seconds });
    };
    child.on('error', (e) => finish(127, `${e.message}\n`));
    child.on('close', (code, signal) => finish(code ?? (signal ? 128 : 1)));
  })));
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
  const dash = argv.indexOf('--');
  const tasks = dash >= 0 ? argv.slice(0, dash) : argv;
  const args = dash >= 0 ? argv.slice(dash + 1) : [];
  if (tasks.length === 0 || tasks.some((t) => t.startsWith('-'))) {
    process.stderr.write('usage: cicd-service-parallel <task>... [-- <arguments of the first task>]\n');
    return 2;
  }
  const cwd = process.cwd();
  const results = await runParallel(tasks.map((t, i) => projenTask(cwd, t, i === 0 ? args : [])), cwd, (text) => process.stdout.write(text));
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
