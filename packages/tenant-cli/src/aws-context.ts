import { CloudFormationProvider, ControlPlane, DynamoStore, UserError } from '@tenant-waves/control-plane';
import { AwsRollouts } from '@tenant-waves/wave-orchestrator';
import { Io } from './io';

/** The AWS backend, found from the control-plane stack's outputs (no ARN is typed by hand). */
export interface AwsContext {
  readonly backend: 'aws';
  readonly stackName: string;
  readonly store: DynamoStore;
  readonly provider: CloudFormationProvider;
  readonly controlPlane: ControlPlane;
  /** The orchestrator of a service (its state machine and approval queue). */
  rollouts(service: string): AwsRollouts;
  close(): void;
}

/**
 * Opens the AWS backend: reads the control-plane stack (`$TENANT_WAVES_STACK`, default
 * TenantWaves) for the registry table and each service's state machine and approval queue.
 * Credentials and region come from the AWS SDK's standard chain; nothing secret is printed.
 */
export async function openAwsContext(io: Io): Promise<AwsContext> {
  const stackName = io.env.TENANT_WAVES_STACK || 'TenantWaves';
  const { CloudFormationClient, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const { SFNClient } = await import('@aws-sdk/client-sfn');
  const { SQSClient } = await import('@aws-sdk/client-sqs');
  let outputs: { OutputValue?: string; Description?: string }[];
  try {
    outputs = (await new CloudFormationClient({}).send(new DescribeStacksCommand({ StackName: stackName }))).Stacks?.[0]?.Outputs ?? [];
  } catch (e) {
    throw new UserError(
      'E_AWS_CONFIG',
      `cannot read the control-plane stack ${stackName} (${(e as Error).name}: ${(e as Error).message}); deploy it first ` +
        '(tenant synth --backend aws --out cdk.out, then deploy that assembly), and set TENANT_WAVES_STACK if it has another name',
    );
  }
  const output = (description: string) => outputs.find((o) => o.Description === description)?.OutputValue;
  const table = output('tenant-waves:registry-table');
  if (!table) throw new UserError('E_AWS_CONFIG', `stack ${stackName} has no registry table output; is it the tenant-waves control-plane stack?`);
  const dynamo = new DynamoDBClient({});
  // Only for DynamoDB emulators without transactions (dynalite); never set against AWS.
  const transactions = io.env.TENANT_WAVES_DYNAMODB_TRANSACTIONS === 'emulated' ? 'emulated' : 'native';
  const store = new DynamoStore(dynamo, table, { transactions });
  const provider = new CloudFormationProvider(store, { prefix: io.env.TENANT_WAVES_STACK_PREFIX || 'tw', roleArn: output('tenant-waves:stack-role') });
  const sfn = new SFNClient({});
  const sqs = new SQSClient({});
  return {
    backend: 'aws',
    stackName,
    store,
    provider,
    controlPlane: new ControlPlane(store, provider),
    rollouts(service: string) {
      const stateMachineArn = output(`tenant-waves:${service}:state-machine`);
      const approvalQueueUrl = output(`tenant-waves:${service}:approval-queue`);
      if (!stateMachineArn || !approvalQueueUrl) {
        throw new UserError('E_AWS_CONFIG', `stack ${stackName} has no orchestrator for ${service}; add it (tenant synth --backend aws --service ${service} …) and redeploy`);
      }
      return new AwsRollouts({ sfn, sqs, store, stateMachineArn, approvalQueueUrl });
    },
    close() {
      for (const c of [dynamo, sfn, sqs]) c.destroy();
    },
  };
}
