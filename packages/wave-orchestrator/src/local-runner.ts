import { APPROVAL_STATE, buildDefinition, WAIT_STATES } from './definition';
import { RolloutInput, RolloutStatus } from './model';
import { ensurePromiseWithResolvers } from './node-compat';
import { ApprovalRejectedError, createTasks, TASK_NAMES, TaskDeps, TaskName } from './tasks';

/** ARNs the definition carries when it runs locally; the local runner binds each to its handler. */
export const LOCAL_RESOURCES = {
  functions: Object.fromEntries(
    TASK_NAMES.map((name) => [name, `arn:aws:lambda:local:000000000000:function:tenant-waves-${name}`]),
  ) as Record<TaskName, string>,
  approvalQueueUrl: 'local://approvals',
};

export interface LocalEvent {
  readonly type: string;
  readonly state?: string;
  readonly index?: number;
}

export interface LocalRunOptions {
  /** The definition to run; defaults to `buildDefinition(LOCAL_RESOURCES)`. */
  readonly definition?: Record<string, any>;
  /** Milliseconds for the Wait states (WaitForDeployments, Bake) instead of their seconds. */
  readonly waitOverrideMs?: Partial<Record<(typeof WAIT_STATES)[number], number>>;
  /** How often the manual gate looks for a decision in the store (ms). */
  readonly approvalPollMs?: number;
  /** Every interpreter event, as it happens. */
  readonly onEvent?: (event: LocalEvent) => void;
  /** Aborts the execution (as `kill` would); the rollout can be resumed by running it again. */
  readonly signal?: AbortSignal;
}

export interface LocalRunResult {
  readonly status: RolloutStatus;
  /** ASL error of a failed execution: WaveFailed, Rejected, RolloutInProgress, … */
  readonly error?: string;
  readonly cause?: string;
  readonly statesEntered: number;
  readonly events: number;
}

/**
 * Runs a rollout on this machine: the orchestrator's state machine definition, executed by a
 * local ASL interpreter (aws-local-stepfunctions), with its Task states bound to the same
 * handlers the Lambda functions run, and the manual gate bound to the rollout store (where
 * `tenant approve` / `reject` record their decision).
 */
export async function runLocalRollout(input: RolloutInput, deps: TaskDeps, options: LocalRunOptions = {}): Promise<LocalRunResult> {
  ensurePromiseWithResolvers();
  // Loaded here, after the shim, and only when a rollout runs.
  const { StateMachine, ExecutionError, ExecutionAbortedError } = await import('aws-local-stepfunctions');
  const tasks = createTasks(deps);
  const overrides: Record<string, (input: any) => Promise<unknown>> = {};
  for (const name of TASK_NAMES) overrides[name] = (i: any) => (tasks[name] as (x: any) => Promise<unknown>)(i);
  const pollMs = options.approvalPollMs ?? 100;
  overrides[APPROVAL_STATE] = async (request: { MessageBody: { rolloutId: string; wave: number; approvalTimeoutSeconds: number } }) => {
    const { rolloutId, wave, approvalTimeoutSeconds } = request.MessageBody;
    const deadline = Date.now() + approvalTimeoutSeconds * 1000 + pollMs;
    while (Date.now() < deadline && !options.signal?.aborted) {
      const decision = await deps.store.decision(rolloutId, wave);
      if (decision === 'APPROVED') return { approved: true };
      if (decision === 'REJECTED') throw new ApprovalRejectedError(rolloutId, wave);
      await new Promise((r) => setTimeout(r, pollMs));
    }
    return new Promise(() => undefined); // the interpreter's own timeout (States.Timeout) ends it
  };

  const machine = new StateMachine((options.definition ?? buildDefinition(LOCAL_RESOURCES)) as any, {
    validationOptions: { checkArn: false },
  });
  const execution = machine.run(input as any, {
    overrides: { taskResourceLocalHandlers: overrides as any, waitTimeOverrides: options.waitOverrideMs },
    context: { Task: { Token: `local:${input.rolloutId}` } },
  });
  options.signal?.addEventListener('abort', () => execution.abort(), { once: true });

  let statesEntered = 0;
  let events = 0;
  const logging = (async () => {
    for await (const event of execution.eventLogs) {
      events++;
      if (event.type === 'StateEntered') statesEntered++;
      options.onEvent?.({ type: event.type, state: (event as any).state?.name, index: (event as any).index });
    }
  })();
  try {
    await execution.result;
    await logging;
    return { status: 'SUCCEEDED', statesEntered, events };
  } catch (e) {
    await logging.catch(() => undefined);
    if (e instanceof ExecutionAbortedError) throw e;
    const record = await deps.store.getRollout(input.rolloutId);
    const { error, cause } = e instanceof ExecutionError ? parseExecutionError(e) : { error: (e as Error).name, cause: (e as Error).message };
    return { status: record && record.status !== 'RUNNING' ? record.status : 'FAILED', error, cause, statesEntered, events };
  }
}

/** The ASL error behind an interpreter ExecutionError: a Fail state's Error, or a task's error name. */
function parseExecutionError(e: Error): { error: string; cause: string } {
  const inner = (e.cause ?? e) as Error & { cause?: unknown };
  return { error: inner.name ?? 'Error', cause: typeof inner.cause === 'string' ? inner.cause : inner.message };
}
