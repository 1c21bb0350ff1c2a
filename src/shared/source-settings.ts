import { InvalidOptionError } from './service-settings';

/**
 * The validation of `source` (a CodeConnections repository instead of CodeCommit), its defaults,
 * and the names that the pipeline and the generated repository share.
 */

/** `source`, validated, with its defaults applied. */
export interface SourceSettings {
  readonly connectionArn: string;
  /** `owner/name`, or a GitLab path `group/subgroup/name`. */
  readonly repository: string;
  /** `repository` up to its last "/": the owner, user or (nested) group. */
  readonly owner: string;
  /** `repository` after its last "/". */
  readonly name: string;
  /** The IAM service prefix of the connection's ARN, which its permissions must use. */
  readonly servicePrefix: 'codeconnections' | 'codestar-connections';
  /** The account that owns the connection. */
  readonly account: string;
  /** Glob patterns of the files whose changes alone do not start the pipeline. */
  readonly excludedPaths: string[];
}

/**
 * The files whose changes alone do not start the pipeline, unless `source.excludedPaths` says
 * otherwise: Markdown files and the docs folder. CodePipeline's globs are Java's, where a pattern
 * with a "/" matches only below a folder: `*.md` covers the root.
 */
export const DEFAULT_EXCLUDED_PATHS: readonly string[] = ['*.md', '**/*.md', 'docs/**'];

/**
 * The build's environment variable with the commit ID that the source action read, which
 * `buildspec.yml` tags the image with: the pipeline's build action sets it.
 */
export const SOURCE_COMMIT_ENV = 'SOURCE_COMMIT_ID';

/** CodePipeline takes at most 8 file-path patterns in a trigger filter. */
const MAX_EXCLUDED_PATHS = 8;

const SOURCE_KEYS = ['connectionArn', 'repository', 'excludedPaths'];

const CONNECTION_ARN = /^arn:aws[a-z-]*:(codeconnections|codestar-connections):[a-z]{2}(-[a-z]+)+-[0-9]:([0-9]{12}):connection\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// Each segment as GitHub, GitLab and Bitbucket allow them, without a leading dot or hyphen (so no
// "." or ".." segment); 2 to 21 segments: GitLab nests groups 20 deep.
const REPOSITORY = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,99}(\/[A-Za-z0-9_][A-Za-z0-9._-]{0,99}){1,20}$/;
// A path glob relative to the repository's root: letters, digits and the glob characters, without
// spaces, quotes, "$", backticks or backslashes; no leading "/" and no ".." segment.
const PATH_GLOB = /^(?!\/)(?!.*(^|\/)\.\.(\/|$))[A-Za-z0-9._\/*?{},[\]!@+~-]{1,255}$/;

/**
 * Validates `source` (absent: CodeCommit) and applies its defaults. `pipelineAccount`, when set,
 * must own the connection: a connection cannot be used from another account.
 */
export function resolveSource(input: unknown, pipelineAccount: string | undefined): SourceSettings | undefined {
  if (input === undefined) return undefined;
  const shape = '{ connectionArn, repository, excludedPaths? }';
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidOptionError('source', input, `an object ${shape} (leave it out for a CodeCommit repository)`);
  }
  const s = input as Record<string, unknown>;
  const unknownKey = Object.keys(s).find((k) => !SOURCE_KEYS.includes(k) && s[k] !== undefined);
  if (unknownKey) {
    throw new InvalidOptionError(`source.${unknownKey}`, s[unknownKey], `one of the source's fields: ${SOURCE_KEYS.join(', ')}`);
  }
  const arn = typeof s.connectionArn === 'string' ? CONNECTION_ARN.exec(s.connectionArn) : null;
  if (!arn) {
    throw new InvalidOptionError('source.connectionArn', s.connectionArn,
      'the ARN of a connection, "arn:aws:codeconnections:<region>:<account>:connection/<uuid>" (or "arn:aws:codestar-connections:...")');
  }
  if (pipelineAccount !== undefined && arn[3] !== pipelineAccount) {
    throw new InvalidOptionError('source.connectionArn', s.connectionArn,
      `a connection of the pipeline's account (${pipelineAccount}): a connection cannot be used from another account`);
  }
  if (typeof s.repository !== 'string' || s.repository.length > 255 || !REPOSITORY.test(s.repository)) {
    throw new InvalidOptionError('source.repository', s.repository,
      '"owner/name" (GitHub, Bitbucket) or "group/subgroup/name" (GitLab): letters, digits, ".", "_" and "-" in each part, which starts with a letter, digit or "_"');
  }
  const cut = s.repository.lastIndexOf('/');
  return {
    connectionArn: arn[0],
    repository: s.repository,
    owner: s.repository.slice(0, cut),
    name: s.repository.slice(cut + 1),
    servicePrefix: arn[1] as SourceSettings['servicePrefix'],
    account: arn[3],
    excludedPaths: excludedPaths(s.excludedPaths),
  };
}

function excludedPaths(input: unknown): string[] {
  if (input === undefined) return [...DEFAULT_EXCLUDED_PATHS];
  const allowed = `a list of at most ${MAX_EXCLUDED_PATHS} glob patterns of paths from the repository's root (for example "docs/**"): `
    + '1 to 255 letters, digits and . _ / * ? { } [ ] , ! @ + ~ -, without a leading "/" or a ".." part';
  if (!Array.isArray(input) || input.length > MAX_EXCLUDED_PATHS) throw new InvalidOptionError('source.excludedPaths', input, allowed);
  const seen = new Set<string>();
  input.forEach((pattern: unknown, i) => {
    if (typeof pattern !== 'string' || !PATH_GLOB.test(pattern)) throw new InvalidOptionError(`source.excludedPaths[${i}]`, pattern, allowed);
    if (seen.has(pattern)) throw new InvalidOptionError(`source.excludedPaths[${i}]`, pattern, 'a pattern that the list does not already hold');
    seen.add(pattern);
  });
  return [...input] as string[];
}
