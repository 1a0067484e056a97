import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

// What the serverless service pipeline's CodeBuild runs (no AWS here: its shell is checked).
const spec = parse(readFileSync(join(__dirname, '..', 'buildspec.yml'), 'utf8'));

test('bundles the handler, uploads the zip under a new key, writes the rollout input; no secrets', () => {
  expect(spec.version).toBe(0.2);
  expect(spec.phases.install['runtime-versions']).toEqual({ nodejs: 22 });
  expect(spec.phases.build.commands.join('\n')).toMatch(/nx run @tenant-waves\/saas-lambda:bundle[\s\S]*zip -q -X -r/);
  expect(spec.phases.post_build.commands[0]).toBe('aws s3 cp code.zip "s3://$ARTIFACT_BUCKET/$KEY"');
  expect(spec.artifacts.files).toEqual(['rollout-input.json']);
  expect(JSON.stringify(spec)).not.toMatch(/AWS_SECRET|aws_secret|password/i);
});

test('its rollout-input.json is the orchestrator\'s input, valid JSON, targeting the uploaded key', () => {
  const lines = [...spec.phases.build.commands.filter((c: string) => c.startsWith('export ')), ...spec.phases.post_build.commands.filter((c: string) => !/aws s3|cat /.test(c))];
  const dir = mkdtempSync(join(tmpdir(), 'buildspec-'));
  execFileSync('bash', ['-euc', lines.join('\n')], {
    cwd: dir,
    env: { PATH: process.env.PATH, CODEBUILD_RESOLVED_SOURCE_VERSION: 'fedcba9876543210', SERVICE_NAME: 'saas-lambda', ROLLOUT_OPTIONS: '{"gate":"auto"}' },
  });
  expect(JSON.parse(readFileSync(join(dir, 'rollout-input.json'), 'utf8'))).toEqual({
    rolloutId: expect.stringMatching(/^saas-lambda-\d{14}-fedcba987654$/), service: 'saas-lambda', target: 'saas-lambda/fedcba987654.zip', options: { gate: 'auto' },
  });
});
