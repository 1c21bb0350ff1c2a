// The handler is plain JavaScript, inlined into the stack as it is; it has no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const handler = require('../../src/pipeline/handlers/pull-requests.js');

const APPROVER = 'arn:aws:sts::123456789012:assumed-role/orders-pipeline-PullRequestBuildsReporterRole-ABC/*';
const SOURCE = 'aaaaaaaa11111111aaaaaaaa11111111aaaaaaaa';
const DESTINATION = 'bbbbbbbb22222222bbbbbbbb22222222bbbbbbbb';
const BUILD_ARN = 'arn:aws:codebuild:eu-west-1:123456789012:build/orders-pull-requests:0b3c6d1e-1111-2222-3333-444455556666';

function awsError(name: string): Error {
  const error = new Error(name);
  error.name = name;
  return error;
}

/** A CodeCommit stub: records every call; the pull request is open at `currentSource` unless told otherwise. */
function fakeCodeCommit(options: { currentSource?: string; status?: string; ruleError?: Error } = {}) {
  const calls: Array<[string, any]> = [];
  return {
    calls,
    createPullRequestApprovalRule: async (input: any) => {
      calls.push(['createPullRequestApprovalRule', input]);
      if (options.ruleError) throw options.ruleError;
      return {};
    },
    postCommentForPullRequest: async (input: any) => { calls.push(['postCommentForPullRequest', input]); return {}; },
    getPullRequest: async (input: any) => {
      calls.push(['getPullRequest', input]);
      return {
        pullRequest: {
          pullRequestId: input.pullRequestId,
          pullRequestStatus: options.status ?? 'OPEN',
          revisionId: 'rev-7',
          pullRequestTargets: [{ sourceCommit: options.currentSource ?? SOURCE, destinationCommit: DESTINATION }],
        },
      };
    },
    updatePullRequestApprovalState: async (input: any) => { calls.push(['updatePullRequestApprovalState', input]); return {}; },
  };
}

function buildEnded(status: string, variables: Record<string, string> = {
  PULL_REQUEST_ID: '17', SOURCE_COMMIT: SOURCE, DESTINATION_COMMIT: DESTINATION, REPOSITORY_NAME: 'orders',
}) {
  return {
    'detail-type': 'CodeBuild Build State Change',
    'detail': {
      'build-status': status,
      'project-name': 'orders-pull-requests',
      'build-id': BUILD_ARN,
      'additional-information': {
        environment: { 'environment-variables': Object.entries(variables).map(([name, value]) => ({ name, value, type: 'PLAINTEXT' })) },
      },
    },
  };
}

const BUILD_URL = 'https://eu-west-1.console.aws.amazon.com/codesuite/codebuild/123456789012/projects/orders-pull-requests/build/'
  + 'orders-pull-requests%3A0b3c6d1e-1111-2222-3333-444455556666';

describe('pull request created', () => {
  const created = { 'detail-type': 'CodeCommit Pull Request State Change', 'detail': { event: 'pullRequestCreated', pullRequestId: '17' } };

  beforeEach(() => { process.env.APPROVER_ROLE_ARN = APPROVER; });
  afterEach(() => { delete process.env.APPROVER_ROLE_ARN; });

  test('gets the approval rule whose one approver is the reporter\'s role', async () => {
    const codecommit = fakeCodeCommit();
    expect(await handler.handlePullRequestEvent(created, {}, codecommit)).toEqual({ approvalRule: 'Pull request build passes', pullRequestId: '17' });
    expect(codecommit.calls).toHaveLength(1);
    const [name, input] = codecommit.calls[0];
    expect([name, input.pullRequestId, input.approvalRuleName]).toEqual(['createPullRequestApprovalRule', '17', 'Pull request build passes']);
    expect(JSON.parse(input.approvalRuleContent)).toEqual({
      Version: '2018-11-08',
      Statements: [{ Type: 'Approvers', NumberOfApprovalsNeeded: 1, ApprovalPoolMembers: [APPROVER] }],
    });
  });

  test('a rule of that name already there counts as done; any other error fails the invocation', async () => {
    await expect(handler.handlePullRequestEvent(created, {}, fakeCodeCommit({ ruleError: awsError('ApprovalRuleNameAlreadyExistsException') })))
      .resolves.toEqual({ approvalRule: 'Pull request build passes', pullRequestId: '17' });
    await expect(handler.handlePullRequestEvent(created, {}, fakeCodeCommit({ ruleError: awsError('AccessDeniedException') })))
      .rejects.toThrow('AccessDeniedException');
  });
});

describe('pull request build ended', () => {
  test('passed: a comment with the outcome and the links, then the current revision approved', async () => {
    const codecommit = fakeCodeCommit();
    expect(await handler.handlePullRequestEvent(buildEnded('SUCCEEDED'), {}, codecommit)).toEqual({ reported: true, approved: true });
    expect(codecommit.calls.map(([name]) => name)).toEqual(['postCommentForPullRequest', 'getPullRequest', 'updatePullRequestApprovalState']);
    const comment = codecommit.calls[0][1];
    expect(comment).toMatchObject({ pullRequestId: '17', repositoryName: 'orders', beforeCommitId: DESTINATION, afterCommitId: SOURCE });
    expect(comment.content).toContain('**Pull request build passed** for commit aaaaaaaa');
    expect(comment.content).toContain(`- Build and its log: ${BUILD_URL}/?region=eu-west-1`);
    expect(comment.content).toContain(`- Test report: ${BUILD_URL}/reports?region=eu-west-1`);
    expect(comment.content).not.toContain('stays unmet');
    expect(codecommit.calls[2][1]).toEqual({ pullRequestId: '17', revisionId: 'rev-7', approvalState: 'APPROVE' });
  });

  test.each([['FAILED', 'failed'], ['STOPPED', 'was stopped']])('%s: a comment that says so, and no approval', async (status, words) => {
    const codecommit = fakeCodeCommit();
    expect(await handler.handlePullRequestEvent(buildEnded(status), {}, codecommit)).toEqual({ reported: true, approved: false });
    expect(codecommit.calls.map(([name]) => name)).toEqual(['postCommentForPullRequest']);
    expect(codecommit.calls[0][1].content).toContain(`**Pull request build ${words}**`);
    expect(codecommit.calls[0][1].content).toContain('The approval rule "Pull request build passes" stays unmet until a build of the pull request passes.');
  });

  test('passed, but a newer commit arrived meanwhile: commented, not approved (the newer build decides)', async () => {
    const codecommit = fakeCodeCommit({ currentSource: 'cccccccc33333333cccccccc33333333cccccccc' });
    expect(await handler.handlePullRequestEvent(buildEnded('SUCCEEDED'), {}, codecommit)).toEqual({ reported: true, approved: false });
    expect(codecommit.calls.map(([name]) => name)).toEqual(['postCommentForPullRequest', 'getPullRequest']);
  });

  test('passed on a pull request closed meanwhile: not approved', async () => {
    const codecommit = fakeCodeCommit({ status: 'CLOSED' });
    expect((await handler.handlePullRequestEvent(buildEnded('SUCCEEDED'), {}, codecommit)).approved).toBe(false);
  });

  test('a build started by hand, without a pull request, reports nothing', async () => {
    const codecommit = fakeCodeCommit();
    expect(await handler.handlePullRequestEvent(buildEnded('SUCCEEDED', {}), {}, codecommit)).toEqual({ reported: false });
    expect(codecommit.calls).toEqual([]);
  });
});

test('any other event fails, naming its type', async () => {
  await expect(handler.handlePullRequestEvent({ 'detail-type': 'Scheduled Event', 'detail': {} }, {}, fakeCodeCommit()))
    .rejects.toThrow('Unexpected event: Scheduled Event');
});
