import { FargatePipelineInput, FargateServiceInput, TASK_SIZES, TIER_PROFILES } from '../src';
import { schemaDoc } from './support';

const SAMPLE: Required<FargateServiceInput> = {
  port: 80,
  desired_count: 1,
  task_size: 'x-small',
  image: 'i',
  service_discovery_name: 'app',
  load_balanced: true,
  load_balanced_public: true,
};
const PIPELINE: Required<FargatePipelineInput> = { dockerfile: 'Dockerfile', buildspecfile: 'buildspec.yml', totalwaves: 1 };

test.each([
  ['service_input_type', SAMPLE],
  ['pipeline_input_type', PIPELINE],
] as const)('the TypeScript type of %s matches schema.yaml', (kind, sample) => {
  const schema = schemaDoc();
  const type = schema.types[schema[kind]];
  expect(Object.keys(sample).sort()).toEqual(Object.keys(type.properties).sort());
  for (const [name, value] of Object.entries(sample)) expect([name, typeof value]).toEqual([name, type.properties[name].type]);
});

test('the task_size enum is exactly the sizes the construct knows', () => {
  expect(schemaDoc().types.ECSFargateSvcInputs.properties.task_size.enum).toEqual(Object.keys(TASK_SIZES));
});

test('tier profiles only set inputs the schema has', () => {
  const props = Object.keys(schemaDoc().types.ECSFargateSvcInputs.properties);
  for (const profile of Object.values(TIER_PROFILES)) for (const key of Object.keys(profile)) expect(props).toContain(key);
});
