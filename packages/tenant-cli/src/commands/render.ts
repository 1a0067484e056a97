import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { coerceInputs, parseSpec, TemplateSchema, UserError } from '@tenant-waves/control-plane';
import { Command } from '../command';

export const TEMPLATES = ['env-template', 'fargate-service', 'serverless-service'] as const;
export type TemplateName = (typeof TEMPLATES)[number];

export function readSpecFile(path: string, cwd: string) {
  const full = resolve(cwd, path);
  let text: string;
  try {
    text = readFileSync(full, 'utf8');
  } catch (e) {
    throw new UserError('E_SPEC_FILE', `cannot read spec file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseSpec(text, path);
}

/**
 * Placeholder environment outputs for rendering a service instance on its own. At deploy
 * time the real outputs of the tenant's environment stack take their place.
 */
export function placeholderEnvironment(tenantId: string) {
  const t = tenantId.toLowerCase();
  // Ids of the shapes AWS uses (prefix + 17 hex digits), stable per tenant.
  const id = (prefix: string, n: number) =>
    `${prefix}-${createHash('sha256').update(`${tenantId}/${prefix}/${n}`).digest('hex').slice(0, 17)}`;
  return {
    TenantId: tenantId,
    VPCId: id('vpc', 0),
    PrivateSubnetIds: `${id('subnet', 1)},${id('subnet', 2)}`,
    PublicSubnetIds: `${id('subnet', 3)},${id('subnet', 4)}`,
    ECSClusterName: `${tenantId}-cluster`,
    ECSClusterSecGrps: id('sg', 0),
    ECSClusterSDNamespace: id('ns', 0),
    ECSClusterSDNamespaceName: `${t}.saasapplication.local`,
    BucketName: `${t}-bucket`,
  };
}

/** Renders a template to CloudFormation. Loads aws-cdk-lib only here, never for --help. */
export async function renderTemplate(
  template: TemplateName,
  opts: { inputs: Record<string, unknown>; tenantId: string; service: string },
): Promise<Record<string, any>> {
  switch (template) {
    case 'env-template': {
      const m = await import('@tenant-waves/env-template');
      return m.renderEnvironment({ tenantId: opts.tenantId, ...opts.inputs });
    }
    case 'fargate-service': {
      const m = await import('@tenant-waves/fargate-service-template');
      return m.renderFargateService(opts.service, opts.inputs, placeholderEnvironment(opts.tenantId));
    }
    case 'serverless-service': {
      const m = await import('@tenant-waves/serverless-service-template');
      const env = placeholderEnvironment(opts.tenantId);
      return m.renderServerlessService(opts.service, opts.tenantId, { lambda_artifact_bucket: env.BucketName, ...opts.inputs });
    }
  }
}

async function schemaOf(template: TemplateName): Promise<{ schema: TemplateSchema; inputType: string }> {
  switch (template) {
    case 'env-template':
      return { schema: (await import('@tenant-waves/env-template')).environmentSchema(), inputType: 'TenantEnvironmentInput' };
    case 'fargate-service':
      return { schema: (await import('@tenant-waves/fargate-service-template')).fargateServiceSchema(), inputType: 'ECSFargateSvcInputs' };
    case 'serverless-service':
      return { schema: (await import('@tenant-waves/serverless-service-template')).serverlessServiceSchema(), inputType: 'ServerlessSvcInputs' };
  }
}

export const renderCommand: Command = {
  name: 'render',
  summary: 'Print the CloudFormation template a template renders for given inputs',
  usage: 'tenant render <env-template|fargate-service|serverless-service> [--tenant ID] [--service NAME] [--spec FILE] [--set key=value]...',
  help: `Validates the inputs against the template's schema (schema/schema.yaml), then prints the
CloudFormation template (JSON) it renders. Every invalid input is reported, with its field path,
and nothing is printed on stdout (exit code 2).

Options:
  --tenant ID        the tenant id (default: tenantId from the spec, else "tenantA")
  --service NAME     the service name, for service templates (default: the template name)
  --spec FILE        a Proton-format spec file (proton: EnvironmentSpec, YAML or JSON); for service
                     templates, a proton: ServiceSpec whose first instance's spec is used
  --set key=value    an input; repeatable; wins over the spec file

Service templates are rendered against placeholder environment outputs (stable fake ids);
at deploy time the tenant environment's real outputs take their place.

Examples:
  tenant render env-template --set tenantId=tenantA --set service_discovery_namespace=t1.example.com
  tenant render env-template --spec files/tenantA-env-spec.yaml
  tenant render fargate-service --tenant tenantB --set task_size=medium --set desired_count=2`,
  options: {
    tenant: { type: 'string' },
    service: { type: 'string' },
    spec: { type: 'string' },
    set: { type: 'string', multiple: true },
  },
  async run(args, io) {
    const [template, ...extra] = args.positionals;
    if (!template) throw new UserError('E_USAGE', `which template? One of: ${TEMPLATES.join(', ')}\nUsage: ${this.usage}`);
    if (extra.length) throw new UserError('E_USAGE', `unexpected argument "${extra[0]}"\nUsage: ${this.usage}`);
    if (!(TEMPLATES as readonly string[]).includes(template)) {
      throw new UserError('E_UNKNOWN_TEMPLATE', `unknown template "${template}"; choose one of: ${TEMPLATES.join(', ')}`);
    }
    const name = template as TemplateName;
    let fromSpec: Record<string, unknown> = {};
    if (typeof args.values.spec === 'string') {
      const spec = readSpecFile(args.values.spec, io.cwd);
      if (name === 'env-template') {
        if (spec.kind !== 'EnvironmentSpec') {
          throw new UserError('E_SPEC_KIND', `${args.values.spec}: env-template takes a "proton: EnvironmentSpec" file, got ${spec.kind}`);
        }
        fromSpec = spec.spec;
      } else {
        if (spec.kind !== 'ServiceSpec') {
          throw new UserError('E_SPEC_KIND', `${args.values.spec}: ${name} takes a "proton: ServiceSpec" file, got ${spec.kind}`);
        }
        fromSpec = spec.instances[0]?.spec ?? {};
      }
    }
    const { schema, inputType } = await schemaOf(name);
    const fromSet = coerceInputs(schema, inputType, (args.values.set as string[] | undefined) ?? []);
    const inputs = { ...fromSpec, ...fromSet };
    const tenantId = (args.values.tenant as string | undefined) ?? (typeof inputs.tenantId === 'string' ? inputs.tenantId : 'tenantA');
    if (name === 'env-template') inputs.tenantId = tenantId;
    const rendered = await renderTemplate(name, {
      inputs,
      tenantId,
      service: (args.values.service as string | undefined) ?? name,
    });
    io.out(JSON.stringify(rendered, null, 2) + '\n');
    return 0;
  },
};
