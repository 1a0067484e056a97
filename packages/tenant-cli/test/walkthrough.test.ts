import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = join(__dirname, '..', 'bin', 'tenant.js');

test('the walkthrough renders, plans and runs the sample app for every tenant in wave order', () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'tenant-walkthrough-'));
  const r = spawnSync(process.execPath, [BIN, 'walkthrough', '--state-dir', stateDir], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  // tenantA (wave 1) is healthy before either wave-2 tenant starts.
  const lines = r.stdout.split('\n');
  const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
  expect(at(/wave 1 {2}tenantA {2}healthy/)).toBeGreaterThan(0);
  expect(at(/wave 1 done/)).toBeLessThan(at(/wave 2 {2}tenantB {2}healthy/));
  expect(at(/wave 1 done/)).toBeLessThan(at(/wave 2 {2}tenantC {2}healthy/));
  expect(r.stdout).toMatch(/tenantA +premium +silo +1 +v1 +http:\/\/127\.0\.0\.1:\d+/);
  expect(r.stdout).toMatch(/tenantC +basic +pool +2 +v1 +http:\/\/127\.0\.0\.1:\d+/);
  for (const f of ['tenantAEnv', 'tenantBEnv', 'poolBasicEnv', 'tenantC-saas-web', 'tenantC-saas-lambda']) {
    expect(existsSync(join(stateDir, 'rendered', `${f}.template.json`))).toBe(true);
  }
});
