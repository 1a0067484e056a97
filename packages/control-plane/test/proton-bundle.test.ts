import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { TEMPLATE_NAMES, writeProtonBundle } from '../src';

function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out[relative(dir, full)] = readFileSync(full, 'utf8');
    }
  };
  walk(dir);
  return out;
}

describe.each(TEMPLATE_NAMES)('%s bundle', (name) => {
  test('is complete, in Proton\'s layout, and byte-identical from the same sources', async () => {
    const a = mkdtempSync(join(tmpdir(), 'bundle-a-'));
    const b = mkdtempSync(join(tmpdir(), 'bundle-b-'));
    await writeProtonBundle(name, a);
    await writeProtonBundle(name, b);
    const files = tree(a);
    expect(files).toEqual(tree(b));
    const infra = name === 'env-template' ? 'infrastructure' : 'instance_infrastructure';
    expect(Object.keys(files).sort()).toEqual(
      [
        'v1/schema/schema.yaml',
        `v1/${infra}/manifest.yaml`,
        `v1/${infra}/cloudformation.yaml`,
        ...(name === 'env-template' ? [] : ['v1/.template-registration.yaml']),
      ].sort(),
    );
    expect(parse(files[`v1/${infra}/manifest.yaml`]).infrastructure.templates).toEqual([
      { file: 'cloudformation.yaml', rendering_engine: 'jinja', template_language: 'cloudformation' },
    ]);
    const cfn = parse(files[`v1/${infra}/cloudformation.yaml`]);
    expect(Object.keys(cfn.Resources).length).toBeGreaterThan(3);
    // Values only a deployment can give have no default; nothing of a placeholder is left.
    expect(cfn.Parameters.TenantId.Default).toBeUndefined();
    expect(files[`v1/${infra}/cloudformation.yaml`]).not.toMatch(/placeholder-/);
    if (name !== 'env-template') {
      expect(parse(files['v1/.template-registration.yaml'])).toEqual({ compatible_environments: ['env-template:1'] });
    }
  });
});
