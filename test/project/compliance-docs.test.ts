import * as fs from 'fs';
import * as path from 'path';
import { synth } from './helpers';
import { LIST_PRICES_USD, privateEgressCost, STRICT_INTERFACE_ENDPOINTS } from '../../src/project/environment-costs';

const GUIDE = 'docs/operations.md';

describe('a repository with the strict compliance profile', () => {
  let out: Record<string, any>;
  beforeAll(() => {
    out = synth({ compliance: 'strict', environments: [{ name: 'dev', compliance: 'standard' }, { name: 'production', requireApproval: true }] });
  });

  test('src/service-settings.ts carries the service\'s and each environment\'s profile', () => {
    const settings: string = out['src/service-settings.ts'];
    expect(settings).toMatch(/^  compliance: 'strict',$/m);
    expect(settings).toContain("name: 'dev',\n      compliance: 'standard',\n    },");
  });

  test('the guide says which stacks are strict, and what they cost', () => {
    const guide: string = out[GUIDE];
    expect(guide).toContain('## Compliance profile');
    expect(guide).toContain('Strict here: `production`, and the pipeline\'s stack.');
    expect(guide).toContain('A strict\nenvironment\'s log key costs about 1 USD a month.');
    expect(guide).toContain('; the artifact key about 1 USD a month; the key of the logs and images about 1 USD a month;');
    expect(guide).toContain('The build\'s Docker server is billed by CodeBuild');
    // The strict environment's NAT gateway is in the cost table; the standard one has none.
    expect(guide).toMatch(/\| `production` \| [0-9.]+ USD \| [0-9.]+ USD \| 32\.85 USD \(1\) \|/);
    expect(guide).toMatch(/\| `dev` \| [0-9.]+ USD \| [0-9.]+ USD \| 0\.00 USD \(0\) \|/);
  });
});

test('a standard repository says so, and prices no strict key', () => {
  const guide: string = synth()[GUIDE];
  expect(guide).toContain('## Compliance profile');
  expect(guide).toContain('Every stack here is standard.');
  expect(guide).not.toContain('log key');
  expect(guide).not.toContain('Docker server is billed');
});

test('the package README prices both ways out of strict\'s private subnets from the list prices in the code', () => {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf-8');
  const cost = privateEgressCost();
  expect(cost.natGateway).toBe(((LIST_PRICES_USD.natGatewayHour + LIST_PRICES_USD.publicIpv4Hour) * 730).toFixed(2));
  expect(readme).toContain(`one NAT gateway with its address, about ${cost.natGateway} USD a month per environment`);
  expect(readme).toContain(`${STRICT_INTERFACE_ENDPOINTS.length} interface endpoints (${STRICT_INTERFACE_ENDPOINTS.map((e) => `\`${e}\``).join(', ')}) in ${cost.zones} zones, about ${cost.interfaceEndpoints} USD a month`);
});
