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
  // The one dependency here with an install script (Jest's file watcher, which builds from source
  // only when asked to): listed, npm 11.19 runs it without a warning after every install.
  allowScripts: ['@parcel/watcher'],
  projenrcTs: true,
  jsiiVersion: '~6.0.0',
  minNodeVersion: '20.0.0',

  // The repository is built by `.ci/run`, not by GitHub Actions.
  github: false,

  // One dev tsconfig at the top level covers src/, test/ and .projenrc.ts.
  tsconfigDevFile: 'tsconfig.dev.json',

  // aws-cdk-lib 2.257 or later: CicdPipelineStack records its cdk-nag acknowledgments with Validations.
  peerDeps: ['projen@^0.103.25', 'constructs@^10.5.0', 'aws-cdk-lib@^2.257.0'],
  // Tests run against the current releases (cdk-nag needs a recent aws-cdk-lib).
  peerDependencyOptions: { pinnedDevDependency: false },
  // dockerfile-utils, ajv and yaml: the `cicd-service-gates` command that generated repositories run in their tests.
  // fastest-levenshtein: the closest valid name in the error for a misspelled option.
  // Each bundled file is extracted (and scanned) on every install of the package, `projen new --from` included:
  // keep the list short. (`cicd-service-parallel` runs its commands with child_process, not with concurrently,
  // which with what it needs was 2,583 of the package's 3,728 files, 2,277 of them rxjs's: 8 s more for npm to
  // resolve the package, and about 20 s more for `projen new --from`.)
  // semver: the project type raises a cdkVersion below what the pipeline stack needs.
  bundledDeps: ['mustache', 'dockerfile-utils@^0.16.0', 'ajv@^8.17.1', 'yaml@^2.8.1', 'fastest-levenshtein@^1.0.16', 'semver@^7.7.0'],
  // cicd-service-check-managed: generated repositories run it as `npx projen check:managed`.
  // cicd-service-gates: their quality gates (Dockerfile lint, buildspec schema check).
  // cicd-service-parallel: their test task, which runs the unit tests and the gates at the same time.
  // cicd-service-check-cache: their compile task, around the incremental type-check.
  // cicd-service-prune-outputs: their service:test task, before the service is compiled.
  // cicd-service-upgrade: their scheduled template upgrade build, which opens the upgrade's pull request.
  bin: {
    'cicd-service-check-managed': 'lib/cli/check-managed.js',
    'cicd-service-gates': 'lib/gates/cli.js',
    'cicd-service-parallel': 'lib/cli/parallel.js',
    'cicd-service-check-cache': 'lib/cli/check-cache.js',
    'cicd-service-prune-outputs': 'lib/cli/prune-outputs.js',
    'cicd-service-upgrade': 'lib/cli/upgrade.js',
  },
  // @cdklabs/cdk-validator-cfnguard: the plugin of the Control Tower gate, which generated repositories install
  // at the exact version of CFN_GUARD_VALIDATOR_VERSION (src/gates/control-tower.ts); here for the tests.
  devDeps: ['@types/mustache', 'constructs@^10.5.0', 'aws-cdk-lib@^2.257.0', 'projen@^0.103.25', 'cdk-nag@^3.0.2', '@types/semver', 'fast-check@^4.3.0', '@cdklabs/cdk-validator-cfnguard@0.0.62'],

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
      // The image test builds a container image with buildah; it runs from `test:image`.
      // The polyglot consumers build the Python and Java packages; they run from `test:polyglot`.
      // The property tests (hundreds of generated repositories), the configuration matrix (nine
      // stacks through cfn-lint and cdk-nag) and the compliance figures (the matrix through the
      // Control Tower rules and checkov) run from `test:quality`.
      testPathIgnorePatterns: [
        '/node_modules/', '<rootDir>/test/e2e/', '<rootDir>/test/image/', '<rootDir>/test/polyglot/',
        '<rootDir>/test/quality/properties.test.ts', '<rootDir>/test/quality/matrix.test.ts',
        '<rootDir>/test/quality/compliance.test.ts',
      ],
      // Istanbul instruments only the files ts-jest compiles (src/ and test/); V8's coverage slows
      // every function the tests run, aws-cdk-lib's included, and doubled the time of the suite.
      coverageProvider: 'babel',
      // Jest's default is one worker per core minus one: a single worker on two cores. The tests
      // spend their time in their own synths, so a worker per core pays.
      maxWorkers: '100%',
      // A test run works in its own temporary folder, deleted at its end (test/setup/tmpdir-*.ts).
      globalSetup: '<rootDir>/test/setup/tmpdir-setup.ts',
      globalTeardown: '<rootDir>/test/setup/tmpdir-teardown.ts',
    },
  },
  // .venv: the Python tools the tests run (cfn-lint), installed by scripts/setup.sh.
  // .demo: the repository scripts/demo.sh generates. It is a dot-folder because jsii-docgen reads
  // every .jsii below the project except in dot-folders, and the demo installs this package.
  gitignore: ['/.demo/', '/.tmp/', '/.venv/'],

  // tsconfig.dev.json covers src/, test/, bench/ and .projenrc.ts: ESLint's typed rules use that one
  // program instead of looking for a tsconfig.json next to each file (which finds only src/).
  eslintOptions: { dirs: ['src'], tsconfigPath: './tsconfig.dev.json', projectService: false },
});

// TypeScript's `**` skips dot-files: the dev tsconfig names .projenrc.ts itself.
project.tsconfigDev.addInclude('.projenrc.ts');

// Templates are read at run time from the installed package; nothing else of the repository is shipped.
project.npmignore?.include('/templates/', '/schemas/');
project.npmignore?.exclude('/.demo/', '/.tmp/', '/scripts/', '/bench/', '/.ci/', '/.venv/', '/test-reports/', '/API.md', '*.tgz');

// Lambda handlers are plain JavaScript files shipped as assets: tsc does not copy them into lib/.
project.compileTask.exec('mkdir -p lib/pipeline/handlers && cp src/pipeline/handlers/*.js lib/pipeline/handlers/');

const e2e = project.addTask('test:e2e', {
  description: 'Packs the package and generates, builds and checks a service repository from the tarball',
  exec: 'jest --passWithNoTests=false --testPathIgnorePatterns=/node_modules/ --runInBand test/e2e',
});
e2e.env('CICD_TEMPLATE_E2E', '1');

project.addTask('test:image', {
  description: 'Builds the generated Dockerfile with buildah on a local base image, runs the service and checks the layer cache',
  exec: 'jest --passWithNoTests=false --testPathIgnorePatterns=/node_modules/ --runInBand --coverage=false test/image',
});

// The Maven mirror this repository is built with serves io.github.cdklabs:projen only at 0.54.11
// (Maven Central itself has current versions), so the Java package is built against a binding
// made from the installed npm package, kept in a Maven local repository under .tmp/.
const packageJava = project.tasks.tryFind('package:java')!;
packageJava.reset('bash scripts/java-deps.sh');
packageJava.exec('jsii-pacmak -v --target java --maven-local-repository .tmp/m2');

project.addTask('test:polyglot', {
  description: 'Packs the Python and Java packages and checks the README snippets in real Python and Java consumers against TypeScript',
  exec: 'bash scripts/polyglot.sh',
});
// The TypeScript consumer is compiled in its own npm project against the packed tarball.
project.eslint?.addIgnorePattern('test/polyglot/consumers/');
project.tsconfigDev.addExclude('test/polyglot/consumers');

// Every task evaluates this; projen's default starts `npx -c "node --print process.env.PATH"` for
// each task, while `echo` is a built-in of projen's task shell, which runs in the root (figures in
// src/project/fast-toolchain.ts).
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

// Template size and synth time of each deployment strategy (bench/strategies.ts), in-process.
project.addTask('bench:strategies', {
  description: 'Resources and synth time of each deployment strategy against the rolling update (bench/strategies.ts)',
  exec: 'ts-node --transpile-only --project tsconfig.dev.json bench/strategies.ts',
  receiveArgs: true,
});

project.addTask('test:quality', {
  description: 'The configuration matrix, the property-based tests and the compliance figures: option sets give a clean repository and stack, or are rejected by name',
  exec: 'jest --passWithNoTests=false --testPathIgnorePatterns=/node_modules/ --coverage=false test/quality/matrix.test.ts test/quality/properties.test.ts test/quality/compliance.test.ts',
});

project.synth();
