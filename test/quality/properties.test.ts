import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import { COSTLY_CHECK_EVERY, RANDOM_CASES_PER_RUN } from './figures';
import { cfnLintErrors, cheapProblems, generate, Generated } from './generated';
import { HOSTILE_INPUTS } from './hostile-input';
import { FARGATE_SIZES, InvalidOptionError } from '../../src/shared/service-settings';

jest.setTimeout(30 * 60 * 1000);

/** A valid value most of the time, sometimes the default (undefined), sometimes a hostile one. */
function option<T>(valid: fc.Arbitrary<T>, hostile: unknown[]): fc.Arbitrary<T | undefined | unknown> {
  return fc.oneof(
    { arbitrary: valid, weight: 40 },
    { arbitrary: fc.constant(undefined), weight: 10 },
    { arbitrary: fc.constantFrom(...hostile), weight: 1 },
  );
}

const word = fc.stringMatching(/^[a-z][a-z0-9]{0,7}$/);
const serviceName = fc.array(word, { minLength: 1, maxLength: 4 }).map((w) => w.join('-')).filter((n) => n.length <= 32);
const healthPath = fc.array(fc.stringMatching(/^[A-Za-z0-9._~-]{1,12}$/), { maxLength: 4 }).map((s) => `/${s.join('/')}`);
const branch = fc.array(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,10}$/), { minLength: 1, maxLength: 3 }).map((s) => s.join('/'));
const buildImage = fc.constantFrom(
  'aws/codebuild/amazonlinux-x86_64-standard:5.0',
  'aws/codebuild/amazonlinux-aarch64-standard:3.0',
  'aws/codebuild/standard:7.0',
  'public.ecr.aws/codebuild/amazonlinux-x86_64-standard:5.0',
);
// A Fargate size most of the time; the pairing is sometimes wrong on purpose (memory of another cpu).
const size = fc.oneof(
  {
    arbitrary: fc.constantFrom(...FARGATE_SIZES).chain((s) => fc.record({ cpu: fc.constant(s.cpu), memory: fc.constantFrom(...s.memory) })),
    weight: 20,
  },
  {
    arbitrary: fc.record({
      cpu: fc.constantFrom(...FARGATE_SIZES.map((s) => s.cpu)),
      memory: fc.constantFrom(512, 1024, 2048, 8192, 30720, 61440, 122880),
    }),
    weight: 1,
  },
);
// maxCount below desiredCount now and then, which is invalid.
const counts = fc.integer({ min: 1, max: 100 }).chain((desiredCount) => fc.oneof(
  { arbitrary: fc.integer({ min: desiredCount, max: 100 }), weight: 15 },
  { arbitrary: fc.integer({ min: 1, max: 100 }), weight: 1 },
).map((maxCount) => ({ desiredCount, maxCount })));
const gates = fc.oneof(
  {
    arbitrary: fc.record(
      { cdkNag: fc.boolean(), strictSynth: fc.boolean(), dockerfileLint: fc.boolean(), buildspecSchema: fc.boolean() },
      { requiredKeys: [] },
    ),
    weight: 30,
  },
  { arbitrary: fc.constantFrom<unknown>({ cdkNag: 'no' }, { lint: true }, null, 'all'), weight: 1 },
);

const optionsArbitrary = fc.record({
  name: fc.oneof(
    { arbitrary: fc.constantFrom('orders-api', '@acme/Orders_API', 'Billing Service'), weight: 20 },
    { arbitrary: fc.constant('123'), weight: 1 },
  ),
  serviceName: option(serviceName, HOSTILE_INPUTS.serviceName),
  containerPort: option(fc.integer({ min: 1024, max: 65535 }), HOSTILE_INPUTS.containerPort),
  healthCheckPath: option(healthPath, HOSTILE_INPUTS.healthCheckPath),
  size: option(size, HOSTILE_INPUTS.cpu.map((cpu) => ({ cpu }))),
  counts: option(counts, HOSTILE_INPUTS.desiredCount.map((desiredCount) => ({ desiredCount }))),
  branch: option(branch, HOSTILE_INPUTS.branch),
  buildImage: option(buildImage, HOSTILE_INPUTS.buildImage),
  qualityGates: option(gates, [{ cdkNag: 1 }]),
}).map(({ size: s, counts: c, ...rest }) => {
  const out: Record<string, unknown> = { ...rest, ...(s as object | undefined), ...(c as object | undefined) };
  for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
  return out;
});

const seed = Number(process.env.QUALITY_SEED ?? Date.now() % 2 ** 31);
const valid: Generated[] = [];
const sampled: Generated[] = [];
let rejected = 0;

beforeAll(() => {
  // eslint-disable-next-line no-console
  console.log(`fast-check seed ${seed} (rerun with QUALITY_SEED=${seed})`);
});

test(`${RANDOM_CASES_PER_RUN} random option sets: a clean repository and stack, or an InvalidOptionError naming an option before any file is written`, () => {
  fc.assert(fc.property(optionsArbitrary, (options) => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'quality-prop-'));
    const costly = valid.length % COSTLY_CHECK_EVERY === 0;
    let g: Generated;
    try {
      g = generate({ name: 'random', options: options as any }, costly, outdir);
    } catch (error) {
      if (!(error instanceof InvalidOptionError)) throw error;
      const named = /^Invalid option "([^".]+)/.exec(error.message)?.[1];
      // The option named is one that was given (a service name derived from `name` counts as given by `name`).
      expect([error.message, Object.keys(options).includes(named!) || (named === 'serviceName' && options.serviceName === undefined)])
        .toEqual([error.message, true]);
      expect(fs.readdirSync(outdir)).toEqual([]);
      rejected++;
      return;
    }
    valid.push(g);
    expect(cheapProblems(g)).toEqual([]);
    if (costly) {
      expect(g.nagFindings).toEqual([]);
      sampled.push(g);
    }
  }), { numRuns: RANDOM_CASES_PER_RUN, seed });

  // eslint-disable-next-line no-console
  console.log(`${valid.length} valid (${sampled.length} through cdk-nag and cfn-lint), ${rejected} rejected`);
  expect(valid.length + rejected).toBe(RANDOM_CASES_PER_RUN);
  // Both kinds occur: the generators are not stuck on one side.
  expect(valid.length).toBeGreaterThan(RANDOM_CASES_PER_RUN / 4);
  expect(rejected).toBeGreaterThan(RANDOM_CASES_PER_RUN / 20);
});

test('cfn-lint, in one run over the sampled templates: no error', () => {
  expect(sampled.length).toBeGreaterThan(0);
  const errors = cfnLintErrors(sampled.map((g) => g.templateFile));
  expect([...errors.entries()].filter(([, e]) => e.length > 0)).toEqual([]);
});
