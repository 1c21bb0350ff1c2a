import { synth } from './helpers';

const ARN = 'arn:aws:codeconnections:eu-west-1:123456789012:connection/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

/** The guide's section on pull requests and upgrades. */
function section(guide: string): string {
  const start = guide.indexOf('## Pull requests and template upgrades');
  expect(start).toBeGreaterThanOrEqual(0);
  return guide.slice(start, guide.indexOf('\n## ', start + 1));
}

describe('pullRequestBuilds and upgradeSchedule in the generated repository', () => {
  test('defaults: both on, rendered into src/service-settings.ts and explained in the operating guide', () => {
    const files = synth();
    expect(files['src/service-settings.ts']).toContain("  pullRequestBuilds: true,\n  upgradeSchedule: 'cron(0 6 ? * MON *)',\n};");
    const guide = section(files['docs/operations.md']);
    const explained = ['the CodeBuild project `orders-api-pull-requests`', '`VERIFY_ONLY=1`', 'the approval rule *Pull request build passes*',
      'On the schedule `cron(0 6 ? * MON *)` (UTC)', 'pushes the branch `template-upgrade/<version>`', "to switch it off, set\n`upgradeSchedule: 'off'`",
      'the notification topic receives the failed\nbuild (a CodeStar Notifications rule, `orders-api-template-upgrade-failed`'];
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

  test('an existing topic: the guide says what its policies must allow for the failed upgrades', () => {
    const notifications = { topicArn: 'arn:aws:sns:eu-west-1:111111111111:team-alerts' };
    const guide = section(synth({ pipelineAccount: '111111111111', pipelineRegion: 'eu-west-1', notifications })['docs/operations.md']);
    expect(guide).toContain('The existing topic `arn:aws:sns:eu-west-1:111111111111:team-alerts` gets this rule\'s messages');
    expect(guide).toContain('must let `codestar-notifications.amazonaws.com` publish (`sns:Publish`)');
    expect(section(synth()['docs/operations.md'])).not.toContain('The existing topic');
  });

  test('a connection source: both off in the settings file, and the guide says what the Git host\'s checks need', () => {
    const files = synth({ source: { connectionArn: ARN, repository: 'acme/orders-api' } });
    expect(files['src/service-settings.ts']).toContain("  pullRequestBuilds: false,\n  upgradeSchedule: 'off',\n};");
    const guide = section(files['docs/operations.md']);
    const explained = ['it does not build pull requests', 'Let `acme/orders-api`\'s host check\npull requests', 'with Node.js',
      '`npm ci`, `npx projen check:managed`, `npx projen compile`, `npx projen test`', 'requires that job to pass before a merge', 'run `npx projen upgrade`'];
    expect(explained.filter((text) => !guide.includes(text))).toEqual([]);
    expect(guide).not.toMatch(/pull-requests`|template-upgrade|approval rule \*|Pull request builds are off/);
  });

  test('an invalid schedule stops the project constructor, naming the option', () => {
    expect(() => synth({ upgradeSchedule: 'every monday' })).toThrow('Invalid option "upgradeSchedule": got "every monday"');
  });
});
