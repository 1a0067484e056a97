import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifact, exited, seedWorld, stopAll, tempDir, tenant, tenantBackground, tenantJson, waitFor } from './support';

// A tenant's life on the local backend, through the CLI, with the documented --json shapes.
let stateDir: string;
beforeAll(() => {
  stateDir = seedWorld();
});
afterAll(() => stopAll(stateDir));

const iso = expect.stringMatching(/^\d{4}-\d\d-\d\dT/);

test('onboard and service create are idempotent: the same request again is a no-op that says so', () => {
  const again = tenant(['onboard', 'tenantA', '--tier', 'premium', '--wave', '1'], { stateDir });
  expect(again.code).toBe(0);
  expect(again.stdout).toMatch(/tenant tenantA is already onboarded with these settings; nothing changed/);
  const svc = tenant(['service', 'create', 'saas-web', '--template', 'fargate-service', '--json'], { stateDir });
  expect(svc.code).toBe(0);
  expect(JSON.parse(svc.stdout)).toMatchObject({ changed: false, notes: ['service saas-web already exists with these settings; nothing changed'] });
});

test('list --json: tenants with tier, placement, wave, environment and instances', () => {
  const list = tenantJson<any[]>(['list'], stateDir);
  expect(list).toHaveLength(3);
  expect(list[2]).toEqual({
    tenantId: 'tenantC',
    tier: 'basic',
    placement: 'pool',
    wave: 2,
    environment: { name: 'pool-basic', status: 'PROVISIONED' },
    instances: [
      { service: 'saas-lambda', version: null, status: 'NOT_DEPLOYED', url: null },
      { service: 'saas-web', version: null, status: 'NOT_DEPLOYED', url: null },
    ],
  });
});

test('plan and set-wave: waves from the tenants\' wave numbers', () => {
  expect(tenantJson(['plan', 'saas-web'], stateDir)).toEqual({
    service: 'saas-web', totalWaves: null, waves: [{ wave: 1, tenants: ['tenantA'] }, { wave: 2, tenants: ['tenantB', 'tenantC'] }], defaulted: [],
  });
  expect(tenant(['set-wave', 'tenantC', '5'], { stateDir }).stdout).toMatch(/tenantC: wave 2 → 5/);
  expect(tenantJson(['plan', 'saas-web'], stateDir).waves.map((w: any) => w.wave)).toEqual([1, 2, 5]);
  expect(tenant(['set-wave', 'tenantC', '2'], { stateDir }).code).toBe(0);
});

test('release, a broken build stopped and rolled back, rollback, history — with their --json shapes', async () => {
  const v1 = tenant(['release', 'saas-web', '--version', 'v1', '--json'], { stateDir });
  expect(v1.code).toBe(0);
  const r1 = JSON.parse(v1.stdout);
  expect(r1).toMatchObject({ service: 'saas-web', version: 'v1', status: 'SUCCEEDED' });
  expect(r1.waves.map((w: any) => [w.wave, w.status, w.tenants.map((t: any) => t.tenantId)])).toEqual([
    [1, 'SUCCEEDED', ['tenantA']], [2, 'SUCCEEDED', ['tenantB', 'tenantC']],
  ]);
  expect(r1.waves[0].tenants[0]).toEqual({
    tenantId: 'tenantA', status: 'SUCCEEDED', fromVersion: null, toVersion: 'v1', startedAt: iso, finishedAt: iso, reason: null,
  });
  expect(tenant(['release', 'saas-web', '--version', 'v2'], { stateDir }).code).toBe(0);

  // A broken build: wave 1 fails its health check, is rolled back, wave 2 is never touched; exit 1.
  const broken = artifact("process.stderr.write('boom\\\\n'); process.exit(3);\n");
  const bad = tenant(['release', 'saas-web', '--version', 'v3-broken', '--artifact', broken], { stateDir });
  expect(bad.code).toBe(1);
  expect(bad.stdout).toMatch(/wave 1 {2}tenantA {2}ROLLED_BACK {2}v2 → v3-broken {2}\(v3-broken did not become healthy: the process exited \(code 3\)/);
  expect(bad.stdout).toMatch(/ROLLED_BACK: wave 1: 1 failed, more than the limit \(0\); rolled back 1/);
  const list = tenantJson<any[]>(['list'], stateDir);
  expect(list.map((t) => t.instances.find((i: any) => i.service === 'saas-web'))).toEqual(
    ['tenantA', 'tenantB', 'tenantC'].map((id) => ({ service: 'saas-web', version: 'v2', status: 'RUNNING', url: `http://127.0.0.1:8080/${id}/saas-web/` })),
  );
  const shown = tenantJson(['show', 'tenantA'], stateDir);
  const web = shown.instanceDetail.find((i: any) => i.service === 'saas-web');
  expect(await (await fetch(`${web.endpoint}/health`)).json()).toMatchObject({ tenantId: 'tenantA', tier: 'premium', version: 'v2' });

  // One tenant back to its previous version, and forward again.
  const back = tenant(['rollback', 'saas-web', 'tenantB'], { stateDir });
  expect(back.stdout).toMatch(/saas-web on tenantB: v2 → v1/);
  expect(tenantJson(['rollback', 'saas-web', 'tenantB'], stateDir)).toMatchObject({ version: 'v2', status: 'ROLLED_BACK' });

  const history = tenantJson<any[]>(['history', 'tenantB', '--service', 'saas-web'], stateDir);
  expect(history.map((h) => [h.fromVersion, h.toVersion, h.status])).toEqual([
    [null, 'v1', 'SUCCEEDED'], ['v1', 'v2', 'SUCCEEDED'], ['v2', 'v1', 'ROLLED_BACK'], ['v1', 'v2', 'ROLLED_BACK'],
  ]);
  expect(Object.keys(history[0])).toEqual(['service', 'fromVersion', 'toVersion', 'rolloutId', 'status', 'startedAt', 'finishedAt']);
  // tenantB was not in wave 1 of the broken release: it never saw v3-broken.
  expect(history.some((h) => h.toVersion === 'v3-broken')).toBe(false);

  const rollouts = tenantJson<any[]>(['rollouts', '--service', 'saas-web'], stateDir);
  expect(rollouts.map((r) => [r.version, r.status])).toEqual([
    ['v2', 'ROLLED_BACK'], ['v1', 'ROLLED_BACK'], ['v3-broken', 'ROLLED_BACK'], ['v2', 'SUCCEEDED'], ['v1', 'SUCCEEDED'],
  ]);
  expect(Object.keys(rollouts[0])).toEqual(['rolloutId', 'service', 'version', 'status', 'startedAt']);
});

test('serve: every deployed instance at a stable URL, proxied to its current process', async () => {
  expect(tenant(['release', 'saas-lambda', '--version', 'v1'], { stateDir }).code).toBe(0);
  const serve = tenantBackground(['serve', '--port', '0'], stateDir);
  try {
    const base = await waitFor('serve to listen', () => /at (http:\/\/127\.0\.0\.1:\d+)\//.exec(serve.output())?.[1]);
    expect(await (await fetch(`${base}/tenantC/saas-web/health`)).json()).toMatchObject({ tenantId: 'tenantC', tier: 'basic', version: 'v2' });
    expect(await (await fetch(`${base}/tenantB/saas-lambda/orders`)).json()).toMatchObject({ tenantId: 'tenantB', version: 'v1', path: '/orders' });
    expect(await (await fetch(`${base}/`)).text()).toMatch(/<a href="\/tenantA\/saas-web\/">saas-web<\/a>/);
    expect((await fetch(`${base}/tenantZ/saas-web/`)).status).toBe(404);
    // URLs in `list` use serve's port; an instance stopped meanwhile is started again on its first request.
    expect(tenantJson<any[]>(['list'], stateDir)[0].instances[1].url).toBe(`${base}/tenantA/saas-web/`);
    expect(tenant(['stop', 'tenantA'], { stateDir }).stdout).toMatch(/Stopped 2 instance processes/);
    expect(await (await fetch(`${base}/tenantA/saas-web/health`)).json()).toMatchObject({ tenantId: 'tenantA', version: 'v2' });
  } finally {
    serve.kill('SIGTERM');
    await exited(serve);
  }
});

test('service create --spec: a Proton ServiceSpec\'s pipeline (totalWaves) and instance inputs', () => {
  const dir = tempDir('service-spec');
  writeFileSync(join(dir, 'spec.yaml'), [
    'proton: ServiceSpec',
    'pipeline:',
    '  totalWaves: 3',
    'instances:',
    '  - name: tenantA-reports',
    '    environment: tenantA-env',
    '    spec:',
    '      desired_count: 3',
    '  - name: tenantX-reports',
    '    environment: tenantXEnv',
  ].join('\n'));
  const r = tenant(['service', 'create', 'reports', '--template', 'fargate-service', '--spec', join(dir, 'spec.yaml')], { stateDir });
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/Service reports: fargate-service [\d.]+, at most 3 waves/);
  expect(r.stdout).toMatch(/instance tenantX-reports \(environment tenantXEnv\) names no onboarded tenant: skipped/);
  const a = tenantJson(['show', 'tenantA'], stateDir).instanceDetail.find((i: any) => i.service === 'reports');
  expect(a.inputs.desired_count).toBe(3);
  const template = JSON.parse(tenant(['show', 'tenantA', '--template', 'reports'], { stateDir }).stdout);
  expect(Object.values<any>(template.Resources).find((x) => x.Type === 'AWS::ECS::Service').Properties.DesiredCount).toBe(3);
  // totalWaves is respected: no tenant may move beyond it.
  const beyond = tenant(['set-wave', 'tenantB', '4'], { stateDir });
  expect(beyond.code).toBe(2);
  expect(beyond.stderr).toMatch(/wave 4 for tenantB is beyond reports's pipeline\.totalwaves \(3\)/);
});

test('offboard --yes: instances stopped and removed; a pool environment stays while others use it; history is kept', async () => {
  expect(tenant(['onboard', 'tenantD', '--tier', 'basic', '--wave', '1'], { stateDir }).code).toBe(0);
  expect(tenantJson<any[]>(['list'], stateDir).find((t) => t.tenantId === 'tenantD').environment.name).toBe('pool-basic');
  const off = tenant(['offboard', 'tenantC', '--yes'], { stateDir });
  expect(off.code).toBe(0);
  expect(off.stdout).toMatch(/environment pool-basic stays: tenantD still use it/);
  expect(tenantJson<any[]>(['list'], stateDir).map((t) => t.tenantId)).toEqual(['tenantA', 'tenantB', 'tenantD']);
  expect(tenantJson<any[]>(['history', 'tenantC'], stateDir).length).toBeGreaterThan(0);
  const offD = tenant(['offboard', 'tenantD', '--yes'], { stateDir });
  expect(offD.stdout).toMatch(/environment pool-basic removed/);
});
