import { ValidationError } from '@tenant-waves/control-plane';
import { Template } from 'aws-cdk-lib/assertions';
import { renderServerlessService } from '../src';

test('a nodejs22.x function named per tenant, with its reserved concurrency, behind a throttled, logged API', () => {
  const t = Template.fromJSON(
    renderServerlessService('saas-lambda', 'tenantA', { lambda_artifact_bucket: 'tenanta-bucket', lambda_reserved_concurrency: 25 }),
  );
  t.hasResourceProperties('AWS::Lambda::Function', {
    FunctionName: 'tenantA-saas-lambda',
    Runtime: 'nodejs22.x',
    ReservedConcurrentExecutions: 25,
    Code: { S3Bucket: 'tenanta-bucket', S3Key: 'lambda_functions.zip' },
  });
  t.hasResourceProperties('AWS::ApiGateway::RestApi', { Name: 'tenantA-saas-lambda' });
  t.hasResourceProperties('AWS::ApiGateway::Stage', {
    MethodSettings: [{ ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 }],
  });
  const stage = Object.values(t.findResources('AWS::ApiGateway::Stage'))[0];
  expect(stage.Properties.AccessLogSetting.DestinationArn).toBeDefined();
});

test('concurrency out of range and a missing bucket are both reported', () => {
  try {
    renderServerlessService('saas-lambda', 'tenantA', { lambda_reserved_concurrency: 5000 });
    throw new Error('expected a ValidationError');
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).issues.map((i) => `${i.path}: ${i.message}`).sort()).toEqual([
      'spec.lambda_artifact_bucket: is required (S3 bucket holding the function\'s code (usually the environment\'s bucket))',
      'spec.lambda_reserved_concurrency: must be <= 1000, got 5000',
    ]);
  }
});
