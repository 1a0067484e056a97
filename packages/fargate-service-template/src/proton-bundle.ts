import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parse, stringify } from 'yaml';
import { renderFargateService } from './render';
import { FargateServiceInput, PACKAGE_NAME, schemaFile } from './schema';

/** The environment template major versions this service template runs in. */
export const COMPATIBLE_ENVIRONMENTS = ['env-template:1'];

/**
 * Writes this template's bundle in AWS Proton's service-template layout under `outDir`:
 *   v<major>/schema/schema.yaml
 *   v<major>/instance_infrastructure/manifest.yaml
 *   v<major>/instance_infrastructure/cloudformation.yaml   (rendered with the schema's
 *       defaults; the environment's outputs, tenant id and image are parameters)
 *   v<major>/.template-registration.yaml                    (compatible environments)
 * The major version is the package's. Same sources, byte-identical bundle.
 */
export function writeProtonBundle(outDir: string): string[] {
  const pkg = JSON.parse(readFileSync(require.resolve(`${PACKAGE_NAME}/package.json`), 'utf8'));
  const root = join(outDir, `v${String(pkg.version).split('.')[0]}`);
  rmSync(root, { recursive: true, force: true });
  const schema = parse(readFileSync(schemaFile(), 'utf8')).schema;
  const defaults = Object.fromEntries(
    Object.entries<any>(schema.types[schema.service_input_type].properties).map(([name, def]) => [name, def.default]),
  );
  const template = renderFargateService('service', defaults as FargateServiceInput);
  const files: Record<string, string> = {
    'instance_infrastructure/manifest.yaml': stringify({
      infrastructure: { templates: [{ file: 'cloudformation.yaml', rendering_engine: 'jinja', template_language: 'cloudformation' }] },
    }),
    'instance_infrastructure/cloudformation.yaml': stringify(template, { lineWidth: 0 }),
    '.template-registration.yaml': stringify({ compatible_environments: COMPATIBLE_ENVIRONMENTS }),
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
