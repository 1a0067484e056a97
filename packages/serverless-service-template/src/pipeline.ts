import { CfnResource, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, IConstruct } from 'constructs';

function acknowledge(scope: IConstruct, reasons: Record<string, string>) {
  for (const [id, reason] of Object.entries(reasons)) Validations.of(scope).acknowledge({ id, reason });
}

export interface ServerlessServicePipelineProps {
  /** The service (as registered in the control plane). */
  readonly serviceName: string;
  /** The CodeStar connection (AWS CodeConnections) to the source repository. */
  readonly connectionArn: string;
  /** `owner/repository` of the source. */
  readonly repository: string;
  readonly branch?: string;
  /** The buildspec in the repository (Proton's `pipeline.buildspecfile`; default packages/saas-lambda/buildspec.yml). */
  readonly buildspecFile?: string;
  /** The service's wave orchestrator (the control-plane stack's state machine for this service). */
  readonly stateMachineArn: string;
  /** Its name, when `stateMachineArn` is not a literal (a reference within the same stack). */
  readonly stateMachineName?: string;
  /** The orchestrator itself, when it is in the same stack (then `stateMachineArn` is its ARN token). */
  readonly stateMachine?: sfn.IStateMachine;
  /** Rollout options for every release the pipeline starts (the orchestrator's RolloutOptions, as JSON). */
  readonly rolloutOptions: Readonly<Record<string, unknown>>;
}

/**
 * The service pipeline of a serverless-service: source (CodeStar connection) → CodeBuild (bundle
 * the handler with the repository's buildspec, zip it into this service's code bucket under a
 * new key; write the rollout input) → start the wave orchestrator with that input. Each tenant's
 * stack then points its function at that key (the `ArtifactKey` parameter).
 */
export class ServerlessServicePipeline extends Construct {
  /** Where the code zips go: `<service>/<version>.zip`. */
  public readonly codeBucket: s3.Bucket;
  public readonly pipeline: codepipeline.Pipeline;

  constructor(scope: Construct, id: string, props: ServerlessServicePipelineProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const key = new kms.Key(this, 'ArtifactsKey', { enableKeyRotation: true, description: `${props.serviceName} pipeline artifacts` });
    const accessLogs = new s3.Bucket(this, 'ArtifactsAccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(accessLogs, { 'AwsSolutions-S1': 'This is the access-log bucket of the pipeline\'s artifact bucket; logging it into itself would loop.' });
    const artifacts = new s3.Bucket(this, 'Artifacts', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      serverAccessLogsBucket: accessLogs,
      lifecycleRules: [{ expiration: Duration.days(90) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.codeBucket = new s3.Bucket(this, 'Code', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'code/',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const buildLogs = new logs.LogGroup(this, 'BuildLogs', { retention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.RETAIN });
    const build = new codebuild.PipelineProject(this, 'Build', {
      description: `Bundle the ${props.serviceName} handler, upload its zip; write the rollout input`,
      buildSpec: codebuild.BuildSpec.fromSourceFilename(props.buildspecFile ?? 'packages/saas-lambda/buildspec.yml'),
      environment: { buildImage: codebuild.LinuxBuildImage.STANDARD_7_0, computeType: codebuild.ComputeType.SMALL },
      environmentVariables: {
        ARTIFACT_BUCKET: { value: this.codeBucket.bucketName },
        SERVICE_NAME: { value: props.serviceName },
        ROLLOUT_OPTIONS: { value: JSON.stringify(props.rolloutOptions) },
      },
      encryptionKey: key,
      logging: { cloudWatch: { logGroup: buildLogs } },
      timeout: Duration.minutes(30),
    });
    this.codeBucket.grantPut(build, `${props.serviceName}/*`);
    const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
    const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
    const project = stack.getLogicalId(build.node.defaultChild as codebuild.CfnProject);
    acknowledge(build, {
      [`AwsSolutions-IAM5[Resource::<${stack.getLogicalId(this.codeBucket.node.defaultChild as s3.CfnBucket)}.Arn>/${props.serviceName}/*]`]:
        'The build writes this service\'s code zips (one key per version) and nothing else.',
      [`AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:${region}:${account}:log-group:/aws/codebuild/<${project}>:*]`]:
        'CodeBuild\'s default grant: the log streams of this project\'s own log group.',
      [`AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:codebuild:${region}:${account}:report-group/<${project}>-*]`]:
        'CodeBuild\'s default grant: the test report groups of this project only.',
    });

    const source = new codepipeline.Artifact('Source');
    const built = new codepipeline.Artifact('RolloutInput');
    const stateMachine = props.stateMachine ?? sfn.StateMachine.fromStateMachineArn(this, 'Orchestrator', props.stateMachineArn);
    const [owner, repo] = props.repository.split('/');
    this.pipeline = new codepipeline.Pipeline(this, 'Pipeline', {
      pipelineName: `tenant-waves-${props.serviceName}`,
      artifactBucket: artifacts,
      pipelineType: codepipeline.PipelineType.V2,
      restartExecutionOnUpdate: false,
      stages: [
        {
          stageName: 'Source',
          actions: [new actions.CodeStarConnectionsSourceAction({
            actionName: 'Source', connectionArn: props.connectionArn, owner, repo, branch: props.branch ?? 'main', output: source,
          })],
        },
        { stageName: 'Build', actions: [new actions.CodeBuildAction({ actionName: 'BundleHandler', project: build, input: source, outputs: [built] })] },
        {
          stageName: 'Release',
          actions: [new actions.StepFunctionInvokeAction({
            actionName: 'StartWaveRollout', stateMachine, stateMachineInput: actions.StateMachineInput.filePath(built.atPath('rollout-input.json')),
          })],
        },
      ],
    });
    // The grants CDK generates: the artifact bucket's objects and the key, read by the actions' roles;
    // the release action describes the executions it started.
    let executions = `${props.stateMachineArn.replace(':stateMachine:', ':execution:')}:*`;
    if (props.stateMachine && Token.isUnresolved(props.stateMachineArn)) {
      // The action's grant splits the ARN reference apart; cdk-nag names the resource as it is written.
      const ref = stack.getLogicalId(props.stateMachine.node.defaultChild as CfnResource);
      const part = (n: number) => JSON.stringify({ 'Fn::Select': [n, { 'Fn::Split': [':', { Ref: ref }] }] });
      executions = `arn:${part(1)}:states:${part(3)}:${part(4)}:execution:${part(6)}:*`;
    } else if (Token.isUnresolved(props.stateMachineArn)) {
      executions = `arn:<AWS::Partition>:states:${region}:${account}:execution:${props.stateMachineName ?? props.serviceName}:*`;
    }
    acknowledge(this, {
      [`AwsSolutions-IAM5[Resource::${executions}]`]: 'The release action follows the executions it starts on this service\'s own state machine.',
      'AwsSolutions-IAM5[Action::s3:GetObject*]': 'CodePipeline\'s actions read and write this pipeline\'s own artifact bucket only.',
      'AwsSolutions-IAM5[Action::s3:GetBucket*]': 'CodePipeline\'s actions read and write this pipeline\'s own artifact bucket only.',
      'AwsSolutions-IAM5[Action::s3:List*]': 'CodePipeline\'s actions read and write this pipeline\'s own artifact bucket only.',
      'AwsSolutions-IAM5[Action::s3:DeleteObject*]': 'CodePipeline\'s actions read and write this pipeline\'s own artifact bucket only.',
      'AwsSolutions-IAM5[Action::s3:Abort*]': 'CodePipeline\'s actions read and write this pipeline\'s own artifact bucket only.',
      'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]': 'The artifact key, used by this pipeline\'s actions only.',
      'AwsSolutions-IAM5[Action::kms:ReEncrypt*]': 'The artifact key, used by this pipeline\'s actions only.',
      [`AwsSolutions-IAM5[Resource::<${stack.getLogicalId(artifacts.node.defaultChild as s3.CfnBucket)}.Arn>/*]`]:
        'Objects of this pipeline\'s own artifact bucket.',
    });
  }
}
