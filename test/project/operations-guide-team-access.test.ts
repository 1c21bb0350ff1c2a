import { synth } from './helpers';

const GUIDE = 'docs/operations.md';

/** The guide's "Team access" section, up to the next section of the same level. */
function teamSection(guide: string): string {
  const start = guide.indexOf('## Team access');
  expect(start).toBeGreaterThan(0);
  return guide.slice(start, guide.indexOf('\n## ', start + 1));
}

describe('the operating guide on the team\'s access', () => {
  test('default: the policy to attach, approvals with MFA, which Git authentication keeps it, and CloudTrail', () => {
    const section = teamSection(synth({ serviceName: 'orders' })[GUIDE]);
    for (const text of [
      'customer managed policy `orders-team-access`', 'pull and push branches of the CodeCommit repository `orders`',
      'aws iam attach-group-policy', '`teamAccess: { group: true }`', 'customer managed policy reference named `orders-team-access`',
      '### Approvals need an MFA session', '`BoolIfExists`', 'aws sts get-session-token',
      '**git-remote-codecommit**', 'credential-helper', '**HTTPS Git credentials** of an IAM user', 'carry no MFA context',
      '`GitPull` and `GitPush`', 'AttributeValue=GitPush', 'AttributeValue=PutApprovalResult', 'mfaAuthenticated',
    ]) {
      expect([text, section.includes(text)]).toEqual([text, true]);
    }
    expect(section).not.toContain('aws iam add-user-to-group');
    expect(section).not.toContain('runs in account');
    expect(section).toContain('- read the pull request build `orders-pull-requests`, its builds, their logs and test reports;');
    expect(section).toContain('- read the template upgrade `orders-template-upgrade`, its builds and their logs;');
  });

  test('without pull request builds and upgrades: neither is listed', () => {
    const section = teamSection(synth({ serviceName: 'orders', pullRequestBuilds: false, upgradeSchedule: 'off' })[GUIDE]);
    expect(section).toContain('- read the build project `orders-build`');
    expect(section).not.toMatch(/pull-requests|template-upgrade/);
  });

  test('with the group, an environment in another account and a connection source', () => {
    const section = teamSection(synth({
      serviceName: 'orders',
      pipelineAccount: '111111111111',
      pipelineRegion: 'eu-west-1',
      environments: [{ name: 'staging' }, { name: 'production', account: '222222222222', requireApproval: true }],
      source: { connectionArn: 'arn:aws:codeconnections:eu-west-1:111111111111:connection/0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d', repository: 'acme/orders' },
      teamAccess: { group: true },
    })[GUIDE]);
    expect(section).toContain('aws iam add-user-to-group --group-name orders-team --user-name <user>');
    expect(section).not.toContain('`teamAccess: { group: true }`');
    expect(section).toContain('**production** runs in account 222222222222: its stack `orders-production` has the policy\n  `orders-production-team-access`');
    expect(section).toContain('no Git access: the source is `acme/orders`');
    expect(section).not.toContain('pull and push branches');
    expect(section).toContain('### Approvals in CloudTrail');
    expect(section).toContain('AttributeValue=PutApprovalResult');
    expect(section).not.toMatch(/codecommit|GitPush/i);
  });

  test('more than three environments: the further policies, each with its environments and output', () => {
    const names = ['dev', 'test', 'qa', 'staging', 'preprod', 'production', 'dr'];
    const section = teamSection(synth({ serviceName: 'orders', environments: names.map((name) => ({ name })) })[GUIDE]);
    expect(section).toContain("each policy stays within IAM's 6,144 characters of a managed policy");
    expect(section).toContain('- `orders-team-access-2` (output `TeamAccessPolicy2Arn`): staging, preprod, production\n');
    expect(section).toContain('- `orders-team-access-3` (output `TeamAccessPolicy3Arn`): dr\n');
    expect(section).toContain('(each its own ARN)');
    const grouped = teamSection(synth({ serviceName: 'orders', environments: names.map((name) => ({ name })), teamAccess: { group: true } })[GUIDE]);
    expect(grouped).toContain('(the group `orders-team` has them all)');
    // Up to three environments: one policy, nothing about a split.
    expect(teamSection(synth({ serviceName: 'orders', environments: names.slice(0, 3).map((name) => ({ name })) })[GUIDE])).not.toContain('orders-team-access-2');
  });

  test('the further policies come after the policies of environments in other accounts, which are attached there', () => {
    const section = teamSection(synth({
      serviceName: 'orders',
      pipelineAccount: '111111111111',
      pipelineRegion: 'eu-west-1',
      environments: [{ name: 'dev' }, { name: 'test' }, { name: 'qa' }, { name: 'staging' }, { name: 'production', account: '222222222222' }],
    })[GUIDE]);
    const elsewhere = section.indexOf('**production** runs in account 222222222222');
    const further = section.indexOf('With more than three environments the access is split');
    expect([elsewhere > 0, further > elsewhere]).toEqual([true, true]);
    expect(section.slice(further)).toContain('- `orders-team-access-2` (output `TeamAccessPolicy2Arn`): staging, production\n');
    expect(section.slice(further)).not.toContain('runs in account');
  });
});
