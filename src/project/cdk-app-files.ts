import * as fs from 'fs';
import * as path from 'path';
import { awscdk, SampleFile } from 'projen';
import { FileOwnership } from './managed-files';
import { TemplateRenderer } from './template-renderer';
import { typescriptLiteral } from './typescript-literal';
import { QualityGatesOptions } from '../gates/quality-gates';
import { ServiceSettings } from '../shared/service-settings';

/** What the CDK app files are rendered from. */
export interface CdkAppFilesOptions {
  /** The npm name of this package, which the app imports. */
  readonly packageName: string;
  /** The validated settings. */
  readonly settings: ServiceSettings;
  /** The options as `.projenrc.ts` gave them: what `src/service-settings.ts` carries. */
  readonly serviceOptions: Record<string, unknown>;
  /** The resolved quality gates. */
  readonly gates: Required<QualityGatesOptions>;
}

/** The name of the stack class that versions before environments built in `src/main.ts`. */
const REPLACED_STACK_CLASS = 'CicdPipelineStack';

/**
 * The CDK app of the repository: the managed `src/service-settings.ts` (the options of
 * `.projenrc.ts`, for the app), and the user's `src/main.ts` and `test/main.test.ts`, written once.
 * `npx projen deploy` deploys the pipeline stack only: the pipeline deploys the environments.
 */
export class CdkAppFiles {
  /**
   * Stops with instructions when the user's app still builds the stack that this version replaced:
   * its type-check would fail with a less helpful message.
   */
  public static checkEntryPoints(outdir: string, files: string[]): void {
    const stale = files.filter((file) => {
      const full = path.join(outdir, file);
      return fs.existsSync(full) && fs.readFileSync(full, 'utf-8').includes(REPLACED_STACK_CLASS);
    });
    if (stale.length === 0) return;
    throw new Error([
      `${stale.join(' and ')} still ${stale.length > 1 ? 'build' : 'builds'} ${REPLACED_STACK_CLASS}, which this version of cicd-service-template`,
      'replaced with CicdService: a pipeline stack that delivers every change, and one stack per environment (staging, then',
      'production after an approval, unless `environments` in .projenrc.ts says otherwise).',
      `To upgrade: move ${stale.join(' and ')} aside, run \`npx projen\` to write the new ${stale.length > 1 ? 'ones' : 'one'}, and carry your own`,
      'additions over (CHANGELOG.md, "Upgrading to environments", lists the steps, including the one `npx projen deploy` after the upgrade).',
    ].join('\n'));
  }

  constructor(project: awscdk.AwsCdkTypeScriptApp, ownership: FileOwnership, renderer: TemplateRenderer, options: CdkAppFilesOptions) {
    const view = {
      ...options.settings,
      packageName: options.packageName,
      gates: options.gates,
      serviceSettingsLiteral: typescriptLiteral(options.serviceOptions),
    };

    // Managed unless owned: the app's settings follow the options in .projenrc.ts on every synth.
    ownership.addTemplateFile(path.posix.join(project.srcdir, 'service-settings.ts'),
      (marker) => `${marker ? `// ${marker}\n` : ''}${renderer.render('app/service-settings.ts', view)}`);

    // User-owned: the CDK entrypoint is the user's to extend with more stacks or constructs.
    const main = path.posix.join(project.srcdir, project.appEntrypoint);
    const test = path.posix.join(project.testdir, 'main.test.ts');
    new SampleFile(project, main, { contents: renderer.render('app/main.ts', view) });
    new SampleFile(project, test, { contents: renderer.render('app/main.test.ts', view) });
    ownership.addUserFile('.projenrc.ts', 'The options of this repository');
    ownership.addUserFile(main, 'The CDK app: add stacks or constructs here');
    ownership.addUserFile(test, 'Tests of the CDK app');

    // The environments' stacks are the pipeline's to deploy; `cdk destroy --all` removes them all.
    const pipelineStack = options.settings.pipelineStackName;
    project.tasks.tryFind('deploy')?.reset(`cdk deploy ${pipelineStack}`, { receiveArgs: true });
    const deploy = project.tasks.tryFind('deploy');
    if (deploy) deploy.description = `Deploys the pipeline stack (${pipelineStack}); the pipeline deploys every environment`;
    project.tasks.tryFind('destroy')?.reset('cdk destroy --all', { receiveArgs: true });
  }
}
