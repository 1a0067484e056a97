import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { Inputs } from './schema';
import { loadTemplate, TemplateName } from './templates';

const placeholder = (input: string) => `placeholder-${input.toLowerCase().replace(/_/g, '-')}`;

/**
 * Writes a template's bundle in AWS Proton's layout under `outDir` (a template package's
 * `dist/proton`), for the template's major version:
 *   v<major>/schema/schema.yaml
 *   v<major>/infrastructure/{manifest.yaml,cloudformation.yaml}            (environment templates)
 *   v<major>/instance_infrastructure/{manifest.yaml,cloudformation.yaml}   (service templates)
 *   v<major>/.template-registration.yaml                                   (service templates: compatible environments)
 * The CloudFormation is rendered with the schema's defaults; values only a deployment can give
 * (the tenant, its environment's outputs, required inputs without a default) are parameters
 * without a default. Same sources, byte-identical bundle. Returns the files written.
 */
export async function writeProtonBundle(name: TemplateName, outDir: string): Promise<string[]> {
  const template = await loadTemplate(name);
  const root = join(outDir, `v${template.version.split('.')[0]}`);
  rmSync(root, { recursive: true, force: true });

  const type = template.schema.types[template.inputType];
  const inputs: Inputs = {};
  const placeholders = new Set<string>([placeholder('tenantId')]);
  for (const [input, def] of Object.entries(type.properties)) {
    if (def.default !== undefined) {
      inputs[input] = def.default;
    } else {
      inputs[input] = placeholder(input);
      placeholders.add(placeholder(input));
    }
  }
  const cfn = template.render(inputs, { tenantId: placeholder('tenantId'), service: 'service' });
  for (const parameter of Object.values<any>(cfn.Parameters ?? {})) {
    if (placeholders.has(parameter.Default)) delete parameter.Default;
  }

  const infrastructure = template.kind === 'environment' ? 'infrastructure' : 'instance_infrastructure';
  const files: Record<string, string> = {
    [`${infrastructure}/manifest.yaml`]: stringify({
      infrastructure: { templates: [{ file: 'cloudformation.yaml', rendering_engine: 'jinja', template_language: 'cloudformation' }] },
    }),
    [`${infrastructure}/cloudformation.yaml`]: stringify(cfn, { lineWidth: 0 }),
  };
  if (template.kind === 'service') {
    files['.template-registration.yaml'] = stringify({ compatible_environments: template.compatibleEnvironments ?? [] });
  }
  mkdirSync(join(root, 'schema'), { recursive: true });
  copyFileSync(template.schemaFile, join(root, 'schema', 'schema.yaml'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return ['schema/schema.yaml', ...Object.keys(files)].map((f) => join(root, f));
}
