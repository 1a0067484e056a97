import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseServiceName, UserError } from '@tenant-waves/control-plane';
import type { ServicePipelineSource } from '@tenant-waves/wave-orchestrator';
import { Command, flag, Parsed, positionals, str } from '../command';
import { printJson, table } from '../output';

/** The orchestrator's Lambda bundle, which the stack deploys as the task functions' code. */
function lambdaBundle(): string {
  let dir: string;
  try {
    dir = join(dirname(require.resolve('@tenant-waves/wave-orchestrator/package.json')), 'dist', 'lambda');
  } catch {
    throw new UserError('E_NOT_BUILT', '@tenant-waves/wave-orchestrator is not installed next to the CLI');
  }
  if (!existsSync(join(dir, 'index.js'))) {
    throw new UserError('E_NOT_BUILT', `the task Lambdas' bundle is missing (${dir}); build it with \`npx nx run @tenant-waves/wave-orchestrator:bundle\``);
  }
  return dir;
}

export function parseBackend(value: string | undefined, allowed: readonly string[]): string {
  const backend = value ?? 'local';
  if (!allowed.includes(backend)) throw new UserError('E_BACKEND', `--backend must be ${allowed.join(' or ')}, got ${JSON.stringify(backend)}`);
  return backend;
}

/** The control-plane stack's options, shared by synth and bootstrap. */
function stackOptions(args: Parsed) {
  const services = ((args.values.service as string[] | undefined) ?? ['saas-web', 'saas-lambda']).map((s) => parseServiceName(s));
  if (new Set(services).size !== services.length) throw new UserError('E_OPTION', `--service names a service twice: ${services.join(', ')}`);
  const step = str(args, 'deploy-step') ?? 'cloudformation';
  if (step !== 'cloudformation' && step !== 'proton') throw new UserError('E_OPTION', `--deploy-step must be cloudformation or proton, got ${JSON.stringify(step)}`);
  const prefix = str(args, 'stack-prefix') ?? 'tw';
  if (!/^[a-z][a-z0-9-]{0,15}$/.test(prefix)) {
    throw new UserError('E_OPTION', `--stack-prefix must be lower-case letters, digits and "-", starting with a letter (at most 16), got ${JSON.stringify(prefix)}`);
  }
  // --pipeline SERVICE=TEMPLATE:OWNER/REPO[@BRANCH], with --connection ARN (CodeStar connection).
  const pipelines: Record<string, ServicePipelineSource> = {};
  const specs = (args.values.pipeline as string[] | undefined) ?? [];
  const connectionArn = str(args, 'connection');
  if (specs.length && !connectionArn) throw new UserError('E_USAGE', '--pipeline needs --connection ARN (the CodeStar connection to the repository)');
  for (const spec of specs) {
    const m = /^([a-z][a-z0-9-]*)=(fargate-service|serverless-service):([\w.-]+\/[\w.-]+)(?:@([\w./-]+))?$/.exec(spec);
    if (!m) throw new UserError('E_OPTION', `--pipeline ${JSON.stringify(spec)}: write SERVICE=TEMPLATE:OWNER/REPO[@BRANCH], e.g. saas-web=fargate-service:example/saas-app@main`);
    if (!services.includes(m[1])) throw new UserError('E_OPTION', `--pipeline names ${m[1]}, which is not one of the services (${services.join(', ')})`);
    pipelines[m[1]] = { template: m[2] as ServicePipelineSource['template'], connectionArn: connectionArn!, repository: m[3], branch: m[4] };
  }
  return { services, step: step as 'cloudformation' | 'proton', prefix, pipelines };
}

const STACK_OPTIONS = {
  'service': { type: 'string', multiple: true },
  'deploy-step': { type: 'string' },
  'stack-prefix': { type: 'string' },
  'pipeline': { type: 'string', multiple: true },
  'connection': { type: 'string' },
} as const;

export const synthCommand: Command = {
  name: 'synth',
  summary: 'Write the AWS backend\'s control-plane stack as CloudFormation, offline',
  usage: 'tenant synth --backend aws --out DIR [--service NAME]... [--deploy-step cloudformation|proton] [--stack-prefix P] [--pipeline S=T:O/R[@B]]... [--connection ARN]',
  help: `Synthesises the control-plane stack of the AWS backend — the registry / ledger table
(DynamoDB), and per service the wave orchestrator: its Step Functions state machine, task
Lambdas (nodejs22.x) and SQS approval queue — into DIR (a CDK cloud assembly: the template, the
Lambda asset, the manifest). No AWS account or network is needed. Every template passes
cdk-nag's AwsSolutions checks (see the wave-orchestrator README for each acknowledged finding).

Options:
  --backend aws          the only backend with a stack to synthesise
  --out DIR              where to write it (created if missing)
  --service NAME         a service to roll out; repeatable (default: saas-web and saas-lambda)
  --deploy-step STEP     cloudformation (default: one stack per instance) or proton
  --stack-prefix P       prefix of the tenant stacks the orchestrators may change (default tw)
  --pipeline S=T:O/R[@B] a service pipeline for service S (template T, repository O/R, branch B,
                         default main): source → build (buildspec.yml) → start S's orchestrator;
                         repeatable
  --connection ARN       the CodeStar connection (AWS CodeConnections) the pipelines read through

Example:
  tenant synth --backend aws --out cdk.out --service saas-web --service saas-lambda`,
  options: { out: { type: 'string' }, ...STACK_OPTIONS },

  async run(args, io) {
    positionals(this, args, []);
    if (str(args, 'backend') === undefined) throw new UserError('E_USAGE', `missing --backend aws\nUsage: ${this.usage}`);
    parseBackend(str(args, 'backend'), ['aws']);
    const out = str(args, 'out');
    if (!out) throw new UserError('E_USAGE', `missing --out DIR\nUsage: ${this.usage}`);
    const { services, step, prefix, pipelines } = stackOptions(args);
    const code = lambdaBundle();

    const outdir = resolve(io.cwd, out);
    mkdirSync(outdir, { recursive: true });
    const { App } = await import('aws-cdk-lib');
    const { Code } = await import('aws-cdk-lib/aws-lambda');
    const { ControlPlaneStack } = await import('@tenant-waves/wave-orchestrator');
    const app = new App({ outdir });
    const stack = new ControlPlaneStack(app, 'TenantWaves', { services, deployStep: step, stackPrefix: prefix, code: Code.fromAsset(code), pipelines });
    const assembly = app.synth();
    const artifact = assembly.getStackByName(stack.stackName);
    const templateFile = join(outdir, artifact.templateFile);
    const resources = Object.values<any>(JSON.parse(readFileSync(templateFile, 'utf8')).Resources);
    const count = (type: string) => resources.filter((r) => r.Type === type).length;
    const summary = {
      stack: stack.stackName,
      template: templateFile,
      resources: resources.length,
      services,
      stateMachines: count('AWS::StepFunctions::StateMachine'),
      functions: count('AWS::Lambda::Function'),
      queues: count('AWS::SQS::Queue'),
      tables: count('AWS::DynamoDB::GlobalTable'),
      pipelines: count('AWS::CodePipeline::Pipeline'),
    };
    if (flag(args, 'json')) {
      printJson(io, summary);
    } else {
      io.out(`Wrote ${summary.stack} (${summary.resources} resources) to ${templateFile}\n`);
      io.out(table(['WHAT', 'COUNT'], [
        ['state machines (one per service)', String(summary.stateMachines)], ['task Lambdas', String(summary.functions)],
        ['SQS queues (approvals + dead letters)', String(summary.queues)], ['DynamoDB tables (registry + ledger)', String(summary.tables)],
      ], '  '));
    }
    return 0;
  },
};

export const bootstrapCommand: Command = {
  name: 'bootstrap',
  summary: 'Deploy the AWS backend\'s control plane into the account of your AWS credentials',
  usage: 'tenant bootstrap --backend aws [--service NAME]... [--deploy-step cloudformation|proton] [--stack-prefix P] [--pipeline S=T:O/R[@B]]... [--connection ARN]',
  help: `Deploys, through the CloudFormation provider (change sets; a second run with nothing new
changes nothing):
  1. the assets stack <stack>-assets: a private, encrypted, versioned S3 bucket (access-logged);
  2. the task Lambdas' code, zipped, to s3://<bucket>/lambda/<sha256>.zip;
  3. the control-plane template to s3://<bucket>/templates/<sha256>.json;
  4. the control-plane stack <stack>: the registry table and one orchestrator per service.
<stack> is $TENANT_WAVES_STACK (default TenantWaves). Credentials and region come from the AWS
SDK's standard chain; nothing secret is printed. Options as for tenant synth.

Example:
  tenant bootstrap --backend aws --service saas-web --service saas-lambda`,
  options: { ...STACK_OPTIONS },
  backends: ['aws'],
  async run(args, io) {
    positionals(this, args, []);
    if (str(args, 'backend') !== 'aws' && io.env.TENANT_BACKEND !== 'aws') {
      throw new UserError('E_USAGE', `bootstrap deploys the AWS backend: add --backend aws\nUsage: ${this.usage}`);
    }
    const { services, step, prefix, pipelines } = stackOptions(args);
    const code = lambdaBundle();
    const stackName = io.env.TENANT_WAVES_STACK || 'TenantWaves';
    const say = (line: string) => (flag(args, 'json') ? io.err : io.out)(line + '\n');
    const { createHash } = await import('node:crypto');
    const { App, DefaultStackSynthesizer } = await import('aws-cdk-lib');
    const { S3Client, PutObjectCommand } = await import('@aws-sdk/client-s3');
    const { CloudFormationProvider } = await import('@tenant-waves/control-plane');
    const { ControlPlaneAssetsStack, ControlPlaneStack } = await import('@tenant-waves/wave-orchestrator');
    const { zipDirectory } = await import('../zip');
    const cfn = CloudFormationProvider.stacksOnly();
    const s3 = new S3Client({});
    const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
    // Templates without the CDK bootstrap's version check: this deploys without `cdk bootstrap`.
    const synthesizer = () => new DefaultStackSynthesizer({ generateBootstrapVersionRule: false });
    try {
      say(`Step 1/4  assets bucket: stack ${stackName}-assets`);
      const assetsApp = new App();
      const assetsStack = new ControlPlaneAssetsStack(assetsApp, `${stackName}-assets`, { synthesizer: synthesizer() });
      const assets = await cfn.deployStack(assetsStack.stackName, { template: assetsApp.synth().getStackByName(assetsStack.stackName).template }, { 'tenant-waves': 'assets' });
      const bucket = assets.outputs.AssetsBucketName;
      if (!bucket) throw new Error(`stack ${stackName}-assets has no AssetsBucketName output`);

      const zip = zipDirectory(code);
      const codeKey = `lambda/${sha(zip)}.zip`;
      say(`Step 2/4  task Lambdas' code (${Math.round(zip.length / 1024)} KiB) → s3://${bucket}/${codeKey}`);
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: codeKey, Body: zip, ContentType: 'application/zip' }));

      // The code is in the assets bucket; the template references it by name and key.
      const app = new App();
      const stack = new ControlPlaneStack(app, stackName, {
        services, deployStep: step, stackPrefix: prefix, codeInS3: { bucketName: bucket, key: codeKey }, synthesizer: synthesizer(), pipelines,
      });
      const template = JSON.stringify(app.synth().getStackByName(stack.stackName).template);
      const templateKey = `templates/${sha(template)}.json`;
      say(`Step 3/4  control-plane template (${Math.round(template.length / 1024)} KiB) → s3://${bucket}/${templateKey}`);
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: templateKey, Body: template, ContentType: 'application/json' }));

      say(`Step 4/4  control-plane stack ${stackName} (${services.join(', ')})`);
      const region = await s3.config.region();
      const deployed = await cfn.deployStack(stackName, { templateUrl: `https://${bucket}.s3.${region}.amazonaws.com/${templateKey}` }, { 'tenant-waves': 'control-plane' });
      const summary = { stack: stackName, stackId: deployed.stackId, assetsBucket: bucket, code: `s3://${bucket}/${codeKey}`, services, outputs: deployed.outputs };
      if (flag(args, 'json')) printJson(io, summary);
      else io.out(`Done: ${stackName} is deployed. Use it with --backend aws (or TENANT_BACKEND=aws).\n`);
      return 0;
    } finally {
      s3.destroy();
    }
  },
};
