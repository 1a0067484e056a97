import { CfnParameter, Duration, Fn, Stack, StackProps, Tags, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { Construct, IConstruct } from 'constructs';
import { FargateServiceInput, TASK_SIZES } from './schema';

/**
 * What an instance needs from its tenant environment: the environment stack's outputs of the
 * same names. An environment always spans exactly two AZs.
 */
/** Acknowledges cdk-nag findings on a construct and its children, each with its reason. */
function acknowledge(scope: IConstruct, reasons: Record<string, string>) {
  for (const [id, reason] of Object.entries(reasons)) Validations.of(scope).acknowledge({ id, reason });
}

export interface EnvironmentRefs {
  readonly tenantId: string;
  readonly vpcId: string;
  readonly privateSubnetIds: string[];
  readonly publicSubnetIds: string[];
  readonly clusterName: string;
  readonly namespaceId: string;
  readonly logsBucketName: string;
}

export interface TenantFargateServiceProps {
  readonly serviceName: string;
  readonly inputs: FargateServiceInput;
  readonly environment: EnvironmentRefs;
  /** The image to run; defaults to `inputs.image` (may be a token, e.g. a parameter). */
  readonly image?: string;
}

/**
 * One tenant's instance of a containerised service: a Fargate service in the environment's
 * private subnets, with the deployment circuit breaker rolling failed deployments back,
 * awslogs logging, Cloud Map registration and, optionally, an Application Load Balancer.
 */
export class TenantFargateService extends Construct {
  public readonly service: ecs.FargateService;
  public readonly loadBalancer?: elbv2.ApplicationLoadBalancer;

  constructor(scope: Construct, id: string, props: TenantFargateServiceProps) {
    super(scope, id);
    const { inputs, environment: env } = props;
    const vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
      vpcId: env.vpcId,
      // Only the subnet ids matter to the service; the AZs are the region's first two, as the environment's.
      availabilityZones: [0, 1].map((i) => Fn.select(i, Fn.getAzs())),
      privateSubnetIds: env.privateSubnetIds,
      publicSubnetIds: env.publicSubnetIds,
    });
    const cluster = ecs.Cluster.fromClusterAttributes(this, 'Cluster', { clusterName: env.clusterName, vpc });
    const size = TASK_SIZES[inputs.task_size];
    const taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', { cpu: size.cpu, memoryLimitMiB: size.memoryMiB });
    taskDefinition.addContainer('app', {
      image: ecs.ContainerImage.fromRegistry(props.image ?? inputs.image),
      portMappings: [{ containerPort: inputs.port }],
      environment: { TENANT_ID: env.tenantId, PORT: String(inputs.port) },
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: props.serviceName, logRetention: logs.RetentionDays.ONE_MONTH }),
    });
    acknowledge(taskDefinition, {
      'AwsSolutions-ECS2': 'TENANT_ID and PORT are non-secret configuration; secrets would be passed as ecs.Secret.',
    });
    const namespace = servicediscovery.PrivateDnsNamespace.fromPrivateDnsNamespaceAttributes(this, 'Namespace', {
      namespaceId: env.namespaceId,
      namespaceName: env.namespaceId, // the service registers by namespace id; the name is not needed
      namespaceArn: Stack.of(this).formatArn({ service: 'servicediscovery', resource: 'namespace', resourceName: env.namespaceId }),
    });
    this.service = new ecs.FargateService(this, 'Service', {
      cluster,
      taskDefinition,
      desiredCount: inputs.desired_count,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      assignPublicIp: false,
      circuitBreaker: { enable: true, rollback: true },
      minHealthyPercent: 100,
      healthCheckGracePeriod: inputs.load_balanced ? Duration.seconds(60) : undefined,
      cloudMapOptions: { name: inputs.service_discovery_name, cloudMapNamespace: namespace },
    });

    if (inputs.load_balanced) {
      const alb = (this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
        vpc,
        internetFacing: inputs.load_balanced_public,
        vpcSubnets: { subnetType: inputs.load_balanced_public ? ec2.SubnetType.PUBLIC : ec2.SubnetType.PRIVATE_WITH_EGRESS },
        dropInvalidHeaderFields: true,
      }));
      // Access logs go to the environment's logs bucket, whose policy lets ELB write under alb/.
      alb.setAttribute('access_logs.s3.enabled', 'true');
      alb.setAttribute('access_logs.s3.bucket', env.logsBucketName);
      alb.setAttribute('access_logs.s3.prefix', `alb/${props.serviceName}`);
      const listener = alb.addListener('Http', { port: 80, open: inputs.load_balanced_public });
      listener.addTargets('App', {
        port: inputs.port,
        protocol: elbv2.ApplicationProtocol.HTTP,
        targets: [this.service],
        healthCheck: { path: '/health', interval: Duration.seconds(15), healthyThresholdCount: 2 },
        deregistrationDelay: Duration.seconds(10),
      });
      if (inputs.load_balanced_public) {
        acknowledge(alb, {
          'AwsSolutions-EC23': 'load_balanced_public: this is the tenant\'s public endpoint, open to the internet by design.',
        });
      }
    }
    Tags.of(this).add('tenant_id', env.tenantId);
  }
}

/**
 * The instance as a stack. Everything that differs between tenants of the same service and
 * inputs — the environment's outputs, the tenant id and the image a release deploys — is a
 * CloudFormation parameter, so one synthesised template serves them all (see render.ts),
 * and a release is a parameter change.
 */
export class TenantFargateServiceStack extends Stack {
  public static readonly PARAMETERS = [
    'TenantId', 'VPCId', 'PrivateSubnetIds', 'PublicSubnetIds', 'ECSClusterName', 'ECSClusterSDNamespace', 'LogsBucketName', 'Image',
  ] as const;

  constructor(scope: Construct, id: string, props: { serviceName: string; inputs: FargateServiceInput } & StackProps) {
    super(scope, id, props);
    const p = (name: string, description: string, type = 'String') => new CfnParameter(this, name, { type, description });
    const list = (name: string, description: string) => Fn.split(',', p(name, description).valueAsString, 2);
    const image = p('Image', 'The container image this instance runs');
    image.default = props.inputs.image;
    new TenantFargateService(this, 'Instance', {
      serviceName: props.serviceName,
      inputs: props.inputs,
      image: image.valueAsString,
      environment: {
        tenantId: p('TenantId', 'The tenant').valueAsString,
        vpcId: p('VPCId', 'The environment\'s VPC (output VPCId)').valueAsString,
        privateSubnetIds: list('PrivateSubnetIds', 'Two private subnets, comma-separated (output PrivateSubnetIds)'),
        // Only an internet-facing load balancer needs the public subnets.
        publicSubnetIds:
          props.inputs.load_balanced && props.inputs.load_balanced_public
            ? list('PublicSubnetIds', 'Two public subnets, comma-separated (output PublicSubnetIds)')
            : [],
        clusterName: p('ECSClusterName', 'The environment\'s ECS cluster (output ECSClusterName)').valueAsString,
        namespaceId: p('ECSClusterSDNamespace', 'Cloud Map namespace id (output ECSClusterSDNamespace)').valueAsString,
        // Only a load balancer writes access logs.
        logsBucketName: props.inputs.load_balanced
          ? p('LogsBucketName', 'The environment\'s logs bucket (output LogsBucketName)').valueAsString
          : '',
      },
    });
  }
}
