import { Stack, StackProps, Tags } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { ServerlessServiceInput } from './schema';

export interface TenantServerlessServiceProps {
  readonly serviceName: string;
  readonly tenantId: string;
  readonly inputs: ServerlessServiceInput;
}

/** One tenant's instance of a serverless service: a REST API in front of a Lambda function. */
export class TenantServerlessService extends Construct {
  public readonly function: lambda.Function;
  public readonly api: apigateway.LambdaRestApi;

  constructor(scope: Construct, id: string, props: TenantServerlessServiceProps) {
    super(scope, id);
    const { inputs, tenantId, serviceName } = props;
    const bucket = s3.Bucket.fromBucketName(this, 'Artifacts', inputs.lambda_artifact_bucket);
    this.function = new lambda.Function(this, 'Function', {
      functionName: `${tenantId}-${serviceName}`,
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromBucket(bucket, inputs.lambda_artifact_key),
      reservedConcurrentExecutions: inputs.lambda_reserved_concurrency,
      environment: { TENANT_ID: tenantId },
      logGroup: new logs.LogGroup(this, 'FunctionLogs', { retention: logs.RetentionDays.ONE_MONTH }),
    });
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: logs.RetentionDays.ONE_MONTH });
    this.api = new apigateway.LambdaRestApi(this, 'Api', {
      restApiName: `${tenantId}-${serviceName}`,
      handler: this.function,
      deployOptions: {
        throttlingRateLimit: 100,
        throttlingBurstLimit: 200,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
      },
    });
    Tags.of(this).add('tenant_id', tenantId);
  }
}

export class TenantServerlessServiceStack extends Stack {
  constructor(scope: Construct, id: string, props: TenantServerlessServiceProps & StackProps) {
    super(scope, id, props);
    new TenantServerlessService(this, 'Service', props);
  }
}
