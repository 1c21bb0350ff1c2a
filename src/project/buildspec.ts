import { Component, Project } from 'projen';
import { FileOwnership } from './managed-files';
import { TemplateRenderer } from './template-renderer';
import { NodeRelease } from '../shared/node-versions';
import { BUILD_ENV, InvalidOptionError, ServiceSettings } from '../shared/service-settings';
import { SOURCE_COMMIT_ENV } from '../shared/source-settings';

/** The phases of `buildspec.yml` that take extra commands, by option key. */
export const BUILDSPEC_PHASES = {
  installCommands: 'install',
  preBuildCommands: 'pre_build',
  buildCommands: 'build',
  postBuildCommands: 'post_build',
} as const;

type PhaseKey = keyof typeof BUILDSPEC_PHASES;

/** Validated extra commands, each already quoted as a YAML scalar. */
export type BuildSpecExtras = Record<PhaseKey, string[]>;

/** What the buildspec needs to know of the rest of the repository. */
export interface BuildSpecContext {
  /** The Node.js release of the build. */
  readonly node: NodeRelease;
  /** The folder `cdk synth` writes to (cdk.json's `output`), relative to the repository root. */
  readonly cdkOut: string;
  /** True when `npx projen test` synthesizes the CDK app (the synth gate is on). */
  readonly testSynthesizes: boolean;
}

/** The mutable tag of the last image built, whose inline cache the next build reads. */
export const CACHE_TAG = 'latest';

// One line of shell, without control characters (a line break would end the YAML list item).
const COMMAND = /^[^\u0000-\u001f\u007f]{1,4096}$/;

/**
 * `buildspec.yml`, rendered from a template and managed unless listed in `ownedFiles`. The names
 * of the environment variables it reads come from `BUILD_ENV`, which the pipeline stack sets.
 */
export class BuildSpec extends Component {
  /** Validates `buildspecExtraCommands`. */
  public static validate(extraCommands: unknown): BuildSpecExtras {
    const out: BuildSpecExtras = { installCommands: [], preBuildCommands: [], buildCommands: [], postBuildCommands: [] };
    if (extraCommands === undefined) return out;
    const keys = Object.keys(BUILDSPEC_PHASES);
    if (extraCommands === null || typeof extraCommands !== 'object' || Array.isArray(extraCommands)) {
      throw new InvalidOptionError('buildspecExtraCommands', extraCommands, `an object with lists of commands under ${keys.join(', ')}`);
    }
    for (const [key, commands] of Object.entries(extraCommands as Record<string, unknown>)) {
      if (!keys.includes(key)) {
        throw new InvalidOptionError('buildspecExtraCommands', key, `one of ${keys.join(', ')}`);
      }
      if (commands === undefined) continue;
      const option = `buildspecExtraCommands.${key}`;
      const allowed = 'a list of shell commands, each one line of 1 to 4096 characters';
      if (!Array.isArray(commands)) throw new InvalidOptionError(option, commands, allowed);
      for (const command of commands) {
        if (typeof command !== 'string' || !COMMAND.test(command) || command.trim() === '') {
          throw new InvalidOptionError(option, command, allowed);
        }
        // A JSON string is a valid double-quoted YAML scalar: the command reaches the shell as written.
        out[key as PhaseKey].push(JSON.stringify(command));
      }
    }
    return out;
  }

  constructor(project: Project, settings: ServiceSettings, context: BuildSpecContext, extras: BuildSpecExtras, ownership: FileOwnership,
    renderer = new TemplateRenderer()) {
    super(project);
    const view = {
      ...settings,
      env: BUILD_ENV,
      commitIdEnv: SOURCE_COMMIT_ENV,
      // The shell expansion of the commit ID: a "${" in the template would open a mustache tag.
      commitId: `\${${SOURCE_COMMIT_ENV}:-$CODEBUILD_RESOLVED_SOURCE_VERSION}`,
      nodeRuntime: context.node.codebuildRuntime,
      // Quoted: cdk.json's output folder is the user's to name.
      cdkOutFiles: JSON.stringify(`${context.cdkOut}/**/*`),
      testSynthesizes: context.testSynthesizes,
      cacheTag: CACHE_TAG,
      extra: extras,
    };
    ownership.addTemplateFile('buildspec.yml', (marker) => renderer.render('repo/buildspec.yml', { ...view, marker }));
  }
}
