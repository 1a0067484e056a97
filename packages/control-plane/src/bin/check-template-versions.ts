// CI check: a template's schema may only change incompatibly with a new major version.
// Usage: node packages/control-plane/lib/bin/check-template-versions.js [repository root]
import { checkTemplateVersions } from '../template-versions';

const root = process.argv[2] ?? process.cwd();
let failed = false;
for (const r of checkTemplateVersions(root)) {
  const since = r.previousVersion ? ` since ${r.previousVersion}` : '';
  process.stdout.write(`${r.template} ${r.version}: ${r.changes.length} schema change(s)${since}\n`);
  for (const c of r.changes) process.stdout.write(`  ${c.breaking ? 'BREAKING' : 'compatible'}  ${c.path}: ${c.change}\n`);
  if (r.violations.length) {
    failed = true;
    process.stdout.write(
      `  ✗ ${r.template}: breaking schema changes need a new major version (now ${r.version}). ` +
        'Bump the major version (a conventional commit with "BREAKING CHANGE:" makes nx release do it), or make the change compatible.\n',
    );
  }
}
process.exitCode = failed ? 1 : 0;
