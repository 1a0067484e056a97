import { CfnOutput, RemovalPolicy, Stack, StackProps, Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { Construct } from 'constructs';
import { TenantEnvironmentInput } from './schema';

export interface TenantEnvironmentProps {
  readonly inputs: TenantEnvironmentInput;
}

/**
 * A tenant's (or tier's) environment: a VPC over two AZs with public and private subnets,
 * an ECS cluster, a Cloud Map private DNS namespace and the tenant's S3 bucket.
 */
export class TenantEnvironment extends Construct {
  public readonly vpc: ec2.Vpc;
  public readonly cluster: ecs.Cluster;
  public readonly namespace: servicediscovery.PrivateDnsNamespace;
  public readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: TenantEnvironmentProps) {
    super(scope, id);
    const { inputs } = props;

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(inputs.vpc_cidr_block),
      maxAzs: 2,
      natGateways: 1,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
        { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 24 },
      ],
    });

    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: this.vpc,
      enableFargateCapacityProviders: true,
      containerInsightsV2: inputs.enhanced_cluster_monitoring
        ? ecs.ContainerInsights.ENABLED
        : ecs.ContainerInsights.DISABLED,
    });

    this.namespace = new servicediscovery.PrivateDnsNamespace(this, 'Namespace', {
      name: inputs.service_discovery_namespace,
      vpc: this.vpc,
    });

    this.bucket = new s3.Bucket(this, 'Bucket', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    Tags.of(this).add('tenant_id', inputs.tenantId);
  }
}

/** The environment as a stack, with the outputs its service instances read. */
export class TenantEnvironmentStack extends Stack {
  public readonly tenantEnvironment: TenantEnvironment;

  constructor(scope: Construct, id: string, props: TenantEnvironmentProps & StackProps) {
    super(scope, id, props);
    const env = (this.tenantEnvironment = new TenantEnvironment(this, 'Environment', props));
    const out = (name: string, value: string) => new CfnOutput(this, name, { value });
    out('TenantId', props.inputs.tenantId);
    out('VPCId', env.vpc.vpcId);
    out('PrivateSubnetIds', env.vpc.privateSubnets.map((s) => s.subnetId).join(','));
    out('PublicSubnetIds', env.vpc.publicSubnets.map((s) => s.subnetId).join(','));
    out('ECSClusterName', env.cluster.clusterName);
    out('ECSClusterArn', env.cluster.clusterArn);
    out('ECSClusterSecGrps', env.cluster.connections.securityGroups.map((g) => g.securityGroupId).join(','));
    out('ECSClusterSDNamespace', env.namespace.namespaceId);
    out('BucketName', env.bucket.bucketName);
    out('BucketArn', env.bucket.bucketArn);
    Tags.of(this).add('tenant_id', props.inputs.tenantId);
  }
}
