import * as path from 'path';
import { awscdk, Component, javascript } from 'projen';
import { ESLINT_CACHE_DIR, TSC_BUILD_INFO } from '../cli/check-cache';
import { editCommandSteps } from '../shared/task-steps';

/** Runs TypeScript by transpiling each file with esbuild on load; it never type-checks. */
const TSX = 'tsx@^4';
/** Jest transform that transpiles with swc (and hoists `jest.mock` calls like ts-jest does). */
const SWC_JEST = '@swc/jest@^0.2';
/** The swc compiler that `@swc/jest` loads; a native addon, so it runs in the Jest process. */
const SWC_CORE = '@swc/core@^1';
/** ESLint's cache: keyed on file content, so a checkout that only touches mtimes keeps it. */
export const ESLINT_CACHE_ARGS = ['--cache', '--cache-strategy', 'content', '--cache-location', ESLINT_CACHE_DIR];
/** The command of this package that forgets and dates the type-check record (src/cli/check-cache.ts). */
const CHECK_CACHE_COMMAND = 'cicd-service-check-cache';
/** The test files Jest transforms. */
const TS_FILES = '^.+\\.ts$';

/**
 * Options of `FastToolchain`.
 */
export interface FastToolchainOptions {
  /**
   * Point `app` in cdk.json at tsx. Off when the project was given its own `app` command.
   *
   * @default true
   */
  readonly cdkApp?: boolean;

  /**
   * Drop projen's `npx projen bundle` from cdk.json while nothing is bundled. Off when the project
   * was given its own `buildCommand`.
   *
   * @default true
   */
  readonly cdkBuildCommand?: boolean;
}

/**
 * The toolchain of a generated repository: transpile-only execution everywhere code runs, and one
 * type-check (`tsc --build`, no output) over the sources, the tests and .projenrc.ts in the `compile` task.
 *
 * projen's TypeScript CDK app type-checks separately in every tool (ts-node for `.projenrc.ts`,
 * ts-node again for `cdk synth`, ts-jest for the tests), and each of them loads the declarations
 * of aws-cdk-lib and projen on its own. Here:
 *
 * - `.projenrc.ts` and the CDK app run with `node --import tsx` (esbuild, per file, no checking);
 * - Jest transpiles with `@swc/jest` instead of ts-jest;
 * - `compile` type-checks everything once, so `npx projen build` still fails on a type error,
 *   and ESLint's typed rules share one TypeScript program instead of one per tsconfig;
 * - ESLint keeps a cache of the files that passed, in node_modules;
 * - `build` synthesizes the app once (see `RepositoryGates`);
 * - ts-node and ts-jest are no longer installed, which pays for tsx and swc at `projen new`;
 * - tasks find `node_modules/.bin` without starting `npx` for every task.
 */
export class FastToolchain extends Component {
  /** The command that `cdk synth` runs, or `undefined` when the project keeps its own. */
  public readonly cdkAppCommand?: string;
  /** The command that runs `.projenrc.ts`. */
  public readonly projenrcCommand: string;
  /** The command of the `compile` task that type-checks the repository. */
  public readonly typeCheckCommand: string;

  private readonly app: awscdk.AwsCdkTypeScriptApp;
  private readonly dropIdleBundle: boolean;

  constructor(project: awscdk.AwsCdkTypeScriptApp, options: FastToolchainOptions = {}) {
    super(project);

    project.deps.removeDependency('ts-node');
    project.deps.removeDependency('ts-jest');
    project.addDevDeps(TSX, SWC_JEST, SWC_CORE);

    // `node --import tsx` rather than projen's tsx runner, which wraps the command in
    // `npx -y -p tsx -c ...` and so starts npm before every synth.
    this.projenrcCommand = 'node --import tsx .projenrc.ts';
    project.defaultTask?.reset(this.projenrcCommand);

    this.app = project;
    this.dropIdleBundle = options.cdkBuildCommand ?? true;

    if (options.cdkApp ?? true) {
      this.cdkAppCommand = `node --import tsx ${path.posix.join(project.srcdir, project.appEntrypoint)}`;
      project.cdkConfig.json.addOverride('app', this.cdkAppCommand);
    }

    if (project.jest) {
      project.jest.config.transform = {
        [TS_FILES]: new javascript.Transform('@swc/jest', {
          jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
          module: { type: 'commonjs' },
          sourceMaps: 'inline',
        }),
      };
    }

    // The dev tsconfig lives in the test folder and only includes the tests; sources that no
    // test imports, and .projenrc.ts (no longer checked by ts-node at every synth), join it so
    // one program checks the whole repository.
    const devDir = path.posix.dirname(project.tsconfigDev.fileName);
    const fromDev = (p: string) => path.posix.relative(devDir, p) || '.';
    project.tsconfigDev.addInclude(`${fromDev(project.srcdir)}/**/*.ts`);
    project.tsconfigDev.addInclude(fromDev('.projenrc.ts'));
    project.tsconfigDev.addInclude(`${fromDev('projenrc')}/**/*.ts`);
    // The declarations of aws-cdk-lib, projen and jest are checked by their authors; checking
    // them again is most of tsc's time. The repository's own code is checked in full.
    project.tsconfig?.file.addOverride('compilerOptions.skipLibCheck', true);
    // Build mode skips the check when no source, test or tsconfig changed since the last clean
    // one (its record lives in node_modules/.cache); any change checks the whole program again.
    // It does not look at node_modules, so the first step forgets the record (and ESLint's
    // cache) whenever npm has installed something since.
    project.tsconfigDev.file.addOverride('compilerOptions.incremental', true);
    project.tsconfigDev.file.addOverride('compilerOptions.tsBuildInfoFile', fromDev(TSC_BUILD_INFO));
    this.typeCheckCommand = `tsc --build ${project.tsconfigDev.fileName}`;
    project.compileTask.reset(`${CHECK_CACHE_COMMAND} prepare`, { name: 'Forget cached checks when dependencies changed' });
    project.compileTask.exec(this.typeCheckCommand, { name: 'Type-check sources, tests and .projenrc.ts' });
    // tsc does not rewrite the record of a check that found nothing new (see recordCheck).
    project.compileTask.exec(`${CHECK_CACHE_COMMAND} record`, { name: 'Date the clean check at its start' });

    // Typed lint rules need a TypeScript program. projen's project service opens one per tsconfig
    // (sources, tests, .projenrc.ts), parsing the declarations of aws-cdk-lib each time; the dev
    // tsconfig above covers all of them, so one program serves every file.
    const eslintrc = project.tryFindObjectFile('.eslintrc.json');
    if (project.eslint && eslintrc) {
      eslintrc.addDeletionOverride('parserOptions.projectService');
      eslintrc.addOverride('parserOptions.project', `./${project.tsconfigDev.fileName}`);
    }
    if (project.eslint) {
      // ESLint skips files whose content and configuration have not changed since they last
      // passed. The cache lives in node_modules, so a fresh clone (the pipeline's build) lints
      // every file, and `compile` drops it whenever npm has installed something since.
      editCommandSteps(project.eslint.eslintTask, 'eslint', (step) => ({ ...step, args: [...(step.args ?? []), ...ESLINT_CACHE_ARGS] }));
    }

    // Every task (each spawned one too: eight in `npx projen test`) evaluates the environment of
    // the manifest. projen's default PATH, `$(npx -c "node --print process.env.PATH")`, starts npx
    // each time: `npx projen test` took 94 s with it and 56 s with this line (medians of 5
    // alternating runs on a loaded 2-core machine). `echo` is a built-in of projen's task shell
    // (no process), which runs in the project root. Without any PATH entry the tasks would rely on
    // `npx projen` putting node_modules/.bin on PATH, and `projen new` (whose projen is not the
    // project's) fails in its first ESLint run: "eslint: command not found".
    project.tasks.addEnvironment('PATH', '$(echo "$PWD/node_modules/.bin:$PATH")');
  }

  /**
   * `cdk synth` runs the `build` command of cdk.json first: projen's `bundle` task, which bundles
   * the Lambda functions added with projen's bundler. With none, it only costs a start of npx and
   * projen (about a second) on every synth, deploy and diff; it comes back with the first bundle.
   */
  public preSynthesize(): void {
    const bundle = this.app.bundler.bundleTask;
    if (this.dropIdleBundle && (bundle.steps ?? []).length === 0) {
      this.app.cdkConfig.json.addDeletionOverride('build');
    }
  }
}
