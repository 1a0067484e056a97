import { DYNAMO_TABLE } from '@tenant-waves/control-plane';
import { FargateServicePipeline } from '@tenant-waves/fargate-service-template';
import { ServerlessServicePipeline } from '@tenant-waves/serverless-service-template';
import { CfnOutput, Duration, RemovalPolicy, Stack, StackProps, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { WaveOrchestrator } from './construct';
import { DEFAULT_OPTIONS, RolloutOptions } from './model';

/** Where a service's code comes from, for its pipeline (Proton's service pipeline, on CodePipeline). */
export interface ServicePipelineSource {
  readonly template: 'fargate-service' | 'serverless-service';
  /** The CodeStar connection (AWS CodeConnections) to the repository. */
  readonly connectionArn: string;
  /** `owner/repository`. */
  readonly repository: string;
  readonly branch?: string;
  /** The buildspec in the repository (default: the sample workload's). */
  readonly buildspecFile?: string;
  /** Options of the rollouts the pipeline starts (default: the orchestrator's defaults). */
  readonly rolloutOptions?: Partial<RolloutOptions>;
}

export interface ControlPlaneStackProps extends StackProps {
  /** The services to roll out; each gets its own orchestrator, whose IAM reaches only its instances. */
  readonly services: readonly string[];
  /** How instances are changed (default: CloudFormation stacks `<stackPrefix>-<service>-<tenant>`). */
  readonly deployStep?: 'cloudformation' | 'proton';
  /** Prefix of the tenant stacks (default `tw`). */
  readonly stackPrefix?: string;
  /** Code of the task Lambdas (default: the orchestrator's bundle, as a CDK asset). */
  readonly code?: lambda.Code;
  /** Or: the code's zip already in S3 (what `tenant bootstrap` uploads); no CDK asset then. */
  readonly codeInS3?: { readonly bucketName: string; readonly key: string };
  /** Service pipelines, by service (each of `services`): source → build → start its orchestrator. */
  readonly pipelines?: Readonly<Record<string, ServicePipelineSource>>;
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
    const code = props.codeInS3
      ? lambda.Code.fromBucket(s3.Bucket.fromBucketName(this, 'CodeBucket', props.codeInS3.bucketName), props.codeInS3.key)
      : props.code;
    const orchestrators: Record<string, WaveOrchestrator> = {};
    for (const service of props.services) {
      orchestrators[service] = new WaveOrchestrator(this, `Orchestrator-${service}`, {
        serviceName: service,
        deployStep: props.deployStep === 'proton' ? { kind: 'proton' } : { kind: 'cloudformation', stackPrefix: props.stackPrefix ?? 'tw' },
        registry: this.table,
        code,
      });
    }
    this.orchestrators = orchestrators;
    for (const [service, source] of Object.entries(props.pipelines ?? {})) {
      const orchestrator = orchestrators[service];
      if (!orchestrator) throw new Error(`a pipeline for ${service}, which is not one of the services (${props.services.join(', ')})`);
      const Pipeline = source.template === 'serverless-service' ? ServerlessServicePipeline : FargateServicePipeline;
      new Pipeline(this, `Pipeline-${service}`, {
        serviceName: service,
        connectionArn: source.connectionArn,
        repository: source.repository,
        branch: source.branch,
        buildspecFile: source.buildspecFile,
        stateMachineArn: orchestrator.stateMachine.stateMachineArn,
        stateMachine: orchestrator.stateMachine,
        stateMachineName: `tenant-waves-${service}`,
        rolloutOptions: { ...DEFAULT_OPTIONS, ...source.rolloutOptions },
      });
    }
    new CfnOutput(this, 'RegistryTableName', { value: this.table.tableName, description: 'tenant-waves:registry-table' });
  }
}

/**
 * What `tenant bootstrap` deploys first: the bucket the control plane's own artifacts go to
 * (the task Lambdas' code, the control-plane template), private, encrypted, SSL only,
 * versioned, with access logs in a second bucket.
 */
export class ControlPlaneAssetsStack extends Stack {
  public readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, props);
    const logs = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(logs).acknowledge({ id: 'AwsSolutions-S1', reason: 'This is the access-log bucket of the assets bucket; logging it into itself would loop.' });
    this.bucket = new s3.Bucket(this, 'Assets', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      versioned: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'assets/',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    new CfnOutput(this, 'AssetsBucketName', { value: this.bucket.bucketName, description: 'tenant-waves:assets-bucket' });
  }
}
