import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, tenant } from './support';

// `tenant synth --backend aws` writes the AWS backend's control-plane stack offline. (Its
// cdk-nag and asl-validator checks run in wave-orchestrator's control-plane-stack.test.ts.)
test('tenant synth --backend aws --out DIR: the registry table and one orchestrator per service, with their Lambda asset', () => {
  const out = tempDir('synth');
  const r = tenant(['synth', '--backend', 'aws', '--out', out, '--service', 'saas-web', '--service', 'billing', '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const summary = JSON.parse(r.stdout);
  expect(summary).toMatchObject({ stack: 'TenantWaves', services: ['saas-web', 'billing'], stateMachines: 2, functions: 18, queues: 4, tables: 1 });
  const template = JSON.parse(readFileSync(join(out, 'TenantWaves.template.json'), 'utf8'));
  const names = Object.values<any>(template.Resources)
    .filter((x) => x.Type === 'AWS::StepFunctions::StateMachine').map((x) => x.Properties.StateMachineName);
  expect(names.sort()).toEqual(['tenant-waves-billing', 'tenant-waves-saas-web']);
  const assets = JSON.parse(readFileSync(join(out, 'TenantWaves.assets.json'), 'utf8'));
  const lambda = Object.values<any>(assets.files).find((f) => f.source.packaging === 'zip');
  expect(existsSync(join(out, lambda.source.path, 'index.js'))).toBe(true);
});

test('tenant synth with service pipelines', () => {
  const out = tempDir('synth');
  const r = tenant(['synth', '--backend', 'aws', '--out', out, '--json', '--connection', 'arn:aws:codeconnections:eu-west-1:111122223333:connection/x',
    '--pipeline', 'saas-web=fargate-service:example/saas-app@release', '--pipeline', 'saas-lambda=serverless-service:example/saas-app']);
  expect(r.stderr).toBe('');
  expect(JSON.parse(r.stdout)).toMatchObject({ pipelines: 2 });
  const template = JSON.parse(readFileSync(join(out, 'TenantWaves.template.json'), 'utf8'));
  const sources = Object.values<any>(template.Resources).filter((x) => x.Type === 'AWS::CodePipeline::Pipeline')
    .map((p) => p.Properties.Stages[0].Actions[0].Configuration).map((c) => `${c.FullRepositoryId}@${c.BranchName}`);
  expect(sources.sort()).toEqual(['example/saas-app@main', 'example/saas-app@release']);
  const bad = tenant(['synth', '--backend', 'aws', '--out', out, '--pipeline', 'saas-web=fargate-service:example/saas-app']);
  expect(bad.stderr).toMatch(/--pipeline needs --connection ARN/);
  const unknown = tenant(['synth', '--backend', 'aws', '--out', out, '--connection', 'x', '--pipeline', 'billing=fargate-service:a/b']);
  expect(unknown.stderr).toMatch(/--pipeline names billing, which is not one of the services/);
});

test('tenant synth: bad input is exit 2', () => {
  expect(tenant(['synth', '--out', tempDir('synth')]).stderr).toMatch(/missing --backend aws/);
  expect(tenant(['synth', '--backend', 'local', '--out', tempDir('synth')]).stderr).toMatch(/--backend must be aws, got "local"/);
  const r = tenant(['synth', '--backend', 'aws', '--out', tempDir('synth'), '--stack-prefix', 'Bad_Prefix']);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/--stack-prefix must be lower-case/);
});
