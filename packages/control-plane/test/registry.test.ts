import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvironmentRecord, parseWave, Registry, RolloutStore, SqliteStore, TenantRecord } from '../src';
import { openDynamoStore, startDynalite, stopDynalite } from './dynalite';

beforeAll(startDynalite);
afterAll(stopDynalite);

const openSqlite = () => SqliteStore.open(join(mkdtempSync(join(tmpdir(), 'registry-')), 'state.db'));
const at = '2026-12-04T10:00:00.000Z';
const env: EnvironmentRecord = {
  name: 'tenantA-env', tier: 'premium', placement: 'silo', templateVersion: '1.0.0', inputs: { tenantId: 'tenantA', nat_gateways: 2 }, status: 'PROVISIONED', updatedAt: at,
};
const tenant: TenantRecord = { tenantId: 'tenantA', tier: 'premium', placement: 'silo', wave: 1, environment: 'tenantA-env', inputs: { nat_gateways: 2 }, createdAt: at };

test('SQLite: migrates to the latest schema version, registry tables next to the ledger', async () => {
  const s = await openSqlite();
  expect(s.schemaVersion()).toBe(4);
  expect(Object.keys(s.dump())).toEqual(expect.arrayContaining(['tenants', 'environments', 'services', 'instances', 'executions', 'settings', 'rollouts', 'deployments']));
});

// The same contract for the SQLite store (local backend) and the DynamoDB store (AWS backend).
describe.each<[string, () => Promise<Registry & RolloutStore>]>([
  ['SQLite', openSqlite],
  ['DynamoDB (dynalite)', openDynamoStore],
])('registry: %s', (_name, open) => {
  test('registry records round-trip; updates keep rows that reference them', async () => {
    const s = await open();
    await s.write(
      { putEnvironment: env },
      { putTenant: tenant },
      { putService: { name: 'saas-web', template: 'fargate-service', templateVersion: '1.0.0', pipeline: { totalwaves: 1 }, createdAt: at } },
      { putInstance: { service: 'saas-web', tenantId: 'tenantA', inputs: { desired_count: 2 }, updatedAt: at } },
    );
    expect(await s.getTenant('tenantA')).toEqual(tenant);
    const remote = { ...tenant, tenantId: 'tenantR', target: { account: '222233334444', region: 'eu-west-1' } };
    await s.write({ putTenant: remote });
    expect(await s.getTenant('tenantR')).toEqual(remote);
    expect(await s.getEnvironment('tenantA-env')).toEqual(env);
    // An upsert of a referenced row (tenant → instance) is an update, not delete-and-insert.
    await s.write({ putTenant: { ...tenant, wave: 3 } });
    expect((await s.getTenant('tenantA'))!.wave).toBe(3);
    await s.write({ putInstance: { service: 'saas-web', tenantId: 'tenantA', inputs: {}, version: 'v2', previousVersion: 'v1', runtime: { version: 'v2', pid: 1, startedAt: at }, updatedAt: at } });
    expect(await s.listInstances({ tenantId: 'tenantA' })).toEqual([
      { service: 'saas-web', tenantId: 'tenantA', inputs: {}, version: 'v2', previousVersion: 'v1', runtime: { version: 'v2', pid: 1, startedAt: at }, updatedAt: at },
    ]);
  });

  test('write() is one transaction: a write that fails leaves nothing of the batch', async () => {
    const s = await open();
    // The tenant's environment does not exist: the referential check fails, and the service
    // written in the same batch is not there either. (better-sqlite3's errors come from the realm
    // that first loaded the addon, so errors are checked by message: jest's toThrow misses them.)
    const error = await s.write(
      { putService: { name: 'saas-web', template: 'fargate-service', templateVersion: '1.0.0', pipeline: {}, createdAt: at } },
      { putTenant: { ...tenant, environment: 'missing-env' } },
    ).then(() => undefined, (e: { message?: string }) => e);
    expect(error?.message).toMatch(/FOREIGN KEY/);
    expect(await s.getService('saas-web')).toBeUndefined();
    expect(await s.listTenants()).toEqual([]);
    // An instance needs its tenant and service.
    await s.write({ putEnvironment: env }, { putTenant: tenant });
    const orphan = await s.write({ putInstance: { service: 'billing', tenantId: 'tenantA', inputs: {}, updatedAt: at } }).then(() => undefined, (e: Error) => e);
    expect(orphan?.message).toMatch(/FOREIGN KEY/);
    expect(await s.listInstances()).toEqual([]);
  });

  test('history joins the ledger with its rollouts, oldest first, filtered by service', async () => {
    const s = await open();
    for (const [id, service, to, t] of [['r1', 'saas-web', 'v1', '10:00'], ['r2', 'saas-lambda', 'v1', '10:01'], ['r3', 'saas-web', 'v2', '10:02']]) {
      await s.putRollout({ rolloutId: id, service, target: to, status: 'SUCCEEDED', startedAt: `2026-12-04T${t}:00.000Z` });
      await s.putResult(id, { instance: 'tenantA', wave: 1, status: 'SUCCEEDED', toVersion: to, startedAt: `2026-12-04T${t}:01.000Z` });
    }
    expect((await s.history('tenantA')).map((h) => h.rolloutId)).toEqual(['r1', 'r2', 'r3']);
    expect((await s.history('tenantA', 'saas-web')).map((h) => [h.service, h.toVersion])).toEqual([['saas-web', 'v1'], ['saas-web', 'v2']]);
    expect(await s.history('tenantB')).toEqual([]);
  });

  test('settings', async () => {
    const s = await open();
    expect(await s.getSetting('serve.port')).toBeUndefined();
    await s.setSetting('serve.port', '8081');
    expect(await s.getSetting('serve.port')).toBe('8081');
  });

});

test('waves are whole numbers of 1 or more', () => {
  expect(parseWave('3')).toBe(3);
  for (const bad of ['0', '-1', '1.5', 'two', '', undefined]) expect(() => parseWave(bad)).toThrow(/whole number of 1 or more/);
});
