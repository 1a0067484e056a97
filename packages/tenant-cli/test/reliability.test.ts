import { spawn } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isAlive } from '@tenant-waves/control-plane';
import {
  BIN, buildSeed, events, exited, seedWorld, snapshot, stopAll, tempDir, tenant, tenantBackground, tenantJson, waitFor, withStore, workloadProcesses,
} from './support';

const worlds: string[] = [];
beforeAll(buildSeed);
afterAll(() => worlds.forEach(stopAll));
function world(): string {
  const dir = seedWorld();
  worlds.push(dir);
  return dir;
}

/** The ledger, the registry and the running processes agree: every tenant on `version`, served by exactly one live process. */
async function assertConsistent(stateDir: string, service: string, version: string, rolloutId: string) {
  const view = tenantJson(['rollout', rolloutId], stateDir);
  expect(view.status).toBe('SUCCEEDED');
  const tenants = view.waves.flatMap((w: any) => w.tenants);
  expect(tenants.map((t: any) => t.tenantId).sort()).toEqual(['tenantA', 'tenantB', 'tenantC']);
  expect(tenants.every((t: any) => t.status === 'SUCCEEDED' && t.toVersion === version)).toBe(true);
  const processes = workloadProcesses(stateDir);
  await withStore(stateDir, async (s) => {
    for (const t of tenants) {
      const inst = (await s.getInstance(service, t.tenantId))!;
      expect(inst.version).toBe(version);
      expect(inst.pending).toBeUndefined();
      expect(isAlive(inst.runtime!.pid)).toBe(true);
      const health = await (await fetch(`${inst.runtime!.url}/health`)).json();
      expect(health).toMatchObject({ tenantId: t.tenantId, version });
    }
    // No stray process: the only live builds are the serving ones.
    const serving = (await s.listInstances()).map((i) => i.runtime?.pid).filter(Boolean);
    expect([...processes.keys()].sort()).toEqual(serving.sort());
  });
  // No tenant was deployed twice: one process ever started for `version` (a kill right after the
  // start may have cut its 'start' line; the resumed run then 'adopts' it), one cut-over.
  for (const t of tenants) {
    const mine = events(stateDir).filter((e) => e.service === service && e.tenantId === t.tenantId && (e.version === version || e.to === version));
    const done = mine.filter((e) => e.action === 'deploy' && e.result === 'DONE');
    expect(done).toHaveLength(1);
    expect(new Set(mine.filter((e) => ['start', 'adopt', 'deploy'].includes(e.action)).map((e) => e.pid))).toEqual(new Set([done[0].pid]));
  }
}

/** saas-web, but its server takes 1.5 s to start listening: a deployment that is caught half-way. */
function slowStartingBuild(): string {
  const dir = tempDir('slow-build');
  copyFileSync(join(dirname(require.resolve('@tenant-waves/saas-web/package.json')), 'dist', 'main', 'server.js'), join(dir, 'app.js'));
  writeFileSync(join(dir, 'server.js'), "setTimeout(() => require('./app.js'), 1500);\n");
  return dir;
}

// kill -9 of `tenant release` at different points, then `tenant resume`.
const KILL_POINTS: [string, (rows: any[]) => boolean, boolean][] = [
  ['before any tenant is deployed', () => true, false],
  // The new process has started but is not healthy yet: resume must wait for that process, not start another.
  ['half-way through a tenant\'s deployment', (rows) => rows.some((r) => r.status === 'IN_PROGRESS'), true],
  ['after wave 1, during wave 2', (rows) => rows.some((r) => r.wave === 2), false],
];

test.each(KILL_POINTS)('kill -9 %s, then resume: completes, nobody deployed twice or skipped, ledger agrees with what runs', async (_when, ready, slow) => {
  const stateDir = world();
  const extra = slow ? ['--artifact', slowStartingBuild()] : ['--bake', '1'];
  const release = tenantBackground(['release', 'saas-web', '--version', 'v1', ...extra], stateDir);
  const rolloutId = await waitFor('the rollout to start', () =>
    withStore(stateDir, async (s) => {
      const r = (await s.listRollouts('saas-web'))[0];
      return r && ready(await s.results(r.rolloutId)) ? r.rolloutId : undefined;
    }),
  );
  if (slow) await waitFor('the new process to be started', () => events(stateDir).some((e) => e.action === 'start'));
  release.kill('SIGKILL');
  await exited(release);
  const atKill = tenantJson(['rollout', rolloutId], stateDir);
  expect(atKill.status).toBe('RUNNING');
  if (slow) expect(atKill.waves[0].tenants[0].status).toBe('IN_PROGRESS');
  expect(tenant(['rollouts'], { stateDir }).stdout).toContain(`no process runs it: tenant resume ${rolloutId}`);

  const resumed = tenant(['resume', rolloutId], { stateDir });
  expect(resumed.stderr).toBe('');
  expect(resumed.code).toBe(0);
  expect(resumed.stdout).toContain(`rollout ${rolloutId} SUCCEEDED`);
  await assertConsistent(stateDir, 'saas-web', 'v1', rolloutId);
  // Resuming an ended rollout says so.
  expect(tenant(['resume', rolloutId], { stateDir }).stdout).toMatch(/has already ended: SUCCEEDED; nothing to resume/);
});

test('kill -9 while waiting at a manual gate; approve from another process, then resume', async () => {
  const stateDir = world();
  const release = tenantBackground(['release', 'saas-lambda', '--version', 'v1', '--approval', 'manual'], stateDir);
  const rolloutId = await waitFor('the manual gate', () =>
    withStore(stateDir, async (s) => (await s.listRollouts('saas-lambda')).find((r) => r.status === 'WAITING_APPROVAL')?.rolloutId),
  );
  await waitFor('the approve command to be printed', () => release.output().includes(`tenant approve ${rolloutId}`));
  release.kill('SIGKILL');
  await exited(release);
  const approved = tenant(['approve', rolloutId], { stateDir });
  expect(approved.code).toBe(0);
  expect(approved.stdout).toContain(`carry it out with: tenant resume ${rolloutId}`);
  const resumed = tenant(['resume', rolloutId, '--json'], { stateDir });
  expect(resumed.code).toBe(0);
  expect(JSON.parse(resumed.stdout).status).toBe('SUCCEEDED');
  const rows = events(stateDir).filter((e) => e.action === 'start' && e.service === 'saas-lambda');
  expect(rows.map((e) => e.tenantId).sort()).toEqual(['tenantA', 'tenantB', 'tenantC']);
});

test('a second release of a service with a running rollout exits 2 naming it; reject --rollback ends the first', async () => {
  const stateDir = world();
  expect(tenant(['release', 'saas-web', '--version', 'v1'], { stateDir }).code).toBe(0);
  const first = tenantBackground(['release', 'saas-web', '--version', 'v2', '--approval', 'manual'], stateDir);
  const rolloutId = await waitFor('the manual gate', () =>
    withStore(stateDir, async (s) => (await s.listRollouts('saas-web')).find((r) => r.status === 'WAITING_APPROVAL')?.rolloutId),
  );
  const before = await snapshot(stateDir);
  const second = tenant(['release', 'saas-web', '--version', 'v3'], { stateDir });
  expect(second.code).toBe(2);
  expect(second.stderr).toContain(`service saas-web already has a rollout running: ${rolloutId} (WAITING_APPROVAL, run by process ${first.pid})`);
  expect(second.stderr).toContain(`tenant approve ${rolloutId}`);
  expect(await snapshot(stateDir)).toBe(before);
  // A release of another service is not blocked.
  expect(tenant(['release', 'saas-lambda', '--version', 'v1'], { stateDir }).code).toBe(0);

  const rejected = tenant(['reject', rolloutId, '--rollback'], { stateDir });
  expect(rejected.code).toBe(0);
  expect(await exited(first)).toBe(1);
  const view = tenantJson(['rollout', rolloutId], stateDir);
  expect(view.status).toBe('REJECTED');
  expect(view.waves[0].tenants[0]).toMatchObject({ tenantId: 'tenantA', status: 'ROLLED_BACK', fromVersion: 'v1', toVersion: 'v2' });
  expect(view.waves[1].tenants.map((t: any) => t.status)).toEqual(['PENDING', 'PENDING']);
  const list = tenantJson<any[]>(['list'], stateDir);
  expect(list.map((t) => t.instances.find((i: any) => i.service === 'saas-web').version)).toEqual(['v1', 'v1', 'v1']);
  // The lock is free again.
  expect(tenant(['release', 'saas-web', '--version', 'v2'], { stateDir }).code).toBe(0);
});

test('--detach starts the rollout in the background and returns; tenant rollout follows it', async () => {
  const stateDir = world();
  const r = tenant(['release', 'saas-web', '--version', 'v1', '--detach', '--json'], { stateDir });
  expect(r.code).toBe(0);
  const started = JSON.parse(r.stdout);
  expect(started).toMatchObject({ service: 'saas-web', version: 'v1', status: 'RUNNING' });
  const done = await waitFor('the detached rollout to end', () => {
    const v = tenantJson(['rollout', started.rolloutId], stateDir);
    return v.status !== 'RUNNING' && v;
  }, 30_000, 200);
  expect(done.status).toBe('SUCCEEDED');
  await waitFor('the background runner to exit', async () => !(await withStore(stateDir, (s) => s.getExecution(started.rolloutId)))?.runner);
});

test('on a terminal: live progress redrawn in place, the approve command shown; approval from another terminal continues it', async () => {
  const stateDir = world();
  // A pseudo-terminal via python3's pty module (python3 is on every machine that builds this).
  const script = 'import os, pty, sys; status = pty.spawn(sys.argv[1:]); sys.exit(os.waitstatus_to_exitcode(status))';
  const child = spawn('python3', ['-c', script, process.execPath, BIN, 'release', 'saas-web', '--version', 'v1', '--approval', 'manual', '--state-dir', stateDir], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  const rolloutId = await waitFor('the manual gate', () =>
    withStore(stateDir, async (s) => (await s.listRollouts('saas-web')).find((r) => r.status === 'WAITING_APPROVAL')?.rolloutId),
  );
  await waitFor('the gate to be shown', () => out.includes(`tenant approve ${rolloutId}`));
  expect(tenant(['approve', rolloutId], { stateDir }).code).toBe(0);
  expect(await exited(child)).toBe(0);
  expect(out).toMatch(/\x1b\[\d+F\x1b\[J/); // the block is redrawn in place
  expect(out).toContain(`Rollout ${rolloutId}: saas-web → v1  WAITING_APPROVAL`);
  expect(out).toMatch(/wave 2 {2}SUCCEEDED/);
  expect(out).toContain(`Rollout ${rolloutId}: saas-web → v1  SUCCEEDED`);
  // Piped, the same release prints plain lines and no control sequences.
  const piped = tenant(['release', 'saas-web', '--version', 'v2'], { stateDir });
  expect(piped.stdout).not.toMatch(/\x1b/);
  expect(piped.stdout).toMatch(/^wave 1 {2}tenantA {2}SUCCEEDED {2}v1 → v2$/m);
});

test('a process a killed tenant started but never recorded is found and stopped (by the next deployment, or tenant stop)', async () => {
  const stateDir = world();
  expect(tenant(['release', 'saas-web', '--version', 'v1'], { stateDir }).code).toBe(0);
  // What a kill -9 between starting a process and recording it leaves behind.
  const orphan = spawn(process.execPath, [join(stateDir, 'builds', 'saas-web', 'v1', 'server.js'), '--tenant-waves-instance=tenantB'], {
    env: { PORT: '0', TENANT_ID: 'tenantB', APP_VERSION: 'v1' }, detached: true, stdio: 'ignore',
  });
  orphan.unref();
  await waitFor('the orphan to run', () => isAlive(orphan.pid) && workloadProcesses(stateDir).has(orphan.pid!));
  expect(tenant(['release', 'saas-web', '--version', 'v2'], { stateDir }).code).toBe(0);
  await waitFor('the orphan to be stopped', () => !isAlive(orphan.pid), 5000);
  expect(events(stateDir).filter((e) => e.action === 'stop-stray')).toEqual([expect.objectContaining({ tenantId: 'tenantB', pids: [orphan.pid] })]);
  const serving = await withStore(stateDir, async (s) => (await s.listInstances({ service: 'saas-web' })).map((i) => i.runtime!.pid));
  expect([...workloadProcesses(stateDir).keys()].sort()).toEqual(serving.sort());
});
