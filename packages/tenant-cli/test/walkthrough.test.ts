import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { stopAll, tempDir, tenant, tenantJson, workloadProcesses } from './support';

// `npm start` runs `tenant walkthrough`: the whole story on this machine, twice.
const stateDir = tempDir('walkthrough');
afterAll(() => stopAll(stateDir));

test('npm start: two services, tenants A/B/C, v1 automatic, v2 approved at a manual gate, final table — and again', () => {
  const first = tenant(['walkthrough'], { stateDir });
  expect(first.stderr).toBe('');
  expect(first.code).toBe(0);
  const out = first.stdout;
  expect(out).toMatch(/\$ tenant service create saas-web --template fargate-service/);
  expect(out).toMatch(/\$ tenant onboard tenantC --tier basic --wave 2 --placement pool/);
  // v2 waits at the gate after wave 1; the walkthrough prints and runs the approve command.
  const gate = out.search(/Waiting for approval after wave 1/);
  const approve = out.search(/\$ tenant approve saas-web-\d{14}-[0-9a-f]{4}/);
  expect(gate).toBeGreaterThan(0);
  expect(approve).toBeGreaterThan(gate);
  expect(out.slice(approve)).toMatch(/wave 2 {2}tenantB {2}SUCCEEDED {2}v1 → v2/);
  // The final table: every tenant on v2, served.
  expect(out).toMatch(/tenantA +premium +silo +1 +tenantA-env +saas-lambda +v2 +RUNNING +http:\/\/127\.0\.0\.1:8080\/tenantA\/saas-lambda\//);
  expect(out).toMatch(/tenantC +basic +pool +2 +pool-basic +saas-lambda +v2 +RUNNING/);
  for (const f of ['environments/tenantA-env', 'environments/pool-basic', 'instances/saas-web/tenantC', 'instances/saas-lambda/tenantB']) {
    expect(existsSync(join(stateDir, 'rendered', `${f}.template.json`))).toBe(true);
  }

  const second = tenant(['walkthrough'], { stateDir });
  expect(second.stderr).toBe('');
  expect(second.code).toBe(0);
  expect(second.stdout).toMatch(/service saas-web already exists with these settings; nothing changed/);
  expect(second.stdout).toMatch(/tenant tenantB is already onboarded with these settings; nothing changed/);
  const list = tenantJson<any[]>(['list'], stateDir);
  expect(list.map((t) => [t.tenantId, t.instances.map((i: any) => `${i.service}@${i.version}:${i.status}`)])).toEqual([
    ['tenantA', ['saas-lambda@v2:RUNNING', 'saas-web@v2:RUNNING']],
    ['tenantB', ['saas-lambda@v2:RUNNING', 'saas-web@v2:RUNNING']],
    ['tenantC', ['saas-lambda@v2:RUNNING', 'saas-web@v2:RUNNING']],
  ]);
  // One process per instance: every release retired the version it replaced.
  expect(workloadProcesses(stateDir).size).toBe(6);
  expect(tenantJson<any[]>(['rollouts'], stateDir).filter((r) => r.status === 'SUCCEEDED')).toHaveLength(8);
});
