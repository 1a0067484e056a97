import { isActive } from '@tenant-waves/control-plane';
import { Gate, InstanceResult, RolloutInput, RolloutOptions, RolloutStatus } from './model';
import { planWaves } from './plan';
import { DeploymentProgress, DeployProvider } from './provider';
import { RolloutRecord, RolloutStore } from './store';

/** What the task handlers work with: the backend and the ledger. */
export interface TaskDeps {
  readonly provider: DeployProvider;
  readonly store: RolloutStore;
  /** For tests; defaults to the wall clock. */
  readonly now?: () => Date;
}

/** One batch of a wave: the instances at [offset, offset + count) of the wave's list. */
export interface Batch {
  readonly wave: number;
  readonly offset: number;
  readonly count: number;
}

export interface PlannedWave {
  readonly wave: number;
  readonly index: number;
  readonly last: boolean;
  /** The gate after this wave (none after the last). */
  readonly gate: Gate;
  readonly size: number;
  readonly batches: readonly Batch[];
}

export interface PlanOutput {
  readonly totalInstances: number;
  readonly defaulted: readonly string[];
  readonly waves: readonly PlannedWave[];
}

/** Input of every per-wave task: the rollout, plus the wave being worked on. */
export interface WaveTaskInput extends RolloutInput {
  readonly wave: PlannedWave;
  readonly rejection?: { Error?: string; Cause?: string };
}

export interface BatchTaskInput extends RolloutInput {
  readonly batch: Batch;
}

export interface PollState {
  /** Deployments of the batch still running. */
  readonly pending: number;
  /** Seconds until the next look (doubling, at most 60). */
  readonly seconds: number;
}

/** Errors the state machine branches on (their `name` is the ASL error name). */
export class RolloutInProgressError extends Error {
  constructor(service: string, holder: string) {
    super(`service ${service} already has a rollout running: ${holder}`);
    this.name = 'RolloutInProgress';
  }
}
export class ApprovalRejectedError extends Error {
  constructor(rolloutId: string, wave: number) {
    super(`rollout ${rolloutId}: the gate after wave ${wave} was rejected`);
    this.name = 'Rejected';
  }
}

/** Task names: the state names in the definition, each bound to one handler. */
export const TASK_NAMES = [
  'Plan', 'DeployBatch', 'CheckBatch', 'EvaluateWave', 'RollbackWave', 'OpenGate', 'CloseGate', 'RejectRollout', 'FinishRollout',
] as const;
export type TaskName = (typeof TASK_NAMES)[number];

/**
 * The orchestrator's task handlers: plain async functions of their state's input, used as
 * Lambda handlers on AWS and as local task overrides by the local runner. Every one is
 * idempotent, so a rollout interrupted anywhere is resumed by running it again.
 */
export function createTasks(deps: TaskDeps) {
  const { provider, store } = deps;
  const now = () => (deps.now ? deps.now() : new Date()).toISOString();

  async function rollout(rolloutId: string): Promise<RolloutRecord> {
    const r = await store.getRollout(rolloutId);
    if (!r) throw new Error(`rollout ${rolloutId} has no record (was Plan skipped?)`);
    return r;
  }
  async function setStatus(rolloutId: string, status: RolloutStatus, extra: Partial<RolloutRecord> = {}) {
    const r = await rollout(rolloutId);
    const final = !isActive(status);
    await store.putRollout({ ...r, ...extra, status, finishedAt: final ? now() : undefined });
    if (final) await store.releaseLock(r.service, rolloutId);
  }
  /**
   * Work on a wave only while the rollout is live: once it has ended (rolled back, rejected,
   * failed) nothing more is deployed, whatever an execution still has queued.
   */
  async function assertLive(rolloutId: string): Promise<void> {
    const r = await rollout(rolloutId);
    if (!isActive(r.status)) {
      const error = new Error(`rollout ${rolloutId} has ended (${r.status}); nothing more is deployed`);
      error.name = 'RolloutEnded';
      throw error;
    }
  }
  async function waveInstances(rolloutId: string, wave: number): Promise<string[]> {
    const plan = (await rollout(rolloutId)).plan;
    return plan?.waves.find((w) => w.wave === wave)?.instances.slice() ?? [];
  }

  async function batchInstances({ rolloutId, batch }: BatchTaskInput): Promise<string[]> {
    return (await waveInstances(rolloutId, batch.wave)).slice(batch.offset, batch.offset + batch.count);
  }

  /** Settles one instance whose deployment reported `progress`: health-checks a finished one. */
  async function settle(input: RolloutInput, row: InstanceResult, progress: DeploymentProgress, options: RolloutOptions): Promise<boolean> {
    if (progress.state === 'PENDING') {
      const elapsed = (Date.parse(now()) - Date.parse(row.startedAt ?? now())) / 1000;
      if (elapsed < options.deployTimeoutSeconds) return true;
      progress = { state: 'FAILED', reason: `deployment still running after ${options.deployTimeoutSeconds} s` };
    }
    let status: InstanceResult['status'] = progress.state === 'DONE' ? 'SUCCEEDED' : 'FAILED';
    let reason = progress.reason;
    if (status === 'SUCCEEDED') {
      const health = await provider.healthCheck(input.service, row.instance);
      if (!health.healthy) {
        status = 'FAILED';
        reason = `health check failed: ${health.reason ?? 'unhealthy'}`;
      }
    }
    await store.putResult(input.rolloutId, { ...row, status, reason, finishedAt: now() });
    return false;
  }

  return {
    /** Computes the plan once, records it, takes the service's rollout lock. */
    async Plan(input: RolloutInput): Promise<PlanOutput> {
      const existing = await store.getRollout(input.rolloutId);
      if (!(await store.acquireLock(input.service, input.rolloutId))) {
        throw new RolloutInProgressError(input.service, (await store.lockHolder(input.service)) ?? 'unknown');
      }
      // A re-run keeps the plan it recorded the first time.
      const plan = existing?.plan ?? planWaves(await provider.listInstances(input.service), { defaultWave: input.options.defaultWave });
      await store.putRollout({
        rolloutId: input.rolloutId,
        service: input.service,
        target: input.target,
        status: 'RUNNING',
        plan,
        startedAt: existing?.startedAt ?? now(),
      });
      const concurrency = Math.max(1, input.options.concurrency);
      const waves = plan.waves.map((w, index) => {
        const size = w.instances.length;
        const per = Math.min(Math.ceil(size / Math.min(concurrency, size)), Math.max(1, input.options.maxBatchSize));
        const batches: Batch[] = [];
        for (let offset = 0; offset < size; offset += per) batches.push({ wave: w.wave, offset, count: Math.min(per, size - offset) });
        const gate = input.options.gates?.[String(w.wave)] ?? input.options.gate;
        return { wave: w.wave, index, last: index === plan.waves.length - 1, gate, size, batches };
      });
      return { totalInstances: waves.reduce((n, w) => n + w.size, 0), defaulted: plan.defaulted, waves };
    },

    /** Deploys a batch, one instance after another; instant deployments are health-checked and recorded at once. */
    async DeployBatch(input: BatchTaskInput): Promise<PollState> {
      await assertLive(input.rolloutId);
      const names = await batchInstances(input);
      let pending = 0;
      for (const name of names) {
        const prev = await store.getResult(input.rolloutId, name);
        if (prev && prev.status !== 'PENDING') {
          // Already handled by an earlier run of this rollout: never deploy twice.
          if (prev.status === 'IN_PROGRESS') pending++;
          continue;
        }
        const fromVersion = await provider.currentVersion(input.service, name);
        const base = { instance: name, wave: input.batch.wave, fromVersion, toVersion: input.target, startedAt: now() };
        if (fromVersion === input.target) {
          await store.putResult(input.rolloutId, { ...base, status: 'SUCCEEDED', noop: true, finishedAt: now() });
          continue;
        }
        // Recorded before the call, so an interruption right after it is resumed, not repeated.
        const row: InstanceResult = { ...base, status: 'IN_PROGRESS' };
        await store.putResult(input.rolloutId, row);
        const progress = await provider.deploy(input.service, name, input.target);
        if (await settle(input, row, progress, input.options)) pending++;
      }
      return { pending, seconds: input.options.pollSeconds };
    },

    /** Looks again at the batch's running deployments (deploy is idempotent: start-or-look). */
    async CheckBatch(input: BatchTaskInput & { poll: PollState }): Promise<PollState> {
      await assertLive(input.rolloutId);
      const names = await batchInstances(input);
      let pending = 0;
      for (const name of names) {
        const row = await store.getResult(input.rolloutId, name);
        if (row?.status !== 'IN_PROGRESS') continue;
        const progress = await provider.deploy(input.service, name, input.target);
        if (await settle(input, row, progress, input.options)) pending++;
      }
      return { pending, seconds: Math.min(60, input.poll.seconds * 2) };
    },

    /** Counts the wave's failures against the threshold. */
    async EvaluateWave(input: WaveTaskInput): Promise<{ outcome: 'PASS' | 'FAIL'; failures: number; size: number; limit: string }> {
      const names = await waveInstances(input.rolloutId, input.wave.wave);
      const rows = await Promise.all(names.map((n) => store.getResult(input.rolloutId, n)));
      const failures = rows.filter((r) => !r || r.status !== 'SUCCEEDED').length;
      const { count, percent } = input.options.maxFailures;
      const overCount = count !== undefined && failures > count;
      const overPercent = percent !== undefined && (failures / Math.max(1, names.length)) * 100 > percent;
      const limit = [count !== undefined ? `${count}` : undefined, percent !== undefined ? `${percent}%` : undefined].filter(Boolean).join(' and ');
      return { outcome: overCount || overPercent ? 'FAIL' : 'PASS', failures, size: names.length, limit };
    },

    /** Puts every instance this wave changed back on its previous version; the rollout ends ROLLED_BACK. */
    async RollbackWave(input: WaveTaskInput & { evaluation?: { failures: number; limit: string } }): Promise<{ rolledBack: number; failed: number }> {
      const { rolledBack, failed } = await rollBackWave(input);
      const why = input.evaluation ? `wave ${input.wave.wave}: ${input.evaluation.failures} failed, more than the limit (${input.evaluation.limit})` : `wave ${input.wave.wave} failed`;
      await setStatus(input.rolloutId, failed ? 'FAILED' : 'ROLLED_BACK', { reason: `${why}; rolled back ${rolledBack}${failed ? `, ${failed} could not be rolled back` : ''}` });
      return { rolledBack, failed };
    },

    /** Marks the rollout as waiting at a manual gate and returns the approval request. */
    async OpenGate(input: WaveTaskInput) {
      await setStatus(input.rolloutId, 'WAITING_APPROVAL', { waitingWave: input.wave.wave });
      return {
        rolloutId: input.rolloutId,
        service: input.service,
        target: input.target,
        wave: input.wave.wave,
        approvalTimeoutSeconds: input.options.approvalTimeoutSeconds,
        approveCommand: `tenant approve ${input.rolloutId}`,
        rejectCommand: `tenant reject ${input.rolloutId}`,
      };
    },

    async CloseGate(input: WaveTaskInput) {
      await setStatus(input.rolloutId, 'RUNNING', { waitingWave: undefined });
      return { approved: input.wave.wave };
    },

    /** A rejected (or timed-out) gate stops the rollout; optionally the waiting wave is rolled back. */
    async RejectRollout(input: WaveTaskInput) {
      const timedOut = input.rejection?.Error === 'States.Timeout';
      let detail = '';
      // Rolled back when the rollout asked for it up front, or the rejection did (`tenant reject --rollback`).
      if (input.options.rollbackOnReject || (!timedOut && (await store.rollbackRequested(input.rolloutId, input.wave.wave)))) {
        const { rolledBack, failed } = await rollBackWave(input);
        detail = `; rolled back wave ${input.wave.wave} (${rolledBack}${failed ? `, ${failed} failed` : ''})`;
      }
      const reason = `${timedOut ? `no approval within ${input.options.approvalTimeoutSeconds} s` : 'rejected'} at the gate after wave ${input.wave.wave}${detail}`;
      await setStatus(input.rolloutId, 'REJECTED', { reason, waitingWave: undefined });
      return { rejected: input.wave.wave, timedOut };
    },

    async FinishRollout(input: RolloutInput) {
      await setStatus(input.rolloutId, 'SUCCEEDED');
      return { status: 'SUCCEEDED' };
    },
  };

  async function rollBackWave(input: WaveTaskInput): Promise<{ rolledBack: number; failed: number }> {
    let rolledBack = 0;
    let failed = 0;
    for (const name of await waveInstances(input.rolloutId, input.wave.wave)) {
      const row = await store.getResult(input.rolloutId, name);
      if (!row || row.noop || row.status === 'ROLLED_BACK' || row.status === 'PENDING') continue;
      if (row.fromVersion === undefined) {
        await store.putResult(input.rolloutId, { ...row, reason: `${row.reason ?? ''} (first deployment: nothing to roll back to)`.trim() });
        continue;
      }
      const progress = await provider.rollback(input.service, name, row.fromVersion);
      if (progress.state === 'DONE') {
        rolledBack++;
        await store.putResult(input.rolloutId, { ...row, status: 'ROLLED_BACK', finishedAt: now() });
      } else {
        failed++;
        await store.putResult(input.rolloutId, { ...row, status: 'FAILED', reason: `rollback to ${row.fromVersion} failed: ${progress.reason ?? progress.state}` });
      }
    }
    return { rolledBack, failed };
  }
}

export type Tasks = ReturnType<typeof createTasks>;
