import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ServerlessServicePipeline } from '../src';
import { nagFindings } from './support';

// The service pipeline: source → bundle and upload the handler's zip → start the wave rollout.
const build = (app: App) => {
  const stack = new Stack(app, 'Pipeline', { env: { account: '111122223333', region: 'eu-west-1' } });
  new ServerlessServicePipeline(stack, 'SaasLambda', {
    serviceName: 'saas-lambda',
    connectionArn: 'arn:aws:codeconnections:eu-west-1:111122223333:connection/abc',
    repository: 'example/saas-app',
    stateMachineArn: 'arn:aws:states:eu-west-1:111122223333:stateMachine:tenant-waves-saas-lambda',
    rolloutOptions: { gate: 'manual', bakeSeconds: 300 },
  });
  return stack;
};

test('three stages: source (CodeStar connection), build (CodeBuild, not privileged), release (Step Functions with the rollout input)', () => {
  const t = Template.fromStack(build(new App()));
  t.hasResourceProperties('AWS::CodePipeline::Pipeline', {
    Stages: [
      Match.objectLike({ Name: 'Source', Actions: [Match.objectLike({ ActionTypeId: Match.objectLike({ Provider: 'CodeStarSourceConnection' }) })] }),
      Match.objectLike({ Name: 'Build', Actions: [Match.objectLike({ ActionTypeId: Match.objectLike({ Provider: 'CodeBuild' }) })] }),
      Match.objectLike({
        Name: 'Release',
        Actions: [Match.objectLike({
          ActionTypeId: Match.objectLike({ Provider: 'StepFunctions' }),
          Configuration: Match.objectLike({ InputType: 'FilePath', Input: 'RolloutInput::rollout-input.json' }),
        })],
      }),
    ],
  });
  t.hasResourceProperties('AWS::CodeBuild::Project', {
    Environment: Match.objectLike({
      PrivilegedMode: false,
      EnvironmentVariables: Match.arrayWith([
        { Name: 'SERVICE_NAME', Type: 'PLAINTEXT', Value: 'saas-lambda' },
        { Name: 'ROLLOUT_OPTIONS', Type: 'PLAINTEXT', Value: '{"gate":"manual","bakeSeconds":300}' },
      ]),
    }),
    Source: Match.objectLike({ BuildSpec: 'packages/saas-lambda/buildspec.yml' }),
  });
  t.hasResourceProperties('AWS::S3::Bucket', { VersioningConfiguration: { Status: 'Enabled' }, LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'code/' }) });
});

test('cdk-nag AwsSolutions: no unacknowledged findings', () => {
  expect(nagFindings(build)).toEqual([]);
});
