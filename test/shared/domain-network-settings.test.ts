import { resolveServiceSettings } from '../../src/shared/service-settings';
import { EXISTING_VPC, ZONE } from '../support/domain-network-stacks';

const resolve = (input: Record<string, unknown>) => resolveServiceSettings({ serviceName: 'orders', ...input });
const environments = (...list: Array<Record<string, unknown>>) => ({ environments: list.map((e, i) => ({ name: `env-${i}`, ...e })) });

describe('domain', () => {
  test('the full name is the record name in the zone, or the zone itself for "@"', () => {
    const s = resolve(environments({ domain: { ...ZONE, recordName: 'orders.dev' } }, { domain: { ...ZONE, recordName: '@' } }));
    expect(s.environments.map((e) => e.domain?.domainName)).toEqual(['orders.dev.example.com', 'example.com']);
    expect(s.environments[0].domain?.requestCertificate).toBe(true);
  });

  test('two environments with the same name: the second is named', () => {
    expect(() => resolve(environments({ domain: { ...ZONE, recordName: 'orders' } }, {}, { domain: { ...ZONE, recordName: 'orders' } })))
      .toThrow('Invalid option "environments[2].domain.recordName": got "orders"; expected a name that no other environment has (environments[0] is orders.example.com too).');
  });

  test('a full name as the record name is refused: the zone is added to it', () => {
    expect(() => resolve(environments({ domain: { ...ZONE, recordName: 'orders.example.com' } }))).toThrow(/"environments\[0\].domain.recordName".*the zone's name is added to it/);
  });

  test('64 characters with a requested certificate, 253 with a given one', () => {
    const long = `${'a'.repeat(40)}.${'b'.repeat(11)}`; // 52 + ".example.com" = 64
    expect(resolve(environments({ domain: { ...ZONE, recordName: long } })).environments[0].domain?.domainName).toHaveLength(64);
    expect(() => resolve(environments({ domain: { ...ZONE, recordName: `${long}b` } }))).toThrow(/at most 64 characters .*give certificateArn/);
    const certificateArn = 'arn:aws:acm:eu-west-1:123456789012:certificate/abc';
    const longer = Array.from({ length: 3 }, () => 'c'.repeat(63)).join('.'); // 191 + 12
    expect(resolve(environments({ certificateArn, domain: { ...ZONE, recordName: longer } })).environments[0].domain?.requestCertificate).toBe(false);
    expect(() => resolve(environments({ certificateArn, domain: { ...ZONE, recordName: `${longer}.${'d'.repeat(50)}` } }))).toThrow(/at most 253 characters\.$/);
  });
});

describe('network', () => {
  test('public tasks without NAT by default; private with one NAT gateway or one per zone', () => {
    expect(resolve({}).environments[0].network).toEqual({ taskSubnets: 'public', natGateways: 0, zoneCount: 2 });
    expect(resolve({ network: { taskSubnets: 'private' } }).network.natGateways).toBe(1);
    expect(resolve({ network: { taskSubnets: 'private', natGateways: 'per-zone' } }).network.natGateways).toBe(2);
  });

  test('an environment\'s network replaces the service\'s as a whole', () => {
    const s = resolve({ network: { taskSubnets: 'private', natGateways: 'per-zone' }, ...environments({}, { network: {} }) });
    expect(s.environments.map((e) => [e.network.taskSubnets, e.network.natGateways])).toEqual([['private', 2], ['public', 0]]);
  });

  test('an existing VPC: no NAT gateway of the stack\'s, private subnets for private tasks', () => {
    const s = resolve({ pipelineRegion: 'eu-west-1', network: { taskSubnets: 'private', vpc: EXISTING_VPC } });
    expect(s.network).toEqual({ taskSubnets: 'private', natGateways: 0, zoneCount: 2, vpc: EXISTING_VPC });
    const { privateSubnetIds: _, ...publicOnly } = EXISTING_VPC;
    expect(() => resolve({ network: { taskSubnets: 'private', vpc: publicOnly } }))
      .toThrow('Invalid option "network.vpc.privateSubnetIds": got undefined; expected a list of 2 subnet IDs when taskSubnets is "private": the tasks run there.');
    expect(() => resolve({ network: { taskSubnets: 'private', natGateways: 'one', vpc: EXISTING_VPC } })).toThrow(/"network.natGateways".*an existing vpc routes/);
  });

  test('Availability Zones of the environment\'s region, one region', () => {
    expect(() => resolve({ pipelineRegion: 'us-east-1', network: { vpc: EXISTING_VPC } })).toThrow(/"network.vpc.availabilityZones\[0\]".*region us-east-1/);
    const mixed = { ...EXISTING_VPC, availabilityZones: ['eu-west-1a', 'eu-west-2b'] };
    expect(() => resolve({ network: { vpc: mixed } })).toThrow(/"network.vpc.availabilityZones\[1\]": got "eu-west-2b"/);
    const errors = resolveErrors({ ...environments({ network: { vpc: { ...EXISTING_VPC, privateSubnetIds: [EXISTING_VPC.publicSubnetIds[0], 'subnet-12345678'] } } }) });
    expect(errors).toMatch(/"environments\[0\].network.vpc.privateSubnetIds".*subnet-0a0a0a0a0a0a0a0a1 is in publicSubnetIds/);
  });
});

function resolveErrors(input: Record<string, unknown>): string {
  try {
    resolve(input);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('no error');
}
