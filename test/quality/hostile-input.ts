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

/** A valid secret reference, next to the invalid values. */
const SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:orders/db-AbCdEf';

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
  // A map that is none, or a variable name that is invalid or the image's or ECS's own.
  environment: [null, 42, 'A=1', ['A=1'], { 'BAD-NAME': 'x' }, { '1A': 'x' }, { PORT: '80' }, { SERVICE_VERSION: '1' }, { NODE_ENV: 'dev' },
    { AWS_REGION: 'eu-west-1' }, { ECS_CONTAINER_METADATA_URI_V4: 'x' }, { ['a'.repeat(129)]: 'x' }, ...INJECTIONS.map((name) => ({ [name]: 'x' }))],
  secrets: [null, 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:db', [SECRET_ARN], { 'DB PASSWORD': SECRET_ARN }, { PORT: SECRET_ARN },
    { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: SECRET_ARN }, ...INJECTIONS.slice(0, 4).map((name) => ({ [name]: SECRET_ARN }))],
  secretsKeyArn: [null, 42, '', 'alias/orders', 'arn:aws:kms:eu-west-1:123456789012:alias/orders', '12345678-1234-1234-1234-123456789012',
    'arn:aws:kms:eu-west-1:123:key/12345678-1234-1234-1234-123456789012', 'arn:aws:kms:eu-west-9:123456789012:key/12345678-1234-1234-1234-123456789012', ...INJECTIONS.slice(0, 3)],
  enableExecuteCommand: [null, 'true', 'yes', 1, 0, {}],
  network: [null, 42, 'private', true, [], [{ taskSubnets: 'private' }]],
  // Values whose error names the option itself: not an object, or waits too long in all.
  deployment: [null, 42, 'canary', true, [], [{ strategy: 'canary' }], { strategy: 'canary', bakeTimeMinutes: 41, canaryBakeTimeMinutes: 5 },
    { strategy: 'linear', linearStepPercent: 3, linearStepBakeTimeMinutes: 2 }],
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
  // Deployment strategies: not an object, an unknown strategy, a field that does not exist or belongs
  // to another strategy, minutes and percentages out of range, waits too long for the rollout action.
  ...[null, 'canary', 42, [], true].map((deployment) => ({ what: 'a deployment that is no object', environments: second({ deployment }), named: 'environments[1].deployment' })),
  ...[{}, { strategy: 'Canary' }, { strategy: 'blue_green' }, { strategy: 'bluegreen' }, { strategy: 42 }, { strategy: null }, ...INJECTIONS.slice(0, 3).map((strategy) => ({ strategy }))]
    .map((deployment) => ({ what: 'an unknown strategy', environments: second({ deployment }), named: 'environments[1].deployment.strategy' })),
  ...[{ strategy: 'canary', percent: 10 }, { strategy: 'canary', bakeTime: 5 }, { strategy: 'linear', interval: 1 }]
    .map((deployment) => ({ what: 'an unknown deployment field', environments: second({ deployment }), named: `environments[1].deployment.${Object.keys(deployment)[1]}` })),
  ...[{ strategy: 'rolling', bakeTimeMinutes: 5 }, { strategy: 'blue-green', canaryPercent: 10 }, { strategy: 'canary', linearStepPercent: 10 }, { strategy: 'linear', canaryBakeTimeMinutes: 1 }]
    .map((deployment) => ({ what: 'a field of another strategy', environments: second({ deployment }), named: `environments[1].deployment.${Object.keys(deployment)[1]}` })),
  ...[-1, 1.5, '5', 46, NaN, null, Infinity].map((bakeTimeMinutes) => ({ what: 'bake time not whole minutes from 0 to 45', environments: second({ deployment: { strategy: 'blue-green', bakeTimeMinutes } }), named: 'environments[1].deployment.bakeTimeMinutes' })),
  ...[0, 100, 0.05, 0.3, 10.25, 50.9, '10', -5, NaN, null].map((canaryPercent) => ({ what: 'a canary percent out of range', environments: second({ deployment: { strategy: 'canary', canaryPercent } }), named: 'environments[1].deployment.canaryPercent' })),
  ...[-1, 2.5, 60].map((canaryBakeTimeMinutes) => ({ what: 'a canary bake time out of range', environments: second({ deployment: { strategy: 'canary', canaryBakeTimeMinutes } }), named: 'environments[1].deployment.canaryBakeTimeMinutes' })),
  ...[2.9, 100.1, 0, 33.3, 33.33, '25'].map((linearStepPercent) => ({ what: 'a linear step out of range', environments: second({ deployment: { strategy: 'linear', linearStepPercent } }), named: 'environments[1].deployment.linearStepPercent' })),
  ...[-1, 2.5, 60].map((linearStepBakeTimeMinutes) => ({ what: 'a linear step wait out of range', environments: second({ deployment: { strategy: 'linear', linearStepBakeTimeMinutes } }), named: 'environments[1].deployment.linearStepBakeTimeMinutes' })),
  ...[{ strategy: 'canary', bakeTimeMinutes: 40, canaryBakeTimeMinutes: 10 }, { strategy: 'linear', linearStepPercent: 10, linearStepBakeTimeMinutes: 5 }]
    .map((deployment) => ({ what: 'waits longer than the rollout action allows', environments: second({ deployment }), named: 'environments[1].deployment' })),
  // Certificates.
  ...[null, 42, '', 'not-an-arn', 'arn:aws:acm:eu-west-1:123:certificate/x', 'arn:aws:iam::123456789012:certificate/x',
    'arn:aws:acm:eu-west-1:123456789012:certificate/', `arn:aws:acm:eu-west-1:123456789012:certificate/${'a'.repeat(129)}`, ...INJECTIONS.slice(0, 3)]
    .map((certificateArn) => ({ what: 'a malformed certificateArn', environments: second({ certificateArn }), named: 'environments[1].certificateArn' })),
  // Variables, secrets, the key and ECS Exec: the map, a name, or one entry's value.
  ...[null, 'A=1', ['A=1'], { 'BAD-NAME': 'x' }, { PORT: '8080' }, { HOME: '/root' }]
    .map((environment) => ({ what: 'an environment map or variable name that is invalid', environments: second({ environment }), named: 'environments[1].environment' })),
  ...[42, null, true, 'a\nb', 'tab\there', 'x'.repeat(4097), '${Token[Bucket.Name.1]}', { v: 1 }]
    .map((value) => ({ what: 'a variable value that is no literal one-line string', environments: second({ environment: { GREETING: value } }), named: 'environments[1].environment.GREETING' })),
  ...[null, ['x'], { 'A-B': SECRET_ARN }, { NODE_OPTIONS: SECRET_ARN }]
    .map((secrets) => ({ what: 'a secrets map or name that is invalid', environments: second({ secrets }), named: 'environments[1].secrets' })),
  ...[null, 42, '', 'hunter2', 'orders/db', SECRET_ARN.replace('123456789012', '123'), SECRET_ARN.replace('eu-west-1', 'mars-1'),
    `${SECRET_ARN}:password`, `${SECRET_ARN}:::`, `${SECRET_ARN}:k:AWSCURRENT:0123`, 'arn:aws:ssm:eu-west-1:123456789012:parameter/',
    'arn:aws:ssm:eu-west-1:123456789012:parameter/a//b', 'arn:aws:ssm:eu-west-1:123456789012:document/x', 'arn:aws:s3:::bucket/key', ...INJECTIONS.slice(0, 3)]
    .map((arn) => ({ what: 'a secret that is no well-formed secret or parameter ARN', environments: second({ secrets: { DB_PASSWORD: arn } }), named: 'environments[1].secrets.DB_PASSWORD' })),
  { what: 'a name both a variable and a secret', environments: second({ environment: { DB: 'x' }, secrets: { DB: SECRET_ARN } }), named: 'environments[1].secrets.DB' },
  ...[null, 'key', 'arn:aws:kms:eu-west-1:123456789012:alias/x', ...INJECTIONS.slice(0, 2)]
    .map((secretsKeyArn) => ({ what: 'a secretsKeyArn that is no KMS key ARN', environments: second({ secretsKeyArn }), named: 'environments[1].secretsKeyArn' })),
  ...[null, 'true', 1].map((enableExecuteCommand) => ({ what: 'enableExecuteCommand not a boolean', environments: second({ enableExecuteCommand }), named: 'environments[1].enableExecuteCommand' })),
];

const ZONE = { hostedZoneId: 'Z0123456789ABCDEFGHIJ', zoneName: 'example.com', recordName: 'orders' };
const VPC = {
  vpcId: 'vpc-0123456789abcdef0',
  availabilityZones: ['eu-west-1a', 'eu-west-1b'],
  publicSubnetIds: ['subnet-0a0a0a0a', 'subnet-0a0a0a0b'],
  privateSubnetIds: ['subnet-0b0b0b0a', 'subnet-0b0b0b0b'],
};

/** One environment with `domain`, or with `network`: the errors name `environments[1].domain...` or `environments[1].network...`. */
const withDomain = (domain: unknown): unknown[] => second({ domain });
const withNetwork = (network: unknown): unknown[] => second({ network });
const withVpc = (vpc: Record<string, unknown>, taskSubnets = 'private'): unknown[] => withNetwork({ taskSubnets, vpc: { ...VPC, ...vpc } });
const D = 'environments[1].domain';
const N = 'environments[1].network';

/** Invalid values of an environment's `domain` and `network`, and of the service's `network` fields. */
export const HOSTILE_DOMAINS_AND_NETWORKS: HostileEnvironments[] = [
  ...[null, 'orders.example.com', 42, true, []].map((domain) => ({ what: 'a domain that is no object', environments: withDomain(domain), named: D })),
  { what: 'an unknown domain field', environments: withDomain({ ...ZONE, ttl: 60 }), named: `${D}.ttl` },
  ...[undefined, null, 42, '', 'Z', 'z0123456789', 'Zabc123', '/hostedzone/Z0123456789', 'Z0123-456', `Z${'A'.repeat(32)}`, ...INJECTIONS.slice(0, 3)]
    .map((hostedZoneId) => ({ what: 'a malformed hosted zone ID', environments: withDomain({ ...ZONE, hostedZoneId }), named: `${D}.hostedZoneId` })),
  ...[undefined, null, 42, '', 'com', 'Example.com', 'example.com.', '-a.com', 'a-.com', 'a..com', `${'a'.repeat(64)}.com`, 'ex ample.com', 'example.123',
    `${Array.from({ length: 5 }, () => 'a'.repeat(60)).join('.')}.com`, ...INJECTIONS.slice(0, 3)]
    .map((zoneName) => ({ what: 'a malformed zone name', environments: withDomain({ ...ZONE, zoneName }), named: `${D}.zoneName` })),
  ...[undefined, null, 42, '', '.', 'Orders', 'orders.', '*.orders', '*', 'orders_api', '-orders', 'orders-', 'a'.repeat(64), 'example.com', 'orders.example.com',
    // 52 + ".example.com" = 64 is the longest name a requested certificate takes: one more is refused.
    `${'a'.repeat(41)}.${'b'.repeat(11)}`, ...INJECTIONS.slice(0, 3)]
    .map((recordName) => ({ what: 'a malformed or too long record name', environments: withDomain({ ...ZONE, recordName }), named: `${D}.recordName` })),
  { what: 'two environments with one name', environments: [{ name: 'staging', domain: ZONE }, { name: 'production', domain: ZONE }], named: `${D}.recordName` },
  ...[null, 'private', 42, true, []].map((network) => ({ what: 'a network that is no object', environments: withNetwork(network), named: N })),
  { what: 'an unknown network field', environments: withNetwork({ subnets: 'private' }), named: `${N}.subnets` },
  ...[null, '', 'PRIVATE', 'isolated', 42, true].map((taskSubnets) => ({ what: 'an unknown taskSubnets', environments: withNetwork({ taskSubnets }), named: `${N}.taskSubnets` })),
  ...[null, 2, 'two', 'PER-ZONE', '', 'toString']
    .map((natGateways) => ({ what: 'an unknown natGateways', environments: withNetwork({ taskSubnets: 'private', natGateways }), named: `${N}.natGateways` })),
  { what: 'NAT gateways for public tasks', environments: withNetwork({ natGateways: 'one' }), named: `${N}.natGateways` },
  { what: 'NAT gateways in an existing VPC', environments: withNetwork({ taskSubnets: 'private', natGateways: 'per-zone', vpc: VPC }), named: `${N}.natGateways` },
  ...[null, 'vpc-0123456789abcdef0', [], 42].map((vpc) => ({ what: 'a vpc that is no object', environments: withNetwork({ vpc }), named: `${N}.vpc` })),
  { what: 'an unknown vpc field', environments: withVpc({ cidr: '10.0.0.0/16' }), named: `${N}.vpc.cidr` },
  ...[undefined, null, 42, '', 'vpc-123', 'VPC-01234567', 'vpc-0123456g', 'vpc-0123456789', 'subnet-01234567', ...INJECTIONS.slice(0, 3)]
    .map((vpcId) => ({ what: 'a malformed VPC ID', environments: withVpc({ vpcId }), named: `${N}.vpc.vpcId` })),
  ...[undefined, null, 'eu-west-1a', [], ['eu-west-1a'], ['eu-west-1a', 'eu-west-1a'], ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((z) => `eu-west-1${z}`)]
    .map((availabilityZones) => ({ what: 'not 2 to 6 different zones', environments: withVpc({ availabilityZones }), named: `${N}.vpc.availabilityZones` })),
  ...['eu-west-9b', 'EU-WEST-1B', 'eu-west-1', 'us-east-1a', 42, null, INJECTIONS[0]]
    .map((zone) => ({ what: 'a zone that is not of the first one\'s region', environments: withVpc({ availabilityZones: ['eu-west-1a', zone] }), named: `${N}.vpc.availabilityZones[1]` })),
  { what: 'zones of another region than the pipeline\'s', environments: withVpc({}), named: `${N}.vpc.availabilityZones[0]`, with: { pipelineRegion: 'us-east-1' } },
  ...[undefined, null, 'subnet-0a0a0a0a', [], ['subnet-0a0a0a0a'], ['subnet-0a0a0a0a', 'subnet-0a0a0a0a'], ['subnet-0a0a0a0a', 'subnet-0a0a0a0b', 'subnet-0a0a0a0c']]
    .map((publicSubnetIds) => ({ what: 'not one public subnet per zone', environments: withVpc({ publicSubnetIds }), named: `${N}.vpc.publicSubnetIds` })),
  ...['subnet-123', 'SUBNET-0A0A0A0A', 'vpc-0a0a0a0a', 42, null, INJECTIONS[0]]
    .map((id) => ({ what: 'a malformed subnet ID', environments: withVpc({ privateSubnetIds: ['subnet-0b0b0b0a', id] }), named: `${N}.vpc.privateSubnetIds[1]` })),
  { what: 'no private subnets for private tasks', environments: withVpc({ privateSubnetIds: undefined }), named: `${N}.vpc.privateSubnetIds` },
  { what: 'a subnet both public and private', environments: withVpc({ privateSubnetIds: ['subnet-0a0a0a0a', 'subnet-0b0b0b0b'] }), named: `${N}.vpc.privateSubnetIds` },
  // The service-wide network: its errors name `network...`.
  { what: 'the service\'s taskSubnets unknown', environments: second({}), named: 'network.taskSubnets', with: { network: { taskSubnets: 'dmz' } } },
  {
    what: 'the service\'s existing VPC without private subnets',
    environments: second({}),
    named: 'network.vpc.privateSubnetIds',
    with: { network: { taskSubnets: 'private', vpc: { ...VPC, privateSubnetIds: undefined } } },
  },
];

/** An invalid `source`, the option path that its error names, and the other options it comes with. */
export interface HostileSource {
  readonly what: string;
  readonly source: unknown;
  /** `source`, `source.<field>`, `source.excludedPaths[i]`, or an option that a connection source refuses. */
  readonly named: string;
  /** Other options given with it (pipelineAccount; pullRequestBuilds or upgradeSchedule, which the source refuses). */
  readonly with?: Record<string, unknown>;
}

const CONNECTION_ARN = 'arn:aws:codeconnections:eu-west-1:111111111111:connection/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

/** A source through a connection to `acme/orders` with `fields` changed. */
function connection(fields: Record<string, unknown>): Record<string, unknown> {
  return { connectionArn: CONNECTION_ARN, repository: 'acme/orders', ...fields };
}

/** Invalid values of `source` and of its fields. */
export const HOSTILE_SOURCES: HostileSource[] = [
  ...[null, 'acme/orders', 42, true, [], [CONNECTION_ARN]].map((source) => ({ what: 'not an object', source, named: 'source' })),
  ...[{ branch: 'main' }, { repo: 'orders' }, { ConnectionArn: CONNECTION_ARN }]
    .map((unknown) => ({ what: 'an unknown field', source: connection(unknown), named: `source.${Object.keys(unknown)[0]}` })),
  ...[undefined, null, 42, '', 'not-an-arn', CONNECTION_ARN.replace('codeconnections', 'codecommit'), CONNECTION_ARN.replace(':connection/', ':host/'),
    CONNECTION_ARN.replace('0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', 'my-connection'), CONNECTION_ARN.replace('111111111111', '1111'), `${CONNECTION_ARN} `,
    ...INJECTIONS.slice(0, 3)]
    .map((connectionArn) => ({ what: 'a malformed connectionArn', source: connection({ connectionArn }), named: 'source.connectionArn' })),
  { what: 'a connection of another account than the pipeline\'s', source: connection({}), named: 'source.connectionArn', with: { pipelineAccount: '222222222222' } },
  ...[undefined, null, 42, '', 'orders', 'acme/', '/orders', 'acme//orders', 'acme/../orders', '-acme/orders', 'https://github.com/acme/orders',
    `acme/${'a'.repeat(101)}`, Array.from({ length: 22 }, () => 'g').join('/'), ...INJECTIONS]
    .map((repository) => ({ what: 'a malformed repository', source: connection({ repository }), named: 'source.repository' })),
  ...[null, 'docs/**', {}, Array.from({ length: 9 }, (_, i) => `docs${i}/**`)]
    .map((excludedPaths) => ({ what: 'excludedPaths not a list of at most 8', source: connection({ excludedPaths }), named: 'source.excludedPaths' })),
  // "{{mustache}}" is a valid glob (a group), and harmless: no template renders a value twice.
  ...[null, 42, '', '/docs/**', '../x', 'docs/../../x', 'my docs/**', 'x'.repeat(256), 'docs/**', ...INJECTIONS.filter((i) => i !== '{{mustache}}')]
    .map((pattern) => ({ what: 'an invalid or repeated excluded path', source: connection({ excludedPaths: ['docs/**', pattern] }), named: 'source.excludedPaths[1]' })),
  // Pull request builds and the scheduled upgrade work on a CodeCommit repository only.
  { what: 'pull request builds switched on', source: connection({}), named: 'pullRequestBuilds', with: { pullRequestBuilds: true } },
  ...['cron(0 6 ? * MON *)', 'rate(7 days)']
    .map((upgradeSchedule) => ({ what: 'a scheduled upgrade', source: connection({}), named: 'upgradeSchedule', with: { upgradeSchedule } })),
];

/** An invalid `alarms` or `notifications` value, the options it comes in, and the option path that its error names. */
export interface HostileObservability {
  readonly what: string;
  readonly options: Record<string, unknown>;
  readonly named: string;
}

const THRESHOLDS = ['loadBalancer5xxPercent', 'target5xxPercent', 'latencyP99Ms', 'unhealthyHosts', 'tasksBelowDesiredMinutes', 'evaluationMinutes', 'minimumRequests'];
const OUT_OF_RANGE: Record<string, unknown[]> = {
  loadBalancer5xxPercent: [0, 0.05, -1, 100.5, NaN, Infinity, '5'],
  target5xxPercent: [0, 101, null, '5%'],
  latencyP99Ms: [0, 60001, 1.5, -100, '1000'],
  unhealthyHosts: [0, 101, 0.5, true],
  tasksBelowDesiredMinutes: [0, 61, 2.5],
  evaluationMinutes: [0, 61, 1.5, null],
  minimumRequests: [-1, 100001, 0.5],
};

/** Invalid alarm thresholds, service-wide and per environment, and invalid notification settings. */
export const HOSTILE_OBSERVABILITY: HostileObservability[] = [
  ...[null, 'strict', 42, [], [{ latencyP99Ms: 500 }]].map((alarms) => ({ what: 'alarms not an object', options: { alarms }, named: 'alarms' })),
  ...THRESHOLDS.flatMap((key) => OUT_OF_RANGE[key].map((value) => ({ what: `alarms.${key} out of range`, options: { alarms: { [key]: value } }, named: `alarms.${key}` }))),
  ...[{ cpuPercent: 80 }, { latencyP95Ms: 500 }].map((alarms) => ({ what: 'an unknown threshold', options: { alarms }, named: `alarms.${Object.keys(alarms)[0]}` })),
  ...[null, 'strict'].map((alarms) => ({ what: 'an environment\'s alarms not an object', options: { environments: second({ alarms }) }, named: 'environments[1].alarms' })),
  ...[['latencyP99Ms', 0], ['target5xxPercent', 200], ['tasksBelowDesiredMinutes', 1.5], ['latencyP95Ms', 100]].map(([key, value]) => ({
    what: 'an environment\'s threshold out of range or unknown', options: { environments: second({ alarms: { [key as string]: value } }) }, named: `environments[1].alarms.${key}`,
  })),
  ...[null, 'team@example.com', 42, []].map((notifications) => ({ what: 'notifications not an object', options: { notifications }, named: 'notifications' })),
  { what: 'an unknown notification field', options: { notifications: { slack: '#team' } }, named: 'notifications.slack' },
  ...['team@example.com', {}, Array.from({ length: 21 }, (_, i) => `user${i}@example.com`)]
    .map((emails) => ({ what: 'emails not a list of at most 20', options: { notifications: { emails } }, named: 'notifications.emails' })),
  ...[null, 42, '', 'team', 'team@', '@example.com', 'team@example', 'team @example.com', 'team@exa mple.com', 'team@-example.com', 'team@example.c',
    `${'a'.repeat(250)}@example.com`, 'a@b@example.com', ...INJECTIONS.slice(0, 4)]
    .map((email) => ({ what: 'an invalid e-mail address', options: { notifications: { emails: ['team@example.com', email] } }, named: 'notifications.emails[1]' })),
  { what: 'a duplicate e-mail address', options: { notifications: { emails: ['team@example.com', 'TEAM@example.com'] } }, named: 'notifications.emails[1]' },
  ...[null, 42, '', 'team-alerts', 'arn:aws:sqs:eu-west-1:111111111111:team-alerts', 'arn:aws:sns:eu-west-1:111111111111:team-alerts.fifo',
    'arn:aws:sns:eu-west-9:111111111111:team-alerts', 'arn:aws:sns:eu-west-1:1111:team-alerts', 'arn:aws:sns:eu-west-1:111111111111:', `arn:aws:sns:eu-west-1:111111111111:${'a'.repeat(257)}`,
    'arn:aws:sns:eu-west-1:111111111111:team alerts', ...INJECTIONS.slice(0, 3)]
    .map((topicArn) => ({ what: 'a malformed topic ARN', options: { notifications: { topicArn } }, named: 'notifications.topicArn' })),
  { what: 'a topic in another region than the pipeline\'s', options: { pipelineRegion: 'eu-west-1', notifications: { topicArn: 'arn:aws:sns:us-east-1:111111111111:alerts' } }, named: 'notifications.topicArn' },
  { what: 'a topic in another account than the pipeline\'s', options: { ...CROSS_ACCOUNT, notifications: { topicArn: 'arn:aws:sns:eu-west-1:222222222222:alerts' } }, named: 'notifications.topicArn' },
];

/** How many invalid inputs the tables hold, for the README figures. */
export function hostileInputCount(): number {
  const tables = [HOSTILE_ENVIRONMENTS, HOSTILE_DOMAINS_AND_NETWORKS, HOSTILE_SOURCES, HOSTILE_OBSERVABILITY];
  return Object.values(HOSTILE_INPUTS).reduce((n, values) => n + values.length, 0) + tables.reduce((n, table) => n + table.length, 0);
}
