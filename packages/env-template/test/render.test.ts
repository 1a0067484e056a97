import { Match, Template } from 'aws-cdk-lib/assertions';
import { renderEnvironment, synthEnvironment, TenantEnvironmentInput, TenantEnvironmentStack, TIER_PROFILES } from '../src';
import { nagFindings } from './support';

/** The seed's tenantA environment, defaults applied as validation would. */
const TENANT_A: TenantEnvironmentInput = {
  tenantId: 'tenantA',
  vpc_cidr_block: '10.0.0.0/16',
  ec2_capacity: false,
  ec2_instance_type: 't3.medium',
  allow_ecs_exec: false,
  enhanced_cluster_monitoring: false,
  nat_gateways: 1,
  service_discovery_namespace: 't1.saasapplication.com',
};
const tier = (t: keyof typeof TIER_PROFILES, more: Partial<TenantEnvironmentInput> = {}) => ({ ...TENANT_A, ...TIER_PROFILES[t], ...more });

describe('the seed tenantA environment', () => {
  const template = Template.fromJSON(renderEnvironment(TENANT_A));

  test('a VPC of the given CIDR, 2 public + 2 private subnets, IGW, NAT, flow logs', () => {
    template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.0.0.0/16' });
    template.resourceCountIs('AWS::EC2::Subnet', 4);
    template.resourceCountIs('AWS::EC2::InternetGateway', 1);
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
    template.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', LogDestinationType: 's3' });
  });

  test('an ECS cluster with Fargate capacity providers, no EC2 capacity, no exec', () => {
    template.resourceCountIs('AWS::ECS::Cluster', 1);
    template.hasResourceProperties('AWS::ECS::ClusterCapacityProviderAssociations', {
      CapacityProviders: ['FARGATE', 'FARGATE_SPOT'],
    });
    template.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 0);
    expect(JSON.stringify(template.toJSON())).not.toContain('ExecuteCommandConfiguration');
  });

  test('the tenant bucket: encrypted, versioned, public access blocked, SSL only, access-logged', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: Match.objectLike({}),
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'tenant-bucket/' }),
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('a Cloud Map namespace named by a parameter that defaults to the tenant\'s', () => {
    template.hasResourceProperties('AWS::ServiceDiscovery::PrivateDnsNamespace', { Name: { Ref: 'ServiceDiscoveryNamespace' } });
    expect(template.toJSON().Parameters.ServiceDiscoveryNamespace.Default).toBe('t1.saasapplication.com');
    expect(template.toJSON().Parameters.TenantId.Default).toBe('tenantA');
  });

  test('the outputs service instances read', () => {
    expect(Object.keys(template.toJSON().Outputs)).toEqual(
      expect.arrayContaining([
        'TenantId', 'ECSClusterName', 'ECSClusterArn', 'ECSClusterSecGrps', 'ECSClusterSDNamespace',
        'VPCId', 'BucketName', 'BucketArn', 'PrivateSubnetIds', 'PublicSubnetIds', 'AvailabilityZones',
      ]),
    );
  });

  test('the tenant id is tagged on everything taggable', () => {
    for (const type of ['AWS::EC2::VPC', 'AWS::EC2::Subnet', 'AWS::EC2::NatGateway', 'AWS::S3::Bucket', 'AWS::ECS::Cluster']) {
      const resources = template.findResources(type);
      for (const r of Object.values(resources)) {
        expect(r.Properties.Tags).toEqual(expect.arrayContaining([{ Key: 'tenant_id', Value: { Ref: 'TenantId' } }]));
      }
    }
  });
});

describe('inputs and tiers shape the environment', () => {
  test('premium: 2 NAT gateways, Container Insights, ECS Exec with logging and a rotated key', () => {
    const t = Template.fromJSON(renderEnvironment(tier('premium')));
    t.resourceCountIs('AWS::EC2::NatGateway', 2);
    t.hasResourceProperties('AWS::ECS::Cluster', {
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
      Configuration: { ExecuteCommandConfiguration: Match.objectLike({ Logging: 'OVERRIDE' }) },
    });
    t.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  test('standard: Container Insights on, one NAT gateway, no exec', () => {
    const t = Template.fromJSON(renderEnvironment(tier('standard')));
    t.resourceCountIs('AWS::EC2::NatGateway', 1);
    t.hasResourceProperties('AWS::ECS::Cluster', { ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }] });
    t.resourceCountIs('AWS::KMS::Key', 0);
  });

  test('ec2_capacity adds an auto scaling group of the instance type and its capacity provider', () => {
    const t = Template.fromJSON(renderEnvironment({ ...TENANT_A, ec2_capacity: true, ec2_instance_type: 'm5.large' }));
    t.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 1);
    t.hasResourceProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        InstanceType: 'm5.large',
        MetadataOptions: Match.objectLike({ HttpTokens: 'required' }),
        BlockDeviceMappings: [Match.objectLike({ Ebs: Match.objectLike({ Encrypted: true }) })],
      }),
    });
    t.resourceCountIs('AWS::Lambda::Function', 0);
    t.resourceCountIs('AWS::ECS::CapacityProvider', 1);
  });

  test('the VPC CIDR follows vpc_cidr_block', () => {
    Template.fromJSON(renderEnvironment({ ...TENANT_A, vpc_cidr_block: '10.42.0.0/16' })).hasResourceProperties('AWS::EC2::VPC', {
      CidrBlock: '10.42.0.0/16',
    });
  });
});

test('the fast path gives exactly what a synth of that tenant gives', () => {
  renderEnvironment(TENANT_A); // warm the cache with another tenant of the same structure
  const tenantB = { ...TENANT_A, tenantId: 'tenantB', service_discovery_namespace: 't2.saasapplication.com' };
  expect(renderEnvironment(tenantB)).toEqual(synthEnvironment(tenantB));
});

describe('cdk-nag AwsSolutions: no unsuppressed findings', () => {
  test.each([
    ['basic', tier('basic')],
    ['standard', tier('standard')],
    ['premium', tier('premium')],
    ['premium with EC2 capacity', tier('premium', { ec2_capacity: true })],
  ])('%s', (_name, inputs) => {
    expect(nagFindings((app) => new TenantEnvironmentStack(app, 'Env', { inputs }))).toEqual([]);
  });
});
