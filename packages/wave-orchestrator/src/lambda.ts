// Lambda entry points of the orchestrator's task states (esbuild bundles this file into
// dist/lambda/index.js; each function's handler is `index.<TaskName>`).
//
// The handlers are the same functions the local runner calls. On AWS they need a rollout
// store and a deploy provider built from the function's environment (the DynamoDB ledger and
// the CloudFormation or Proton provider); until the AWS backend registers them with
// `configureLambdaDeps`, every handler fails with a message saying so.
import { CloudFormationProvider, DynamoStore, ProtonProvider } from '@tenant-waves/control-plane';
import { createTasks, TaskDeps, TaskName, Tasks } from './tasks';

/**
 * The deps a task Lambda builds from its environment (set by the WaveOrchestrator construct):
 * the DynamoDB store on TENANT_WAVES_TABLE, and the CloudFormation provider (stacks named
 * TENANT_WAVES_STACK_PREFIX-…) or, with TENANT_WAVES_DEPLOY_STEP=proton, the Proton provider.
 */
export async function depsFromEnvironment(env: NodeJS.ProcessEnv = process.env): Promise<TaskDeps> {
  if (!env.TENANT_WAVES_TABLE) {
    throw new Error('tenant-waves: TENANT_WAVES_TABLE is not set; deploy the task Lambdas with the WaveOrchestrator construct\'s registry prop');
  }
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const store = new DynamoStore(new DynamoDBClient({}), env.TENANT_WAVES_TABLE);
  if (env.TENANT_WAVES_DEPLOY_STEP === 'proton') {
    const { ProtonClient } = await import('@aws-sdk/client-proton');
    return { store, provider: new ProtonProvider(store, { client: new ProtonClient({}), onNotice: (m) => console.warn(m) }) };
  }
  return { store, provider: new CloudFormationProvider(store, { prefix: env.TENANT_WAVES_STACK_PREFIX, roleArn: env.TENANT_WAVES_CFN_ROLE }) };
}

let factory: (() => Promise<TaskDeps>) | undefined = process.env.TENANT_WAVES_TABLE ? () => depsFromEnvironment() : undefined;
let tasks: Promise<Tasks> | undefined;

export function configureLambdaDeps(create: () => Promise<TaskDeps>): void {
  factory = create;
  tasks = undefined;
}

function handler<N extends TaskName>(name: N) {
  return async (input: Parameters<Tasks[N]>[0]) => {
    if (!factory) {
      throw new Error(`tenant-waves ${name}: no rollout store / deploy provider configured for Lambda (the AWS backend registers them)`);
    }
    tasks ??= factory().then(createTasks);
    return ((await tasks)[name] as (i: unknown) => Promise<unknown>)(input);
  };
}

export const Plan = handler('Plan');
export const DeployBatch = handler('DeployBatch');
export const CheckBatch = handler('CheckBatch');
export const EvaluateWave = handler('EvaluateWave');
export const RollbackWave = handler('RollbackWave');
export const OpenGate = handler('OpenGate');
export const CloseGate = handler('CloseGate');
export const RejectRollout = handler('RejectRollout');
export const FinishRollout = handler('FinishRollout');
