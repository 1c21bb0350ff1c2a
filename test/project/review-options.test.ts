import { synth } from './helpers';

/** The guide's section on pull requests and upgrades. */
function section(guide: string): string {
  return guide.slice(guide.indexOf('## Pull requests and template upgrades'), guide.indexOf('## The service URLs'));
}

describe('pullRequestBuilds and upgradeSchedule in the generated repository', () => {
  test('defaults: both on, rendered into src/service-settings.ts and explained in the operating guide', () => {
    const files = synth();
    expect(files['src/service-settings.ts']).toContain("  pullRequestBuilds: true,\n  upgradeSchedule: 'cron(0 6 ? * MON *)',\n};");
    const guide = section(files['docs/operations.md']);
    const explained = ['the CodeBuild project `orders-api-pull-requests`', '`VERIFY_ONLY=1`', 'the approval rule *Pull request build passes*',
      'On the schedule `cron(0 6 ? * MON *)` (UTC)', 'pushes the branch `template-upgrade/<version>`', "to switch it off, set\n`upgradeSchedule: 'off'`"];
    expect(explained.filter((text) => !guide.includes(text))).toEqual([]);
  });

  test('another schedule, and both off', () => {
    const weekly = synth({ upgradeSchedule: 'rate(7 days)' });
    expect(weekly['src/service-settings.ts']).toContain("upgradeSchedule: 'rate(7 days)',");
    expect(section(weekly['docs/operations.md'])).toContain('On the schedule `rate(7 days)` (UTC)');
    const off = synth({ pullRequestBuilds: false, upgradeSchedule: 'off' });
    expect(off['src/service-settings.ts']).toContain("  pullRequestBuilds: false,\n  upgradeSchedule: 'off',\n};");
    const guide = section(off['docs/operations.md']);
    expect(guide).toContain('Pull request builds are off (`pullRequestBuilds: false` in `.projenrc.ts`)');
    expect(guide).toContain("Scheduled template upgrades are off (`upgradeSchedule: 'off'` in `.projenrc.ts`)");
    expect(guide).not.toContain('pull-requests`');
    expect(guide).not.toContain('template-upgrade`');
  });

  test('an invalid schedule stops the project constructor, naming the option', () => {
    expect(() => synth({ upgradeSchedule: 'every monday' })).toThrow('Invalid option "upgradeSchedule": got "every monday"');
  });
});
