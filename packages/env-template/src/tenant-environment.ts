import { CfnOutput, CfnParameter, Duration, RemovalPolicy, Stack, StackProps, Tags, Validations } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { Construct, IConstruct } from 'constructs';
import { TenantEnvironmentInput } from './schema';

/** Acknowledges cdk-nag findings on a construct and its children, each with its reason. */
function acknowledge(scope: IConstruct, reasons: Record<string, string>) {
  for (const [id, reason] of Object.entries(reasons)) Validations.of(scope).acknowledge({ id, reason });
}

export interface TenantEnvironmentProps {
  /** Validated inputs (see `validateEnvironmentInputs`). */
  readonly inputs: TenantEnvironmentInput;
  /** The tenant id to tag and output; defaults to `inputs.tenantId` (may be a token, e.g. a parameter). */
  readonly tenantId?: string;
  /** The namespace name; defaults to `inputs.service_discovery_namespace` (may be a token). */
  readonly namespaceName?: string;
}

/**
 * A tenant's (or tier's) environment: a VPC over two AZs with public and private subnets and
 * flow logs; an ECS cluster with Fargate capacity providers, optional EC2 capacity, Container
 * Insights and ECS Exec when asked; a Cloud Map private DNS namespace; the tenant's bucket
 * and the bucket its access logs (S3 server access, VPC flow logs, load balancers) go to.
 */
export class TenantEnvironment extends Construct {
  public readonly vpc: ec2.Vpc;
  public readonly cluster: ecs.Cluster;
  public readonly namespace: servicediscovery.PrivateDnsNamespace;
  public readonly bucket: s3.Bucket;
  public readonly logsBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: TenantEnvironmentProps) {
    super(scope, id);
    const { inputs } = props;
    const tenantId = props.tenantId ?? inputs.tenantId;

    this.logsBucket = new s3.Bucket(this, 'LogsBucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(365) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Application Load Balancers of this environment's services write their access logs here.
    this.logsBucket.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('logdelivery.elasticloadbalancing.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [this.logsBucket.arnForObjects('alb/*')],
      }),
    );
    acknowledge(this.logsBucket, {
      'AwsSolutions-S1': 'This is the access-log bucket itself; logging it into itself would loop.',
    });

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(inputs.vpc_cidr_block),
      maxAzs: 2,
      natGateways: inputs.nat_gateways,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 24 },
      ],
      flowLogs: {
        all: { destination: ec2.FlowLogDestination.toS3(this.logsBucket, 'vpc-flow-logs/'), trafficType: ec2.FlowLogTrafficType.ALL },
      },
    });

    let executeCommandConfiguration: ecs.ExecuteCommandConfiguration | undefined;
    if (inputs.allow_ecs_exec) {
      const key = new kms.Key(this, 'ExecKey', { enableKeyRotation: true, description: `ECS Exec sessions of ${tenantId}` });
      executeCommandConfiguration = {
        kmsKey: key,
        logging: ecs.ExecuteCommandLogging.OVERRIDE,
        logConfiguration: {
          cloudWatchLogGroup: new logs.LogGroup(this, 'ExecLogs', { retention: logs.RetentionDays.ONE_YEAR }),
          s3Bucket: this.logsBucket,
          s3KeyPrefix: 'ecs-exec/',
          s3EncryptionEnabled: true,
        },
      };
    }

    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: this.vpc,
      enableFargateCapacityProviders: true,
      containerInsightsV2: inputs.enhanced_cluster_monitoring ? ecs.ContainerInsights.ENABLED : ecs.ContainerInsights.DISABLED,
      executeCommandConfiguration,
    });
    if (!inputs.enhanced_cluster_monitoring) {
      acknowledge(this.cluster, {
        'AwsSolutions-ECS4':
          'Container Insights is the enhanced_cluster_monitoring input: the tiers that buy it (standard, premium) turn it on; this environment did not.',
      });
    }

    if (inputs.ec2_capacity) this.addEc2Capacity(inputs.ec2_instance_type);

    this.namespace = new servicediscovery.PrivateDnsNamespace(this, 'Namespace', {
      name: props.namespaceName ?? inputs.service_discovery_namespace,
      vpc: this.vpc,
    });

    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      versioned: true,
      serverAccessLogsBucket: this.logsBucket,
      serverAccessLogsPrefix: 'tenant-bucket/',
      removalPolicy: RemovalPolicy.RETAIN,
    });

    Tags.of(this).add('tenant_id', tenantId);
  }

  private addEc2Capacity(instanceType: string) {
    // A launch template (launch configurations are closed to new accounts), IMDSv2 only,
    // an encrypted root volume.
    const role = new iam.Role(this, 'CapacityRole', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    const launchTemplate = new ec2.LaunchTemplate(this, 'CapacityTemplate', {
      instanceType: new ec2.InstanceType(instanceType),
      machineImage: ecs.EcsOptimizedImage.amazonLinux2023(),
      userData: ec2.UserData.forLinux(),
      role,
      requireImdsv2: true,
      securityGroup: new ec2.SecurityGroup(this, 'CapacitySecurityGroup', { vpc: this.vpc, allowAllOutbound: true }),
      blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(30, { encrypted: true }) }],
    });
    const asg = new autoscaling.AutoScalingGroup(this, 'Capacity', {
      vpc: this.vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      launchTemplate,
      minCapacity: 0,
      maxCapacity: 4,
    });
    const provider = new ecs.AsgCapacityProvider(this, 'CapacityProvider', {
      autoScalingGroup: asg,
      enableManagedTerminationProtection: false,
      // ECS-managed draining: no Lambda + SNS drain hook.
      enableManagedDraining: true,
    });
    this.cluster.addAsgCapacityProvider(provider);
    acknowledge(asg, {
      'AwsSolutions-AS3': 'Scaling is driven by the ECS capacity provider, which reports its own events; nothing consumes ASG SNS notifications.',
    });
    acknowledge(role, {
      'AwsSolutions-IAM5[Resource::*]':
        'The ECS agent (CDK\'s instance-role policy) must register and poll for container instances that have no ARN before they exist.',
      'AwsSolutions-IAM5[Action::ecs:Submit*]':
        'ecs:Submit* (container, task and attachment state changes) is what the ECS agent reports; CDK scopes it to this cluster.',
    });
  }

}

/**
 * The environment as a stack. The tenant id and the namespace name are CloudFormation
 * parameters (defaulting to this tenant's values), so one synthesised template serves every
 * tenant with the same structural inputs: see `renderEnvironment`.
 */
export class TenantEnvironmentStack extends Stack {
  public readonly tenantEnvironment: TenantEnvironment;

  constructor(scope: Construct, id: string, props: TenantEnvironmentProps & StackProps) {
    super(scope, id, props);
    const tenantId = new CfnParameter(this, 'TenantId', {
      type: 'String',
      default: props.inputs.tenantId,
      description: 'The tenant (or tier) this environment belongs to',
      allowedPattern: '^[A-Za-z][A-Za-z0-9-]*$',
    });
    const namespaceName = new CfnParameter(this, 'ServiceDiscoveryNamespace', {
      type: 'String',
      default: props.inputs.service_discovery_namespace,
      description: 'Private DNS namespace for Cloud Map service discovery',
    });
    const env = (this.tenantEnvironment = new TenantEnvironment(this, 'Environment', {
      ...props,
      tenantId: tenantId.valueAsString,
      namespaceName: namespaceName.valueAsString,
    }));
    // Outputs carry the plain names service instances read (TenantId, VPCId, …); their
    // construct ids differ from the parameters' of the same name.
    const out = (name: string, value: string, description: string) =>
      new CfnOutput(this, `Output${name}`, { value, description }).overrideLogicalId(name);
    out('TenantId', tenantId.valueAsString, 'The tenant (or tier) id');
    out('VPCId', env.vpc.vpcId, 'The VPC');
    out('PrivateSubnetIds', env.vpc.privateSubnets.map((s) => s.subnetId).join(','), 'Private subnets, comma-separated');
    out('PublicSubnetIds', env.vpc.publicSubnets.map((s) => s.subnetId).join(','), 'Public subnets, comma-separated');
    out('AvailabilityZones', env.vpc.privateSubnets.map((s) => s.availabilityZone).join(','), 'The AZs of the private subnets, in order');
    out('ECSClusterName', env.cluster.clusterName, 'The ECS cluster');
    out('ECSClusterArn', env.cluster.clusterArn, 'The ECS cluster ARN');
    out('ECSClusterSecGrps', env.cluster.connections.securityGroups.map((g) => g.securityGroupId).join(','), 'Cluster security groups');
    out('ECSClusterSDNamespace', env.namespace.namespaceId, 'Cloud Map namespace id');
    out('ECSClusterSDNamespaceName', namespaceName.valueAsString, 'Cloud Map namespace name');
    out('BucketName', env.bucket.bucketName, 'The tenant bucket');
    out('BucketArn', env.bucket.bucketArn, 'The tenant bucket ARN');
    out('LogsBucketName', env.logsBucket.bucketName, 'Where access logs go (prefix alb/ for load balancers)');
    Tags.of(this).add('tenant_id', tenantId.valueAsString);
  }
}
