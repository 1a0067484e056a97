import validator from 'asl-validator';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ControlPlaneAssetsStack, ControlPlaneStack } from '../src';

// The AWS backend's control-plane stack, synthesised offline: the registry table, one
// orchestrator per service wired to it, cdk-nag clean, a valid state machine inside.
const app = new App();
const stack = new ControlPlaneStack(app, 'TenantWaves', { services: ['saas-web', 'saas-lambda'], env: { account: '123456789012', region: 'eu-west-1' } });
const template = Template.fromStack(stack);
const resources = template.toJSON().Resources;

test('the registry table: the DynamoDB store\'s keys and index, point-in-time recovery, kept on delete', () => {
  template.hasResource('AWS::DynamoDB::GlobalTable', {
    DeletionPolicy: 'Retain',
    Properties: Match.objectLike({
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'gsi1' })],
      Replicas: [Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } })],
    }),
  });
});

test('one orchestrator per service; its Lambdas find the table and the stack prefix in their environment', () => {
  template.resourceCountIs('AWS::StepFunctions::StateMachine', 2);
  const fns = Object.values<any>(resources).filter((r) => r.Type === 'AWS::Lambda::Function');
  expect(fns).toHaveLength(18);
  for (const fn of fns) {
    expect(fn.Properties.Environment.Variables).toMatchObject({ TENANT_WAVES_TABLE: { Ref: expect.any(String) }, TENANT_WAVES_STACK_PREFIX: 'tw', TENANT_WAVES_DEPLOY_STEP: 'cloudformation' });
  }
});

test('tenant stacks are changed by a CloudFormation role the task Lambdas may only pass', () => {
  const roles = Object.entries<any>(resources).filter(([, r]) => r.Type === 'AWS::IAM::Role'
    && r.Properties.AssumeRolePolicyDocument.Statement.some((s: any) => s.Principal?.Service === 'cloudformation.amazonaws.com'));
  expect(roles).toHaveLength(1);
  const [roleId] = roles[0];
  for (const fn of Object.values<any>(resources).filter((r) => r.Type === 'AWS::Lambda::Function')) {
    expect(fn.Properties.Environment.Variables.TENANT_WAVES_CFN_ROLE).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
  }
  const passes = Object.values<any>(resources).filter((r) => r.Type === 'AWS::IAM::Policy')
    .flatMap((p) => p.Properties.PolicyDocument.Statement).filter((s: any) => s.Action === 'iam:PassRole');
  expect(passes.length).toBeGreaterThan(0);
  for (const s of passes) expect(s.Resource).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
});

test('cdk-nag AwsSolutions: no unacknowledged findings', () => {
  const report = new AwsSolutionsChecks().validateScope(stack);
  expect(report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName}: ${r.constructPath}`))).toEqual([]);
});

test('each state machine inside passes asl-validator (references replaced by ARNs)', () => {
  for (const sm of Object.values<any>(resources).filter((r) => r.Type === 'AWS::StepFunctions::StateMachine')) {
    const parts: any[] = sm.Properties.DefinitionString['Fn::Join'][1];
    const text = parts.map((p) => (typeof p === 'string' ? p : p.Ref ? 'https://sqs.eu-west-1.amazonaws.com/123456789012/approvals' : 'arn:aws:lambda:eu-west-1:123456789012:function:task')).join('');
    const { isValid, errors } = validator(JSON.parse(text));
    expect(errors).toEqual([]);
    expect(isValid).toBe(true);
  }
});

test('the assets stack (tenant bootstrap\'s first step): a private, encrypted, versioned, logged bucket; cdk-nag clean', () => {
  const assets = new ControlPlaneAssetsStack(new App(), 'TenantWavesAssets');
  const t = Template.fromStack(assets);
  t.hasResourceProperties('AWS::S3::Bucket', { VersioningConfiguration: { Status: 'Enabled' }, LoggingConfiguration: Match.anyValue() });
  t.hasOutput('AssetsBucketName', { Description: 'tenant-waves:assets-bucket' });
  const report = new AwsSolutionsChecks().validateScope(assets);
  expect(report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName}: ${r.constructPath}`))).toEqual([]);
});

test('with service pipelines: one per service, starting that service\'s orchestrator; cdk-nag clean', () => {
  const withPipelines = new ControlPlaneStack(new App(), 'WithPipelines', {
    services: ['saas-web', 'saas-lambda'],
    env: { account: '123456789012', region: 'eu-west-1' },
    pipelines: {
      'saas-web': { template: 'fargate-service', connectionArn: 'arn:aws:codeconnections:eu-west-1:123456789012:connection/x', repository: 'example/saas-app' },
      'saas-lambda': { template: 'serverless-service', connectionArn: 'arn:aws:codeconnections:eu-west-1:123456789012:connection/x', repository: 'example/saas-app', rolloutOptions: { gate: 'manual' } },
    },
  });
  const t = Template.fromStack(withPipelines);
  t.resourceCountIs('AWS::CodePipeline::Pipeline', 2);
  const release = Object.values<any>(t.toJSON().Resources)
    .filter((r) => r.Type === 'AWS::CodePipeline::Pipeline')
    .map((p) => p.Properties.Stages.find((s: any) => s.Name === 'Release').Actions[0].Configuration.StateMachineArn);
  expect(release.every((arn: any) => arn.Ref)).toBe(true); // the orchestrators of this stack
  const report = new AwsSolutionsChecks().validateScope(withPipelines);
  expect(report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName}: ${r.constructPath}`))).toEqual([]);
});
