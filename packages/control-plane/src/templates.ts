import { readFileSync } from 'node:fs';
import { UserError } from './errors';
import { Inputs, parseTemplateSchema, TemplateSchema, validateInputs } from './schema';
import { normalisePipelineKeys } from './spec';
import { applyTierProfile, Tier, TIERS } from './tiers';

/** The templates the control plane provisions from, by the names users type. */
export const TEMPLATE_NAMES = ['env-template', 'fargate-service', 'serverless-service'] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

export interface LoadedTemplate {
  readonly name: TemplateName;
  readonly kind: 'environment' | 'service';
  readonly packageName: string;
  /** The package's version: its major.minor is the template version. */
  readonly version: string;
  readonly schemaFile: string;
  readonly schema: TemplateSchema;
  /** The schema's instance (or environment) input type, and its pipeline input type. */
  readonly inputType: string;
  readonly pipelineInputType?: string;
  readonly tierProfiles: Readonly<Record<Tier, Readonly<Record<string, unknown>>>>;
  /** For service templates: the environment template major versions they run in (`env-template:1`). */
  readonly compatibleEnvironments?: readonly string[];
  /** The template's render function, on validated inputs (see `renderTemplate`). */
  render(inputs: Inputs, context: RenderContext): Record<string, any>;
}

export interface RenderContext {
  readonly tenantId: string;
  readonly service: string;
  /** Values for the template's CloudFormation parameters (environment outputs, image, …). */
  readonly parameters?: Readonly<Record<string, string>>;
}

export function parseTemplateName(value: string): TemplateName {
  if ((TEMPLATE_NAMES as readonly string[]).includes(value)) return value as TemplateName;
  throw new UserError('E_UNKNOWN_TEMPLATE', `unknown template "${value}"; choose one of: ${TEMPLATE_NAMES.join(', ')}`);
}

const loaded = new Map<TemplateName, LoadedTemplate>();

/**
 * Loads a template package (and with it aws-cdk-lib) on first use only, so commands that
 * render nothing stay fast.
 */
export async function loadTemplate(name: TemplateName): Promise<LoadedTemplate> {
  const cached = loaded.get(name);
  if (cached) return cached;
  const template = await importTemplate(name);
  for (const tier of TIERS) {
    if (!template.tierProfiles[tier]) throw new Error(`${template.packageName} has no tier profile for ${tier}`);
  }
  loaded.set(name, template);
  return template;
}

/** What every template package exports alike. */
interface TemplateModule {
  readonly PACKAGE_NAME: string;
  readonly INPUT_TYPE: string;
  readonly PIPELINE_INPUT_TYPE?: string;
  readonly COMPATIBLE_ENVIRONMENTS?: readonly string[];
  readonly TIER_PROFILES: Readonly<Record<Tier, Readonly<Record<string, unknown>>>>;
  schemaFile(): string;
}

function describe(name: TemplateName, kind: LoadedTemplate['kind'], m: TemplateModule, render: LoadedTemplate['render']): LoadedTemplate {
  const schemaFile = m.schemaFile();
  return {
    name,
    kind,
    packageName: m.PACKAGE_NAME,
    version: JSON.parse(readFileSync(require.resolve(`${m.PACKAGE_NAME}/package.json`), 'utf8')).version,
    schemaFile,
    schema: parseTemplateSchema(readFileSync(schemaFile, 'utf8'), schemaFile),
    inputType: m.INPUT_TYPE,
    pipelineInputType: m.PIPELINE_INPUT_TYPE,
    compatibleEnvironments: m.COMPATIBLE_ENVIRONMENTS,
    tierProfiles: m.TIER_PROFILES,
    render,
  };
}

async function importTemplate(name: TemplateName): Promise<LoadedTemplate> {
  switch (name) {
    case 'env-template': {
      const m = await import('@tenant-waves/env-template');
      type Input = import('@tenant-waves/env-template').TenantEnvironmentInput;
      return describe(name, 'environment', m, (inputs, ctx) => m.renderEnvironment({ ...(inputs as unknown as Input), tenantId: ctx.tenantId }));
    }
    case 'fargate-service': {
      const m = await import('@tenant-waves/fargate-service-template');
      type Input = import('@tenant-waves/fargate-service-template').FargateServiceInput;
      return describe(name, 'service', m, (inputs, ctx) =>
        m.renderFargateService(ctx.service, inputs as unknown as Input, { TenantId: ctx.tenantId, ...ctx.parameters }),
      );
    }
    case 'serverless-service': {
      const m = await import('@tenant-waves/serverless-service-template');
      type Input = import('@tenant-waves/serverless-service-template').ServerlessServiceInput;
      return describe(name, 'service', m, (inputs, ctx) =>
        m.renderServerlessService(ctx.service, inputs as unknown as Input, { TenantId: ctx.tenantId, ...ctx.parameters }),
      );
    }
  }
}

export interface TemplateInputOptions {
  readonly tier?: Tier;
  /** Prefix of field paths in error messages (default `spec.`, as in Proton spec files). */
  readonly pathPrefix?: string;
}

/** Tier profile + explicit inputs, validated against the template's schema (defaults applied). */
export function templateInputs(template: LoadedTemplate, explicit: Readonly<Record<string, unknown>>, options: TemplateInputOptions = {}): Inputs {
  return validateInputs(template.schema, template.inputType, applyTierProfile(template.tierProfiles, options.tier, explicit), {
    subject: `${template.name} inputs`,
    pathPrefix: options.pathPrefix ?? 'spec.',
  });
}

/** Validates a service's pipeline inputs (a ServiceSpec's `pipeline:`); `totalWaves` is accepted for `totalwaves`. */
export function pipelineInputs(template: LoadedTemplate, raw: Readonly<Record<string, unknown>>): Inputs {
  if (!template.pipelineInputType) {
    throw new UserError('E_NOT_A_SERVICE', `${template.name} is an environment template; it has no pipeline inputs`);
  }
  return validateInputs(template.schema, template.pipelineInputType, normalisePipelineKeys(raw), { subject: `${template.name} pipeline inputs`, pathPrefix: 'pipeline.' });
}

/**
 * Validates and renders: the tier's profile, overridden by `inputs`, checked against the
 * template's schema, then rendered to a CloudFormation template. Invalid inputs throw a
 * ValidationError naming every field before anything is synthesised.
 */
export async function renderTemplate(
  name: TemplateName,
  inputs: Readonly<Record<string, unknown>>,
  context: RenderContext & TemplateInputOptions,
): Promise<Record<string, any>> {
  const template = await loadTemplate(name);
  const explicit = template.kind === 'environment' ? { ...inputs, tenantId: context.tenantId } : inputs;
  const validated = templateInputs(template, explicit, context);
  return template.render(validated, context);
}
