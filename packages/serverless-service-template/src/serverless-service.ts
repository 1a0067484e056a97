import { CfnParameter, Stack, StackProps, Tags, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IConstruct } from 'constructs';
import { ServerlessServiceInput } from './schema';

/** Acknowledges cdk-nag findings on a construct and its children, each with its reason. */
function acknowledge(scope: IConstruct, reasons: Record<string, string>) {
  for (const [id, reason] of Object.entries(reasons)) Validations.of(scope).acknowledge({ id, reason });
}

export interface TenantServerlessServiceProps {
  readonly serviceName: string;
  readonly inputs: ServerlessServiceInput;
  /** The tenant id (may be a token, e.g. a parameter). */
  readonly tenantId: string;
  /** Where the function's code is; defaults to the inputs' bucket and key (may be tokens). */
  readonly artifactBucket?: string;
  readonly artifactKey?: string;
}

/**
 * One tenant's instance of a serverless service: a REST API in front of a Lambda function
 * (nodejs22.x) named per tenant, with reserved concurrency, stage throttling, access and
 * execution logging, and a role that can only write the function's own logs.
 */
export class TenantServerlessService extends Construct {
  public readonly function: lambda.Function;
  public readonly api: apigateway.RestApi;

  constructor(scope: Construct, id: string, props: TenantServerlessServiceProps) {
    super(scope, id);
    const { inputs, tenantId, serviceName } = props;
    const name = `${tenantId}-${serviceName}`;
    const functionLogs = new logs.LogGroup(this, 'FunctionLogs', { retention: logs.RetentionDays.ONE_MONTH });
    const role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(
      new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [functionLogs.logGroupArn] }),
    );
    const bucket = s3.Bucket.fromBucketName(this, 'Artifacts', props.artifactBucket ?? inputs.lambda_artifact_bucket);
    this.function = new lambda.Function(this, 'Function', {
      functionName: name,
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromBucket(bucket, props.artifactKey ?? inputs.lambda_artifact_key),
      role,
      reservedConcurrentExecutions: inputs.lambda_reserved_concurrency,
      environment: { TENANT_ID: tenantId },
      logGroup: functionLogs,
      tracing: lambda.Tracing.ACTIVE,
    });
    acknowledge(this.function, {
      'AwsSolutions-L1': 'Pinned to nodejs22.x, the Node.js LTS this project targets; runtime upgrades are a template major version.',
    });
    acknowledge(role, {
      'AwsSolutions-IAM5[Resource::*]': 'X-Ray tracing (Tracing.ACTIVE) needs xray:PutTraceSegments/PutTelemetryRecords, which take no resource.',
    });

    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: logs.RetentionDays.ONE_MONTH });
    this.api = new apigateway.RestApi(this, 'Api', {
      restApiName: name,
      // The account-wide API Gateway CloudWatch role is set once per account (bootstrap), not per tenant stack.
      cloudWatchRole: false,
      deployOptions: {
        throttlingRateLimit: 100,
        throttlingBurstLimit: 200,
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        tracingEnabled: true,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
      },
    });
    const validator = this.api.addRequestValidator('Validator', { validateRequestParameters: true, validateRequestBody: true });
    const integration = new apigateway.LambdaIntegration(this.function);
    this.api.root.addMethod('ANY', integration, { requestValidator: validator });
    this.api.root.addProxy({ defaultIntegration: integration, defaultMethodOptions: { requestValidator: validator } });
    acknowledge(this.api, {
      'AwsSolutions-APIG4': 'The sample workload is a public, read-only endpoint; authorization belongs to the workload a team deploys, which this template cannot know.',
      'AwsSolutions-COG4': 'Same as APIG4: no Cognito user pool is part of a tenant service instance.',
      'AwsSolutions-APIG3': 'WAF web ACLs are associated account-wide by the platform team (Firewall Manager), not per tenant stack.',
    });
    Tags.of(this).add('tenant_id', tenantId);
  }
}

/**
 * The instance as a stack. The tenant id and the code's location (which a release changes)
 * are CloudFormation parameters, so one synthesised template serves every tenant of the
 * service with the same inputs.
 */
export class TenantServerlessServiceStack extends Stack {
  public static readonly PARAMETERS = ['TenantId', 'ArtifactBucket', 'ArtifactKey'] as const;

  constructor(scope: Construct, id: string, props: { serviceName: string; inputs: ServerlessServiceInput } & StackProps) {
    super(scope, id, props);
    const tenantId = new CfnParameter(this, 'TenantId', { type: 'String', description: 'The tenant' });
    const bucket = new CfnParameter(this, 'ArtifactBucket', {
      type: 'String',
      description: 'S3 bucket of the function code (the environment\'s BucketName)',
      default: props.inputs.lambda_artifact_bucket,
    });
    const key = new CfnParameter(this, 'ArtifactKey', {
      type: 'String',
      description: 'S3 key of the function code zip; a release changes it',
      default: props.inputs.lambda_artifact_key,
    });
    new TenantServerlessService(this, 'Instance', {
      serviceName: props.serviceName,
      inputs: props.inputs,
      tenantId: tenantId.valueAsString,
      artifactBucket: bucket.valueAsString,
      artifactKey: key.valueAsString,
    });
  }
}
