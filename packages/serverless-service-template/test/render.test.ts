import { Match, Template } from 'aws-cdk-lib/assertions';
import { renderServerlessService, ServerlessServiceInput, synthServerlessService, TenantServerlessServiceStack, TIER_PROFILES } from '../src';
import { nagFindings } from './support';

const INPUTS: ServerlessServiceInput = {
  lambda_reserved_concurrency: 100,
  lambda_artifact_bucket: 'tenanta-bucket',
  lambda_artifact_key: 'lambda_functions.zip',
};
const tier = (t: keyof typeof TIER_PROFILES) => ({ ...INPUTS, ...TIER_PROFILES[t] });

test('a nodejs22.x function named per tenant, with reserved concurrency and code from the bucket', () => {
  const t = Template.fromJSON(renderServerlessService('saas-lambda', { ...INPUTS, lambda_reserved_concurrency: 25 }, { TenantId: 'tenantA' }));
  t.hasResourceProperties('AWS::Lambda::Function', {
    FunctionName: { 'Fn::Join': ['', [{ Ref: 'TenantId' }, '-saas-lambda']] },
    Runtime: 'nodejs22.x',
    ReservedConcurrentExecutions: 25,
    Code: { S3Bucket: { Ref: 'ArtifactBucket' }, S3Key: { Ref: 'ArtifactKey' } },
  });
  const params = t.toJSON().Parameters;
  expect([params.TenantId.Default, params.ArtifactBucket.Default, params.ArtifactKey.Default]).toEqual([
    'tenantA',
    'tenanta-bucket',
    'lambda_functions.zip',
  ]);
});

test('the API: per-tenant name, throttled, access- and execution-logged, requests validated', () => {
  const t = Template.fromJSON(renderServerlessService('saas-lambda', INPUTS));
  t.hasResourceProperties('AWS::ApiGateway::RestApi', { Name: { 'Fn::Join': ['', [{ Ref: 'TenantId' }, '-saas-lambda']] } });
  t.hasResourceProperties('AWS::ApiGateway::Stage', {
    AccessLogSetting: Match.objectLike({ DestinationArn: Match.anyValue() }),
    MethodSettings: [Match.objectLike({ ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200, LoggingLevel: 'ERROR' })],
  });
  t.resourceCountIs('AWS::ApiGateway::RequestValidator', 1);
  t.resourceCountIs('AWS::ApiGateway::Account', 0);
});

test('the function role can only write its own logs (and traces)', () => {
  const t = Template.fromJSON(renderServerlessService('saas-lambda', INPUTS));
  const statements = Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
  const logs = statements.find((s: any) => [].concat(s.Action).includes('logs:PutLogEvents'));
  expect(logs.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^InstanceFunctionLogs/), 'Arn'] });
  const actions = statements.flatMap((s: any) => [].concat(s.Action)).sort();
  expect(actions).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
});

test('the fast path equals a fresh synth with the same parameters', () => {
  renderServerlessService('saas-lambda', tier('standard'), { TenantId: 'tenantA' });
  const fast = renderServerlessService('saas-lambda', tier('standard'), { TenantId: 'tenantB', ArtifactKey: 'v2.zip' });
  const slow = synthServerlessService('saas-lambda', tier('standard'));
  slow.Parameters.TenantId.Default = 'tenantB';
  slow.Parameters.ArtifactKey.Default = 'v2.zip';
  expect(fast).toEqual(slow);
});

describe('cdk-nag AwsSolutions: no unsuppressed findings', () => {
  test.each(['basic', 'standard', 'premium'] as const)('%s', (t) => {
    expect(nagFindings((app) => new TenantServerlessServiceStack(app, 'Svc', { serviceName: 'saas-lambda', inputs: tier(t) }))).toEqual([]);
  });
});
