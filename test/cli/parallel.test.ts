import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ParallelCommand, parseParallelArgs, projenTask, runParallel } from '../../src/cli/parallel';

/** A node script as a command. */
function node(label: string, script: string): ParallelCommand {
  return { label, command: process.execPath, args: ['-e', script] };
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

describe('runParallel', () => {
  test('runs the commands at the same time and keeps each one\'s output in one block', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-parallel-'));
    const blocks: string[] = [];
    const results = await runParallel([node('left', meet(dir, 'a', 'b', 0)), node('right', meet(dir, 'b', 'a', 3))], dir, (t) => blocks.push(t));

    expect(results.map((r) => [r.label, r.exitCode])).toEqual([['left', 0], ['right', 3]]);
    expect(blocks).toHaveLength(2);
    const left = blocks.find((b) => b.includes('----- left: passed in '))!;
    const right = blocks.find((b) => b.includes('----- right: failed (exit 3) in '))!;
    expect(left).toMatch(/a started\n[\s\S]*a met b\n/);
    expect(left).toContain('a to stderr');
    expect(left).not.toContain('b started');
    expect(right).toMatch(/b started\n[\s\S]*b met a\n/);
  });

  test('a command that cannot start fails with its error', async () => {
    const blocks: string[] = [];
    const [result] = await runParallel([{ label: 'missing', command: path.join(os.tmpdir(), 'no-such-program'), args: [] }], os.tmpdir(), (t) => blocks.push(t));
    await new Promise((resolve) => setTimeout(resolve, 100)); // node reports 'close' after 'error'
    expect(result.exitCode).toBe(127);
    expect(blocks).toHaveLength(1);
    expect(blocks[0]).toContain('----- missing: failed (did not start)');
    expect(blocks[0]).toContain('ENOENT');
  });

  test('a command ended by a signal fails with 128 + the signal\'s number', async () => {
    const blocks: string[] = [];
    const [result] = await runParallel([node('killed', "console.log('before'); process.kill(process.pid, 'SIGTERM'); setTimeout(() => {}, 5000);")],
      os.tmpdir(), (t) => blocks.push(t));
    expect(result.exitCode).toBe(128 + os.constants.signals.SIGTERM);
    expect(blocks[0]).toContain('----- killed: failed (ended by SIGTERM)');
    expect(blocks[0]).toContain('before');
  });
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
    expect(cmd.command).toBe(process.execPath);
    expect(cmd.args).toEqual([require.resolve('projen/bin/projen'), 'test:unit', '-t', 'a name']);
    expect(cmd.label).toBe('projen test:unit -t a name');
  });
});
