#!/usr/bin/env node
// The `tenant` command. Runs the esbuild bundle of src/cli.ts (built by `npm ci` at the
// repository root, or by `npx nx run @tenant-waves/tenant-cli:bundle`).
'use strict';
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const bundle = join(__dirname, '..', 'dist', 'cli', 'cli.js');
if (!existsSync(bundle)) {
  process.stderr.write(
    'tenant: the CLI bundle is missing (' + bundle + ').\n' +
      'Build it from the repository root with: npx nx run @tenant-waves/tenant-cli:bundle\n',
  );
  process.exit(2);
}
require(bundle)
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
