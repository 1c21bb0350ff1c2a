'use strict';
/**
 * The pull request checks of a CodeCommit repository, in plain JavaScript: the stack inlines this
 * file into the function (no asset to publish), which uses the AWS SDK for JavaScript v3 that the
 * Lambda Node.js runtime provides. One handler serves two EventBridge rules:
 *
 * - a pull request was created: it gets the approval rule "Pull request build passes", whose only
 *   approver is this function's role, so the pull request cannot merge before its build passed;
 * - a pull request build ended: the outcome is posted on the pull request with links to the build
 *   and its test report, and a passed build approves the pull request's revision, unless a newer
 *   commit has arrived since (its own build decides).
 *
 * Environment: APPROVER_ROLE_ARN (the assumed-role ARN pattern of this function's role).
 */

/** The name of the approval rule that every pull request gets. */
const APPROVAL_RULE_NAME = 'Pull request build passes';

/** The variables that the pull request rule hands to the build, read back from its event. */
const VARIABLES = { pullRequestId: 'PULL_REQUEST_ID', sourceCommit: 'SOURCE_COMMIT', destinationCommit: 'DESTINATION_COMMIT', repositoryName: 'REPOSITORY_NAME' };

function defaultClient() {
  // Loaded on first use only, so that the unit tests run the logic with a stub and no SDK.
  const sdk = require('@aws-sdk/client-codecommit');
  const client = new sdk.CodeCommitClient({});
  const call = (Command) => (input) => client.send(new Command(input));
  return {
    createPullRequestApprovalRule: call(sdk.CreatePullRequestApprovalRuleCommand),
    postCommentForPullRequest: call(sdk.PostCommentForPullRequestCommand),
    getPullRequest: call(sdk.GetPullRequestCommand),
    updatePullRequestApprovalState: call(sdk.UpdatePullRequestApprovalStateCommand),
  };
}

let client;

/** The approval rule's content: one approval from the role of this function. */
function approvalRuleContent(approverArn) {
  return JSON.stringify({
    Version: '2018-11-08',
    Statements: [{ Type: 'Approvers', NumberOfApprovalsNeeded: 1, ApprovalPoolMembers: [approverArn] }],
  });
}

/** Gives a new pull request the approval rule; a rule of that name already there counts as done. */
async function requireBuildApproval(codecommit, detail, approverArn) {
  try {
    await codecommit.createPullRequestApprovalRule({
      pullRequestId: detail.pullRequestId,
      approvalRuleName: APPROVAL_RULE_NAME,
      approvalRuleContent: approvalRuleContent(approverArn),
    });
  } catch (e) {
    if (e.name !== 'ApprovalRuleNameAlreadyExistsException') throw e;
  }
  return { approvalRule: APPROVAL_RULE_NAME, pullRequestId: detail.pullRequestId };
}

/** The console addresses of a build (its ARN) and of its test report. */
function buildLinks(buildArn) {
  const [, , , region, account, resource] = buildArn.split(':');
  const buildId = buildArn.slice(buildArn.indexOf('build/') + 'build/'.length);
  const project = resource.slice('build/'.length);
  const base = `https://${region}.console.aws.amazon.com/codesuite/codebuild/${account}/projects/${encodeURIComponent(project)}/build/${encodeURIComponent(buildId)}`;
  return { build: `${base}/?region=${region}`, reports: `${base}/reports?region=${region}` };
}

const OUTCOMES = {
  SUCCEEDED: 'passed',
  FAILED: 'failed',
  STOPPED: 'was stopped',
};

/** The comment on the pull request for a build that ended with `status`. */
function comment(status, sourceCommit, links) {
  const outcome = OUTCOMES[status] || `ended with status ${status}`;
  return [
    `**Pull request build ${outcome}** for commit ${sourceCommit.slice(0, 8)}: compile, tests, quality gates and image build, nothing pushed.`,
    '',
    `- Build and its log: ${links.build}`,
    `- Test report: ${links.reports}`,
    status === 'SUCCEEDED' ? '' : '\nThe approval rule "Pull request build passes" stays unmet until a build of the pull request passes.',
  ].join('\n').trim();
}

/** Posts the build's outcome on its pull request and approves the revision when it passed. */
async function reportBuild(codecommit, detail) {
  const variables = Object.fromEntries(((detail['additional-information'] || {}).environment || {})['environment-variables']
    ?.map((v) => [v.name, v.value]) ?? []);
  const pr = Object.fromEntries(Object.entries(VARIABLES).map(([key, name]) => [key, variables[name]]));
  // A build started by hand, without a pull request, has nothing to report to.
  if (!pr.pullRequestId || !pr.sourceCommit || !pr.destinationCommit || !pr.repositoryName) return { reported: false };
  const status = detail['build-status'];
  await codecommit.postCommentForPullRequest({
    pullRequestId: pr.pullRequestId,
    repositoryName: pr.repositoryName,
    beforeCommitId: pr.destinationCommit,
    afterCommitId: pr.sourceCommit,
    content: comment(status, pr.sourceCommit, buildLinks(detail['build-id'])),
  });
  if (status !== 'SUCCEEDED') return { reported: true, approved: false };
  const { pullRequest } = await codecommit.getPullRequest({ pullRequestId: pr.pullRequestId });
  const current = (pullRequest.pullRequestTargets || []).map((t) => t.sourceCommit);
  // Approving a revision whose commit this build did not test would let an untested change merge.
  if (pullRequest.pullRequestStatus !== 'OPEN' || !current.includes(pr.sourceCommit)) return { reported: true, approved: false };
  await codecommit.updatePullRequestApprovalState({
    pullRequestId: pr.pullRequestId,
    revisionId: pullRequest.revisionId,
    approvalState: 'APPROVE',
  });
  return { reported: true, approved: true };
}

/** The EventBridge handler: a pull request state change or a build state change. */
exports.handlePullRequestEvent = async (event, context, codecommit) => {
  if (!codecommit) {
    if (!client) client = defaultClient();
    codecommit = client;
  }
  if (event['detail-type'] === 'CodeCommit Pull Request State Change') {
    return requireBuildApproval(codecommit, event.detail, process.env.APPROVER_ROLE_ARN);
  }
  if (event['detail-type'] === 'CodeBuild Build State Change') {
    return reportBuild(codecommit, event.detail);
  }
  throw new Error(`Unexpected event: ${event['detail-type']}`);
};

exports.APPROVAL_RULE_NAME = APPROVAL_RULE_NAME;
exports.approvalRuleContent = approvalRuleContent;
exports.buildLinks = buildLinks;
