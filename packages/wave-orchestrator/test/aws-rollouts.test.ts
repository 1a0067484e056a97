import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { InMemoryRolloutStore } from '@tenant-waves/control-plane';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsRollouts, DEFAULT_OPTIONS } from '../src';

// Rollouts on Step Functions, approvals through the SQS approval queue: the call sequences,
// against mocked clients.
const sfn = mockClient(SFNClient);
const sqs = mockClient(SQSClient);
const QUEUE = 'https://sqs.eu-west-1.amazonaws.com/111122223333/approvals';
let store: InMemoryRolloutStore;
let rollouts: AwsRollouts;

beforeEach(() => {
  sfn.reset();
  sqs.reset();
  store = new InMemoryRolloutStore();
  rollouts = new AwsRollouts({
    sfn: new SFNClient({ region: 'eu-west-1' }),
    sqs: new SQSClient({ region: 'eu-west-1' }),
    store,
    stateMachineArn: 'arn:aws:states:eu-west-1:111122223333:stateMachine:waves',
    approvalQueueUrl: QUEUE,
    receiveAttempts: 3,
  });
});

const request = (rolloutId: string, wave: number, token: string, receipt: string) => ({
  Body: JSON.stringify({ rolloutId, service: 'saas-web', target: 'v2', wave, approvalTimeoutSeconds: 3600, taskToken: token }),
  ReceiptHandle: receipt,
});

test('release: StartExecution named after the rollout, with the rollout input', async () => {
  sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:aws:states:eu-west-1:111122223333:execution:waves:r-1' });
  const input = { rolloutId: 'r-1', service: 'saas-web', target: 'v2', options: DEFAULT_OPTIONS };
  expect(await rollouts.start(input)).toMatch(/execution:waves:r-1$/);
  expect(sfn.commandCalls(StartExecutionCommand)[0].args[0].input).toEqual({
    stateMachineArn: 'arn:aws:states:eu-west-1:111122223333:stateMachine:waves', name: 'r-1', input: JSON.stringify(input),
  });
});

test('approve: the task token is found in the queue (other requests released), SendTaskSuccess, message deleted', async () => {
  sqs.on(ReceiveMessageCommand)
    .resolvesOnce({ Messages: [request('r-other', 1, 'token-other', 'h-other')] })
    .resolvesOnce({ Messages: [request('r-other', 1, 'token-other', 'h-other2'), request('r-1', 1, 'token-1', 'h-1')] });
  sqs.on(ChangeMessageVisibilityCommand).resolves({});
  sqs.on(DeleteMessageCommand).resolves({});
  sfn.on(SendTaskSuccessCommand).resolves({});
  await rollouts.approve('r-1', 1);
  expect(sfn.commandCalls(SendTaskSuccessCommand)[0].args[0].input.taskToken).toBe('token-1');
  expect(sqs.commandCalls(DeleteMessageCommand).map((c) => c.args[0].input.ReceiptHandle)).toEqual(['h-1']);
  expect(sqs.commandCalls(ChangeMessageVisibilityCommand).map((c) => [c.args[0].input.ReceiptHandle, c.args[0].input.VisibilityTimeout])).toEqual([
    ['h-other', 0], ['h-other2', 0],
  ]);
  expect(await store.decision('r-1', 1)).toBe('APPROVED');
});

test('reject --rollback: SendTaskFailure with error Rejected; the decision asks RejectRollout to roll the wave back', async () => {
  sqs.on(ReceiveMessageCommand).resolves({ Messages: [request('r-1', 2, 'token-2', 'h-2')] });
  sqs.on(DeleteMessageCommand).resolves({});
  sfn.on(SendTaskFailureCommand).resolves({});
  await rollouts.reject('r-1', 2, true);
  expect(sfn.commandCalls(SendTaskFailureCommand)[0].args[0].input).toMatchObject({ taskToken: 'token-2', error: 'Rejected' });
  expect(await store.rollbackRequested('r-1', 2)).toBe(true);
});

test('no request in the queue: a clear error, nothing sent to Step Functions', async () => {
  sqs.on(ReceiveMessageCommand).resolves({ Messages: [] });
  await expect(rollouts.approve('r-9', 1)).rejects.toThrow(/no approval request for wave 1 of r-9 in the approval queue/);
  expect(sqs.commandCalls(ReceiveMessageCommand)).toHaveLength(3);
  expect(sfn.calls()).toHaveLength(0);
});
