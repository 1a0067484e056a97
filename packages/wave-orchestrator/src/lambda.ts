// Lambda entry points of the orchestrator's task states (esbuild bundles this file into
// dist/lambda/index.js; each function's handler is `index.<TaskName>`).
//
// The handlers are the same functions the local runner calls. On AWS they need a rollout
// store and a deploy provider built from the function's environment (the DynamoDB ledger and
// the CloudFormation or Proton provider); until the AWS backend registers them with
// `configureLambdaDeps`, every handler fails with a message saying so.
import { createTasks, TaskDeps, TaskName, Tasks } from './tasks';

let factory: (() => Promise<TaskDeps>) | undefined;
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
