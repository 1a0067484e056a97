import { ServerlessPipelineInput, ServerlessServiceInput, TIER_PROFILES } from '../src';
import { schemaDoc } from './support';

const SAMPLE: Required<ServerlessServiceInput> = { lambda_reserved_concurrency: 1, lambda_artifact_bucket: 'b', lambda_artifact_key: 'k' };
const PIPELINE: Required<ServerlessPipelineInput> = { buildspecfile: 'buildspec.yml', totalwaves: 1 };

test.each([
  ['service_input_type', SAMPLE],
  ['pipeline_input_type', PIPELINE],
] as const)('the TypeScript type of %s matches schema.yaml', (kind, sample) => {
  const schema = schemaDoc();
  const type = schema.types[schema[kind]];
  expect(Object.keys(sample).sort()).toEqual(Object.keys(type.properties).sort());
  for (const [name, value] of Object.entries(sample)) expect([name, typeof value]).toEqual([name, type.properties[name].type]);
});

test('tier profiles only set inputs the schema has', () => {
  const props = Object.keys(schemaDoc().types.ServerlessSvcInputs.properties);
  for (const profile of Object.values(TIER_PROFILES)) for (const key of Object.keys(profile)) expect(props).toContain(key);
});
