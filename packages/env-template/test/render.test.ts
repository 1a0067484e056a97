import { ValidationError } from '@tenant-waves/control-plane';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { renderEnvironment } from '../src';

const SEED_TENANT_A = {
  tenantId: 'tenantA',
  vpc_cidr_block: '10.0.0.0/16',
  ec2_capacity: false,
  ec2_instance_type: 't3.medium',
  allow_ecs_exec: false,
  enhanced_cluster_monitoring: false,
  service_discovery_namespace: 't1.saasapplication.com',
};

describe('the seed tenantA environment', () => {
  const template = Template.fromJSON(renderEnvironment(SEED_TENANT_A));

  test('a VPC of the given CIDR with 2 public and 2 private subnets', () => {
    template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.0.0.0/16' });
    template.resourceCountIs('AWS::EC2::Subnet', 4);
    template.resourceCountIs('AWS::EC2::InternetGateway', 1);
    template.resourceCountIs('AWS::EC2::NatGateway', 1);
  });

  test('an ECS cluster with Fargate capacity providers, a namespace and a locked-down bucket', () => {
    template.resourceCountIs('AWS::ECS::Cluster', 1);
    template.hasResourceProperties('AWS::ECS::ClusterCapacityProviderAssociations', {
      CapacityProviders: ['FARGATE', 'FARGATE_SPOT'],
    });
    template.hasResourceProperties('AWS::ServiceDiscovery::PrivateDnsNamespace', { Name: 't1.saasapplication.com' });
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, RestrictPublicBuckets: true },
    });
  });

  test('the outputs service instances read', () => {
    const outputs = Object.keys(template.toJSON().Outputs);
    expect(outputs).toEqual(
      expect.arrayContaining([
        'TenantId', 'VPCId', 'PrivateSubnetIds', 'ECSClusterName', 'ECSClusterArn',
        'ECSClusterSecGrps', 'ECSClusterSDNamespace', 'BucketName', 'BucketArn',
      ]),
    );
  });

  test('the tenant id is tagged on the VPC and the bucket', () => {
    for (const type of ['AWS::EC2::VPC', 'AWS::S3::Bucket']) {
      template.hasResourceProperties(type, { Tags: Match.arrayWith([{ Key: 'tenant_id', Value: 'tenantA' }]) });
    }
  });
});

test('Container Insights follows enhanced_cluster_monitoring', () => {
  const template = Template.fromJSON(renderEnvironment({ ...SEED_TENANT_A, enhanced_cluster_monitoring: true }));
  template.hasResourceProperties('AWS::ECS::Cluster', {
    ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
  });
});

test('bad inputs are rejected with field paths before anything is synthesised', () => {
  try {
    renderEnvironment({ tenantId: 'tenantA', vpc_cidr_block: '10.0.0.0/8', ec2_capacity: 'no' });
    throw new Error('expected a ValidationError');
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).issues.map((i) => i.path).sort()).toEqual([
      'spec.ec2_capacity',
      'spec.service_discovery_namespace',
      'spec.vpc_cidr_block',
    ]);
  }
});
