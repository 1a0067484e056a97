import { parse as parseYaml } from 'yaml';
import { UserError, ValidationError, ValidationIssue } from './errors';

/** `proton: EnvironmentSpec` — the inputs of one environment. */
export interface EnvironmentSpec {
  readonly kind: 'EnvironmentSpec';
  readonly spec: Record<string, unknown>;
}

export interface ServiceInstanceSpec {
  readonly name: string;
  readonly environment: string;
  readonly spec: Record<string, unknown>;
}

/** `proton: ServiceSpec` — pipeline inputs and the service's instances. */
export interface ServiceSpec {
  readonly kind: 'ServiceSpec';
  readonly pipeline: Record<string, unknown>;
  /** `pipeline.totalwaves` or `pipeline.totalWaves`, both seen in real spec files. */
  readonly totalWaves?: number;
  readonly instances: readonly ServiceInstanceSpec[];
}

export type Spec = EnvironmentSpec | ServiceSpec;

/** A pipeline map with `totalWaves` (camelCase, seen in real spec files) spelled as the schema's `totalwaves`. */
export function normalisePipelineKeys(pipeline: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const { totalWaves, ...rest } = pipeline;
  return totalWaves !== undefined && rest.totalwaves === undefined ? { ...rest, totalwaves: totalWaves } : rest;
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Parses a Proton-format spec file, YAML or JSON (JSON is YAML), and checks its shape.
 * Input values are validated against a template schema separately (see `validateInputs`).
 */
export function parseSpec(text: string, source = 'spec'): Spec {
  let doc: unknown;
  try {
    doc = parseYaml(text, { uniqueKeys: true });
  } catch (e) {
    throw new UserError(
      'E_SPEC_SYNTAX',
      `${source}: not valid YAML or JSON: ${(e as Error).message.split('\n')[0]}. Fix the file and try again.`,
    );
  }
  if (!isMap(doc)) {
    throw new UserError(
      'E_SPEC_SHAPE',
      `${source}: expected a map with "proton: EnvironmentSpec" or "proton: ServiceSpec", got ${Array.isArray(doc) ? 'a list' : JSON.stringify(doc)}`,
    );
  }
  const kind = doc.proton;
  if (kind === 'EnvironmentSpec') return parseEnvironmentSpec(doc, source);
  if (kind === 'ServiceSpec') return parseServiceSpec(doc, source);
  throw new UserError(
    'E_SPEC_KIND',
    `${source}: proton: must be EnvironmentSpec or ServiceSpec, got ${kind === undefined ? 'nothing' : JSON.stringify(kind)}`,
  );
}

function parseEnvironmentSpec(doc: Record<string, unknown>, source: string): EnvironmentSpec {
  const issues: ValidationIssue[] = [];
  const spec = doc.spec ?? {};
  if (!isMap(spec)) issues.push({ path: 'spec', message: 'must be a map of input names to values' });
  for (const key of Object.keys(doc)) {
    if (key !== 'proton' && key !== 'spec') issues.push({ path: key, message: 'unknown key; expected proton and spec' });
  }
  if (issues.length) throw new ValidationError(source, issues);
  return { kind: 'EnvironmentSpec', spec: spec as Record<string, unknown> };
}

function parseServiceSpec(doc: Record<string, unknown>, source: string): ServiceSpec {
  const issues: ValidationIssue[] = [];
  const pipeline = doc.pipeline ?? {};
  if (!isMap(pipeline)) issues.push({ path: 'pipeline', message: 'must be a map of pipeline inputs' });
  const rawInstances = doc.instances ?? [];
  const instances: ServiceInstanceSpec[] = [];
  if (!Array.isArray(rawInstances)) {
    issues.push({ path: 'instances', message: 'must be a list of {name, environment, spec}' });
  } else {
    const seen = new Set<string>();
    rawInstances.forEach((raw, i) => {
      const at = `instances[${i}]`;
      if (!isMap(raw)) {
        issues.push({ path: at, message: 'must be a map with name, environment and spec' });
        return;
      }
      if (typeof raw.name !== 'string' || raw.name === '') issues.push({ path: `${at}.name`, message: 'is required (a string)' });
      if (typeof raw.environment !== 'string' || raw.environment === '') {
        issues.push({ path: `${at}.environment`, message: 'is required (the environment name)' });
      }
      if (raw.spec !== undefined && !isMap(raw.spec)) issues.push({ path: `${at}.spec`, message: 'must be a map of inputs' });
      if (typeof raw.name === 'string') {
        if (seen.has(raw.name)) issues.push({ path: `${at}.name`, message: `"${raw.name}" appears more than once` });
        seen.add(raw.name);
      }
      instances.push({
        name: String(raw.name),
        environment: String(raw.environment),
        spec: (isMap(raw.spec) ? raw.spec : {}) as Record<string, unknown>,
      });
    });
  }
  let totalWaves: number | undefined;
  if (isMap(pipeline)) {
    const lower = pipeline.totalwaves;
    const camel = pipeline.totalWaves;
    if (lower !== undefined && camel !== undefined && lower !== camel) {
      issues.push({ path: 'pipeline.totalWaves', message: `conflicts with pipeline.totalwaves (${String(lower)} vs ${String(camel)}); keep one` });
    }
    const value = camel ?? lower;
    if (value !== undefined) {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
        issues.push({
          path: camel !== undefined ? 'pipeline.totalWaves' : 'pipeline.totalwaves',
          message: `must be a positive integer, got ${JSON.stringify(value)}`,
        });
      } else {
        totalWaves = value;
      }
    }
  }
  if (issues.length) throw new ValidationError(source, issues);
  return { kind: 'ServiceSpec', pipeline: normalisePipelineKeys(pipeline as Record<string, unknown>), totalWaves, instances };
}
