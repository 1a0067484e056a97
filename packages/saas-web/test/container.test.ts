import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

// No Docker engine on these machines: the image is checked by reading its recipe, and the
// server it runs is the one server.test.ts exercises.
const dockerfile = readFileSync(join(__dirname, '..', 'Dockerfile'), 'utf8');
const stages = dockerfile.split(/^FROM /m).slice(1);

test('Dockerfile: multi-stage, Node 22, runs the esbuild bundle as a non-root user with a health check', () => {
  expect(stages).toHaveLength(2);
  for (const s of stages) expect(s).toMatch(/^node:22-/);
  const run = stages[1];
  expect(run).toMatch(/^USER node$/m);
  expect(run).toMatch(/COPY --from=build --chown=node:node \/build\/dist\/server\.js \.\/server\.js/);
  expect(run).toMatch(/HEALTHCHECK .*\n.*\/health/);
  expect(run).toMatch(/^CMD \["node", "server\.js"\]$/m);
  expect(run).not.toMatch(/npm (ci|install)/); // nothing but the bundle in the final image
  // It bundles the same entry point as the package's own bundle target.
  expect(stages[0]).toMatch(/esbuild src\/main\.ts --bundle --platform=node --target=node22/);
});

test('buildspec.yml: builds and pushes the image, writes the rollout input, and holds no secrets', () => {
  const spec = parse(readFileSync(join(__dirname, '..', 'buildspec.yml'), 'utf8'));
  expect(spec.version).toBe(0.2);
  expect(Object.keys(spec.phases)).toEqual(['pre_build', 'build', 'post_build']);
  expect(spec.phases.build.commands.join('\n')).toMatch(/docker build -f "\$DOCKERFILE"/);
  expect(spec.env.variables.DOCKERFILE).toBe('packages/saas-web/Dockerfile');
  expect(spec.phases.post_build.commands.join('\n')).toMatch(/docker push[\s\S]*rollout-input\.json/);
  expect(spec.artifacts.files).toEqual(['rollout-input.json']);
  expect(JSON.stringify(spec)).not.toMatch(/AWS_SECRET|aws_secret|password [^-]/i);
});
