import { compareSchemas, parseTemplateSchema, TemplateSchema } from '../src';

const BASE = `
schema:
  format: {openapi: "3.0.0"}
  service_input_type: In
  types:
    In:
      type: object
      properties:
        size: {type: string, enum: [s, m, l], default: s}
        count: {type: number, minimum: 1, maximum: 10, default: 1}
        name: {type: string, maxLength: 24}
      required: [name]
`;
const base = parseTemplateSchema(BASE);
function edit(fn: (types: any) => void): TemplateSchema {
  const copy = JSON.parse(JSON.stringify(base));
  fn(copy.types);
  return copy;
}
const breaking = (after: TemplateSchema) => compareSchemas(base, after).filter((c) => c.breaking).map((c) => `${c.path}: ${c.change}`);

test('the same schema has no changes', () => {
  expect(compareSchemas(base, base)).toEqual([]);
});

test.each<[string, (t: any) => void, string]>([
  ['an input removed', (t) => delete t.In.properties.count, 'In.count: input removed'],
  ['a type changed', (t) => (t.In.properties.count.type = 'string'), 'In.count: type changed from number to string'],
  ['an enum narrowed', (t) => (t.In.properties.size.enum = ['s', 'm']), 'In.size: enum values removed: l'],
  ['a range narrowed', (t) => (t.In.properties.count.maximum = 5), 'In.count: maximum lowered to 5'],
  ['a length narrowed', (t) => (t.In.properties.name.maxLength = 12), 'In.name: maxLength lowered to 12'],
  ['a new required input without default', (t) => { t.In.properties.zone = { type: 'string' }; t.In.required.push('zone'); }, 'In.zone: new required input with no default'],
])('%s is breaking', (_name, fn, expected) => {
  expect(breaking(edit(fn))).toEqual([expected]);
});

test('widening and optional additions are not breaking', () => {
  const after = edit((t) => {
    t.In.properties.size.enum.push('xl');
    t.In.properties.count.maximum = 100;
    t.In.properties.colour = { type: 'string', default: 'blue' };
  });
  const changes = compareSchemas(base, after);
  expect(changes.filter((c) => c.breaking)).toEqual([]);
  expect(changes).toContainEqual({ path: 'In.colour', change: 'input added', breaking: false });
});
