import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { writeProtonBundle } from '../src';

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

test('the Proton-layout bundle is complete and byte-identical from the same sources', () => {
  const a = mkdtempSync(join(tmpdir(), 'bundle-a-'));
  const b = mkdtempSync(join(tmpdir(), 'bundle-b-'));
  writeProtonBundle(a);
  writeProtonBundle(b);
  const first = tree(a);
  expect(first).toEqual(tree(b));
  const files = Object.keys(first);
  expect(files).toContain('v1/schema/schema.yaml');
  const manifestPath = files.find((f) => /^v1\/(instance_)?infrastructure\/manifest\.yaml$/.test(f))!;
  expect(parse(first[manifestPath]).infrastructure.templates[0]).toEqual({
    file: 'cloudformation.yaml',
    rendering_engine: 'jinja',
    template_language: 'cloudformation',
  });
  const cfn = parse(first[manifestPath.replace('manifest.yaml', 'cloudformation.yaml')]);
  expect(Object.keys(cfn.Resources).length).toBeGreaterThan(3);
  // Parameters that only a deployment can fill (the tenant, its environment) have no default.
  expect(cfn.Parameters.TenantId.Default).toBeUndefined();
});

test('the service bundle names the compatible environment template major versions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bundle-'));
  writeProtonBundle(dir);
  expect(parse(readFileSync(join(dir, 'v1', '.template-registration.yaml'), 'utf8'))).toEqual({
    compatible_environments: ['env-template:1'],
  });
});
