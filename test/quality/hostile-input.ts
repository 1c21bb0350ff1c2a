/**
 * Invalid values for every option, by kind: wrong types as the projen CLI delivers them, values out
 * of range, names AWS would reject, and attempts to inject into the shell commands of the buildspec
 * or the Dockerfile. Shared by the hostile-input tests, the property tests and the figures in the README.
 */
export const INJECTIONS = [
  '$(touch /tmp/pwned)',
  '`id`',
  'a; rm -rf /',
  'a && curl evil',
  'a | sh',
  "a' OR '1'='1",
  'a"b',
  'line\nbreak',
  'tab\there',
  '${HOME}',
  '{{mustache}}',
  'a\u0000b',
  '../../etc/passwd',
];

/** Invalid values of the options that take one value: the error names the option itself. */
export const HOSTILE_INPUTS: Record<string, unknown[]> = {
  serviceName: [
    null, 42, true, {}, [], '', ' ', 'a', 'Orders', 'orders_api', 'orders--api', '-orders', 'orders-', '1orders',
    'a'.repeat(33), 'orders.api', 'orders/api', 'ördes', ...INJECTIONS,
  ],
  containerPort: [null, 'abc', '8080', 0, -1, 80, 1023, 65536, 8080.5, NaN, Infinity, true, [], {}],
  healthCheckPath: [null, 42, '', 'health', '/health?x=1', '/he alth', '/health#x', '/' + 'a'.repeat(1024), ...INJECTIONS],
  cpu: [null, '256', 0, 100, 300, 257, 32768, -256, 256.5, NaN, true],
  memory: [null, '512', 0, 100, 511, 600, 8192, 1024.5, -512, true],
  desiredCount: [null, '1', 0, -1, 101, 1.5, NaN, true],
  maxCount: [null, '4', 0, -1, 101, 2.5, NaN],
  branch: [null, 42, '', '-main', 'main..x', 'main/', 'feature//x', 'x.lock', 'with space', 'a'.repeat(101), ...INJECTIONS],
  buildImage: [null, 42, '', 'Aws/CodeBuild', 'image:tag with space', 'a'.repeat(256), ...INJECTIONS],
  pipelineAccount: [null, 42, 123456789012, '', '12345678901', '1234567890123', 'abcdefghijkl', ' 123456789012', '1234-5678-9012', [], ...INJECTIONS],
  pipelineRegion: [null, 42, '', 'eu-west-9', 'EU-WEST-1', 'europe', 'eu-west-1 ', 'us-east-1a', ['eu-west-1'], ...INJECTIONS],
  pullRequestBuilds: [null, 'true', 'false', 0, 1, 'yes', {}, []],
  upgradeSchedule: [null, false, true, 0, '', 'OFF', 'weekly', 'rate(1 minute)', 'rate(5 minutes)', 'rate(1 days)', 'rate(0 days)',
    'cron(* * * * ? *)', 'cron(0/5 * * * ? *)', 'cron(0 6 ? * MON)', 'cron(0 6 ? * MON *) ', `cron(0 6 ? * MON ${'1'.repeat(300)})`,
    'cron(0 6 ? * MON *)\nrate(1 day)', 'cron(0 6 ? * MON $(id))', ...INJECTIONS],
};

/** An invalid `environments` value, the option path that its error names, and the other options it comes with. */
export interface HostileEnvironments {
  readonly what: string;
  readonly environments: unknown;
  /** `environments`, `environments[i]`, `environments[i].<field>`, or another option that the value needs. */
  readonly named: string;
  /** Valid options given with it (pipelineAccount, pipelineRegion...). */
  readonly with?: Record<string, unknown>;
}

const CROSS_ACCOUNT = { pipelineAccount: '111111111111', pipelineRegion: 'eu-west-1' };
const ELEVEN = Array.from({ length: 11 }, (_, i) => ({ name: `env-${i}` }));

/** One environment `staging`, then `production` with `fields`: the errors name `environments[1]`. */
function second(fields: Record<string, unknown>): unknown[] {
  return [{ name: 'staging' }, { name: 'production', ...fields }];
}

/** Invalid values of `environments`, the list of environments, and of their fields. */
export const HOSTILE_ENVIRONMENTS: HostileEnvironments[] = [
  // Not a list of 1 to 10 environments.
  ...[null, 'staging', 42, true, { name: 'staging' }, [], ELEVEN].map((environments) => ({ what: 'not a list of 1 to 10', environments, named: 'environments' })),
  // An element that is no object.
  ...[null, 'staging', 42, [{ name: 'staging' }]].map((element) => ({ what: 'an element that is no object', environments: [element], named: 'environments[0]' })),
  { what: 'the second element no object', environments: [{ name: 'staging' }, 'production'], named: 'environments[1]' },
  // Names.
  ...[{}, { requireApproval: true }].map((element) => ({ what: 'no name', environments: [element], named: 'environments[0].name' })),
  { what: 'a duplicate name', environments: [{ name: 'staging' }, { name: 'staging' }], named: 'environments[1].name' },
  ...[null, 42, '', 'a', 'Staging', 'PRODUCTION', 'a'.repeat(17), 'prod_1', 'prod.1', '-prod', 'prod-', 'prod--x', '1prod', 'pröd', ...INJECTIONS]
    .map((name) => ({ what: 'an invalid name', environments: [{ name }], named: 'environments[0].name' })),
  // Accounts and regions.
  ...[null, 42, 222222222222, '', '12345', '1234567890123', 'abcdefghijkl', ...INJECTIONS.slice(0, 3)]
    .map((account) => ({ what: 'an account that is not 12 digits', environments: second({ account }), named: 'environments[1].account', with: CROSS_ACCOUNT })),
  ...[null, 42, '', 'eu-west-9', 'EU-WEST-1', 'mars-north-1', ...INJECTIONS.slice(0, 3)]
    .map((region) => ({ what: 'a region that does not exist', environments: second({ region }), named: 'environments[1].region', with: CROSS_ACCOUNT })),
  { what: 'an account without pipelineAccount', environments: second({ account: '222222222222' }), named: 'environments[1].account' },
  { what: 'an account without pipelineAccount (pipelineRegion set)', environments: second({ account: '222222222222' }), named: 'environments[1].account', with: { pipelineRegion: 'eu-west-1' } },
  { what: 'a region without pipelineRegion', environments: second({ region: 'us-east-1' }), named: 'environments[1].region', with: { pipelineAccount: '111111111111' } },
  { what: 'another account without pipelineRegion', environments: second({ account: '222222222222' }), named: 'pipelineRegion', with: { pipelineAccount: '111111111111' } },
  { what: 'another region than the pipeline\'s', environments: second({ region: 'us-east-1' }), named: 'environments[1].region', with: { pipelineRegion: 'eu-west-1' } },
  { what: 'another region than the pipeline\'s, in another account', environments: second({ region: 'us-east-1', account: '222222222222' }), named: 'environments[1].region', with: CROSS_ACCOUNT },
  // Approval.
  ...[null, 'yes', 'true', 1, 0, {}].map((requireApproval) => ({ what: 'requireApproval not a boolean', environments: second({ requireApproval }), named: 'environments[1].requireApproval' })),
  // Sizes: a CPU that Fargate does not have, memory that it does not pair with the environment's CPU.
  ...[null, '256', 0, 100, 300, 32768, 256.5, true].map((cpu) => ({ what: 'not a Fargate CPU', environments: second({ cpu }), named: 'environments[1].cpu' })),
  ...[{ cpu: 256, memory: 4096 }, { cpu: 16384, memory: 512 }, { memory: 4096 }, { cpu: 512, memory: 1536 }, { memory: '512' }, { memory: null }]
    .map((size) => ({ what: 'memory that does not pair with the CPU', environments: second(size), named: 'environments[1].memory' })),
  // Counts.
  ...[null, '1', 0, -1, 101, 1.5, NaN].map((desiredCount) => ({ what: 'an invalid desiredCount', environments: second({ desiredCount }), named: 'environments[1].desiredCount' })),
  ...[{ desiredCount: 5, maxCount: 2 }, { maxCount: 0 }, { maxCount: 101 }, { maxCount: '4' }, { desiredCount: 3, maxCount: 2.5 }]
    .map((counts) => ({ what: 'maxCount below desiredCount or invalid', environments: second(counts), named: 'environments[1].maxCount' })),
  // Fields that do not exist.
  ...[{ size: 'large' }, { vpc: {} }, { Name: 'production' }, { certificate: 'arn' }]
    .map((unknown) => ({ what: 'an unknown field', environments: second(unknown), named: `environments[1].${Object.keys(unknown)[0]}` })),
  // Certificates.
  ...[null, 42, '', 'not-an-arn', 'arn:aws:acm:eu-west-1:123:certificate/x', 'arn:aws:iam::123456789012:certificate/x',
    'arn:aws:acm:eu-west-1:123456789012:certificate/', `arn:aws:acm:eu-west-1:123456789012:certificate/${'a'.repeat(129)}`, ...INJECTIONS.slice(0, 3)]
    .map((certificateArn) => ({ what: 'a malformed certificateArn', environments: second({ certificateArn }), named: 'environments[1].certificateArn' })),
];

/** How many invalid inputs the tables hold, for the README figures. */
export function hostileInputCount(): number {
  return Object.values(HOSTILE_INPUTS).reduce((n, values) => n + values.length, 0) + HOSTILE_ENVIRONMENTS.length;
}
