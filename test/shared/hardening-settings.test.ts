import { DEFAULT_LOG_RETENTION_DAYS, LOG_RETENTION_DAYS, logRetentionDays, NEVER_EXPIRE, resolveHardening } from '../../src/shared/hardening-settings';
import { resolveServiceSettings } from '../../src/shared/service-settings';

test('by default: the last environment is production, every log group keeps a year', () => {
  const settings = resolveServiceSettings({ serviceName: 'orders' });
  expect(settings.logRetentionDays).toBe(365);
  expect(settings.environments.map((e) => [e.name, e.production, e.logRetentionDays])).toEqual([['staging', false, 365], ['production', true, 365]]);
  const one = resolveServiceSettings({ serviceName: 'orders', environments: [{ name: 'live' }] });
  expect(one.environments.map((e) => e.production)).toEqual([true]);
});

test('the default satisfies the Control Tower control: at least 365 days', () => {
  expect(DEFAULT_LOG_RETENTION_DAYS).toBeGreaterThanOrEqual(365);
  expect(LOG_RETENTION_DAYS).toContain(DEFAULT_LOG_RETENTION_DAYS);
});

test('an environment takes the service\'s retention unless it sets its own; production is whatever it says', () => {
  const settings = resolveServiceSettings({
    serviceName: 'orders',
    logRetentionDays: 0,
    environments: [{ name: 'dev', production: true, logRetentionDays: 1 }, { name: 'staging' }, { name: 'production', production: false }],
  });
  expect(settings.logRetentionDays).toBe(NEVER_EXPIRE);
  expect(settings.environments.map((e) => [e.name, e.production, e.logRetentionDays])).toEqual([['dev', true, 1], ['staging', false, 0], ['production', false, 0]]);
});

test('every CloudWatch period and 0 are accepted; anything else is rejected, the error listing what is allowed', () => {
  for (const days of [NEVER_EXPIRE, ...LOG_RETENTION_DAYS]) expect(logRetentionDays('logRetentionDays', days, 365)).toBe(days);
  expect(() => logRetentionDays('logRetentionDays', 9999, 365)).toThrow(
    'Invalid option "logRetentionDays": got 9999; expected 0 (never expire) or one of the retention periods that CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 days.');
  expect(() => resolveHardening(undefined, [{ name: 'a' }, { name: 'b', production: 'yes' }])).toThrow('Invalid option "environments[1].production": got "yes"; expected true or false.');
  expect(() => resolveServiceSettings({ serviceName: 'orders', environments: [{ name: 'live', logRetentionDays: '30' }] }))
    .toThrow('Invalid option "environments[0].logRetentionDays": got "30"');
});
