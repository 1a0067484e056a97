/**
 * Rollouts on AWS Step Functions: start the orchestrator's execution, and carry out approvals
 * by finding the waiting gate's task token in the approval queue (SQS) — nobody copies a task
 * token by hand, as the old system required.
 */
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import { ControlPlane, RolloutStore, UserError } from '@tenant-waves/control-plane';
import { RolloutInput, RolloutOptions } from './model';
import { prepareRelease } from './release';

/** What can be released on AWS: an image URI (fargate-service) or an S3 key (serverless-service). */
const AWS_TARGET = /^[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,255}$/;

export interface AwsRolloutsOptions {
  readonly sfn: SFNClient;
  readonly sqs: SQSClient;
  readonly store: RolloutStore;
  readonly stateMachineArn: string;
  readonly approvalQueueUrl: string;
  /** How many ReceiveMessage calls (each waits up to 2 s) an approval looks for its request (default 10). */
  readonly receiveAttempts?: number;
}

/** The body the WaitForApproval state sends (see definition.ts). */
interface ApprovalRequest {
  readonly rolloutId: string;
  readonly service: string;
  readonly wave: number;
  readonly taskToken: string;
}

export class AwsRollouts {
  constructor(private readonly options: AwsRolloutsOptions) {}

  /**
   * A release on AWS: the same checks as everywhere (nothing changes if one fails), then the
   * rollout is recorded and its execution started; the execution's ARN is its runner.
   */
  async release(controlPlane: ControlPlane, req: { service: string; target: string; options?: Partial<RolloutOptions> }): Promise<RolloutInput> {
    if (!AWS_TARGET.test(req.target)) {
      throw new UserError('E_VERSION_LABEL', `invalid release target "${req.target}": an image URI (…/repo:tag) or an S3 key, e.g. saas-web:v2`);
    }
    const input = await prepareRelease(controlPlane, { service: req.service, version: req.target, options: req.options });
    try {
      const executionArn = await this.start(input);
      const exec = await this.options.store.getExecution(input.rolloutId);
      await this.options.store.putExecution({ ...exec!, runner: executionArn, updatedAt: new Date().toISOString() });
    } catch (e) {
      const r = await this.options.store.getRollout(input.rolloutId);
      await this.options.store.putRollout({ ...r!, status: 'FAILED', reason: `could not start the execution: ${(e as Error).message}`, finishedAt: new Date().toISOString() });
      await this.options.store.releaseLock(input.service, input.rolloutId);
      throw e;
    }
    return input;
  }

  /** Starts the execution, named after the rollout (so starting it twice is refused by Step Functions). */
  async start(input: RolloutInput): Promise<string> {
    const { StartExecutionCommand } = await import('@aws-sdk/client-sfn');
    const r = await this.options.sfn.send(new StartExecutionCommand({
      stateMachineArn: this.options.stateMachineArn,
      name: input.rolloutId,
      input: JSON.stringify(input),
    }));
    return r.executionArn!;
  }

  /** Step Functions' view of the execution: RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED. */
  async executionStatus(executionArn: string): Promise<{ status: string; error?: string; cause?: string }> {
    const { DescribeExecutionCommand } = await import('@aws-sdk/client-sfn');
    const r = await this.options.sfn.send(new DescribeExecutionCommand({ executionArn }));
    return { status: r.status ?? 'UNKNOWN', error: r.error, cause: r.cause };
  }

  /** Approves the gate the rollout waits at: SendTaskSuccess with the token from its approval request. */
  async approve(rolloutId: string, wave: number): Promise<void> {
    const { SendTaskSuccessCommand } = await import('@aws-sdk/client-sfn');
    await this.withRequest(rolloutId, wave, async (request) => {
      await this.options.store.decide(rolloutId, wave, 'APPROVED');
      await this.options.sfn.send(new SendTaskSuccessCommand({
        taskToken: request.taskToken,
        output: JSON.stringify({ approved: true, wave, decidedAt: new Date().toISOString() }),
      }));
    });
  }

  /** Rejects it: SendTaskFailure (error `Rejected`); with `rollback`, RejectRollout rolls the wave back. */
  async reject(rolloutId: string, wave: number, rollback: boolean): Promise<void> {
    const { SendTaskFailureCommand } = await import('@aws-sdk/client-sfn');
    await this.withRequest(rolloutId, wave, async (request) => {
      await this.options.store.decide(rolloutId, wave, 'REJECTED', { rollback });
      await this.options.sfn.send(new SendTaskFailureCommand({
        taskToken: request.taskToken,
        error: 'Rejected',
        cause: `the gate after wave ${wave} of ${rolloutId} was rejected${rollback ? '; rolling the wave back' : ''}`,
      }));
    });
  }

  /**
   * Finds the approval request of `rolloutId`/`wave` in the queue, runs `decide` with it and
   * deletes it. Requests of other rollouts seen meanwhile are made visible again at once.
   */
  private async withRequest(rolloutId: string, wave: number, decide: (request: ApprovalRequest) => Promise<void>): Promise<void> {
    const { ReceiveMessageCommand, DeleteMessageCommand, ChangeMessageVisibilityCommand } = await import('@aws-sdk/client-sqs');
    const { sqs, approvalQueueUrl: QueueUrl } = this.options;
    const attempts = this.options.receiveAttempts ?? 10;
    for (let attempt = 0; attempt < attempts; attempt++) {
      const receive = new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 2, VisibilityTimeout: 30 });
      const { Messages = [] } = await sqs.send(receive);
      let found: { message: Message; request: ApprovalRequest } | undefined;
      for (const message of Messages) {
        const request = parse(message);
        if (!found && request?.rolloutId === rolloutId && request.wave === wave) {
          found = { message, request };
        } else {
          await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 }));
        }
      }
      if (found) {
        await decide(found.request);
        await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: found.message.ReceiptHandle }));
        return;
      }
    }
    throw new UserError(
      'E_NO_APPROVAL_REQUEST',
      `no approval request for wave ${wave} of ${rolloutId} in the approval queue; is the execution still waiting? (tenant rollout ${rolloutId})`,
    );
  }
}

function parse(message: Message): ApprovalRequest | undefined {
  try {
    const body = JSON.parse(message.Body ?? '');
    return typeof body?.taskToken === 'string' ? body : undefined;
  } catch {
    return undefined;
  }
}
