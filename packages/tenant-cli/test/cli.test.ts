import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Drives the real `tenant` binary (bin/tenant.js → the esbuild bundle), as a user would.
const BIN = join(__dirname, '..', 'bin', 'tenant.js');

function tenant(args: string[], cwd = process.cwd()) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('--help lists the commands and the exit codes', () => {
  const r = tenant(['--help']);
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^Usage: tenant <command>/m);
  expect(r.stdout).toMatch(/^ {2}render +Print the CloudFormation/m);
  expect(r.stdout).toMatch(/2 bad input or usage/);
});

test('every command has --help with an example', () => {
  const commands = [...tenant(['--help']).stdout.matchAll(/^ {2}([a-z][a-z-]*) {2,}/gm)].map((m) => m[1]);
  expect(commands).toEqual([
    'service', 'onboard', 'offboard', 'list', 'show', 'set-wave', 'render', 'plan', 'release', 'rollouts', 'rollout',
    'approve', 'reject', 'resume', 'rollback', 'history', 'serve', 'stop', 'synth', 'bootstrap', 'walkthrough',
  ]);
  for (const cmd of commands) {
    const r = tenant([cmd, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Usage: tenant ${cmd}`, 'm'));
    expect(r.stdout).toMatch(/Examples?:\n {2}tenant /);
  }
});

test('unknown commands and options are usage errors (exit 2)', () => {
  const unknown = tenant(['frobnicate']);
  expect(unknown.code).toBe(2);
  expect(unknown.stderr).toMatch(/unknown command "frobnicate"/);
  const badOption = tenant(['render', 'env-template', '--colour', 'red']);
  expect(badOption.code).toBe(2);
  expect(badOption.stderr).toMatch(/Unknown option '--colour'/);
  expect(badOption.stdout).toBe('');
});

test('render env-template prints CloudFormation for the seed tenantA spec file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tenant-cli-'));
  writeFileSync(
    join(dir, 'tenantA.yaml'),
    '{proton: EnvironmentSpec, spec: {tenantId: tenantA, vpc_cidr_block: 10.1.0.0/16, ec2_capacity: false, ec2_instance_type: t3.medium, allow_ecs_exec: false, enhanced_cluster_monitoring: false, service_discovery_namespace: t1.saasapplication.com}}',
  );
  const r = tenant(['render', 'env-template', '--spec', 'tenantA.yaml', '--set', 'enhanced_cluster_monitoring=true'], dir);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const template = JSON.parse(r.stdout);
  const types = Object.values<any>(template.Resources).map((x) => x.Type);
  expect(types).toContain('AWS::EC2::VPC');
  const vpc = Object.values<any>(template.Resources).find((x) => x.Type === 'AWS::EC2::VPC');
  expect(vpc.Properties.CidrBlock).toBe('10.1.0.0/16');
  const cluster = Object.values<any>(template.Resources).find((x) => x.Type === 'AWS::ECS::Cluster');
  expect(cluster.Properties.ClusterSettings).toEqual([{ Name: 'containerInsights', Value: 'enabled' }]);
});

test('invalid inputs: exit 2, every field named on stderr, nothing on stdout', () => {
  const r = tenant(['render', 'fargate-service', '--set', 'task_size=huge', '--set', 'port=abc', '--set', 'desired_count=0']);
  expect(r.code).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr).toMatch(/spec\.task_size: must be one of x-small, small, medium, large, x-large, got "huge"/);
  expect(r.stderr).toMatch(/spec\.port: must be a number, got string "abc"/);
  expect(r.stderr).toMatch(/spec\.desired_count: must be >= 1, got 0/);
});

test('a spec file of the wrong kind, or missing, is a usage error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tenant-cli-'));
  writeFileSync(join(dir, 'svc.json'), JSON.stringify({ proton: 'ServiceSpec', instances: [] }));
  const wrong = tenant(['render', 'env-template', '--spec', 'svc.json'], dir);
  expect(wrong.code).toBe(2);
  expect(wrong.stderr).toMatch(/env-template takes a "proton: EnvironmentSpec" file, got ServiceSpec/);
  const missing = tenant(['render', 'env-template', '--spec', 'nope.yaml'], dir);
  expect(missing.code).toBe(2);
  expect(missing.stderr).toMatch(/cannot read spec file nope.yaml: ENOENT/);
});

test('render --tier starts from the tier profile; explicit --set wins; an unknown tier is exit 2', () => {
  const premium = tenant(['render', 'fargate-service', '--tier', 'premium', '--tenant', 'tenantA']);
  expect(premium.code).toBe(0);
  const task = Object.values<any>(JSON.parse(premium.stdout).Resources).find((r) => r.Type === 'AWS::ECS::TaskDefinition');
  expect([task.Properties.Cpu, task.Properties.Memory]).toEqual(['1024', '2048']);
  const service = Object.values<any>(JSON.parse(premium.stdout).Resources).find((r) => r.Type === 'AWS::ECS::Service');
  expect(service.Properties.DesiredCount).toBe(3);
  expect(JSON.parse(premium.stdout).Parameters.TenantId.Default).toBe('tenantA');

  const override = tenant(['render', 'fargate-service', '--tier', 'premium', '--set', 'desired_count=5']);
  const svc = Object.values<any>(JSON.parse(override.stdout).Resources).find((r) => r.Type === 'AWS::ECS::Service');
  expect(svc.Properties.DesiredCount).toBe(5);

  const gold = tenant(['render', 'env-template', '--tier', 'gold']);
  expect(gold.code).toBe(2);
  expect(gold.stderr).toMatch(/unknown tier "gold"; choose one of: basic, standard, premium/);
  expect(gold.stdout).toBe('');
});

test('render a service template from a Proton ServiceSpec file (instance of the given tenant)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tenant-cli-'));
  writeFileSync(
    join(dir, 'svc.yaml'),
    [
      'proton: ServiceSpec',
      'pipeline: {buildspecfile: buildspec.yml, totalWaves: 2}',
      'instances:',
      '  - {name: tenantA-saas-lambda, environment: tenantAEnv, spec: {lambda_artifact_bucket: a-bucket, lambda_reserved_concurrency: 7}}',
      '  - {name: tenantB-saas-lambda, environment: tenantBEnv, spec: {lambda_artifact_bucket: b-bucket}}',
    ].join('\n'),
  );
  const r = tenant(['render', 'serverless-service', '--spec', 'svc.yaml', '--tenant', 'tenantA', '--service', 'saas-lambda'], dir);
  expect(r.stderr).toBe('');
  const t = JSON.parse(r.stdout);
  const fn = Object.values<any>(t.Resources).find((x) => x.Type === 'AWS::Lambda::Function');
  expect(fn.Properties.ReservedConcurrentExecutions).toBe(7);
  expect(t.Parameters.ArtifactBucket.Default).toBe('a-bucket');
});
