import { join } from 'node:path';
import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, IConstruct } from 'constructs';
import { buildDefinition } from './definition';
import { TASK_NAMES, TaskName } from './tasks';

/** How the task Lambdas change an instance: each choice grants exactly what it needs. */
export type DeployStep =
  /** One CloudFormation stack per instance, named `<stackPrefix>-<service>-<tenant>`. */
  | { readonly kind: 'cloudformation'; readonly stackPrefix: string }
  /** AWS Proton service instances (UpdateServiceInstance / GetServiceInstance), as the old system did. */
  | { readonly kind: 'proton' };

export interface WaveOrchestratorProps {
  /** The service whose instances this orchestrator rolls out; it can touch nothing else. */
  readonly serviceName: string;
  readonly deployStep: DeployStep;
  /** Code of the task Lambdas (default: this package's bundle, dist/lambda). */
  readonly code?: lambda.Code;
  /** Extra environment of the task Lambdas (where the rollout ledger is, …). */
  readonly environment?: Record<string, string>;
  /** How long an approval message is kept (default: 4 days). */
  readonly approvalRetention?: Duration;
  /** The registry and rollout ledger (the DynamoDB store's table): the task Lambdas read and write it. */
  readonly registry?: dynamodb.ITableV2;
  /** The CloudFormation service role tenant stacks are changed with; the task Lambdas may only pass it. */
  readonly stackRole?: iam.IRole;
}

/** How cdk-nag spells an ARN of this stack in a finding id: pseudo parameters in <…>. */
function nagArn(stack: Stack, service: string, rest: string): string {
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  return `arn:<AWS::Partition>:${service}:${region}:${account}:${rest}`;
}

/** Acknowledges cdk-nag findings on a construct and its children, each with its reason. */
function acknowledge(scope: IConstruct, reasons: Record<string, string>) {
  for (const [id, reason] of Object.entries(reasons)) Validations.of(scope).acknowledge({ id, reason });
}

/**
 * The wave rollout of one service on AWS: the Step Functions state machine (the same
 * definition the local runner executes), its task Lambdas (nodejs22.x, bundled by esbuild),
 * and the approval queue that manual gates send their task token to (encrypted, SSL only,
 * with a dead-letter queue). Logging and tracing are on; IAM reaches only this service's
 * instances.
 */
export class WaveOrchestrator extends Construct {
  public readonly stateMachine: sfn.StateMachine;
  public readonly approvalQueue: sqs.Queue;
  public readonly functions: Readonly<Record<TaskName, lambda.Function>>;

  constructor(scope: Construct, id: string, props: WaveOrchestratorProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const name = `tenant-waves-${props.serviceName}`;

    const deadLetters = new sqs.Queue(this, 'ApprovalDeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(deadLetters, { 'AwsSolutions-SQS3': 'This is the dead-letter queue of the approval queue.' });
    this.approvalQueue = new sqs.Queue(this, 'ApprovalQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: props.approvalRetention ?? Duration.days(4),
      deadLetterQueue: { queue: deadLetters, maxReceiveCount: 5 },
    });

    const role = new iam.Role(this, 'TaskRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Task Lambdas of the ${props.serviceName} wave rollout`,
    });
    this.grantDeployStep(role, props);
    props.stackRole?.grantPassRole(role);
    if (props.registry) {
      props.registry.grantReadWriteData(role);
      acknowledge(role, {
        [`AwsSolutions-IAM5[Resource::<${stack.getLogicalId(props.registry.node.defaultChild as dynamodb.CfnGlobalTable)}.Arn>/index/*]`]:
          'The ledger\'s history and rollout listings query the table\'s own index (gsi1).',
      });
    }

    const code = props.code ?? lambda.Code.fromAsset(join(__dirname, '..', 'dist', 'lambda'));
    const functions = {} as Record<TaskName, lambda.Function>;
    for (const task of TASK_NAMES) {
      const logGroup = new logs.LogGroup(this, `${task}Logs`, { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
      logGroup.grantWrite(role);
      functions[task] = new lambda.Function(this, task, {
        runtime: lambda.Runtime.NODEJS_22_X,
        handler: `index.${task}`,
        code,
        role,
        timeout: Duration.minutes(task === 'DeployBatch' || task === 'CheckBatch' || task === 'RollbackWave' ? 15 : 1),
        memorySize: 256,
        tracing: lambda.Tracing.ACTIVE,
        logGroup,
        environment: {
          TENANT_WAVES_SERVICE: props.serviceName,
          TENANT_WAVES_DEPLOY_STEP: props.deployStep.kind,
          ...(props.deployStep.kind === 'cloudformation' ? { TENANT_WAVES_STACK_PREFIX: props.deployStep.stackPrefix } : {}),
          ...(props.registry ? { TENANT_WAVES_TABLE: props.registry.tableName } : {}),
          ...(props.stackRole ? { TENANT_WAVES_CFN_ROLE: props.stackRole.roleArn } : {}),
          ...props.environment,
        },
      });
      acknowledge(functions[task], {
        'AwsSolutions-L1': 'Pinned to nodejs22.x, the Node.js LTS this project targets.',
      });
    }
    this.functions = functions;
    acknowledge(role, {
      'AwsSolutions-IAM5[Resource::*]': 'X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) takes no resource.',
    });

    const definition = buildDefinition({
      functions: Object.fromEntries(TASK_NAMES.map((t) => [t, functions[t].functionArn])) as Record<TaskName, string>,
      approvalQueueUrl: this.approvalQueue.queueUrl,
    });
    const logGroup = new logs.LogGroup(this, 'StateMachineLogs', { retention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.DESTROY });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: name,
      definitionBody: sfn.DefinitionBody.fromString(stack.toJsonString(definition)),
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });
    for (const fn of Object.values(functions)) fn.grantInvoke(this.stateMachine);
    this.approvalQueue.grantSendMessages(this.stateMachine);
    // The distributed map runs its batches as child executions of this state machine.
    const selfArn = stack.formatArn({ service: 'states', resource: 'stateMachine', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const executions = stack.formatArn({
      service: 'states',
      resource: 'execution',
      resourceName: `${name}/*`,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.stateMachine.addToRolePolicy(new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [selfArn] }));
    this.stateMachine.addToRolePolicy(new iam.PolicyStatement({ actions: ['states:DescribeExecution', 'states:StopExecution'], resources: [executions] }));
    acknowledge(this.stateMachine, {
      'AwsSolutions-IAM5[Resource::*]': 'CloudWatch Logs delivery and X-Ray for Step Functions take no resource.',
      [`AwsSolutions-IAM5[Resource::${nagArn(stack, 'states', `execution:${name}/*`)}]`]:
        'The distributed map describes and stops the child executions of this state machine only.',
    });
    for (const fn of Object.values(functions)) {
      acknowledge(this.stateMachine, {
        [`AwsSolutions-IAM5[Resource::<${stack.getLogicalId(fn.node.defaultChild as lambda.CfnFunction)}.Arn>:*]`]:
          'grantInvoke covers the function\'s versions and aliases (<arn>:*).',
      });
    }

    // `tenant … --backend aws` finds each service's orchestrator by these descriptions.
    new CfnOutput(this, 'StateMachineArn', { value: this.stateMachine.stateMachineArn, description: `tenant-waves:${props.serviceName}:state-machine` });
    new CfnOutput(this, 'ApprovalQueueUrl', { value: this.approvalQueue.queueUrl, description: `tenant-waves:${props.serviceName}:approval-queue` });
  }

  private grantDeployStep(role: iam.Role, props: WaveOrchestratorProps) {
    const stack = Stack.of(this);
    if (props.deployStep.kind === 'proton') {
      role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['proton:UpdateServiceInstance', 'proton:GetServiceInstance', 'proton:ListServiceInstances', 'proton:ListTagsForResource'],
          resources: [stack.formatArn({ service: 'proton', resource: 'service', resourceName: `${props.serviceName}/service-instance/*` })],
        }),
      );
      acknowledge(role, {
        [`AwsSolutions-IAM5[Resource::${nagArn(stack, 'proton', `service/${props.serviceName}/service-instance/*`)}]`]:
          'Every instance of this service (and only of this service) is rolled out; instances come and go with tenants.',
      });
    } else {
      const stacks = `${props.deployStep.stackPrefix}-${props.serviceName}-*`;
      role.addToPolicy(
        new iam.PolicyStatement({
          actions: [
            'cloudformation:CreateChangeSet', 'cloudformation:DescribeChangeSet', 'cloudformation:ExecuteChangeSet',
            'cloudformation:DeleteChangeSet', 'cloudformation:DescribeStacks', 'cloudformation:DescribeStackEvents',
          ],
          resources: [stack.formatArn({ service: 'cloudformation', resource: 'stack', resourceName: `${stacks}/*` })],
        }),
      );
      acknowledge(role, {
        [`AwsSolutions-IAM5[Resource::${nagArn(stack, 'cloudformation', `stack/${stacks}/*`)}]`]:
          'Every instance stack of this service (and only of this service) is rolled out; stacks come and go with tenants.',
      });
    }
  }
}
