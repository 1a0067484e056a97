import { DEFAULT_OPTIONS, InMemoryRolloutStore, RolloutInput, RolloutOptions, runLocalRollout } from '../src';
import { FakeProvider, fleet } from './fake-provider';

const FAST = { waitOverrideMs: { WaitForDeployments: 5, Bake: 5 }, approvalPollMs: 10 };

function input(options: Partial<RolloutOptions> = {}, rolloutId = 'r-1'): RolloutInput {
  return { rolloutId, service: 'saas-web', target: 'v2', options: { ...DEFAULT_OPTIONS, pollSeconds: 1, ...options } };
}

function setup(instances = fleet(10, [1, 2])) {
  return { provider: new FakeProvider(instances), store: new InMemoryRolloutStore() };
}

/** Every deployment of a later wave started after every deployment of the earlier waves. */
function expectWaveOrder(provider: FakeProvider, waveOf: (name: string) => number) {
  const deploys = provider.log.filter((e) => e.kind === 'deploy');
  for (const a of deploys) {
    for (const b of deploys) {
      if (waveOf(a.instance) < waveOf(b.instance)) expect(a.seq).toBeLessThan(b.seq);
    }
  }
}

async function waitFor(check: () => Promise<boolean>, what: string) {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.each<[string, (number | undefined)[]]>([
  ['{1}', [1]],
  ['{1,2}', [1, 2]],
  ['{1,2,3}', [1, 2, 3]],
  ['{1,2,3,4}', [1, 2, 3, 4]],
  ['{1,2,5}', [1, 2, 5]],
  ['{1,3} with untagged instances', [1, 3, undefined]],
])('wave layout %s', (_name, layout) => {
  test('every instance is deployed exactly once, wave by wave', async () => {
    const instances = fleet(12, layout);
    const { provider, store } = setup(instances);
    const result = await runLocalRollout(input({ concurrency: 3 }), { provider, store }, FAST);
    expect(result.status).toBe('SUCCEEDED');
    for (const i of instances) {
      expect(provider.deployments(i.name)).toHaveLength(1);
      expect(provider.versions.get(i.name)).toBe('v2');
    }
    const last = Math.max(...layout.filter((w): w is number => w !== undefined));
    const waveOf = (name: string) => instances.find((i) => i.name === name)!.wave ?? last;
    expectWaveOrder(provider, waveOf);
    const rows = await store.results('r-1');
    expect(rows).toHaveLength(12);
    expect(rows.every((r) => r.status === 'SUCCEEDED' && r.fromVersion === 'v1' && r.toVersion === 'v2' && r.startedAt && r.finishedAt)).toBe(true);
    expect((await store.getRollout('r-1'))!.status).toBe('SUCCEEDED');
    expect(await store.lockHolder('saas-web')).toBeUndefined();
  });
});

test('an instance already at the target is a success with no work', async () => {
  const { provider, store } = setup(fleet(4, [1]));
  provider.versions.set('t0', 'v2');
  expect((await runLocalRollout(input(), { provider, store }, FAST)).status).toBe('SUCCEEDED');
  expect(provider.deployments('t0')).toHaveLength(0);
  expect(await store.getResult('r-1', 't0')).toMatchObject({ status: 'SUCCEEDED', noop: true });
});

describe('failure threshold', () => {
  test('count: more failures than allowed stops the rollout, rolls the wave back, leaves later waves untouched', async () => {
    const { provider, store } = setup(fleet(10, [1, 2]));
    provider.fail.add('t0');
    provider.unhealthy.add('t2'); // deployed, but its health check fails
    const result = await runLocalRollout(input({ maxFailures: { count: 1 } }), { provider, store }, FAST);
    expect(result).toMatchObject({ status: 'ROLLED_BACK', error: 'WaveFailed' });
    // wave 1 (even tenants): every changed instance is back on v1
    for (const name of ['t0', 't2', 't4', 't6', 't8']) expect(provider.versions.get(name)).toBe('v1');
    expect(provider.log.filter((e) => e.kind === 'rollback').map((e) => e.instance).sort()).toEqual(['t0', 't2', 't4', 't6', 't8']);
    // wave 2 (odd tenants): never touched
    for (const name of ['t1', 't3', 't5', 't7', 't9']) expect(provider.deployments(name)).toHaveLength(0);
    expect((await store.getRollout('r-1'))!.reason).toMatch(/wave 1: 2 failed, more than the limit \(1\); rolled back 5/);
    expect(await store.lockHolder('saas-web')).toBeUndefined();
  });

  test('count: failures within the limit let the rollout go on', async () => {
    const { provider, store } = setup(fleet(10, [1, 2]));
    provider.fail.add('t0');
    const result = await runLocalRollout(input({ maxFailures: { count: 1 } }), { provider, store }, FAST);
    expect(result.status).toBe('SUCCEEDED');
    expect(await store.getResult('r-1', 't0')).toMatchObject({ status: 'FAILED', reason: expect.stringMatching(/crashed/) });
    expect(provider.versions.get('t9')).toBe('v2');
  });

  test.each([
    [10, 'ROLLED_BACK'],
    [20, 'SUCCEEDED'],
  ])('percent: 2 of 10 failing with a %i%% limit → %s', async (percent, status) => {
    const { provider, store } = setup(fleet(10, [1]));
    provider.fail.add('t1');
    provider.fail.add('t2');
    expect((await runLocalRollout(input({ maxFailures: { percent } }), { provider, store }, FAST)).status).toBe(status);
  });
});

describe('deployments that do not finish at once', () => {
  test('slow deployments are polled with backoff until done, and deployed once', async () => {
    const { provider, store } = setup(fleet(4, [1, 2]));
    provider.slow.set('t0', 2);
    provider.slow.set('t1', 1);
    const events: string[] = [];
    const result = await runLocalRollout(input(), { provider, store }, { ...FAST, onEvent: (e) => e.type === 'StateEntered' && events.push(e.state!) });
    expect(result.status).toBe('SUCCEEDED');
    expect(provider.deployments('t0')).toHaveLength(1);
    expect(events.filter((s) => s === 'CheckBatch').length).toBeGreaterThanOrEqual(3);
  });

  test('a hanging deployment fails at the deployment timeout', async () => {
    const { provider, store } = setup(fleet(2, [1]));
    provider.hang.add('t1');
    const slowPolls = { ...FAST, waitOverrideMs: { WaitForDeployments: 200 } };
    const result = await runLocalRollout(input({ deployTimeoutSeconds: 1 }), { provider, store }, slowPolls);
    expect(result.status).toBe('ROLLED_BACK');
    // it failed at the timeout, and (as an instance this wave changed) was then rolled back
    expect(await store.getResult('r-1', 't1')).toMatchObject({ status: 'ROLLED_BACK', reason: 'deployment still running after 1 s' });
  });
});

describe('manual gates', () => {
  async function startAtGate(options: Partial<RolloutOptions> = {}) {
    const { provider, store } = setup(fleet(6, [1, 2]));
    const run = runLocalRollout(input({ gate: 'manual', ...options }), { provider, store }, FAST);
    await waitFor(async () => (await store.getRollout('r-1'))?.status === 'WAITING_APPROVAL', 'the gate');
    // nothing of wave 2 has started while the gate is closed
    for (const name of ['t1', 't3', 't5']) expect(provider.deployments(name)).toHaveLength(0);
    expect((await store.getRollout('r-1'))!.waitingWave).toBe(1);
    return { provider, store, run };
  }

  test('approve: the next wave starts only after the approval', async () => {
    const { provider, store, run } = await startAtGate();
    const approvedAt = provider.mark();
    await store.decide('r-1', 1, 'APPROVED');
    expect((await run).status).toBe('SUCCEEDED');
    for (const name of ['t1', 't3', 't5']) expect(provider.deployments(name)[0].seq).toBeGreaterThan(approvedAt);
  });

  test('reject: the rollout stops, later waves untouched', async () => {
    const { provider, store, run } = await startAtGate();
    await store.decide('r-1', 1, 'REJECTED');
    expect(await run).toMatchObject({ status: 'REJECTED', error: 'Rejected' });
    for (const name of ['t1', 't3', 't5']) expect(provider.deployments(name)).toHaveLength(0);
    expect(provider.versions.get('t0')).toBe('v2'); // no rollback unless asked
  });

  test('reject with rollback: the waiting wave goes back', async () => {
    const { provider, store, run } = await startAtGate({ rollbackOnReject: true });
    await store.decide('r-1', 1, 'REJECTED');
    expect((await run).status).toBe('REJECTED');
    for (const name of ['t0', 't2', 't4']) expect(provider.versions.get(name)).toBe('v1');
    expect((await store.getRollout('r-1'))!.reason).toMatch(/rejected at the gate after wave 1; rolled back wave 1 \(3\)/);
  });

  test('timeout counts as reject', async () => {
    const { provider, store, run } = await startAtGate({ approvalTimeoutSeconds: 1 });
    const result = await run;
    expect(result.status).toBe('REJECTED');
    expect((await store.getRollout('r-1'))!.reason).toMatch(/no approval within 1 s at the gate after wave 1/);
    for (const name of ['t1', 't3', 't5']) expect(provider.deployments(name)).toHaveLength(0);
  });
});

test('gates per wave: a manual gate after the canary wave only', async () => {
  const { provider, store } = setup(fleet(6, [1, 2, 3]));
  const run = runLocalRollout(input({ gate: 'auto', gates: { 1: 'manual' } }), { provider, store }, FAST);
  await waitFor(async () => (await store.getRollout('r-1'))?.status === 'WAITING_APPROVAL', 'the gate');
  expect((await store.getRollout('r-1'))!.waitingWave).toBe(1);
  await store.decide('r-1', 1, 'APPROVED');
  expect((await run).status).toBe('SUCCEEDED'); // waves 2 → 3 passed an automatic gate
  expect(await store.decision('r-1', 2)).toBeUndefined();
});

test('one rollout per service: a second one fails while the first holds the lock', async () => {
  const { provider, store } = setup(fleet(4, [1, 2]));
  const first = runLocalRollout(input({ gate: 'manual' }), { provider, store }, FAST);
  await waitFor(async () => (await store.getRollout('r-1'))?.status === 'WAITING_APPROVAL', 'the gate');
  const second = await runLocalRollout(input({}, 'r-2'), { provider, store }, FAST);
  expect(second).toMatchObject({ status: 'FAILED', error: 'RolloutInProgress', cause: expect.stringMatching(/already has a rollout running: r-1/) });
  await store.decide('r-1', 1, 'APPROVED');
  expect((await first).status).toBe('SUCCEEDED');
});

test('a re-run after an interruption deploys nothing twice and skips nothing', async () => {
  const instances = fleet(9, [1, 2, 3]);
  const { provider, store } = setup(instances);
  for (const i of instances) provider.slow.set(i.name, 1);
  const abort = new AbortController();
  let checks = 0;
  // Interrupt in the middle of wave 2, like a kill -9 of the process running the rollout.
  const interrupted = runLocalRollout(input({ concurrency: 2 }), { provider, store }, {
    ...FAST,
    signal: abort.signal,
    onEvent: (e) => {
      if (e.type === 'StateEntered' && e.state === 'CheckBatch' && ++checks === 3) abort.abort();
    },
  });
  await expect(interrupted).rejects.toThrow();
  expect(provider.log.length).toBeGreaterThan(0);
  expect(provider.log.length).toBeLessThan(9);
  const resumed = await runLocalRollout(input({ concurrency: 2 }), { provider, store }, FAST);
  expect(resumed.status).toBe('SUCCEEDED');
  for (const i of instances) {
    expect(provider.deployments(i.name)).toHaveLength(1);
    expect(provider.versions.get(i.name)).toBe('v2');
  }
});

test('a wave is split into batches of at most maxBatchSize, run at most `concurrency` at a time', async () => {
  const { provider, store } = setup(fleet(50, [1]));
  const batches: number[] = [];
  const result = await runLocalRollout(input({ concurrency: 2, maxBatchSize: 10 }), { provider, store }, {
    ...FAST,
    onEvent: (e) => e.type === 'StateEntered' && e.state === 'DeployBatch' && batches.push(1),
  });
  expect(result.status).toBe('SUCCEEDED');
  expect(batches).toHaveLength(5); // 50 instances, 10 per batch
  expect(provider.log.filter((e) => e.kind === 'deploy')).toHaveLength(50);
});
