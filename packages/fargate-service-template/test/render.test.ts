import { ValidationError } from '@tenant-waves/control-plane';
import { Template } from 'aws-cdk-lib/assertions';
import { EnvironmentOutputs, renderFargateService } from '../src';

const ENV: EnvironmentOutputs = {
  TenantId: 'tenantA',
  VPCId: 'vpc-0123',
  PrivateSubnetIds: 'subnet-a,subnet-b',
  PublicSubnetIds: 'subnet-c,subnet-d',
  ECSClusterName: 'tenantA-cluster',
  ECSClusterSecGrps: 'sg-0123',
  ECSClusterSDNamespace: 'ns-0123',
  ECSClusterSDNamespaceName: 't1.saasapplication.com',
};

test.each([
  ['x-small', '256', '512'],
  ['medium', '1024', '2048'],
  ['x-large', '4096', '8192'],
])('task_size %s gives %s CPU / %s MiB', (task_size, cpu, memory) => {
  const t = Template.fromJSON(renderFargateService('saas-web', { task_size }, ENV));
  t.hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: cpu, Memory: memory });
});

test('the service runs in the private subnets with a circuit breaker that rolls back', () => {
  const t = Template.fromJSON(renderFargateService('saas-web', { desired_count: 3, image: 'repo/app:v2' }, ENV));
  t.hasResourceProperties('AWS::ECS::Service', {
    Cluster: 'tenantA-cluster',
    DesiredCount: 3,
    DeploymentConfiguration: { DeploymentCircuitBreaker: { Enable: true, Rollback: true } },
    NetworkConfiguration: {
      AwsvpcConfiguration: { AssignPublicIp: 'DISABLED', Subnets: ['subnet-a', 'subnet-b'] },
    },
  });
  t.hasResourceProperties('AWS::ECS::TaskDefinition', {
    ContainerDefinitions: [{ Image: 'repo/app:v2', Environment: [{ Name: 'TENANT_ID', Value: 'tenantA' }, { Name: 'PORT', Value: '80' }] }],
  });
});

test('an unknown task size and a bad port are both reported', () => {
  try {
    renderFargateService('saas-web', { task_size: 'huge', port: 70000 }, ENV);
    throw new Error('expected a ValidationError');
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).issues.map((i) => i.path).sort()).toEqual(['spec.port', 'spec.task_size']);
  }
});
