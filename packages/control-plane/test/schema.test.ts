import { parseTemplateSchema, validateInputs, coerceInputs, ValidationError, UserError } from '../src';

const SCHEMA = parseTemplateSchema(`
schema:
  format:
    openapi: "3.0.0"
  environment_input_type: "EnvInput"
  types:
    EnvInput:
      type: object
      properties:
        tenantId:
          type: string
          minLength: 1
          maxLength: 64
          pattern: "^[A-Za-z][A-Za-z0-9-]*$"
        vpc_cidr_block:
          type: string
          default: 10.0.0.0/16
          pattern: "^(\\\\d{1,3}\\\\.){3}\\\\d{1,3}/(1[6-9]|2[0-8])$"
        desired_count:
          type: integer
          default: 1
          minimum: 1
          maximum: 10
        task_size:
          type: string
          enum: [x-small, small, medium]
          default: x-small
        ec2_capacity:
          type: boolean
          default: false
      required:
        - tenantId
`);

function issuesOf(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as ValidationError).issues;
  }
  throw new Error('expected a ValidationError');
}

test('applies defaults and keeps given values', () => {
  expect(validateInputs(SCHEMA, 'EnvInput', { tenantId: 'tenantA', desired_count: 3 })).toEqual({
    tenantId: 'tenantA',
    vpc_cidr_block: '10.0.0.0/16',
    desired_count: 3,
    task_size: 'x-small',
    ec2_capacity: false,
  });
});

test('reports every violation with its field path, not just the first', () => {
  const issues = issuesOf(() =>
    validateInputs(
      SCHEMA,
      'EnvInput',
      { vpc_cidr_block: '10.0.0.0/99', desired_count: 0, task_size: 'huge', ec2_capacity: 'yes', colour: 'red' },
      { pathPrefix: 'spec.' },
    ),
  );
  expect(issues.map((i) => i.path).sort()).toEqual(
    ['spec.colour', 'spec.desired_count', 'spec.ec2_capacity', 'spec.task_size', 'spec.tenantId', 'spec.vpc_cidr_block'].sort(),
  );
  const byPath = Object.fromEntries(issues.map((i) => [i.path, i.message]));
  expect(byPath['spec.tenantId']).toMatch(/required/);
  expect(byPath['spec.desired_count']).toMatch(/>= 1, got 0/);
  expect(byPath['spec.task_size']).toMatch(/one of x-small, small, medium/);
  expect(byPath['spec.ec2_capacity']).toMatch(/true or false/);
  expect(byPath['spec.colour']).toMatch(/not an input/);
});

test('integers must be whole numbers', () => {
  const issues = issuesOf(() => validateInputs(SCHEMA, 'EnvInput', { tenantId: 't', desired_count: 1.5 }));
  expect(issues).toEqual([{ path: 'desired_count', message: 'must be an integer, got 1.5' }]);
});

test('--set pairs are typed by the schema', () => {
  expect(coerceInputs(SCHEMA, 'EnvInput', ['desired_count=4', 'ec2_capacity=true', 'tenantId=42'])).toEqual({
    desired_count: 4,
    ec2_capacity: true,
    tenantId: '42',
  });
  expect(() => coerceInputs(SCHEMA, 'EnvInput', ['novalue'])).toThrow(/expected key=value/);
});

test('a schema that names an undefined input type is rejected', () => {
  expect(() =>
    parseTemplateSchema('schema:\n  format: {openapi: "3.0.0"}\n  environment_input_type: Missing\n  types: {}\n'),
  ).toThrow(/environment_input_type: names "Missing"/);
  expect(() => parseTemplateSchema('- a list')).toThrow(UserError);
});
