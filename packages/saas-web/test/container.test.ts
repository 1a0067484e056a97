import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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
  // The orchestrator's input: rollout id, service, the pushed image, the pipeline's rollout options.
  expect(spec.phases.post_build.commands.join('\n')).toMatch(/\{"rolloutId":"%s","service":"%s","target":"%s","options":%s\}.*"\$ROLLOUT_ID" "\$SERVICE_NAME" "\$IMAGE" "\$\{ROLLOUT_OPTIONS:\?/);
  expect(spec.artifacts.files).toEqual(['rollout-input.json']);
  expect(JSON.stringify(spec)).not.toMatch(/AWS_SECRET|aws_secret|password [^-]/i);
});

test('buildspec.yml: its rollout-input.json is the orchestrator\'s input, valid JSON (the post-build lines run in bash)', () => {
  const spec = parse(readFileSync(join(__dirname, '..', 'buildspec.yml'), 'utf8'));
  const lines = [spec.phases.pre_build.commands[0], spec.phases.pre_build.commands[1], ...spec.phases.post_build.commands.filter((c: string) => !/docker|cat /.test(c))];
  const dir = mkdtempSync(join(tmpdir(), 'buildspec-'));
  execFileSync('bash', ['-euc', lines.join('\n')], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      CODEBUILD_RESOLVED_SOURCE_VERSION: '0123456789abcdef',
      ECR_REPOSITORY_URI: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/tenant-waves/saas-web',
      SERVICE_NAME: 'saas-web',
      ROLLOUT_OPTIONS: '{"gate":"manual","bakeSeconds":300}',
    },
  });
  const input = JSON.parse(readFileSync(join(dir, 'rollout-input.json'), 'utf8'));
  expect(input).toEqual({
    rolloutId: expect.stringMatching(/^saas-web-\d{14}-0123456789ab$/),
    service: 'saas-web',
    target: '111122223333.dkr.ecr.eu-west-1.amazonaws.com/tenant-waves/saas-web:0123456789ab',
    options: { gate: 'manual', bakeSeconds: 300 },
  });
});
