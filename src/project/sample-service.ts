import * as fs from 'fs';
import * as path from 'path';
import { Component, SampleDir, Task } from 'projen';
import { TypeScriptProject } from 'projen/lib/typescript';
import { FileOwnership } from './managed-files';
import { TemplateRenderer } from './template-renderer';
import { NodeRelease } from '../shared/node-versions';
import { ServiceSettings } from '../shared/service-settings';

/** Folder of the service in the generated repository. */
export const SERVICE_DIR = 'service';

/** The command of this package that deletes stale compiled files (src/cli/prune-outputs.ts). */
const PRUNE_OUTPUTS_COMMAND = 'cicd-service-prune-outputs';

/** Where the service's JUnit report goes, next to the CDK tests' report. */
export const SERVICE_JUNIT_REPORT = 'test-reports/service-junit.xml';

/**
 * The sample HTTP service in `service/`: sources, tests, its own `package.json` and lockfile, and
 * the `service:test` task that the repository's `test` task runs.
 */
export class SampleService extends Component {
  /** The task that compiles the service and runs its tests. */
  public readonly testTask: Task;

  /**
   * @param node the Node.js release the service runs on: its package.json's `engines` and
   * `@types/node` follow it
   */
  constructor(project: TypeScriptProject, settings: ServiceSettings, node: NodeRelease, ownership: FileOwnership, renderer = new TemplateRenderer()) {
    super(project);

    const view = { ...settings, node };
    const templateDir = path.join(TemplateRenderer.templatesDir(), SERVICE_DIR);
    const files: Record<string, string> = {};
    for (const name of listTemplates(templateDir)) {
      files[name] = renderer.render(path.posix.join(SERVICE_DIR, name), view);
    }
    // User-owned: the service is the user's code. SampleDir writes it only while service/ does not
    // exist, so a file the user deleted or renamed does not come back.
    new SampleDir(project, SERVICE_DIR, { files });
    ownership.addUserFile(`${SERVICE_DIR}/`, 'The HTTP service, its tests, package.json and lockfile');

    // The service is compiled and tested on its own: keep the root's tooling out of it.
    project.gitignore.exclude(`/${SERVICE_DIR}/dist/`, `/${SERVICE_DIR}/node_modules/`);
    project.jest?.addIgnorePattern(`<rootDir>/${SERVICE_DIR}/`);
    // The service's package.json may carry the same name as the root one: hide it from jest's module map.
    project.package.file.addOverride('jest.modulePathIgnorePatterns', [`<rootDir>/${SERVICE_DIR}/`]);

    // The root's typescript and @types/node compile the service (module resolution walks up from
    // service/), so `npx projen build` needs no second npm install. The Docker build uses the
    // service's own lockfile. `tsc --build` compiles only when a source or the tsconfig is newer
    // than its output; the first step deletes compiled files whose source is gone, so that a
    // deleted test does not keep running from dist/.
    this.testTask = project.addTask('service:test', {
      description: `Compiles the service in ${SERVICE_DIR}/ and runs its tests (JUnit report in ${SERVICE_JUNIT_REPORT})`,
      steps: [
        { exec: `${PRUNE_OUTPUTS_COMMAND} ${SERVICE_DIR}/dist ${SERVICE_DIR}`, name: 'Delete compiled files whose source is gone' },
        // node --test does not create the folder of its report.
        { exec: `mkdir -p ${path.posix.dirname(SERVICE_JUNIT_REPORT)}` },
        { exec: `tsc --build ${SERVICE_DIR}/tsconfig.json` },
        {
          exec: [
            'node --test',
            '--test-reporter=spec --test-reporter-destination=stdout',
            `--test-reporter=junit --test-reporter-destination=${SERVICE_JUNIT_REPORT}`,
            `${SERVICE_DIR}/dist/test/`,
          ].join(' '),
        },
      ],
    });
    project.testTask.spawn(this.testTask);
  }
}

/** The template files under `dir`, as paths relative to it without the `.mustache` suffix. */
function listTemplates(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...listTemplates(dir, rel));
    else if (entry.name.endsWith('.mustache')) out.push(rel.slice(0, -'.mustache'.length));
  }
  return out.sort();
}
