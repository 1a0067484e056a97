import { TaskName } from './tasks';

/** Where the definition's task states point: one Lambda ARN per task, and the approval queue. */
export interface DefinitionResources {
  readonly functions: Readonly<Record<TaskName, string>>;
  readonly approvalQueueUrl: string;
}

/** The name of the manual-gate state (an SQS send that waits for its task token). */
export const APPROVAL_STATE = 'WaitForApproval';
/** States that only wait; the local runner may shorten them in tests. */
export const WAIT_STATES = ['WaitForDeployments', 'Bake'] as const;

const LAMBDA_RETRY = [
  {
    ErrorEquals: ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'],
    IntervalSeconds: 2,
    MaxAttempts: 6,
    BackoffRate: 2,
  },
];

/**
 * The wave rollout state machine, in Amazon States Language. Written once: the CDK construct
 * synthesises it for AWS Step Functions and the local runner executes it, with the same
 * task handlers behind its Task states.
 *
 * Shape (states entered per wave do not depend on the number of tenants; per tenant it is
 * the batch states only):
 *
 *   Plan → Waves (Map over the plan's waves, one at a time) → FinishRollout
 *     per wave:  DeployWave (distributed Map over batches, concurrency = options.concurrency)
 *                  per batch: DeployBatch → BatchDone? [→ WaitForDeployments → CheckBatch → BatchDone?]
 *                EvaluateWave → WaveHealthy? → RollbackWave → WaveFailed (Fail)
 *                            → BakeNeeded? [→ Bake] → GateNeeded? [→ OpenGate → WaitForApproval → CloseGate]
 *                                                                         (reject/timeout → RejectRollout → Rejected (Fail))
 */
export function buildDefinition(resources: DefinitionResources): Record<string, any> {
  const task = (name: TaskName, extra: Record<string, unknown>) => ({
    Type: 'Task',
    Resource: resources.functions[name],
    Retry: LAMBDA_RETRY,
    ...extra,
  });
  const rolloutFields = {
    'rolloutId.$': '$.rolloutId',
    'service.$': '$.service',
    'target.$': '$.target',
    'options.$': '$.options',
  };

  const batchProcessor = {
    ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
    StartAt: 'DeployBatch',
    States: {
      'DeployBatch': task('DeployBatch', { ResultPath: '$.poll', Next: 'BatchDone?' }),
      'BatchDone?': {
        Type: 'Choice',
        Choices: [{ Variable: '$.poll.pending', NumericGreaterThan: 0, Next: 'WaitForDeployments' }],
        Default: 'BatchComplete',
      },
      'WaitForDeployments': { Type: 'Wait', SecondsPath: '$.poll.seconds', Next: 'CheckBatch' },
      'CheckBatch': task('CheckBatch', { ResultPath: '$.poll', Next: 'BatchDone?' }),
      'BatchComplete': { Type: 'Succeed' },
    },
  };

  const waveProcessor = {
    ProcessorConfig: { Mode: 'INLINE' },
    StartAt: 'DeployWave',
    States: {
      'DeployWave': {
        Type: 'Map',
        ItemsPath: '$.wave.batches',
        MaxConcurrencyPath: '$.options.concurrency',
        ItemSelector: { ...rolloutFields, 'batch.$': '$$.Map.Item.Value' },
        ItemProcessor: batchProcessor,
        ResultPath: null,
        Next: 'EvaluateWave',
      },
      'EvaluateWave': task('EvaluateWave', { ResultPath: '$.evaluation', Next: 'WaveHealthy?' }),
      'WaveHealthy?': {
        Type: 'Choice',
        Choices: [{ Variable: '$.evaluation.outcome', StringEquals: 'FAIL', Next: 'RollbackWave' }],
        Default: 'BakeNeeded?',
      },
      'RollbackWave': task('RollbackWave', { ResultPath: '$.rollback', Next: 'WaveFailed' }),
      'WaveFailed': { Type: 'Fail', Error: 'WaveFailed', Cause: 'A wave had more failures than allowed; it was rolled back.' },
      'BakeNeeded?': {
        Type: 'Choice',
        Choices: [{ Variable: '$.options.bakeSeconds', NumericGreaterThan: 0, Next: 'Bake' }],
        Default: 'GateNeeded?',
      },
      'Bake': { Type: 'Wait', SecondsPath: '$.options.bakeSeconds', Next: 'GateNeeded?' },
      'GateNeeded?': {
        Type: 'Choice',
        Choices: [
          {
            And: [
              { Variable: '$.wave.last', BooleanEquals: false },
              { Variable: '$.wave.gate', StringEquals: 'manual' },
            ],
            Next: 'OpenGate',
          },
        ],
        Default: 'WaveDone',
      },
      // The approval request is both this state's result and (as MessageBody) the next
      // state's input, so TimeoutSecondsPath resolves the same on AWS and locally.
      'OpenGate': task('OpenGate', { ResultPath: '$.MessageBody', Next: APPROVAL_STATE }),
      [APPROVAL_STATE]: {
        Type: 'Task',
        Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
        Parameters: {
          QueueUrl: resources.approvalQueueUrl,
          MessageBody: {
            'rolloutId.$': '$.MessageBody.rolloutId',
            'service.$': '$.MessageBody.service',
            'target.$': '$.MessageBody.target',
            'wave.$': '$.MessageBody.wave',
            'approvalTimeoutSeconds.$': '$.MessageBody.approvalTimeoutSeconds',
            'approveCommand.$': '$.MessageBody.approveCommand',
            'rejectCommand.$': '$.MessageBody.rejectCommand',
            'taskToken.$': '$$.Task.Token',
          },
        },
        TimeoutSecondsPath: '$.MessageBody.approvalTimeoutSeconds',
        ResultPath: '$.approval',
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.rejection', Next: 'RejectRollout' }],
        Next: 'CloseGate',
      },
      'CloseGate': task('CloseGate', { ResultPath: '$.gate', Next: 'WaveDone' }),
      'RejectRollout': task('RejectRollout', { ResultPath: '$.rejected', Next: 'Rejected' }),
      'Rejected': { Type: 'Fail', Error: 'Rejected', Cause: 'A manual gate was rejected or timed out.' },
      'WaveDone': { Type: 'Succeed' },
    },
  };

  return {
    Comment: 'tenant-waves: roll a release out across a service\'s instances in waves',
    StartAt: 'Plan',
    States: {
      Plan: task('Plan', { ResultPath: '$.plan', Next: 'Waves' }),
      Waves: {
        Type: 'Map',
        ItemsPath: '$.plan.waves',
        MaxConcurrency: 1,
        ItemSelector: { ...rolloutFields, 'wave.$': '$$.Map.Item.Value' },
        ItemProcessor: waveProcessor,
        ResultPath: null,
        Next: 'FinishRollout',
      },
      FinishRollout: task('FinishRollout', { ResultPath: '$.result', End: true }),
    },
  };
}
