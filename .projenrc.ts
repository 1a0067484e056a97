// The one source of every generated configuration file in this repository.
// Change this file, run `npx projen`, and commit both this file and what it generates.
import { readFileSync } from 'node:fs';
import { Component, JsonFile, TextFile, javascript, typescript } from 'projen';

const SCOPE = '@tenant-waves';
const TYPESCRIPT = '5.9.3';
// Users run Node 22 LTS (Lambda nodejs22.x); this workplace's machines still run Node 20,
// so everything must also build and test there. See the README's Requirements.
const MIN_NODE = '20.0.0';
const BUNDLE_NODE_TARGET = 'node22';
const CLI_NODE_TARGET = 'node20';

const root = new typescript.TypeScriptProject({
  name: 'tenant-waves',
  description:
    'Provision SaaS tenants from tier-parameterised templates and roll releases out across them in waves.',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  typescriptVersion: TYPESCRIPT,
  minNodeVersion: MIN_NODE,
  license: 'MIT-0',
  copyrightOwner: 'The tenant-waves authors',
  github: false,
  buildWorkflow: false,
  release: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  package: false,
  sampleCode: false,
  jest: false,
  disableTsconfig: true,
  tsconfigDev: {
    include: ['.projenrc.ts', 'bench/**/*.ts'],
    compilerOptions: { target: 'ES2022', lib: ['ES2022'] },
  },
  eslintOptions: { dirs: [], devdirs: ['bench'], commandOptions: { fix: false } },
  devDeps: ['nx@^24', '@types/node@^22'],
  gitignore: ['/.nx/', '/.tenants/'],
});

// Root tasks delegate to Nx, which runs each package's target of the same name in
// dependency order and caches the results. projen's own `build` (synth, compile, test)
// stays as projen defines it; its compile and test steps are Nx runs.
function rootTask(name: string, description: string, command: string) {
  const task = root.tasks.tryFind(name) ?? root.addTask(name);
  task.reset(command);
  task.description = description;
  return task;
}
rootTask('compile', 'Build every package (tsc), dependencies first', 'nx run-many -t build');
rootTask('test', 'Type-check and test every package', 'nx run-many -t build test');
rootTask('bundle', 'esbuild bundles of every package that has one', 'nx run-many -t bundle');
rootTask('affected', 'Build and test only what changed (nx affected)', 'nx affected -t build test');
rootTask('lint', 'Lint every package and the root scripts', 'nx run-many -t lint');
root.addTask('check:templates', {
  description: 'A template schema may only change incompatibly with a new major version',
  exec: 'node packages/control-plane/lib/bin/check-template-versions.js',
});
root.addTask('release:templates', {
  description: 'Bump template versions from conventional commits (nx release version; --dry-run to preview)',
  exec: 'nx release version',
  receiveArgs: true,
});
root.tasks.tryFind('lint')!.spawn(root.tasks.tryFind('eslint')!);
root.tasks.tryFind('watch')?.reset('nx watch --all -- nx run \\$NX_PROJECT_NAME:build');
// The root is not an Nx project: only the eight packages are.
new TextFile(root, '.nxignore', {
  lines: ['# The root package.json is the workspace, not a project.', '/package.json'],
});

// ---------------------------------------------------------------------------------------
// Workspace packages

/**
 * A package's version is its package.json's: release automation (nx release) bumps it there,
 * and projen keeps whatever it finds. `version` in PackageOptions is only the first one.
 */
function currentVersion(dir: string): string | undefined {
  try {
    return JSON.parse(readFileSync(`packages/${dir}/package.json`, 'utf8')).version;
  } catch {
    return undefined;
  }
}

/**
 * The range a package declares on a workspace package: ^<major>.0.0 (^0.<minor>.0 before 1.0),
 * so a compatible release leaves dependents' package.json alone and a breaking one changes
 * it. tools/release/package-json-version-actions.js writes the same form.
 */
function workspaceRange(version: string): string {
  const [major, minor] = version.split('.');
  return major === '0' ? `^0.${minor}.0` : `^${major}.0.0`;
}

interface PackageOptions {
  /** Folder under packages/ and the package name under the scope. */
  readonly dir: string;
  readonly description: string;
  readonly version: string;
  readonly deps?: string[];
  readonly devDeps?: string[];
  /** Workspace packages this one depends on at runtime. */
  readonly uses?: typescript.TypeScriptProject[];
  readonly bin?: Record<string, string>;
  /** Jest test timeout in ms (CDK synthesis is slow). */
  readonly testTimeout?: number;
  /** What this package's tests need besides its dependencies' builds (Nx dependsOn). */
  readonly testDependsOn?: string[];
  /** esbuild bundles (the package's `bundle` target), each written to dist/<entry name>/. */
  readonly bundles?: { entry: string; options: javascript.AddBundleOptions }[];
  /** A template package: `bundle` writes its Proton-layout bundle; the value is the template's name. */
  readonly protonBundle?: string;
}

function workspacePackage(options: PackageOptions): typescript.TypeScriptProject {
  const project = new typescript.TypeScriptProject({
    parent: root,
    outdir: `packages/${options.dir}`,
    name: `${SCOPE}/${options.dir}`,
    description: options.description,
    defaultReleaseBranch: 'main',
    packageManager: javascript.NodePackageManager.NPM,
    typescriptVersion: TYPESCRIPT,
    minNodeVersion: MIN_NODE,
    license: 'MIT-0',
    copyrightOwner: 'The tenant-waves authors',
    github: false,
    release: false,
    depsUpgrade: false,
    package: false,
    sampleCode: false,
    licensed: true,
    bin: options.bin,
    deps: options.deps,
    devDeps: ['@types/node@^22', 'esbuild@^0.28', ...(options.devDeps ?? [])],
    tsconfig: {
      compilerOptions: {
        target: 'ES2022',
        lib: ['ES2022'],
        module: 'commonjs',
        skipLibCheck: true,
        isolatedModules: true,
        resolveJsonModule: true,
      },
    },
    jestOptions: {
      jestVersion: '^30',
      updateSnapshot: javascript.UpdateSnapshot.NEVER,
      junitReporting: false,
      jestConfig: {
        collectCoverage: false,
        testTimeout: options.testTimeout ?? 30_000,
      },
    },
    eslintOptions: { dirs: ['src'], devdirs: ['test'], commandOptions: { fix: false } },
    bundlerOptions: { assetsDir: 'dist', runBundleTask: javascript.RunBundleTask.MANUAL },
  });
  project.package.addVersion(currentVersion(options.dir) ?? options.version);
  // Tests live in test/ and end in .test.ts (projen's default would also take src/spec.ts).
  project.package.file.addOverride('jest.testMatch', ['<rootDir>/test/**/*.test.ts']);
  project.package.addField('types', 'lib/index.d.ts');
  // `source` lets esbuild bundle a workspace dependency straight from its TypeScript,
  // so bundles never wait on (or go stale against) a dependency's compiled output.
  project.package.addField('exports', {
    '.': { source: './src/index.ts', types: './lib/index.d.ts', default: './lib/index.js' },
    './package.json': './package.json',
  });
  for (const used of options.uses ?? []) {
    project.addDeps(`${used.package.packageName}@${workspaceRange(used.package.manifest.version)}`);
  }

  // npm workspaces: a package's dependencies are installed by the root's npm, never on their
  // own (no nested lockfile or node_modules); see WorkspaceInstall below.
  project.tasks.tryFind('install')?.reset();
  project.tasks.tryFind('install:ci')?.reset();

  // Nx targets, each a projen task of this package: build (tsc only), test (jest only),
  // lint (eslint), bundle (esbuild). projen's `build` (compile + test + package) is not an
  // Nx target, so Nx can cache and order each step on its own.
  // The JSON report is what .ci/run counts; it is an Nx output, so a cached test run
  // restores it and is still counted.
  project.testTask.reset('mkdir -p test-reports');
  project.testTask.exec('jest --ci --json --outputFile=test-reports/jest.json');
  project.gitignore.exclude('/test-reports/');
  const target = (task: string, extra: Record<string, unknown> = {}) => ({
    executor: 'nx:run-commands',
    options: { command: `projen ${task}`, cwd: '{projectRoot}' },
    ...extra,
  });
  project.package.addField('nx', {
    includedScripts: [],
    targets: {
      build: target('compile'),
      test: target('test', options.testDependsOn ? { dependsOn: ['^build', ...options.testDependsOn] } : {}),
      lint: target('eslint'),
      ...(options.bundles?.length ? { bundle: target('bundle') } : {}),
      // The Proton bundle is written by the control plane (which renders every template),
      // from the compiled packages.
      ...(options.protonBundle
        ? {
          bundle: target('bundle', {
            dependsOn: ['build', { projects: ['@tenant-waves/control-plane'], target: 'build' }],
            inputs: ['production', { dependentTasksOutputFiles: '**/*.js', transitive: true }],
            outputs: ['{projectRoot}/dist/proton'],
          }),
        }
        : {}),
    },
  });
  if (options.protonBundle) {
    (project.tasks.tryFind('bundle') ?? project.addTask('bundle')).exec(
      `node ../control-plane/lib/bin/proton-bundle.js ${options.protonBundle} dist/proton`,
      { name: 'Proton-layout template bundle: dist/proton/v<major>/…' },
    );
  }
  for (const bundle of options.bundles ?? []) {
    // `source` lets esbuild bundle workspace dependencies straight from their TypeScript.
    project.bundler.addBundle(bundle.entry, {
      ...bundle.options,
      esbuildArgs: { '--conditions': 'source', ...bundle.options.esbuildArgs },
    });
  }
  return project;
}

/**
 * A template package: a CDK construct, its render function, its Proton-format schema and
 * tier profiles. Its `bundle` target writes the Proton-layout bundle under dist/proton/ from
 * the compiled code, so it runs after the package's own build.
 */
function templatePackage(dir: string, template: string, description: string) {
  const project = workspacePackage({
    dir,
    description,
    version: '1.0.0',
    deps: ['aws-cdk-lib@^2.260.0', 'constructs@^10.5.1'],
    // Suppressions use CDK's own Validations.of().acknowledge(); cdk-nag runs in the tests.
    devDeps: ['cdk-nag@^3', 'yaml@^2.8.0'],
    testTimeout: 180_000,
    protonBundle: template,
  });
  return project;
}

const envTemplate = templatePackage(
  'env-template',
  'env-template',
  'Tenant environment template: VPC, ECS cluster, Cloud Map namespace and tenant bucket, as a CDK construct and a Proton-format bundle.',
);
const fargateTemplate = templatePackage(
  'fargate-service-template',
  'fargate-service',
  'Containerised service instance template: an ECS Fargate service in a tenant environment.',
);
const serverlessTemplate = templatePackage(
  'serverless-service-template',
  'serverless-service',
  'Serverless service instance template: API Gateway in front of a Lambda function in a tenant environment.',
);

const controlPlane = workspacePackage({
  dir: 'control-plane',
  description:
    'The domain: tenants, tiers, environments, services, instances, rollouts; Proton-format spec parsing and schema validation; registry stores and providers.',
  version: '0.1.0',
  // better-sqlite3 12: version 13 needs Node 22 and crashes on Node 20.
  // AWS SDK clients: each at its own latest 3.x (they are not all published at one version).
  deps: ['yaml@^2.8.0', 'better-sqlite3@^12', '@aws-sdk/client-dynamodb@^3', '@aws-sdk/client-cloudformation@^3', '@aws-sdk/client-sts@^3',
    '@aws-sdk/client-proton@^3'],
  // dynalite: DynamoDB in Node, so the DynamoDB store runs the same contract tests as SQLite.
  devDeps: ['@types/better-sqlite3@^7', 'dynalite@^4', 'aws-sdk-client-mock@^4'],
  uses: [envTemplate, fargateTemplate, serverlessTemplate],
  testTimeout: 120_000,
});

const waveOrchestrator = workspacePackage({
  dir: 'wave-orchestrator',
  description:
    'The wave rollout state machine (CDK construct), its task handlers and the local runner.',
  version: '0.1.0',
  uses: [controlPlane, fargateTemplate, serverlessTemplate],
  // aws-local-stepfunctions needs Node 22's Promise.withResolvers: see src/node-compat.ts.
  deps: [
    'aws-local-stepfunctions@^3', 'aws-cdk-lib@^2.260.0', 'constructs@^10.5.1',
    '@aws-sdk/client-sfn@^3', '@aws-sdk/client-sqs@^3', '@aws-sdk/client-dynamodb@^3', '@aws-sdk/client-proton@^3',
  ],
  devDeps: ['asl-validator@^4', 'cdk-nag@^3', 'aws-sdk-client-mock@^4'],
  testTimeout: 120_000,
  // The construct's tests synthesise it with its Lambda bundle (dist/lambda).
  testDependsOn: ['bundle'],
  bundles: [
    {
      entry: 'src/lambda.ts',
      options: { platform: 'node', target: BUNDLE_NODE_TARGET, outfile: 'index.js', externals: ['@aws-sdk/*'] },
    },
  ],
});

const saasWeb = workspacePackage({
  dir: 'saas-web',
  description: 'Containerised sample SaaS workload: an HTTP server showing tenant, tier and version.',
  version: '0.1.0',
  // Its tests read the Dockerfile and buildspec.yml.
  devDeps: ['yaml@^2.8.0'],
  bundles: [{ entry: 'src/main.ts', options: { platform: 'node', target: BUNDLE_NODE_TARGET, outfile: 'server.js' } }],
});

const saasLambda = workspacePackage({
  dir: 'saas-lambda',
  description: 'Serverless sample SaaS workload: a tenant-aware Lambda handler.',
  version: '0.1.0',
  devDeps: ['@types/aws-lambda@^8.10.0', 'yaml@^2.8.0'],
  testDependsOn: ['bundle'],
  bundles: [
    {
      entry: 'src/index.ts',
      options: { platform: 'node', target: BUNDLE_NODE_TARGET, outfile: 'index.js', externals: ['@aws-sdk/*'] },
    },
  ],
});

const tenantCli = workspacePackage({
  dir: 'tenant-cli',
  description: 'The `tenant` command: onboard tenants, release services in waves, approve, roll back.',
  version: '0.1.0',
  uses: [controlPlane, waveOrchestrator, saasWeb, saasLambda],
  // Loaded at run time, outside the bundle: CDK for `tenant synth`, the AWS SDK for --backend aws.
  deps: ['aws-cdk-lib@^2.260.0', '@aws-sdk/client-dynamodb@^3', '@aws-sdk/client-sfn@^3', '@aws-sdk/client-sqs@^3', '@aws-sdk/client-cloudformation@^3',
    '@aws-sdk/client-s3@^3'],
  devDeps: ['aws-sdk-client-mock@^4', 'dynalite@^4', '@aws-sdk/client-sts@^3'],
  bin: { tenant: 'bin/tenant.js' },
  // Its tests start real processes and rollouts; on a busy 2-core machine a few take tens of seconds.
  testTimeout: 120_000,
  // Its tests drive the real `tenant` binary (this package's bundle), which runs the
  // workloads' bundles on the local backend.
  testDependsOn: ['bundle', '^bundle'],
  bundles: [
    {
      entry: 'src/cli.ts',
      options: {
        platform: 'node',
        target: CLI_NODE_TARGET,
        outfile: 'cli.js',
        // Heavy or native modules stay outside the bundle and load only when a command needs them.
        externals: ['aws-cdk-lib', 'constructs', 'better-sqlite3', '@aws-sdk/*'],
      },
    },
  ],
});

// ---------------------------------------------------------------------------------------
// npm workspaces and Nx

const packages = [
  controlPlane,
  envTemplate,
  fargateTemplate,
  serverlessTemplate,
  waveOrchestrator,
  tenantCli,
  saasWeb,
  saasLambda,
];
root.package.addField(
  'workspaces',
  packages.map((p) => p.outdir.slice(root.outdir.length + 1)),
);
root.package.addField('private', true);
// npm 11 asks for every dependency's install script to be allowed or denied. Only
// better-sqlite3's is needed (it builds its native addon from source when no prebuilt binary
// can be downloaded, as on machines without internet); esbuild and @parcel/watcher ship
// prebuilt platform packages and nx's postinstall only warms a cache: denied. classic-level
// (via dynalite, tests only) ships prebuilt binaries, and dynalite runs in memory anyway: denied.
root.package.addField('allowScripts', { '@parcel/watcher': false, 'esbuild': false, 'nx': false, 'better-sqlite3': true, 'classic-level': false });

// `npx tenant --help` must work right after `npm ci`: bundle the CLI (esbuild, ~1 s) on install.
root.package.setScript('prepare', 'npm run bundle --workspace=@tenant-waves/tenant-cli');
// Benchmarks use the workspace packages, which npm workspaces link at the root.
root.eslint?.addOverride({ files: ['bench/**/*.ts'], rules: { 'import/no-extraneous-dependencies': 'off' } });
// Type-aware lint finds a file's project through the nearest tsconfig.json.
new JsonFile(root, 'bench/tsconfig.json', {
  obj: { extends: '../tsconfig.dev.json', compilerOptions: { noEmit: true, rootDir: '..' }, include: ['**/*.ts'] },
});
// Benchmarks print figures; they are not part of `npm test` (see bench/README.md).
root.addTask('bench:render', {
  description: 'Render benchmark: env-template for 1,000 tenants vs one synth process per tenant',
  steps: [
    { exec: 'nx run-many -t build --projects=@tenant-waves/control-plane' },
    { exec: 'ts-node --transpile-only --project tsconfig.dev.json bench/render.ts' },
  ],
});
root.addTask('bench:orchestrator', {
  description: 'Orchestrator benchmark: our state machine vs the old one, 100-10,000 tenants, 1-4 waves',
  steps: [
    { exec: 'nx run-many -t build --projects=@tenant-waves/wave-orchestrator' },
    { exec: 'ts-node --transpile-only --project tsconfig.dev.json bench/orchestrator.ts' },
  ],
});
root.addTask('start', {
  description: 'The walkthrough on the local backend',
  steps: [
    // The CLI and the workloads it releases, bundled from source (cached by Nx; a few seconds the first time).
    { exec: 'nx run-many -t bundle --projects=@tenant-waves/tenant-cli,@tenant-waves/saas-web,@tenant-waves/saas-lambda --output-style=static' },
    { exec: 'node packages/tenant-cli/bin/tenant.js walkthrough' },
  ],
});

new JsonFile(root, 'nx.json', {
  obj: {
    $schema: './node_modules/nx/schemas/nx-schema.json',
    // No Nx Cloud, no remote cache, no analytics: Nx never touches the network here.
    neverConnectToCloud: true,
    analytics: false,
    defaultBase: 'main',
    // Nx 24 otherwise shares one cache between every checkout of the workspace (under
    // ~/.nx), so a fresh clone — CI's included — would replay another checkout's test
    // results. Each checkout keeps its own cache.
    cacheDirectory: '.nx/cache',
    namedInputs: {
      default: ['{projectRoot}/**/*', 'sharedGlobals'],
      sharedGlobals: ['{workspaceRoot}/nx.json', '{workspaceRoot}/package-lock.json'],
      production: [
        'default',
        '!{projectRoot}/test/**/*',
        '!{projectRoot}/.eslintrc.json',
        '!{projectRoot}/README.md',
      ],
    },
    // Release automation for the templates: `npx nx release version` reads conventional
    // commits since each template's last tag (<package>@<version>) and bumps its package.json
    // (fix → patch, feat → minor, BREAKING CHANGE → major), dependents' ranges with it. A
    // template's major.minor is its template version; CI's check-template-versions refuses a
    // breaking schema change without a major bump.
    release: {
      projects: [envTemplate, fargateTemplate, serverlessTemplate].map((p) => p.package.packageName),
      projectsRelationship: 'independent',
      releaseTag: { pattern: '{projectName}@{version}' },
      version: {
        conventionalCommits: true,
        fallbackCurrentVersionResolver: 'disk',
        updateDependents: 'auto',
        versionActions: './tools/release/package-json-version-actions.js',
        git: { commit: true, tag: true, commitMessage: 'chore(release): templates {projectName}@{version}' },
      },
      changelog: { projectChangelogs: { createRelease: false }, workspaceChangelog: false },
    },
    targetDefaults: {
      build: {
        cache: true,
        dependsOn: ['^build'],
        inputs: ['production', '^production'],
        outputs: ['{projectRoot}/lib', '{projectRoot}/tsconfig.tsbuildinfo'],
      },
      test: {
        cache: true,
        dependsOn: ['^build'],
        inputs: ['default', '^production'],
        outputs: ['{projectRoot}/test-reports'],
      },
      lint: {
        cache: true,
        dependsOn: ['^build'],
        inputs: ['default', '^production'],
        outputs: [],
      },
      // Bundles read workspace dependencies from their TypeScript sources (the `source`
      // export condition), so they need no prior build.
      bundle: {
        cache: true,
        inputs: ['production', '^production'],
        outputs: ['{projectRoot}/dist'],
      },
    },
  },
  marker: false,
});

/**
 * After every package.json is written, one `npm install` at the root when any package's
 * package.json changed (projen would only install for the root's own).
 */
class WorkspaceInstall extends Component {
  postSynthesize() {
    if (!root.package.file.changed && packages.some((p) => p.package.file.changed)) {
      root.logger.info('A workspace package.json changed: installing at the root');
      root.tasks.runTask(process.env.CI ? 'install:ci' : 'install');
    }
  }
}
new WorkspaceInstall(root);

root.synth();
