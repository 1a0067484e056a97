import { loadTemplate, pipelineInputs, renderTemplate, TEMPLATE_NAMES, templateInputs, TIERS, ValidationError } from '../src';

async function issues(fn: () => Promise<unknown>) {
  try {
    await fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return Object.fromEntries((e as ValidationError).issues.map((i) => [i.path, i.message]));
  }
  throw new Error('expected a ValidationError');
}

const ENV = { service_discovery_namespace: 't1.saasapplication.com' };

test.each([
  ['bad CIDR', { ...ENV, vpc_cidr_block: '10.0.0.0/33' }, 'spec.vpc_cidr_block', /must match the pattern/],
  ['CIDR out of range', { ...ENV, vpc_cidr_block: '300.0.0.0/16' }, 'spec.vpc_cidr_block', /must match the pattern/],
  ['missing required namespace', {}, 'spec.service_discovery_namespace', /is required/],
  ['wrong type', { ...ENV, ec2_capacity: 'yes' }, 'spec.ec2_capacity', /must be true or false, got string "yes"/],
  ['too many NAT gateways', { ...ENV, nat_gateways: 3 }, 'spec.nat_gateways', /must be <= 2, got 3/],
  ['unknown input', { ...ENV, colour: 'red' }, 'spec.colour', /is not an input of TenantEnvironmentInput/],
])('env-template: %s', async (_name, inputs, path, message) => {
  const found = await issues(() => renderTemplate('env-template', inputs, { tenantId: 'tenantA', service: 'env' }));
  expect(found[path]).toMatch(message);
});

test('a bad tenant id is reported too, with every other problem at once', async () => {
  const found = await issues(() => renderTemplate('env-template', { vpc_cidr_block: 'x' }, { tenantId: '1-bad', service: 'env' }));
  expect(Object.keys(found).sort()).toEqual(['spec.service_discovery_namespace', 'spec.tenantId', 'spec.vpc_cidr_block']);
});

test.each([
  ['unknown task size', { task_size: 'huge' }, 'spec.task_size', /must be one of x-small, small, medium, large, x-large, got "huge"/],
  ['port out of range', { port: 70000 }, 'spec.port', /must be <= 65535/],
  ['zero tasks', { desired_count: 0 }, 'spec.desired_count', /must be >= 1/],
  ['short discovery name', { service_discovery_name: 'ab' }, 'spec.service_discovery_name', /at least 3 characters/],
  ['wrong type', { load_balanced: 1 }, 'spec.load_balanced', /true or false/],
])('fargate-service: %s', async (_name, inputs, path, message) => {
  const found = await issues(() => renderTemplate('fargate-service', inputs, { tenantId: 'tenantA', service: 'saas-web' }));
  expect(found[path]).toMatch(message);
});

test.each([
  ['concurrency out of range', { lambda_artifact_bucket: 'b-1', lambda_reserved_concurrency: 1001 }, 'spec.lambda_reserved_concurrency', /must be <= 1000/],
  ['negative concurrency', { lambda_artifact_bucket: 'b-1', lambda_reserved_concurrency: -1 }, 'spec.lambda_reserved_concurrency', /must be >= 0/],
  ['missing bucket', {}, 'spec.lambda_artifact_bucket', /is required/],
])('serverless-service: %s', async (_name, inputs, path, message) => {
  const found = await issues(() => renderTemplate('serverless-service', inputs, { tenantId: 'tenantA', service: 'saas-lambda' }));
  expect(found[path]).toMatch(message);
});

test('every template has a profile for every tier, and each profile validates', async () => {
  for (const name of TEMPLATE_NAMES) {
    const t = await loadTemplate(name);
    for (const tier of TIERS) {
      const required = name === 'env-template' ? { tenantId: 'tenantA', ...ENV } : name === 'serverless-service' ? { lambda_artifact_bucket: 'b-1' } : {};
      expect(() => templateInputs(t, required, { tier })).not.toThrow();
    }
  }
});

test('explicit inputs override the tier profile and are validated the same way', async () => {
  const t = await loadTemplate('fargate-service');
  expect(templateInputs(t, {}, { tier: 'premium' })).toMatchObject({ task_size: 'medium', desired_count: 3 });
  expect(templateInputs(t, { desired_count: 7 }, { tier: 'premium' })).toMatchObject({ task_size: 'medium', desired_count: 7 });
  expect(() => templateInputs(t, { task_size: 'giant' }, { tier: 'premium' })).toThrow(/spec\.task_size/);
});

test('premium renders 2 NAT gateways; basic renders 1', async () => {
  const count = (t: Record<string, any>) => Object.values<any>(t.Resources).filter((r) => r.Type === 'AWS::EC2::NatGateway').length;
  expect(count(await renderTemplate('env-template', ENV, { tenantId: 'tenantA', service: 'env', tier: 'premium' }))).toBe(2);
  expect(count(await renderTemplate('env-template', ENV, { tenantId: 'tenantC', service: 'env', tier: 'basic' }))).toBe(1);
});

test('pipeline inputs accept totalwaves and totalWaves', async () => {
  const t = await loadTemplate('fargate-service');
  expect(pipelineInputs(t, { totalWaves: 3 })).toEqual({ dockerfile: 'Dockerfile', buildspecfile: 'buildspec.yml', totalwaves: 3 });
  expect(pipelineInputs(t, { totalwaves: 2 }).totalwaves).toBe(2);
  expect(() => pipelineInputs(t, { totalwaves: 0 })).toThrow(/pipeline\.totalwaves: must be >= 1/);
});
