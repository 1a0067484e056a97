// The `bundle` target of each template package: writes its Proton-layout bundle.
// Usage: node packages/control-plane/lib/bin/proton-bundle.js <env-template|fargate-service|serverless-service> <outDir>
import { writeProtonBundle } from '../proton-bundle';
import { parseTemplateName } from '../templates';

const [name, outDir] = process.argv.slice(2);
if (!name || !outDir) {
  process.stderr.write('usage: proton-bundle <template> <outDir>\n');
  process.exit(2);
}
writeProtonBundle(parseTemplateName(name), outDir).then(
  (files) => files.forEach((f) => process.stdout.write(`wrote ${f}\n`)),
  (e: Error) => {
    process.stderr.write(`proton-bundle: ${e.message}\n`);
    process.exitCode = 1;
  },
);
