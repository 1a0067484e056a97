import { TenantEnvironmentInput, TIER_PROFILES } from '../src';
import { schemaDoc } from './support';

// A value of every input, typed by the TypeScript interface: the compiler checks the
// interface's side, the test checks the schema's side.
const SAMPLE: Required<TenantEnvironmentInput> = {
  tenantId: 'tenantA',
  vpc_cidr_block: '10.0.0.0/16',
  ec2_capacity: false,
  ec2_instance_type: 't3.medium',
  allow_ecs_exec: false,
  enhanced_cluster_monitoring: false,
  nat_gateways: 1,
  service_discovery_namespace: 'a.example.com',
};

test('the TypeScript input type matches schema.yaml: same inputs, same types', () => {
  const schema = schemaDoc();
  const type = schema.types[schema.environment_input_type];
  expect(Object.keys(SAMPLE).sort()).toEqual(Object.keys(type.properties).sort());
  for (const [name, value] of Object.entries(SAMPLE)) {
    const jsType = type.properties[name].type === 'integer' ? 'number' : type.properties[name].type;
    expect([name, typeof value]).toEqual([name, jsType]);
  }
});

test('tier profiles only set inputs the schema has', () => {
  const props = Object.keys(schemaDoc().types.TenantEnvironmentInput.properties);
  for (const profile of Object.values(TIER_PROFILES)) {
    for (const key of Object.keys(profile)) expect(props).toContain(key);
  }
});
