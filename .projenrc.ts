import { cdk, javascript } from 'projen';

const project = new cdk.JsiiProject({
  name: 'cicd-service-template',
  description:
    'A projen project type that generates a containerized service on AWS with a complete, least-privilege CodeCommit -> CodeBuild -> ECR -> ECS Fargate pipeline, kept in sync on upgrade.',
  keywords: ['projen', 'projen-project-type', 'aws-cdk', 'ecs', 'fargate', 'codepipeline', 'codebuild', 'cicd'],
  author: 'cicd-service-template maintainers',
  authorAddress: 'maintainers@cicd-service-template.dev',
  repositoryUrl: 'https://github.com/cicd-service-template/cicd-service-template.git',
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  jsiiVersion: '~6.0.0',
  minNodeVersion: '20.0.0',

  // The repository is built by `.ci/run`, not by GitHub Actions.
  github: false,

  // One dev tsconfig at the top level covers src/, test/ and .projenrc.ts.
  tsconfigDevFile: 'tsconfig.dev.json',

  peerDeps: ['projen@^0.103.25', 'constructs@^10.5.0', 'aws-cdk-lib@^2.189.1'],
  // Tests run against the current releases (cdk-nag needs a recent aws-cdk-lib).
  peerDependencyOptions: { pinnedDevDependency: false },
  bundledDeps: ['mustache'],
  devDeps: ['@types/mustache', 'constructs@^10.5.0', 'aws-cdk-lib@^2.257.0', 'projen@^0.103.25'],

  publishToPypi: {
    distName: 'cicd-service-template',
    module: 'cicd_service_template',
  },
  publishToMaven: {
    javaPackage: 'dev.cicdservicetemplate',
    mavenGroupId: 'dev.cicd-service-template',
    mavenArtifactId: 'cicd-service-template',
  },

  jestOptions: {
    jestConfig: {
      // The end-to-end tests pack the package and run `projen new`; they run from `test:e2e`.
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/'],
    },
  },
  gitignore: ['/demo/', '/.tmp/'],

  // tsconfig.dev.json covers src/, test/, bench/ and .projenrc.ts: ESLint's typed rules use that one
  // program instead of looking for a tsconfig.json next to each file (which finds only src/).
  eslintOptions: { dirs: ['src'], tsconfigPath: './tsconfig.dev.json', projectService: false },
});

// Templates are read at run time from the installed package.
project.npmignore?.include('/templates/');

const e2e = project.addTask('test:e2e', {
  description: 'Packs the package and generates, builds and checks a service repository from the tarball',
  exec: 'jest --passWithNoTests=false --testPathIgnorePatterns=/node_modules/ --runInBand test/e2e',
});
e2e.env('CICD_TEMPLATE_E2E', '1');

// Every task evaluates this; projen's default starts `npx -c "node --print process.env.PATH"` (about
// a second per task), while `echo` is a built-in of projen's task shell, which sets $PWD to the root.
project.tasks.addEnvironment('PATH', '$(echo "$PWD/node_modules/.bin:$PATH")');

// Side-by-side benchmark of a generated repository against projen's stock awscdk-app-ts; not part
// of the build (it packs the package and runs `projen new` many times). `--runs 1 --only resynth`
// is a quick smoke run.
project.addTask('bench', {
  description: 'Benchmarks a generated repository against the stock awscdk-app-ts (bench/run.ts)',
  exec: 'ts-node --transpile-only --project tsconfig.dev.json bench/run.ts',
  receiveArgs: true,
});
project.eslint?.addLintPattern('bench');
// TypeScript's `**` skips dot-files.
project.tsconfigDev.addInclude('.projenrc.ts');
project.npmignore?.exclude('/bench/');

project.synth();
