import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parse, stringify } from 'yaml';
import { renderEnvironment } from './render';
import { PACKAGE_NAME, schemaFile, TenantEnvironmentInput } from './schema';

/** Inputs that are per-tenant CloudFormation parameters, and so have no value in the bundle. */
const PARAMETER_INPUTS: Record<string, string> = { tenantId: 'TenantId', service_discovery_namespace: 'ServiceDiscoveryNamespace' };

/**
 * Writes this template's bundle in AWS Proton's layout under `outDir`:
 *   v<major>/schema/schema.yaml
 *   v<major>/infrastructure/manifest.yaml
 *   v<major>/infrastructure/cloudformation.yaml   (rendered with the schema's defaults;
 *                                                   per-tenant values are parameters)
 * The major version is the package's. Same sources, byte-identical bundle.
 */
export function writeProtonBundle(outDir: string): string[] {
  const pkg = JSON.parse(readFileSync(require.resolve(`${PACKAGE_NAME}/package.json`), 'utf8'));
  const major = String(pkg.version).split('.')[0];
  const root = join(outDir, `v${major}`);
  rmSync(root, { recursive: true, force: true });
  const schema = parse(readFileSync(schemaFile(), 'utf8')).schema;
  const type = schema.types[schema.environment_input_type];
  const defaults: Record<string, unknown> = {};
  for (const [name, def] of Object.entries<any>(type.properties)) {
    defaults[name] = def.default ?? (PARAMETER_INPUTS[name] ? `${name}-placeholder` : undefined);
  }
  const template = renderEnvironment(defaults as unknown as TenantEnvironmentInput);
  for (const parameter of Object.values(PARAMETER_INPUTS)) delete template.Parameters[parameter].Default;

  const files: Record<string, string> = {
    'infrastructure/manifest.yaml': stringify({
      infrastructure: { templates: [{ file: 'cloudformation.yaml', rendering_engine: 'jinja', template_language: 'cloudformation' }] },
    }),
    'infrastructure/cloudformation.yaml': stringify(template, { lineWidth: 0 }),
  };
  mkdirSync(join(root, 'schema'), { recursive: true });
  copyFileSync(schemaFile(), join(root, 'schema', 'schema.yaml'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return ['schema/schema.yaml', ...Object.keys(files)].map((f) => relative(process.cwd(), join(root, f)));
}

if (require.main === module) {
  for (const file of writeProtonBundle(process.argv[2] ?? 'dist/proton')) process.stdout.write(`wrote ${file}\n`);
}
