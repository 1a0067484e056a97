import { parse as parseYaml } from 'yaml';
import { UserError, ValidationError, ValidationIssue } from './errors';

/**
 * The subset of OpenAPI 3.0 that AWS Proton template schemas use, and that ours keep.
 * See https://docs.aws.amazon.com/proton/latest/userguide/ag-schema.html
 */
export interface PropertySchema {
  readonly type: 'string' | 'number' | 'integer' | 'boolean';
  readonly title?: string;
  readonly description?: string;
  readonly default?: string | number | boolean;
  readonly enum?: readonly (string | number)[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
}

export interface ObjectSchema {
  readonly type: 'object';
  readonly description?: string;
  readonly properties: Readonly<Record<string, PropertySchema>>;
  readonly required?: readonly string[];
}

/** A template's `schema/schema.yaml`, as Proton defined it. */
export interface TemplateSchema {
  readonly format: { readonly openapi: string };
  /** Environment templates name their input type here. */
  readonly environment_input_type?: string;
  /** Service templates name their instance input type here... */
  readonly service_input_type?: string;
  /** ...and their pipeline input type here. */
  readonly pipeline_input_type?: string;
  readonly types: Readonly<Record<string, ObjectSchema>>;
}

export type InputValue = string | number | boolean;
export type Inputs = Record<string, InputValue>;

const SCALAR_TYPES = new Set(['string', 'number', 'integer', 'boolean']);

/** Parses and checks the shape of a Proton-format `schema.yaml`. */
export function parseTemplateSchema(text: string, source = 'schema.yaml'): TemplateSchema {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new UserError('E_SCHEMA_SYNTAX', `${source}: not valid YAML: ${(e as Error).message}`);
  }
  const issues: ValidationIssue[] = [];
  const root = (doc ?? {}) as Record<string, any>;
  if (typeof root.schema !== 'object' || root.schema === null) {
    throw new UserError('E_SCHEMA_SHAPE', `${source}: expected a top-level "schema:" map`);
  }
  const schema = root.schema as Record<string, any>;
  if (!schema.format || typeof schema.format.openapi !== 'string') {
    issues.push({ path: 'schema.format.openapi', message: 'required (for example "3.0.0")' });
  }
  const types = schema.types as Record<string, any> | undefined;
  if (!types || typeof types !== 'object') {
    issues.push({ path: 'schema.types', message: 'required: a map of input type names to object schemas' });
  }
  for (const key of ['environment_input_type', 'service_input_type', 'pipeline_input_type']) {
    const name = schema[key];
    if (name !== undefined && !(types && types[name])) {
      issues.push({ path: `schema.${key}`, message: `names "${name}", which is not defined under schema.types` });
    }
  }
  for (const [typeName, type] of Object.entries(types ?? {})) {
    if (type?.type !== 'object' || typeof type.properties !== 'object') {
      issues.push({ path: `schema.types.${typeName}`, message: 'must be type: object with properties' });
      continue;
    }
    for (const [prop, def] of Object.entries<any>(type.properties)) {
      if (!SCALAR_TYPES.has(def?.type)) {
        issues.push({
          path: `schema.types.${typeName}.properties.${prop}.type`,
          message: `must be one of ${[...SCALAR_TYPES].join(', ')}`,
        });
      }
    }
    for (const req of type.required ?? []) {
      if (!(req in type.properties)) {
        issues.push({ path: `schema.types.${typeName}.required`, message: `names "${req}", which is not a property` });
      }
    }
  }
  if (issues.length) throw new ValidationError(source, issues);
  return schema as TemplateSchema;
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value;
}

function checkValue(path: string, def: PropertySchema, value: unknown, issues: ValidationIssue[]): boolean {
  switch (def.type) {
    case 'string':
      if (typeof value !== 'string') {
        issues.push({ path, message: `must be a string, got ${kindOf(value)} ${JSON.stringify(value)}` });
        return false;
      }
      if (def.minLength !== undefined && value.length < def.minLength) {
        issues.push({ path, message: `must be at least ${def.minLength} characters, got ${value.length}` });
      }
      if (def.maxLength !== undefined && value.length > def.maxLength) {
        issues.push({ path, message: `must be at most ${def.maxLength} characters, got ${value.length}` });
      }
      if (def.pattern !== undefined && !new RegExp(def.pattern).test(value)) {
        issues.push({ path, message: `must match the pattern ${def.pattern}, got "${value}"` });
      }
      break;
    case 'number':
    case 'integer':
      if (typeof value !== 'number' || Number.isNaN(value)) {
        issues.push({ path, message: `must be a ${def.type}, got ${kindOf(value)} ${JSON.stringify(value)}` });
        return false;
      }
      if (def.type === 'integer' && !Number.isInteger(value)) {
        issues.push({ path, message: `must be an integer, got ${value}` });
      }
      if (def.minimum !== undefined && value < def.minimum) {
        issues.push({ path, message: `must be >= ${def.minimum}, got ${value}` });
      }
      if (def.maximum !== undefined && value > def.maximum) {
        issues.push({ path, message: `must be <= ${def.maximum}, got ${value}` });
      }
      break;
    case 'boolean':
      if (typeof value !== 'boolean') {
        issues.push({ path, message: `must be true or false, got ${kindOf(value)} ${JSON.stringify(value)}` });
        return false;
      }
      break;
  }
  if (def.enum && !def.enum.includes(value as string | number)) {
    issues.push({ path, message: `must be one of ${def.enum.join(', ')}, got ${JSON.stringify(value)}` });
  }
  return true;
}

/**
 * Validates `inputs` against one input type of a template schema. Applies defaults, rejects
 * unknown keys, and reports every violation at once, each with its field path
 * (`pathPrefix` + property name). Returns the inputs with defaults applied.
 */
export function validateInputs(
  schema: TemplateSchema,
  inputType: string,
  inputs: Readonly<Record<string, unknown>>,
  options: { subject?: string; pathPrefix?: string } = {},
): Inputs {
  const type = schema.types[inputType];
  if (!type) {
    throw new UserError('E_SCHEMA_TYPE', `the schema has no input type "${inputType}"`);
  }
  const prefix = options.pathPrefix ?? '';
  const issues: ValidationIssue[] = [];
  const result: Inputs = {};
  for (const name of Object.keys(inputs)) {
    if (!(name in type.properties)) {
      issues.push({
        path: `${prefix}${name}`,
        message: `is not an input of ${inputType}; known inputs: ${Object.keys(type.properties).join(', ')}`,
      });
    }
  }
  for (const [name, def] of Object.entries(type.properties)) {
    const given = inputs[name];
    if (given === undefined || given === null) {
      if (def.default !== undefined) {
        result[name] = def.default;
      } else if (type.required?.includes(name)) {
        issues.push({ path: `${prefix}${name}`, message: `is required (${def.description ?? def.type})` });
      }
      continue;
    }
    if (checkValue(`${prefix}${name}`, def, given, issues)) {
      result[name] = given as InputValue;
    }
  }
  if (issues.length) throw new ValidationError(options.subject ?? inputType, issues);
  return result;
}

/**
 * Converts `key=value` strings (from `--set`) to typed inputs, using the schema to decide
 * whether "80" is the number 80 or the string "80".
 */
export function coerceInputs(
  schema: TemplateSchema,
  inputType: string,
  pairs: readonly string[],
): Record<string, unknown> {
  const type = schema.types[inputType];
  const out: Record<string, unknown> = {};
  const issues: ValidationIssue[] = [];
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      issues.push({ path: pair, message: 'expected key=value' });
      continue;
    }
    const key = pair.slice(0, eq);
    const raw = pair.slice(eq + 1);
    const def = type?.properties[key];
    if (def?.type === 'number' || def?.type === 'integer') {
      out[key] = raw.trim() === '' ? raw : Number(raw);
      if (Number.isNaN(out[key])) out[key] = raw;
    } else if (def?.type === 'boolean') {
      out[key] = raw === 'true' ? true : raw === 'false' ? false : raw;
    } else {
      out[key] = raw;
    }
  }
  if (issues.length) throw new ValidationError('--set', issues);
  return out;
}
