import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  coerceInputs, loadTemplate, parseSpec, parseTemplateName, parseTier, renderTemplate, TEMPLATE_NAMES, UserError,
} from '@tenant-waves/control-plane';
import { Command } from '../command';

export function readSpecFile(path: string, cwd: string) {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, path), 'utf8');
  } catch (e) {
    throw new UserError('E_SPEC_FILE', `cannot read spec file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseSpec(text, path);
}

export const renderCommand: Command = {
  name: 'render',
  summary: 'Print the CloudFormation template a template renders for given inputs',
  usage: 'tenant render <env-template|fargate-service|serverless-service> [--tier T] [--tenant ID] [--service NAME] [--spec FILE] [--set key=value]...',
  help: `Takes the tier's profile, overrides it with the spec file's inputs and then --set, validates
the result against the template's schema (schema/schema.yaml), and prints the CloudFormation
template (JSON). Every invalid input is reported with its field path, nothing is printed on
stdout, and the exit code is 2.

Values that differ per tenant (tenant id, namespace name; for services the environment's
outputs and the image or code location) are CloudFormation parameters: their defaults are
this tenant's values where known, and the rest are filled in when the stack is deployed.

Options:
  --tier T           basic, standard or premium: the tier profile to start from
  --tenant ID        the tenant id (default: tenantId from the spec, else "tenantA")
  --service NAME     the service name, for service templates (default: the template name)
  --spec FILE        a Proton-format spec file, YAML or JSON: "proton: EnvironmentSpec" for
                     env-template, "proton: ServiceSpec" for the service templates (the
                     instance named --tenant's, else the first, is used)
  --set key=value    an input; repeatable; wins over the spec file and the tier

Examples:
  tenant render env-template --tier premium --set tenantId=tenantA --set service_discovery_namespace=t1.example.com
  tenant render env-template --spec files/tenantA-env-spec.yaml
  tenant render fargate-service --tier standard --tenant tenantB --set desired_count=4`,
  options: {
    tier: { type: 'string' },
    tenant: { type: 'string' },
    service: { type: 'string' },
    spec: { type: 'string' },
    set: { type: 'string', multiple: true },
  },
  async run(args, io) {
    const [name, ...extra] = args.positionals;
    if (!name) throw new UserError('E_USAGE', `which template? One of: ${TEMPLATE_NAMES.join(', ')}\nUsage: ${this.usage}`);
    if (extra.length) throw new UserError('E_USAGE', `unexpected argument "${extra[0]}"\nUsage: ${this.usage}`);
    const templateName = parseTemplateName(name);
    const tier = typeof args.values.tier === 'string' ? parseTier(args.values.tier) : undefined;
    const tenantOption = args.values.tenant as string | undefined;
    let fromSpec: Record<string, unknown> = {};
    if (typeof args.values.spec === 'string') {
      const spec = readSpecFile(args.values.spec, io.cwd);
      const wanted = templateName === 'env-template' ? 'EnvironmentSpec' : 'ServiceSpec';
      if (spec.kind !== wanted) {
        throw new UserError('E_SPEC_KIND', `${args.values.spec}: ${templateName} takes a "proton: ${wanted}" file, got ${spec.kind}`);
      }
      if (spec.kind === 'EnvironmentSpec') {
        fromSpec = spec.spec;
      } else {
        const instance = spec.instances.find((i) => tenantOption && i.name.startsWith(tenantOption)) ?? spec.instances[0];
        fromSpec = instance?.spec ?? {};
      }
    }
    const template = await loadTemplate(templateName);
    const fromSet = coerceInputs(template.schema, template.inputType, (args.values.set as string[] | undefined) ?? []);
    const inputs = { ...fromSpec, ...fromSet };
    const tenantId = tenantOption ?? (typeof inputs.tenantId === 'string' ? inputs.tenantId : 'tenantA');
    delete inputs.tenantId;
    const rendered = await renderTemplate(templateName, inputs, {
      tier,
      tenantId,
      service: (args.values.service as string | undefined) ?? templateName,
    });
    io.out(JSON.stringify(rendered, null, 2) + '\n');
    return 0;
  },
};
