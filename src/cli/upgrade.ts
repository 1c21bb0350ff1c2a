#!/usr/bin/env node
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import * as semver from 'semver';

/**
 * `cicd-service-upgrade`: the scheduled template upgrade of a generated repository. It runs the
 * repository's upgrade (`npx projen upgrade`), and when anything changed pushes the change to the
 * branch `<prefix>/<new version>` and opens a pull request whose description lists the new
 * template version and its CHANGELOG entries. Nothing changed: no branch, no pull request. An
 * upgrade that stops (the overwrite guard, a failed install) opens nothing and reports why.
 */

/** The package whose upgrade the pull request proposes. */
export const TEMPLATE_PACKAGE = 'cicd-service-template';

/** CodeCommit's limit on a pull request's description. */
const DESCRIPTION_MAX = 10240;

/** The pull request that the upgrade asks CodeCommit to open. */
export interface PullRequestRequest {
  readonly repositoryName: string;
  readonly sourceReference: string;
  readonly destinationReference: string;
  readonly title: string;
  readonly description: string;
}

/** The CodeCommit call the upgrade makes; the AWS CLI in a build, a stub in tests. */
export interface PullRequestClient {
  /** Opens the pull request; returns its ID. */
  createPullRequest(request: PullRequestRequest): string;
}

/** What the upgrade is run with. */
export interface UpgradeOptions {
  /** The clone of the repository, its dependencies installed. */
  readonly cwd: string;
  /** The CodeCommit repository's name. */
  readonly repositoryName: string;
  /** The branch the pull request targets. */
  readonly baseBranch: string;
  /** The prefix of the upgrade branches, which is all the build may push to. */
  readonly branchPrefix: string;
  /** The remote (name or URL) to push to. */
  readonly remote: string;
  /** The upgrade command and its arguments. */
  readonly upgradeCommand: readonly string[];
  readonly client: PullRequestClient;
}

/** What the upgrade did. */
export type UpgradeOutcome =
  | { readonly kind: 'up-to-date'; readonly version?: string }
  | { readonly kind: 'already-proposed'; readonly branch: string }
  | { readonly kind: 'opened'; readonly branch: string; readonly version: string; readonly pullRequestId: string }
  | { readonly kind: 'refused'; readonly reason: string };

/** Runs `command` in `cwd`; throws with its output when it fails. */
function run(cwd: string, command: string, args: readonly string[]): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf-8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`}): ${lastLines(`${result.stdout ?? ''}${result.stderr ?? ''}`)}`);
  }
  return result.stdout;
}

function lastLines(text: string, count = 20): string {
  return text.trim().split('\n').slice(-count).join('\n');
}

/** The installed version of the template package, if any. */
function installedVersion(cwd: string): string | undefined {
  const file = path.join(cwd, 'node_modules', TEMPLATE_PACKAGE, 'package.json');
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf-8')).version : undefined;
}

/**
 * The sections of a CHANGELOG (`## <version>` headings) for the versions after `from` up to and
 * including `to`; a heading that names no version is left out.
 */
export function changelogEntries(changelog: string, from: string | undefined, to: string): string[] {
  const sections = changelog.split(/^(?=## )/m).filter((s) => s.startsWith('## '));
  return sections.filter((section) => {
    const version = semver.coerce(section.slice(3, section.indexOf('\n') === -1 ? undefined : section.indexOf('\n')));
    if (!version) return false;
    return semver.lte(version, to) && (from === undefined || semver.gt(version, from));
  }).map((s) => s.trim());
}

/** The pull request's description: the versions and the CHANGELOG entries in between, within CodeCommit's limit. */
export function pullRequestDescription(from: string | undefined, to: string, entries: readonly string[]): string {
  const head = [
    `Upgrades ${TEMPLATE_PACKAGE} from ${from ?? 'an unknown version'} to ${to} (\`npx projen upgrade\`).`,
    'The pull request build checks it; review the changes to managed files, then merge.',
    '',
  ].join('\n');
  const body = entries.length > 0 ? entries.join('\n\n') : `The package's CHANGELOG.md has no entry for ${to}.`;
  const text = `${head}\n${body}\n`;
  if (text.length <= DESCRIPTION_MAX) return text;
  const cut = `\n\n(Cut at CodeCommit's ${DESCRIPTION_MAX} characters: node_modules/${TEMPLATE_PACKAGE}/CHANGELOG.md has the rest.)\n`;
  return `${text.slice(0, DESCRIPTION_MAX - cut.length)}${cut}`;
}

/** Runs the upgrade and proposes its change as a pull request (see the module's description). */
export function upgrade(options: UpgradeOptions): UpgradeOutcome {
  const { cwd } = options;
  if (run(cwd, 'git', ['status', '--porcelain']).trim() !== '') {
    return { kind: 'refused', reason: 'the clone has changes before the upgrade ran' };
  }
  const before = installedVersion(cwd);
  const [command, ...args] = options.upgradeCommand;
  const result = spawnSync(command, args, { cwd, encoding: 'utf-8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  process.stdout.write(result.stdout ?? '');
  process.stderr.write(result.stderr ?? '');
  if (result.status !== 0) {
    const output = lastLines(`${result.stdout ?? ''}${result.stderr ?? ''}`);
    return { kind: 'refused', reason: `${options.upgradeCommand.join(' ')} stopped (${result.error?.message ?? `exit ${result.status}`}):\n${output}` };
  }
  const after = installedVersion(cwd);
  if (run(cwd, 'git', ['status', '--porcelain']).trim() === '') return { kind: 'up-to-date', version: after };
  if (after === undefined || !semver.valid(after)) {
    return { kind: 'refused', reason: `node_modules/${TEMPLATE_PACKAGE} names no version after the upgrade` };
  }

  const branch = `${options.branchPrefix}/${after}`;
  // A branch of this version already exists: its pull request is open or was decided; a second
  // one would only repeat it.
  if (run(cwd, 'git', ['ls-remote', '--heads', options.remote, `refs/heads/${branch}`]).trim() !== '') {
    return { kind: 'already-proposed', branch };
  }
  run(cwd, 'git', ['checkout', '-q', '-b', branch]);
  run(cwd, 'git', ['add', '--all']);
  run(cwd, 'git', ['-c', 'user.name=cicd-service-template upgrade', '-c', 'user.email=upgrade@cicd-service-template.invalid',
    'commit', '-q', '-m', `chore: upgrade ${TEMPLATE_PACKAGE} to ${after}`]);
  run(cwd, 'git', ['push', '-q', options.remote, `HEAD:refs/heads/${branch}`]);

  const changelog = path.join(cwd, 'node_modules', TEMPLATE_PACKAGE, 'CHANGELOG.md');
  const entries = fs.existsSync(changelog) ? changelogEntries(fs.readFileSync(changelog, 'utf-8'), before, after) : [];
  let pullRequestId: string;
  try {
    pullRequestId = options.client.createPullRequest({
      repositoryName: options.repositoryName,
      sourceReference: branch,
      destinationReference: options.baseBranch,
      title: `Upgrade ${TEMPLATE_PACKAGE} to ${after}`,
      description: pullRequestDescription(before, after, entries),
    });
  } catch (e) {
    // Without its pull request the branch would make the next run believe the upgrade proposed.
    run(cwd, 'git', ['push', '-q', options.remote, `:refs/heads/${branch}`]);
    return { kind: 'refused', reason: `the pull request could not be opened, so ${branch} was deleted again: ${(e as Error).message}` };
  }
  return { kind: 'opened', branch, version: after, pullRequestId };
}

/** Opens pull requests with the AWS CLI, with the credentials of the build. */
export const awsCliClient: PullRequestClient = {
  createPullRequest(request) {
    const out = run(process.cwd(), 'aws', ['codecommit', 'create-pull-request', '--output', 'json',
      '--title', request.title, '--description', request.description,
      '--targets', JSON.stringify([{ repositoryName: request.repositoryName, sourceReference: request.sourceReference, destinationReference: request.destinationReference }])]);
    return JSON.parse(out).pullRequest.pullRequestId;
  },
};

const USAGE = 'usage: cicd-service-upgrade --repository <name> --base <branch> --prefix <branch prefix> [--remote <name or URL>] [-- <upgrade command>]\n';

/**
 * The command line (see the module's description). Exit 0 when the repository is up to date or
 * the pull request is open, 1 when the upgrade stopped (the reason on stderr: the build fails, and
 * its failure is what the team is told of), 2 for bad arguments.
 */
export function upgradeMain(argv: string[], cwd: string, client: PullRequestClient = awsCliClient): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { repository: { type: 'string' }, base: { type: 'string' }, prefix: { type: 'string' }, remote: { type: 'string', default: 'origin' } },
      allowPositionals: true,
    });
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const { repository, base, prefix, remote } = parsed.values;
  if (!repository || !base || !prefix || !remote) {
    process.stderr.write(USAGE);
    return 2;
  }
  const command = parsed.positionals.length > 0 ? parsed.positionals : ['npx', 'projen', 'upgrade'];
  let outcome: UpgradeOutcome;
  try {
    outcome = upgrade({ cwd, repositoryName: repository, baseBranch: base, branchPrefix: prefix, remote, upgradeCommand: command, client });
  } catch (e) {
    outcome = { kind: 'refused', reason: (e as Error).message };
  }
  switch (outcome.kind) {
    case 'up-to-date':
      process.stdout.write(`${TEMPLATE_PACKAGE} is up to date${outcome.version ? ` (${outcome.version})` : ''}: nothing changed, no pull request.\n`);
      return 0;
    case 'already-proposed':
      process.stdout.write(`The branch ${outcome.branch} exists already: its pull request proposes this upgrade.\n`);
      return 0;
    case 'opened':
      process.stdout.write(`Opened pull request ${outcome.pullRequestId}: ${outcome.branch} into ${base} (${TEMPLATE_PACKAGE} ${outcome.version}).\n`);
      return 0;
    case 'refused':
      process.stderr.write(`The template upgrade stopped; no branch and no pull request. Reason: ${outcome.reason}\n`);
      return 1;
  }
}

if (require.main === module) {
  process.exitCode = upgradeMain(process.argv.slice(2), process.cwd());
}
