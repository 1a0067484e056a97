import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '@tenant-waves/control-plane';
import { DEFAULT_OPTIONS, RolloutInput, runLocalRollout } from '../src';
import { FakeProvider, fleet } from './fake-provider';

// The same rollouts on the SQLite ledger the local backend uses.
const FAST = { waitOverrideMs: { WaitForDeployments: 5, Bake: 5 }, approvalPollMs: 10 };
const input = (options = {}): RolloutInput => ({
  rolloutId: 'r-1',
  service: 'saas-web',
  target: 'v2',
  options: { ...DEFAULT_OPTIONS, pollSeconds: 1, ...options },
});
const dbPath = () => join(mkdtempSync(join(tmpdir(), 'rollout-')), 'tenants.db');

test('a rollout in waves 1, 2, 5 is recorded in the ledger, every row with its timestamps', async () => {
  const store = await SqliteStore.open(dbPath());
  const provider = new FakeProvider(fleet(9, [1, 2, 5]));
  expect((await runLocalRollout(input({ concurrency: 2 }), { provider, store }, FAST)).status).toBe('SUCCEEDED');
  const rows = await store.results('r-1');
  expect(rows.map((r) => r.wave)).toEqual([1, 1, 1, 2, 2, 2, 5, 5, 5]);
  expect(rows.every((r) => r.status === 'SUCCEEDED' && r.startedAt && r.finishedAt && r.fromVersion === 'v1')).toBe(true);
  expect((await store.getRollout('r-1'))!.status).toBe('SUCCEEDED');
  store.close();
});

test('a manual gate approved through another connection to the same file (another terminal)', async () => {
  const path = dbPath();
  const store = await SqliteStore.open(path);
  const provider = new FakeProvider(fleet(4, [1, 2]));
  const run = runLocalRollout(input({ gate: 'manual' }), { provider, store }, FAST);
  const other = await SqliteStore.open(path);
  const deadline = Date.now() + 10_000;
  while ((await other.getRollout('r-1'))?.status !== 'WAITING_APPROVAL') {
    if (Date.now() > deadline) throw new Error('never reached the gate');
    await new Promise((r) => setTimeout(r, 10));
  }
  await other.decide('r-1', 1, 'APPROVED');
  expect((await run).status).toBe('SUCCEEDED');
  other.close();
  store.close();
});

test('resumed from the file after an interruption: nothing deployed twice, nothing skipped', async () => {
  const path = dbPath();
  const instances = fleet(6, [1, 2, 3]);
  const provider = new FakeProvider(instances);
  for (const i of instances) provider.slow.set(i.name, 1);
  const first = await SqliteStore.open(path);
  const abort = new AbortController();
  let checks = 0;
  await expect(
    runLocalRollout(input(), { provider, store: first }, {
      ...FAST,
      signal: abort.signal,
      onEvent: (e) => e.type === 'StateEntered' && e.state === 'CheckBatch' && ++checks === 2 && abort.abort(),
    }),
  ).rejects.toThrow();
  first.close();
  const reopened = await SqliteStore.open(path);
  expect((await runLocalRollout(input(), { provider, store: reopened }, FAST)).status).toBe('SUCCEEDED');
  for (const i of instances) expect(provider.deployments(i.name)).toHaveLength(1);
  expect((await reopened.results('r-1')).every((r) => r.status === 'SUCCEEDED')).toBe(true);
  reopened.close();
});
