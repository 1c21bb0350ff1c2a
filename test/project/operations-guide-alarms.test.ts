import { synth } from './helpers';

const GUIDE = 'docs/operations.md';

describe('the operating guide on alarms, rollbacks and notifications', () => {
  test('lists each environment\'s thresholds and the topic its alarms notify', () => {
    const guide: string = synth({
      serviceName: 'orders',
      pipelineAccount: '111111111111',
      pipelineRegion: 'eu-west-1',
      alarms: { latencyP99Ms: 800, minimumRequests: 20 },
      notifications: { emails: ['team@example.com', 'oncall@example.org'] },
      environments: [{ name: 'staging' }, { name: 'production', account: '222222222222', alarms: { target5xxPercent: 1.5, tasksBelowDesiredMinutes: 10 } }],
    })[GUIDE];
    expect(guide).toContain('| `staging` | 5% | 5% | 800 ms | 1 | for 5 min | 3 min; error rates count from 20 requests a minute |');
    expect(guide).toContain('| `production` | 5% | 1.5% | 800 ms | 1 | for 10 min | 3 min; error rates count from 20 requests a minute |');
    expect(guide).toContain('| `staging` | `orders-notifications` |');
    expect(guide).toContain('| `production` | `orders-production-notifications` |');
    expect(guide).toContain('E-mail subscriptions (`notifications.emails`): `team@example.com`, `oncall@example.org`.');
    expect(guide).toContain('the notification topic\'s key about 1 USD a month');
    for (const text of ['## Watch a deployment', '**What happens on rollback.**', 'rolloutStateReason', 'aws sns subscribe', 'orders-pipeline-runs']) {
      expect(guide).toContain(text);
    }
  });

  test('names an existing topic, and no subscription line without e-mails', () => {
    const topicArn = 'arn:aws:sns:eu-west-1:111111111111:team-alerts';
    const guide: string = synth({ notifications: { topicArn } })[GUIDE];
    expect(guide).toContain(`The SNS topic \`${topicArn}\` (an existing topic, from \`notifications.topicArn\`) receives:`);
    expect(guide).toContain(`| \`production\` | \`${topicArn}\` |`);
    expect(guide).not.toContain('E-mail subscriptions');
    expect(guide).not.toContain('the notification topic\'s key');
  });
});
