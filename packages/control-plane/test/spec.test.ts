import { parseSpec, ServiceSpec, UserError, ValidationError } from '../src';

test('parses the seed-style inline EnvironmentSpec (YAML flow map)', () => {
  const spec = parseSpec(
    '{proton: EnvironmentSpec, spec: {tenantId: tenantA, vpc_cidr_block: 10.0.0.0/16, ec2_capacity: false, ec2_instance_type: t3.medium, allow_ecs_exec: false, enhanced_cluster_monitoring: false, service_discovery_namespace: t1.saasapplication.com}}',
  );
  expect(spec).toEqual({
    kind: 'EnvironmentSpec',
    spec: {
      tenantId: 'tenantA',
      vpc_cidr_block: '10.0.0.0/16',
      ec2_capacity: false,
      ec2_instance_type: 't3.medium',
      allow_ecs_exec: false,
      enhanced_cluster_monitoring: false,
      service_discovery_namespace: 't1.saasapplication.com',
    },
  });
});

test('parses a ServiceSpec in YAML with totalwaves, and the same in JSON with totalWaves', () => {
  const yaml = parseSpec(`
proton: ServiceSpec
pipeline:
  dockerfile: Dockerfile
  buildspecfile: buildspec.yml
  totalwaves: 2
instances:
  - name: tenantA-saas-app
    environment: tenantAEnv
    spec:
      port: 80
      task_size: x-small
`) as ServiceSpec;
  expect(yaml.totalWaves).toBe(2);
  expect(yaml.instances).toEqual([
    { name: 'tenantA-saas-app', environment: 'tenantAEnv', spec: { port: 80, task_size: 'x-small' } },
  ]);
  const json = parseSpec(
    JSON.stringify({ proton: 'ServiceSpec', pipeline: { totalWaves: 3 }, instances: [] }),
  ) as ServiceSpec;
  expect(json.totalWaves).toBe(3);
  // One spelling from here on: the schema's.
  expect(json.pipeline).toEqual({ totalwaves: 3 });
});

test.each([
  ['malformed YAML', 'proton: [unclosed', /not valid YAML or JSON/],
  ['not a map', '- a\n- b', /expected a map/],
  ['unknown kind', 'proton: PipelineSpec', /must be EnvironmentSpec or ServiceSpec, got "PipelineSpec"/],
  ['missing kind', 'spec: {a: 1}', /got nothing/],
])('rejects %s with a UserError', (_name, text, message) => {
  expect(() => parseSpec(text, 'bad.yaml')).toThrow(UserError);
  expect(() => parseSpec(text, 'bad.yaml')).toThrow(message);
});

test('ServiceSpec problems are all reported with paths', () => {
  try {
    parseSpec(`
proton: ServiceSpec
pipeline: {totalwaves: 0}
instances:
  - name: a
  - name: a
    environment: e
    spec: [1]
`);
    throw new Error('expected failure');
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    expect((e as ValidationError).issues.map((i) => i.path)).toEqual([
      'instances[0].environment',
      'instances[1].spec',
      'instances[1].name',
      'pipeline.totalwaves',
    ]);
  }
});
