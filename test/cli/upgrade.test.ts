import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { changelogEntries, pullRequestDescription, PullRequestRequest, upgradeMain } from '../../src/cli/upgrade';

const CHANGELOG = `# Changelog

## 1.3.0

### Fixes

- The Dockerfile runs as a non-root user.

## 1.2.0

- Scheduled template upgrades.

## 1.1.0

- Older entry.
`;

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd, encoding: 'utf-8' });
}

/** The installed template package as npm leaves it in node_modules. */
function install(clone: string, version: string, changelog = CHANGELOG): void {
  const dir = path.join(clone, 'node_modules', 'cicd-service-template');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'cicd-service-template', version }));
  fs.writeFileSync(path.join(dir, 'CHANGELOG.md'), changelog);
}

/**
 * A bare repository as the remote (CodeCommit's stand-in) with one commit on main, and a clone of
 * it with the template 1.1.0 installed; `upgrade.sh` in the clone's parent folder stands in for
 * `npx projen upgrade`: it runs the shell code given.
 */
function repositories(upgradeScript: string) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'upgrade-'));
  const remote = path.join(root, 'remote.git');
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', remote]);
  const clone = path.join(root, 'clone');
  execFileSync('git', ['clone', '-q', remote, clone], { stdio: 'ignore' });
  fs.writeFileSync(path.join(clone, '.gitignore'), 'node_modules/\n');
  fs.writeFileSync(path.join(clone, 'package-lock.json'), '{"cicd-service-template": "1.1.0"}\n');
  git(clone, 'add', '--all');
  git(clone, 'commit', '-q', '-m', 'initial');
  git(clone, 'push', '-q', 'origin', 'HEAD:refs/heads/main');
  install(clone, '1.1.0');
  const script = path.join(root, 'upgrade.sh');
  fs.writeFileSync(script, `#!/bin/bash\nset -e\n${upgradeScript}\n`, { mode: 0o755 });
  return { remote, clone, script };
}

/** A CodeCommit stub that records the pull requests it is asked to open. */
function stubClient(fail?: Error) {
  const requests: PullRequestRequest[] = [];
  return {
    requests,
    createPullRequest(request: PullRequestRequest) {
      requests.push(request);
      if (fail) throw fail;
      return '42';
    },
  };
}

const remoteBranches = (remote: string) => git(remote, 'for-each-ref', '--format=%(refname)', 'refs/heads').trim().split('\n');

/** Runs the command with its output captured. */
function runUpgrade(clone: string, script: string, client: ReturnType<typeof stubClient>) {
  const out: string[] = [];
  const err: string[] = [];
  const write = (sink: string[]) => (chunk: any) => { sink.push(String(chunk)); return true; };
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(write(out));
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(write(err));
  try {
    const code = upgradeMain(['--repository', 'orders', '--base', 'main', '--prefix', 'template-upgrade', '--', script], clone, client);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

// What `npx projen upgrade` does when a new version is out: a new package in node_modules, a changed lock file.
const NEW_VERSION = `
mkdir -p node_modules/cicd-service-template
printf '{"name":"cicd-service-template","version":"1.3.0"}' > node_modules/cicd-service-template/package.json
printf '{"cicd-service-template": "1.3.0"}\\n' > package-lock.json
echo 'upgraded'`;

describe('cicd-service-upgrade against a local Git remote', () => {
  test('nothing changed: no branch, no pull request', () => {
    const { remote, clone, script } = repositories('echo "already on the latest version"');
    const client = stubClient();
    const { code, stdout } = runUpgrade(clone, script, client);
    expect(code).toBe(0);
    expect(stdout).toContain('cicd-service-template is up to date (1.1.0): nothing changed, no pull request.');
    expect(remoteBranches(remote)).toEqual(['refs/heads/main']);
    expect(client.requests).toEqual([]);
  });

  test('a change: one branch with the change and one pull request with the version and the CHANGELOG entries', () => {
    const { remote, clone, script } = repositories(NEW_VERSION);
    const client = stubClient();
    const { code, stdout } = runUpgrade(clone, script, client);
    expect(code).toBe(0);
    expect(stdout).toContain('Opened pull request 42: template-upgrade/1.3.0 into main (cicd-service-template 1.3.0).');
    expect(remoteBranches(remote)).toEqual(['refs/heads/main', 'refs/heads/template-upgrade/1.3.0']);
    expect(git(remote, 'show', 'template-upgrade/1.3.0:package-lock.json')).toBe('{"cicd-service-template": "1.3.0"}\n');
    expect(git(remote, 'log', '-1', '--format=%s', 'template-upgrade/1.3.0').trim()).toBe('chore: upgrade cicd-service-template to 1.3.0');
    // node_modules stays out of the commit.
    expect(git(remote, 'show', '--name-only', '--format=', 'template-upgrade/1.3.0').trim()).toBe('package-lock.json');
    expect(client.requests).toHaveLength(1);
    const [request] = client.requests;
    expect(request).toMatchObject({ repositoryName: 'orders', sourceReference: 'template-upgrade/1.3.0', destinationReference: 'main', title: 'Upgrade cicd-service-template to 1.3.0' });
    expect(request.description).toContain('Upgrades cicd-service-template from 1.1.0 to 1.3.0');
    expect(request.description).toContain('## 1.3.0\n\n### Fixes\n\n- The Dockerfile runs as a non-root user.');
    expect(request.description).toContain('## 1.2.0\n\n- Scheduled template upgrades.');
    expect(request.description).not.toContain('Older entry');
  });

  test('the same upgrade a week later finds its branch and opens no second pull request', () => {
    const { remote, clone, script } = repositories(NEW_VERSION);
    expect(runUpgrade(clone, script, stubClient()).code).toBe(0);
    git(clone, 'checkout', '-q', 'main');
    git(clone, 'checkout', '-q', '--', '.');
    install(clone, '1.1.0');
    const client = stubClient();
    const { code, stdout } = runUpgrade(clone, script, client);
    expect([code, client.requests]).toEqual([0, []]);
    expect(stdout).toContain('The branch template-upgrade/1.3.0 exists already');
    expect(remoteBranches(remote)).toEqual(['refs/heads/main', 'refs/heads/template-upgrade/1.3.0']);
  });

  test('a refused upgrade (the overwrite guard): no branch, no pull request, and the reason', () => {
    const { remote, clone, script } = repositories(`${NEW_VERSION}
echo 'Refusing to overwrite Dockerfile: the repository has its own (list it in ownedFiles to keep it).' >&2
exit 1`);
    const client = stubClient();
    const { code, stderr } = runUpgrade(clone, script, client);
    expect(code).toBe(1);
    expect(stderr).toContain('The template upgrade stopped; no branch and no pull request. Reason:');
    expect(stderr).toContain('exit 1');
    expect(stderr).toContain('Refusing to overwrite Dockerfile');
    expect(remoteBranches(remote)).toEqual(['refs/heads/main']);
    expect(client.requests).toEqual([]);
  });

  test('a pull request that CodeCommit refuses leaves no branch behind', () => {
    const { remote, clone, script } = repositories(NEW_VERSION);
    const client = stubClient(new Error('AccessDenied'));
    const { code, stderr } = runUpgrade(clone, script, client);
    expect(code).toBe(1);
    expect(stderr).toContain('the pull request could not be opened, so template-upgrade/1.3.0 was deleted again: AccessDenied');
    expect(client.requests).toHaveLength(1);
    expect(remoteBranches(remote)).toEqual(['refs/heads/main']);
  });

  test('missing arguments: usage and exit 2', () => {
    const err: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((c: any) => { err.push(String(c)); return true; });
    try {
      expect(upgradeMain(['--repository', 'orders'], os.tmpdir(), stubClient())).toBe(2);
    } finally {
      spy.mockRestore();
    }
    expect(err.join('')).toContain('usage: cicd-service-upgrade');
  });
});

describe('pull request description', () => {
  test('CHANGELOG entries after the old version up to the new one; headings without a version are left out', () => {
    const entries = changelogEntries(`## Unreleased\n\n- x\n\n${CHANGELOG.replace('# Changelog\n\n', '')}`, '1.1.0', '1.2.0');
    expect(entries).toEqual(['## 1.2.0\n\n- Scheduled template upgrades.']);
  });

  test('stays within CodeCommit\'s 10240 characters', () => {
    const text = pullRequestDescription('1.0.0', '2.0.0', ['## 2.0.0\n\n' + '- entry\n'.repeat(3000)]);
    expect(text.length).toBe(10240);
    expect(text).toContain('CHANGELOG.md has the rest');
  });
});
