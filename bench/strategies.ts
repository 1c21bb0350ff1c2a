/**
 * Template size and synth time of each deployment strategy, against the rolling update.
 *
 * For every strategy it builds a `CicdService` whose one environment (`production`) deploys with
 * that strategy, synthesizes it in a fresh app `--runs` times (strategies in turn, after one
 * warm-up round that is not counted), and reports the resources of the environment's stack and the median synth time.
 * In-process, so the figures are the construct library's work, without the CLI or a toolchain.
 *
 * Usage: npx projen bench:strategies [--runs 10] [--out bench/results]
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { CicdService } from '../src';

const STRATEGIES = ['rolling', 'blue-green', 'canary', 'linear'] as const;

interface Measured {
  readonly strategy: string;
  readonly environmentResources: number;
  readonly pipelineResources: number;
  readonly medianMs: number;
}

function argument(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

/** Synthesizes the service once and returns the resource counts and the elapsed milliseconds. */
function synthesizeOnce(strategy: string): { environment: number; pipeline: number; ms: number } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-strategies-'));
  try {
    const start = process.hrtime.bigint();
    const app = new App({ outdir });
    const service = new CicdService(app, {
      serviceName: 'orders',
      environments: [{ name: 'production', deployment: { strategy } }],
    });
    const assembly = app.synth();
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const count = (stackName: string) =>
      Object.keys(assembly.getStackByName(stackName).template.Resources ?? {}).length;
    return {
      environment: count(service.environmentStacks[0].stackName),
      pipeline: count(service.deliveryStack.stackName),
      ms,
    };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Every strategy once to warm up (not counted), then `runs` rounds that take the strategies in
 * turn, so that the JIT's warming and the machine's load fall on every strategy alike.
 */
function measureAll(runs: number): Measured[] {
  STRATEGIES.forEach((s) => synthesizeOnce(s));
  const samples = new Map<string, Array<ReturnType<typeof synthesizeOnce>>>(STRATEGIES.map((s) => [s, []]));
  for (let round = 0; round < runs; round++) {
    for (const strategy of STRATEGIES) samples.get(strategy)!.push(synthesizeOnce(strategy));
  }
  return STRATEGIES.map((strategy) => {
    const own = samples.get(strategy)!;
    return {
      strategy,
      environmentResources: own[0].environment,
      pipelineResources: own[0].pipeline,
      medianMs: median(own.map((s) => s.ms)),
    };
  });
}

function main(): void {
  const runs = Number(argument('--runs', '10'));
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got ${argument('--runs', '')}`);
  const out = argument('--out', path.join('bench', 'results'));
  const rows = measureAll(runs);
  const rolling = rows[0].medianMs;
  const lines = [
    `# Deployment strategies: template size and synth time (${new Date().toISOString().slice(0, 10)}, ${runs} runs each, ${os.cpus().length} cores, Node ${process.version})`,
    '',
    '| strategy | resources in the environment stack | resources in the pipeline stack | median synth (ms) | against rolling |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.strategy} | ${r.environmentResources} | ${r.pipelineResources} | ${r.medianMs.toFixed(0)} | ${(r.medianMs / rolling).toFixed(2)} |`),
    '',
  ];
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'strategies.md'), lines.join('\n'));
  fs.writeFileSync(path.join(out, 'strategies.json'), JSON.stringify({ runs, rows }, null, 2) + '\n');
  process.stdout.write(lines.join('\n'));
}

main();
