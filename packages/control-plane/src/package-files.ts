import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Reads a file shipped inside a workspace package (e.g. a template's `schema/schema.yaml`),
 * wherever the code calling it runs from: the package's own `lib/`, its sources under test,
 * or an esbuild bundle of another package.
 */
export function readPackageFile(packageName: string, relativePath: string): string {
  const root = dirname(require.resolve(`${packageName}/package.json`));
  return readFileSync(join(root, relativePath), 'utf8');
}
