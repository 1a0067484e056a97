import { Match, Template } from 'aws-cdk-lib/assertions';
import { FargateServiceInput, renderFargateService, synthFargateService, TenantFargateServiceStack, TIER_PROFILES } from '../src';
import { nagFindings } from './support';

const DEFAULTS: FargateServiceInput = {
  port: 80,
  desired_count: 1,
  task_size: 'x-small',
  image: 'public.ecr.aws/nginx/nginx:stable',
  service_discovery_name: 'saas-app',
  load_balanced: true,
  load_balanced_public: true,
};
const tier = (t: keyof typeof TIER_PROFILES, more: Partial<FargateServiceInput> = {}) => ({ ...DEFAULTS, ...TIER_PROFILES[t], ...more });

test.each([
  ['x-small', '256', '512'],
  ['small', '512', '1024'],
  ['medium', '1024', '2048'],
  ['large', '2048', '4096'],
  ['x-large', '4096', '8192'],
] as const)('task_size %s gives %s CPU / %s MiB', (task_size, cpu, memory) => {
  Template.fromJSON(renderFargateService('saas-web', { ...DEFAULTS, task_size })).hasResourceProperties('AWS::ECS::TaskDefinition', {
    Cpu: cpu,
    Memory: memory,
  });
});

test('the service: private subnets, circuit breaker with rollback, desired count, Cloud Map, logs', () => {
  const t = Template.fromJSON(renderFargateService('saas-web', { ...DEFAULTS, desired_count: 3 }));
  t.hasResourceProperties('AWS::ECS::Service', {
    Cluster: { Ref: 'ECSClusterName' },
    DesiredCount: 3,
    DeploymentConfiguration: Match.objectLike({ DeploymentCircuitBreaker: { Enable: true, Rollback: true } }),
    NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED' }) },
    ServiceRegistries: Match.anyValue(),
  });
  t.hasResourceProperties('AWS::ServiceDiscovery::Service', { Name: 'saas-app' });
  t.hasResourceProperties('AWS::ECS::TaskDefinition', {
    ContainerDefinitions: [Match.objectLike({ Image: { Ref: 'Image' }, LogConfiguration: Match.objectLike({ LogDriver: 'awslogs' }) })],
  });
});

test('a public ALB with access logs to the environment\'s logs bucket, or an internal one, or none', () => {
  const pub = Template.fromJSON(renderFargateService('saas-web', DEFAULTS));
  pub.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
    Scheme: 'internet-facing',
    LoadBalancerAttributes: Match.arrayWith([
      { Key: 'access_logs.s3.enabled', Value: 'true' },
      { Key: 'access_logs.s3.bucket', Value: { Ref: 'LogsBucketName' } },
    ]),
  });
  pub.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { HealthCheckPath: '/health' });
  const internal = Template.fromJSON(renderFargateService('saas-web', { ...DEFAULTS, load_balanced_public: false }));
  internal.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Scheme: 'internal' });
  const none = Template.fromJSON(renderFargateService('saas-web', { ...DEFAULTS, load_balanced: false }));
  none.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 0);
});

test('the execution role can only pull and log, not act on other resources', () => {
  const t = Template.fromJSON(renderFargateService('saas-web', DEFAULTS));
  const policies = Object.values(t.findResources('AWS::IAM::Policy'));
  const actions = policies.flatMap((p: any) => p.Properties.PolicyDocument.Statement.flatMap((s: any) => [].concat(s.Action)));
  expect(actions.sort()).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
});

test('tenant values and the image are parameters; the fast path equals a fresh synth', () => {
  const params = { TenantId: 'tenantB', VPCId: 'vpc-0123456789abcdef0', Image: 'repo/app:v2' };
  renderFargateService('saas-web', tier('standard'), { TenantId: 'tenantA' });
  const fast = renderFargateService('saas-web', tier('standard'), params);
  const slow = synthFargateService('saas-web', tier('standard'));
  for (const [k, v] of Object.entries(params)) slow.Parameters[k].Default = v;
  expect(fast).toEqual(slow);
  expect(Object.keys(fast.Parameters)).toEqual(expect.arrayContaining([...TenantFargateServiceStack.PARAMETERS]));
});

describe('cdk-nag AwsSolutions: no unsuppressed findings', () => {
  test.each([
    ['basic', tier('basic')],
    ['standard', tier('standard')],
    ['premium', tier('premium')],
    ['internal load balancer', tier('standard', { load_balanced_public: false })],
    ['no load balancer', tier('basic', { load_balanced: false })],
  ])('%s', (_name, inputs) => {
    expect(nagFindings((app) => new TenantFargateServiceStack(app, 'Svc', { serviceName: 'saas-web', inputs }))).toEqual([]);
  });
});
