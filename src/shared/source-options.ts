/**
 * A source repository outside AWS, reached through an AWS CodeConnections connection: GitHub,
 * GitLab or Bitbucket. The connection is created and authorized once, outside the stacks (the
 * generated operating guide says how); the pipeline names it by ARN.
 */
export interface SourceOptions {
  /**
   * ARN of the connection, in the pipeline's account:
   * `arn:aws:codeconnections:<region>:<account>:connection/<id>` (or the older
   * `arn:aws:codestar-connections:...` form). Only the pipeline's source action may use it.
   */
  readonly connectionArn: string;

  /**
   * The repository as the provider names it: `owner/name` (GitHub, Bitbucket), or a GitLab path,
   * whose groups may nest (`group/subgroup/name`).
   */
  readonly repository: string;

  /**
   * Files whose changes alone do not start the pipeline: glob patterns of paths from the
   * repository's root (`*` within a folder, `**` across folders), at most 8. A push that changes
   * any other file starts it. An empty list lets every push to the branch start it.
   *
   * @default - the Markdown files anywhere in the repository, and everything under `docs/`
   */
  readonly excludedPaths?: string[];
}
