import { Duration, Stack, StackProps, Tags } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { Construct } from 'constructs';
import { EnvironmentOutputs } from './environment-outputs';
import { FargateServiceInput, TASK_SIZES } from './schema';

export interface TenantFargateServiceProps {
  readonly serviceName: string;
  readonly inputs: FargateServiceInput;
  readonly environment: EnvironmentOutputs;
}

const split = (list: string) => list.split(',').filter(Boolean);

/** One tenant's instance of a containerised service: a Fargate service in the environment's private subnets. */
export class TenantFargateService extends Construct {
  public readonly service: ecs.FargateService;

  constructor(scope: Construct, id: string, props: TenantFargateServiceProps) {
    super(scope, id);
    const { inputs, environment: env } = props;
    const privateSubnetIds = split(env.PrivateSubnetIds);
    const vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
      vpcId: env.VPCId,
      availabilityZones: privateSubnetIds.map((_, i) => Stack.of(this).availabilityZones[i] ?? `az-${i}`),
      privateSubnetIds,
    });
    const cluster = ecs.Cluster.fromClusterAttributes(this, 'Cluster', {
      clusterName: env.ECSClusterName,
      vpc,
      securityGroups: split(env.ECSClusterSecGrps).map((sg, i) => ec2.SecurityGroup.fromSecurityGroupId(this, `Sg${i}`, sg)),
    });
    const size = TASK_SIZES[inputs.task_size];
    const taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu: size.cpu,
      memoryLimitMiB: size.memoryMiB,
    });
    taskDefinition.addContainer('app', {
      image: ecs.ContainerImage.fromRegistry(inputs.image),
      portMappings: [{ containerPort: inputs.port }],
      environment: { TENANT_ID: env.TenantId, PORT: String(inputs.port) },
      logging: ecs.LogDrivers.awsLogs({
        streamPrefix: props.serviceName,
        logRetention: logs.RetentionDays.ONE_MONTH,
      }),
    });
    const namespace = servicediscovery.PrivateDnsNamespace.fromPrivateDnsNamespaceAttributes(this, 'Namespace', {
      namespaceId: env.ECSClusterSDNamespace,
      namespaceName: env.ECSClusterSDNamespaceName,
      namespaceArn: `arn:${Stack.of(this).partition}:servicediscovery:${Stack.of(this).region}:${Stack.of(this).account}:namespace/${env.ECSClusterSDNamespace}`,
    });
    this.service = new ecs.FargateService(this, 'Service', {
      cluster,
      taskDefinition,
      desiredCount: inputs.desired_count,
      vpcSubnets: { subnets: privateSubnetIds.map((s, i) => ec2.Subnet.fromSubnetId(this, `Subnet${i}`, s)) },
      assignPublicIp: false,
      circuitBreaker: { enable: true, rollback: true },
      healthCheckGracePeriod: inputs.load_balanced ? Duration.seconds(60) : undefined,
      cloudMapOptions: { name: inputs.service_discovery_name, cloudMapNamespace: namespace },
    });
    Tags.of(this).add('tenant_id', env.TenantId);
  }
}

export class TenantFargateServiceStack extends Stack {
  constructor(scope: Construct, id: string, props: TenantFargateServiceProps & StackProps) {
    super(scope, id, props);
    new TenantFargateService(this, 'Service', props);
  }
}
