import { bucketProblems, deliveryHardeningProblems, environmentHardeningProblems } from './hardening-checks';
import { defaultService, SynthesizedService } from '../support/service-stacks';

// The checks that the matrix and the random option sets run, on stacks whose hardening is known:
// they pass on the right expectations and report each wrong one.
let s: SynthesizedService;
beforeAll(() => {
  s = defaultService();
});
const DOCKERFILE = 'FROM node\nUSER node\n';

test('the default service passes', () => {
  const x = { service: { serviceName: 'orders' } };
  expect(deliveryHardeningProblems(x, s.delivery.json)).toEqual([]);
  s.environments.forEach((e, i) => {
    expect(environmentHardeningProblems(x, { name: e.stack._environment.name }, i, 2, DOCKERFILE, e.json)).toEqual([]);
  });
  for (const st of s.all) expect(bucketProblems(st.json)).toEqual([]);
});

test('a wrong production flag, retention, ECS Exec or Dockerfile user is reported', () => {
  const staging = s.environments[0].json;
  const problems = (x: any, e: any, dockerfile = DOCKERFILE) => environmentHardeningProblems(x, e, 0, 2, dockerfile, staging);
  expect(problems({ service: {} }, { name: 'staging', production: true })).toEqual(['load balancer deletion protection: "false" != "true"']);
  expect(problems({ service: { logRetentionDays: 0 } }, { name: 'staging' })).toEqual([expect.stringMatching(/^log group \w+ retention: 365 != undefined$/)]);
  expect(problems({ service: {}, cdkRetention: { days: 7 } }, { name: 'staging' })).toEqual([expect.stringMatching(/retention: 365 != 7$/)]);
  expect(problems({ service: {} }, { name: 'staging', enableExecuteCommand: true })).toEqual(['read-only root filesystem: true != false']);
  expect(problems({ service: {} }, { name: 'staging' }, 'FROM node\nUSER app\n')).toEqual(['container user is the Dockerfile\'s: "node" != "app"']);
  expect(deliveryHardeningProblems({ service: { logRetentionDays: 30 } }, s.delivery.json).length).toBeGreaterThan(0);
});

test('a bucket that allows ACLs is reported', () => {
  const planted = { Resources: { Open: { Type: 'AWS::S3::Bucket', Properties: { AccessControl: 'PublicRead' } }, Owned: { Type: 'AWS::S3::Bucket', Properties: {} } } };
  expect(bucketProblems(planted)).toEqual(['bucket Open allows ACLs', 'bucket Owned allows ACLs']);
});
