import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseServiceName, UserError } from '@tenant-waves/control-plane';
import { Command, flag, positionals, str } from '../command';
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

export const synthCommand: Command = {
  name: 'synth',
  summary: 'Write the AWS backend\'s control-plane stack as CloudFormation, offline',
  usage: 'tenant synth --backend aws --out DIR [--service NAME]... [--deploy-step cloudformation|proton] [--stack-prefix P]',
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

Example:
  tenant synth --backend aws --out cdk.out --service saas-web --service saas-lambda`,
  options: {
    'backend': { type: 'string' },
    'out': { type: 'string' },
    'service': { type: 'string', multiple: true },
    'deploy-step': { type: 'string' },
    'stack-prefix': { type: 'string' },
  },
  async run(args, io) {
    positionals(this, args, []);
    if (str(args, 'backend') === undefined) throw new UserError('E_USAGE', `missing --backend aws\nUsage: ${this.usage}`);
    parseBackend(str(args, 'backend'), ['aws']);
    const out = str(args, 'out');
    if (!out) throw new UserError('E_USAGE', `missing --out DIR\nUsage: ${this.usage}`);
    const services = ((args.values.service as string[] | undefined) ?? ['saas-web', 'saas-lambda']).map((s) => parseServiceName(s));
    if (new Set(services).size !== services.length) throw new UserError('E_OPTION', `--service names a service twice: ${services.join(', ')}`);
    const step = str(args, 'deploy-step') ?? 'cloudformation';
    if (step !== 'cloudformation' && step !== 'proton') throw new UserError('E_OPTION', `--deploy-step must be cloudformation or proton, got ${JSON.stringify(step)}`);
    const prefix = str(args, 'stack-prefix') ?? 'tw';
    if (!/^[a-z][a-z0-9-]{0,15}$/.test(prefix)) throw new UserError('E_OPTION', `--stack-prefix must be lower-case letters, digits and "-", starting with a letter (at most 16), got ${JSON.stringify(prefix)}`);
    const code = lambdaBundle();

    const outdir = resolve(io.cwd, out);
    mkdirSync(outdir, { recursive: true });
    const { App } = await import('aws-cdk-lib');
    const { Code } = await import('aws-cdk-lib/aws-lambda');
    const { ControlPlaneStack } = await import('@tenant-waves/wave-orchestrator');
    const app = new App({ outdir });
    const stack = new ControlPlaneStack(app, 'TenantWaves', { services, deployStep: step, stackPrefix: prefix, code: Code.fromAsset(code) });
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
