import { DEFAULT_UPGRADE_SCHEDULE, resolveReviewSettings } from '../../src/shared/review-settings';
import { InvalidOptionError, resolveServiceSettings } from '../../src/shared/service-settings';

describe('pullRequestBuilds and upgradeSchedule', () => {
  test('defaults: pull request builds on, a weekly upgrade', () => {
    expect(resolveReviewSettings({}, false)).toEqual({ pullRequestBuilds: true, upgradeSchedule: DEFAULT_UPGRADE_SCHEDULE });
    const settings = resolveServiceSettings({ serviceName: 'orders' });
    expect([settings.pullRequestBuilds, settings.upgradeSchedule]).toEqual([true, 'cron(0 6 ? * MON *)']);
  });

  test('"off" switches the schedule off; false switches pull request builds off', () => {
    expect(resolveReviewSettings({ pullRequestBuilds: false, upgradeSchedule: 'off' }, false)).toEqual({ pullRequestBuilds: false, upgradeSchedule: undefined });
  });

  test.each(['cron(30 4 ? * SUN *)', 'cron(0 6 1 * ? *)', 'rate(1 day)', 'rate(7 days)', 'rate(12 hours)', 'rate(1 hour)'])('accepts %s', (value) => {
    expect(resolveReviewSettings({ upgradeSchedule: value }, false).upgradeSchedule).toBe(value);
  });

  test.each([
    ['rate(5 minutes)', 'at most hourly'],
    ['rate(1 days)', 'singular unit for 1'],
    ['rate(2 day)', 'singular unit for 1'],
    ['cron(* 6 ? * MON *)', 'at most hourly'],
    ['cron(0/5 6 ? * MON *)', 'at most hourly'],
    ['cron(60 6 ? * MON *)', 'at most hourly'],
    ['cron(0 6 ? * MON)', 'six fields'],
    ['weekly', '"off"'],
    ['OFF', '"off"'],
    ['', '"off"'],
    ['cron(0 6 ? * MON *); rm -rf /', '"off"'],
    [false, '"off"'],
    [7, '"off"'],
  ])('upgradeSchedule %p is refused', (value, allowed) => {
    const run = () => resolveServiceSettings({ serviceName: 'orders', upgradeSchedule: value });
    expect(run).toThrow(InvalidOptionError);
    expect(run).toThrow(`Invalid option "upgradeSchedule": got ${JSON.stringify(value)}`);
    expect(run).toThrow(allowed === 'six fields' ? 'cron(<minute> <hour> <day-of-month> <month> <day-of-week> <year>)' : allowed);
  });

  test.each(['yes', 1, null])('pullRequestBuilds %p is refused', (value) => {
    expect(() => resolveServiceSettings({ serviceName: 'orders', pullRequestBuilds: value }))
      .toThrow(`Invalid option "pullRequestBuilds": got ${JSON.stringify(value)}; expected true or false.`);
  });

  describe('with a connection source (no CodeCommit repository)', () => {
    const source = { connectionArn: 'arn:aws:codeconnections:eu-west-1:123456789012:connection/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', repository: 'acme/orders' };

    test('default to off', () => {
      const settings = resolveServiceSettings({ serviceName: 'orders', source });
      expect([settings.pullRequestBuilds, settings.upgradeSchedule]).toEqual([false, undefined]);
    });

    test('accept them switched off explicitly', () => {
      const settings = resolveServiceSettings({ serviceName: 'orders', source, pullRequestBuilds: false, upgradeSchedule: 'off' });
      expect([settings.pullRequestBuilds, settings.upgradeSchedule]).toEqual([false, undefined]);
    });

    test('refuse pullRequestBuilds: true, naming the Git host\'s checks', () => {
      const run = () => resolveServiceSettings({ serviceName: 'orders', source, pullRequestBuilds: true });
      expect(run).toThrow(InvalidOptionError);
      expect(run).toThrow('Invalid option "pullRequestBuilds": got true; expected false with `source`: pull request builds and the scheduled upgrade work on a CodeCommit repository only');
    });

    test.each(['cron(0 6 ? * MON *)', 'rate(7 days)', 'weekly'])('refuse the upgradeSchedule %p', (value) => {
      const run = () => resolveServiceSettings({ serviceName: 'orders', source, upgradeSchedule: value });
      expect(run).toThrow(`Invalid option "upgradeSchedule": got ${JSON.stringify(value)}; expected "off" with \`source\``);
    });
  });
});
