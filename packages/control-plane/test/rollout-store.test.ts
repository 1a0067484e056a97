import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryRolloutStore, MIGRATIONS, RolloutRecord, RolloutStore, SqliteStore } from '../src';
import { openDynamoStore, startDynalite, stopDynalite } from './dynalite';

beforeAll(startDynalite);
afterAll(stopDynalite);

const dbPath = () => join(mkdtempSync(join(tmpdir(), 'ledger-')), 'tenants.db');

const RECORD: RolloutRecord = {
  rolloutId: 'r-1',
  service: 'saas-web',
  target: 'v2',
  status: 'RUNNING',
  plan: { waves: [{ wave: 1, instances: ['a', 'b'] }, { wave: 5, instances: ['c'] }], defaulted: ['c'], defaultWave: 5 },
  startedAt: '2026-12-04T10:00:00.000Z',
};

// The same contract for every store; DynamoDB's (AWS backend) will run it too.
describe.each<[string, () => Promise<RolloutStore>]>([
  ['in memory', async () => new InMemoryRolloutStore()],
  ['SQLite', () => SqliteStore.open(dbPath())],
  ['DynamoDB (dynalite)', openDynamoStore],
])('rollout store: %s', (_name, open) => {
  test('one rollout per service: the lock', async () => {
    const s = await open();
    expect(await s.acquireLock('saas-web', 'r-1')).toBe(true);
    expect(await s.acquireLock('saas-web', 'r-1')).toBe(true); // re-entrant for the holder
    expect(await s.acquireLock('saas-web', 'r-2')).toBe(false);
    expect(await s.acquireLock('saas-lambda', 'r-2')).toBe(true);
    expect(await s.lockHolder('saas-web')).toBe('r-1');
    await s.releaseLock('saas-web', 'r-2'); // not the holder: no effect
    expect(await s.lockHolder('saas-web')).toBe('r-1');
    await s.releaseLock('saas-web', 'r-1');
    expect(await s.lockHolder('saas-web')).toBeUndefined();
  });

  test('rollout records round-trip, plan included, and update in place', async () => {
    const s = await open();
    await s.putRollout(RECORD);
    expect(await s.getRollout('r-1')).toEqual(RECORD);
    await s.putRollout({ ...RECORD, status: 'WAITING_APPROVAL', waitingWave: 1 });
    expect(await s.getRollout('r-1')).toEqual({ ...RECORD, status: 'WAITING_APPROVAL', waitingWave: 1 });
    expect(await s.getRollout('nope')).toBeUndefined();
  });

  test('ledger rows: upserted per instance, listed in first-written order', async () => {
    const s = await open();
    await s.putRollout(RECORD);
    await s.putResult('r-1', { instance: 'b', wave: 1, status: 'IN_PROGRESS', fromVersion: 'v1', toVersion: 'v2', startedAt: 't1' });
    await s.putResult('r-1', { instance: 'a', wave: 1, status: 'SUCCEEDED', toVersion: 'v2', noop: true, startedAt: 't0', finishedAt: 't0' });
    await s.putResult('r-1', { instance: 'b', wave: 1, status: 'SUCCEEDED', fromVersion: 'v1', toVersion: 'v2', startedAt: 't1', finishedAt: 't2' });
    expect(await s.results('r-1')).toEqual([
      { instance: 'b', wave: 1, status: 'SUCCEEDED', fromVersion: 'v1', toVersion: 'v2', startedAt: 't1', finishedAt: 't2' },
      { instance: 'a', wave: 1, status: 'SUCCEEDED', toVersion: 'v2', noop: true, startedAt: 't0', finishedAt: 't0' },
    ]);
    expect(await s.getResult('r-1', 'c')).toBeUndefined();
  });

  test('approval decisions per rollout and wave', async () => {
    const s = await open();
    expect(await s.decision('r-1', 1)).toBeUndefined();
    await s.decide('r-1', 1, 'APPROVED');
    await s.decide('r-1', 2, 'REJECTED');
    expect([await s.decision('r-1', 1), await s.decision('r-1', 2)]).toEqual(['APPROVED', 'REJECTED']);
    expect(await s.rollbackRequested('r-1', 2)).toBe(false);
    await s.decide('r-1', 3, 'REJECTED', { rollback: true });
    expect(await s.rollbackRequested('r-1', 3)).toBe(true);
  });

  test('rollouts newest first, per service; execution records (input and runner) for resume', async () => {
    const s = await open();
    await s.putRollout(RECORD);
    await s.putRollout({ ...RECORD, rolloutId: 'r-2', service: 'saas-lambda', startedAt: '2026-12-04T11:00:00.000Z' });
    await s.putRollout({ ...RECORD, rolloutId: 'r-3', startedAt: '2026-12-04T12:00:00.000Z' });
    expect((await s.listRollouts()).map((r) => r.rolloutId)).toEqual(['r-3', 'r-2', 'r-1']);
    expect((await s.listRollouts('saas-web')).map((r) => r.rolloutId)).toEqual(['r-3', 'r-1']);
    expect(await s.getExecution('r-1')).toBeUndefined();
    const exec = { rolloutId: 'r-1', input: { service: 'saas-web', options: { gate: 'manual' } }, runner: 'pid:42', updatedAt: 't' };
    await s.putExecution(exec);
    expect(await s.getExecution('r-1')).toEqual(exec);
    await s.putExecution({ ...exec, runner: undefined });
    expect((await s.getExecution('r-1'))!.runner).toBeUndefined();
  });
});

describe('SQLite store', () => {
  test('file mode 0600, WAL journal, migrations applied once', async () => {
    const path = dbPath();
    const first = await SqliteStore.open(path);
    expect((statSync(path).mode % 0o1000).toString(8)).toBe('600');
    expect(first.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(first.schemaVersion()).toBe(MIGRATIONS[MIGRATIONS.length - 1].version);
    first.close();
    const again = await SqliteStore.open(path);
    expect((again.db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get() as { n: number }).n).toBe(MIGRATIONS.length);
    again.close();
  });

  test('what one connection writes, another (another process) sees: approvals from a second terminal', async () => {
    const path = dbPath();
    const runner = await SqliteStore.open(path);
    const cli = await SqliteStore.open(path);
    await runner.putRollout(RECORD);
    await cli.decide('r-1', 1, 'APPROVED');
    expect(await runner.decision('r-1', 1)).toBe('APPROVED');
    expect(await cli.getRollout('r-1')).toEqual(RECORD);
    runner.close();
    cli.close();
  });
});
