import { DYNAMO_TABLE } from '@tenant-waves/control-plane';
import { FargateServicePipeline } from '@tenant-waves/fargate-service-template';
import { ServerlessServicePipeline } from '@tenant-waves/serverless-service-template';
import { CfnOutput, Duration, RemovalPolicy, Stack, StackProps, Token, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
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
  /** The CloudFormation service role that creates and changes the tenant stacks (CloudFormation deploy step). */
  public readonly stackRole?: iam.Role;

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
    if (props.deployStep !== 'proton') this.stackRole = this.tenantStackRole(props.stackPrefix ?? 'tw');
    const orchestrators: Record<string, WaveOrchestrator> = {};
    for (const service of props.services) {
      orchestrators[service] = new WaveOrchestrator(this, `Orchestrator-${service}`, {
        serviceName: service,
        deployStep: props.deployStep === 'proton' ? { kind: 'proton' } : { kind: 'cloudformation', stackPrefix: props.stackPrefix ?? 'tw' },
        registry: this.table,
        stackRole: this.stackRole,
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
    if (this.stackRole) new CfnOutput(this, 'TenantStackRoleArn', { value: this.stackRole.roleArn, description: 'tenant-waves:stack-role' });
  }

  /**
   * The role CloudFormation changes tenant stacks with. Whoever deploys (the task Lambdas, the
   * CLI) only passes it; it holds what the templates' resources need, and only CloudFormation can
   * assume it, only for this account's stacks named `<prefix>-…`.
   */
  private tenantStackRole(prefix: string): iam.Role {
    const role = new iam.Role(this, 'TenantStackRole', {
      assumedBy: new iam.ServicePrincipal('cloudformation.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
      description: `CloudFormation role for the tenant stacks ${prefix}-*`,
    });
    // The services the environment and service templates use.
    const services = [
      'ec2', 'ecs', 'elasticloadbalancing', 'autoscaling', 'application-autoscaling', 'servicediscovery', 'route53', 'logs', 's3', 'kms',
      'lambda', 'apigateway', 'cloudwatch', 'ssm',
    ];
    role.addToPolicy(new iam.PolicyStatement({ actions: services.map((s) => `${s}:*`), resources: ['*'] }));
    role.addToPolicy(new iam.PolicyStatement({
      actions: ['iam:CreateRole', 'iam:DeleteRole', 'iam:GetRole', 'iam:PassRole', 'iam:PutRolePolicy', 'iam:DeleteRolePolicy', 'iam:GetRolePolicy',
        'iam:AttachRolePolicy', 'iam:DetachRolePolicy', 'iam:TagRole', 'iam:UntagRole', 'iam:CreateServiceLinkedRole'],
      resources: [this.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: `${prefix}-*` }),
        this.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: 'aws-service-role/*' })],
    }));
    const reason = 'The tenant stacks\' resources (VPCs, clusters, load balancers, functions, APIs, buckets, log groups) are created by '
      + 'CloudFormation with generated names, so no narrower ARNs exist before they do; only CloudFormation in this account can use this role.';
    Validations.of(role).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason });
    for (const s of services) Validations.of(role).acknowledge({ id: `AwsSolutions-IAM5[Action::${s}:*]`, reason });
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::${Token.isUnresolved(this.account) ? '<AWS::AccountId>' : this.account}:role/${prefix}-*]`,
      reason: 'Roles of the tenant stacks (task and execution roles) only: their names start with the stack prefix.',
    });
    role.addToPolicy(new iam.PolicyStatement({
      actions: ['iam:CreateInstanceProfile', 'iam:DeleteInstanceProfile', 'iam:GetInstanceProfile', 'iam:AddRoleToInstanceProfile', 'iam:RemoveRoleFromInstanceProfile'],
      resources: [this.formatArn({ service: 'iam', region: '', resource: 'instance-profile', resourceName: `${prefix}-*` })],
    }));
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::${Token.isUnresolved(this.account) ? '<AWS::AccountId>' : this.account}:instance-profile/${prefix}-*]`,
      reason: 'Instance profiles of the tenant environments\' EC2 capacity only: their names start with the stack prefix.',
    });
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::${Token.isUnresolved(this.account) ? '<AWS::AccountId>' : this.account}:role/aws-service-role/*]`,
      reason: 'The service-linked roles ECS, load balancing and auto scaling create on first use.',
    });
    return role;
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
