import { DYNAMO_TABLE } from '@tenant-waves/control-plane';
import { CfnOutput, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { WaveOrchestrator } from './construct';

export interface ControlPlaneStackProps extends StackProps {
  /** The services to roll out; each gets its own orchestrator, whose IAM reaches only its instances. */
  readonly services: readonly string[];
  /** How instances are changed (default: CloudFormation stacks `<stackPrefix>-<service>-<tenant>`). */
  readonly deployStep?: 'cloudformation' | 'proton';
  /** Prefix of the tenant stacks (default `tw`). */
  readonly stackPrefix?: string;
  /** Code of the task Lambdas (default: the orchestrator's bundle). */
  readonly code?: lambda.Code;
}

/**
 * The AWS backend's control plane in one stack: the registry / rollout ledger table (the
 * DynamoDB store's single-table layout, point-in-time recovery, kept on delete), and one wave
 * orchestrator per service — state machine, task Lambdas, approval queue.
 */
export class ControlPlaneStack extends Stack {
  public readonly table: dynamodb.TableV2;
  public readonly orchestrators: Readonly<Record<string, WaveOrchestrator>>;

  constructor(scope: Construct, id: string, props: ControlPlaneStackProps) {
    super(scope, id, props);
    const [pk, sk] = DYNAMO_TABLE.keySchema.map((k) => ({ name: k.AttributeName, type: dynamodb.AttributeType.STRING }));
    const index = DYNAMO_TABLE.globalSecondaryIndexes[0];
    this.table = new dynamodb.TableV2(this, 'Registry', {
      partitionKey: pk,
      sortKey: sk,
      billing: dynamodb.Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
      removalPolicy: RemovalPolicy.RETAIN,
      globalSecondaryIndexes: [{
        indexName: index.IndexName,
        partitionKey: { name: index.KeySchema[0].AttributeName, type: dynamodb.AttributeType.STRING },
        sortKey: { name: index.KeySchema[1].AttributeName, type: dynamodb.AttributeType.STRING },
      }],
    });
    const orchestrators: Record<string, WaveOrchestrator> = {};
    for (const service of props.services) {
      orchestrators[service] = new WaveOrchestrator(this, `Orchestrator-${service}`, {
        serviceName: service,
        deployStep: props.deployStep === 'proton' ? { kind: 'proton' } : { kind: 'cloudformation', stackPrefix: props.stackPrefix ?? 'tw' },
        registry: this.table,
        code: props.code,
      });
    }
    this.orchestrators = orchestrators;
    new CfnOutput(this, 'RegistryTableName', { value: this.table.tableName, description: 'tenant-waves:registry-table' });
  }
}
