/**
 * Releases on the local backend: validate a release, keep its build, record the rollout and its
 * execution input, and run the orchestrator's state machine on this machine — in the foreground,
 * or again later (`resume`) after an interruption.
 */
import {
  ControlPlane, isActive, isAlive, LocalProvider, newRolloutId, RolloutRecord, ServiceRecord, Store, UserError, workloadKind,
} from '@tenant-waves/control-plane';
import { LocalEvent, LocalRunResult, runLocalRollout } from './local-runner';
import { DEFAULT_OPTIONS, RolloutInput, RolloutOptions } from './model';

export interface ReleaseRequest {
  readonly service: string;
  readonly version: string;
  /** The build to deploy: a directory with the workload's entry point (server.js / index.js). */
  readonly artifactDir: string;
  readonly options?: Partial<RolloutOptions>;
}

export interface RunOptions {
  readonly onEvent?: (event: LocalEvent) => void;
  readonly signal?: AbortSignal;
  /** How often a manual gate looks for `tenant approve` (ms, default 250). */
  readonly approvalPollMs?: number;
}


/** `pid:<n>`: the local runner of a rollout. */
function runnerPid(runner: string | undefined): number | undefined {
  const m = /^pid:(\d+)$/.exec(runner ?? '');
  return m ? Number(m[1]) : undefined;
}

export class LocalReleases {
  constructor(
    private readonly controlPlane: ControlPlane,
    private readonly provider: LocalProvider,
    private readonly store: Store = controlPlane.store,
  ) {}

  /**
   * Checks everything a release needs — service, instances, version label, artifact and its
   * entry point, waves, the service's rollout lock — and only then keeps the build and records
   * the rollout.
   */
  async prepare(req: ReleaseRequest): Promise<RolloutInput> {
    return prepareRelease(this.controlPlane, req, {
      check: (svc) => void this.provider.builds.check(svc.name, workloadKind(svc.template), req.version, req.artifactDir),
      keep: (svc) => void this.provider.builds.put(svc.name, workloadKind(svc.template), req.version, req.artifactDir),
    });
  }

  /** Runs (or re-runs) a recorded rollout in this process until it ends. */
  async run(rolloutId: string, options: RunOptions = {}): Promise<LocalRunResult> {
    const exec = await this.store.getExecution(rolloutId);
    if (!exec) throw new UserError('E_UNKNOWN_ROLLOUT', `rollout ${rolloutId} has no recorded execution input; it cannot be run here`);
    const input = exec.input as unknown as RolloutInput;
    await this.store.putExecution({ ...exec, runner: `pid:${process.pid}`, updatedAt: new Date().toISOString() });
    try {
      return await runLocalRollout(input, { provider: this.provider, store: this.store }, {
        approvalPollMs: options.approvalPollMs ?? 250,
        onEvent: options.onEvent,
        signal: options.signal,
      });
    } finally {
      const latest = await this.store.getExecution(rolloutId);
      if (latest?.runner === `pid:${process.pid}`) await this.store.putExecution({ ...latest, runner: undefined, updatedAt: new Date().toISOString() });
    }
  }

  /**
   * What `tenant resume` checks before it runs a rollout again: it exists, has not ended, and no
   * live process is running it. Returns the record; `ended` when there is nothing left to run.
   */
  async resumable(rolloutId: string): Promise<{ record: RolloutRecord; ended: boolean }> {
    const record = await this.controlPlane.requireRollout(rolloutId);
    if (!isActive(record.status)) return { record, ended: true };
    const pid = await this.runner(rolloutId);
    if (pid !== undefined && pid !== process.pid) {
      throw new UserError('E_ROLLOUT_BEING_RUN', `rollout ${rolloutId} is being run by process ${pid}; watch it with: tenant rollout ${rolloutId}`);
    }
    return { record, ended: false };
  }

  /** The pid of the live process running a rollout, if any. */
  async runner(rolloutId: string): Promise<number | undefined> {
    const pid = runnerPid((await this.store.getExecution(rolloutId))?.runner);
    return isAlive(pid) ? pid : undefined;
  }
}

/** What a backend adds to a release: checks of its artifact (nothing changed), and keeping it. */
export interface ReleaseHooks {
  check?(service: ServiceRecord): void | Promise<void>;
  keep?(service: ServiceRecord): void | Promise<void>;
}

/**
 * The checks every backend makes before a release — the service exists and has instances, no
 * tenant is beyond its totalWaves, no rollout of it is running, the backend's own checks — then
 * the lock is taken, the backend keeps what it needs, and the rollout and its execution input
 * are recorded. Nothing is written unless every check passed.
 */
export async function prepareRelease(
  controlPlane: ControlPlane,
  req: { readonly service: string; readonly version: string; readonly options?: Partial<RolloutOptions> },
  hooks: ReleaseHooks = {},
): Promise<RolloutInput> {
  const store = controlPlane.store;
  const svc = await controlPlane.requireService(req.service);
  const instances = await store.listInstances({ service: svc.name });
  if (!instances.length) {
    throw new UserError('E_NO_INSTANCES', `service ${svc.name} has no instances yet; onboard a tenant first (tenant onboard <tenantId> --tier basic)`);
  }
  await hooks.check?.(svc);
  await assertNoRunningRollout(store, svc.name);
  if (svc.totalWaves !== undefined) {
    const tenants = await store.listTenants();
    const beyond = tenants.filter((t) => t.wave !== undefined && t.wave > svc.totalWaves! && instances.some((i) => i.tenantId === t.tenantId));
    if (beyond.length) {
      throw new UserError('E_WAVE_BEYOND_TOTAL', `${svc.name} rolls out in ${svc.totalWaves} waves (pipeline.totalwaves), but ${beyond.map((t) => `${t.tenantId} is in wave ${t.wave}`).join(', ')}`);
    }
  }
  const options: RolloutOptions = { ...DEFAULT_OPTIONS, ...req.options };
  const input: RolloutInput = { rolloutId: newRolloutId(svc.name), service: svc.name, target: req.version, options };
  if (!(await store.acquireLock(svc.name, input.rolloutId))) {
    // Held by a rollout that has ended (its runner died before letting go): take it over.
    await assertNoRunningRollout(store, svc.name);
    const stale = await store.lockHolder(svc.name);
    if (stale) await store.releaseLock(svc.name, stale);
    if (!(await store.acquireLock(svc.name, input.rolloutId))) await assertNoRunningRollout(store, svc.name);
  }
  await hooks.keep?.(svc);
  const startedAt = new Date().toISOString();
  await store.putRollout({ rolloutId: input.rolloutId, service: svc.name, target: req.version, status: 'RUNNING', startedAt });
  await store.putExecution({ rolloutId: input.rolloutId, input: input as unknown as Record<string, unknown>, updatedAt: startedAt });
  return input;
}

async function assertNoRunningRollout(store: Store, service: string): Promise<void> {
  const holder = await store.lockHolder(service);
  if (!holder) return;
  const r = await store.getRollout(holder);
  if (r && !isActive(r.status)) return;
  const runner = (await store.getExecution(holder))?.runner;
  const pid = runnerPid(runner);
  const live = pid !== undefined ? (isAlive(pid) ? `run by process ${pid}` : 'no process is running it') : runner ? `execution ${runner}` : 'no process is running it';
  throw new UserError(
    'E_ROLLOUT_RUNNING',
    `service ${service} already has a rollout running: ${holder} (${r?.status ?? 'RUNNING'}, ${live}); ` +
      `${r?.status === 'WAITING_APPROVAL' ? `approve or reject it (tenant approve ${holder} / tenant reject ${holder})` : live.startsWith('no process') ? `resume it (tenant resume ${holder})` : `wait for it (tenant rollout ${holder})`}, then release again`,
  );
}
