/**
 * Rollouts and the deployment ledger: the records a wave rollout writes, and the store
 * interface behind them (in memory, SQLite on the local backend, DynamoDB on AWS).
 */

export interface Wave {
  readonly wave: number;
  readonly instances: readonly string[];
}

/** A rollout's plan, computed once, up front, and kept with the rollout. */
export interface WavePlan {
  /** Waves in the order they run: the distinct wave numbers present, ascending. */
  readonly waves: readonly Wave[];
  /** Instances that had no wave number, and the wave they were put in. */
  readonly defaulted: readonly string[];
  readonly defaultWave: number;
}

export type RolloutStatus = 'RUNNING' | 'WAITING_APPROVAL' | 'SUCCEEDED' | 'FAILED' | 'ROLLED_BACK' | 'REJECTED';
/** A rollout that has not ended: it may still deploy, and it holds its service's lock. */
export function isActive(status: RolloutStatus): boolean {
  return status === 'RUNNING' || status === 'WAITING_APPROVAL';
}

export type InstanceStatus = 'PENDING' | 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'ROLLED_BACK';

/** The ledger row of one instance in one rollout. */
export interface InstanceResult {
  readonly instance: string;
  readonly wave: number;
  readonly status: InstanceStatus;
  readonly fromVersion?: string;
  readonly toVersion: string;
  /** The instance was already at the target: success with no work (nothing to roll back). */
  readonly noop?: boolean;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly reason?: string;
}

export interface RolloutRecord {
  readonly rolloutId: string;
  readonly service: string;
  readonly target: string;
  readonly status: RolloutStatus;
  readonly plan?: WavePlan;
  /** The wave whose gate is waiting for a decision. */
  readonly waitingWave?: number;
  readonly reason?: string;
  readonly startedAt: string;
  readonly finishedAt?: string;
}

export type ApprovalDecision = 'APPROVED' | 'REJECTED';

/**
 * How a rollout is being executed: its full input (so it can be resumed exactly) and who runs
 * it (local: `pid:<n>` of the `tenant` process; AWS: the execution ARN).
 */
export interface ExecutionRecord {
  readonly rolloutId: string;
  readonly input: Readonly<Record<string, unknown>>;
  readonly runner?: string;
  readonly updatedAt: string;
}

/** The rollout ledger: plans, one row per instance, statuses, approvals, the per-service lock. */
export interface RolloutStore {
  /** Takes the service's rollout lock for `rolloutId`; false when another rollout holds it. */
  acquireLock(service: string, rolloutId: string): Promise<boolean>;
  releaseLock(service: string, rolloutId: string): Promise<void>;
  lockHolder(service: string): Promise<string | undefined>;
  getRollout(rolloutId: string): Promise<RolloutRecord | undefined>;
  putRollout(record: RolloutRecord): Promise<void>;
  getResult(rolloutId: string, instance: string): Promise<InstanceResult | undefined>;
  putResult(rolloutId: string, result: InstanceResult): Promise<void>;
  /** Every row of a rollout, in the order they were first written. */
  results(rolloutId: string): Promise<InstanceResult[]>;
  /** Every rollout, newest first. */
  listRollouts(service?: string): Promise<RolloutRecord[]>;
  /** Records a manual gate decision for a waiting wave; a rejection may ask for the wave's rollback. */
  decide(rolloutId: string, wave: number, decision: ApprovalDecision, options?: { rollback?: boolean }): Promise<void>;
  decision(rolloutId: string, wave: number): Promise<ApprovalDecision | undefined>;
  /** Whether the rejection of the wave's gate asked for the wave to be rolled back. */
  rollbackRequested(rolloutId: string, wave: number): Promise<boolean>;
  putExecution(record: ExecutionRecord): Promise<void>;
  getExecution(rolloutId: string): Promise<ExecutionRecord | undefined>;
}

export class InMemoryRolloutStore implements RolloutStore {
  private readonly locks = new Map<string, string>();
  private readonly rollouts = new Map<string, RolloutRecord>();
  private readonly rows = new Map<string, Map<string, InstanceResult>>();
  private readonly decisions = new Map<string, { decision: ApprovalDecision; rollback: boolean }>();
  private readonly executions = new Map<string, ExecutionRecord>();

  async acquireLock(service: string, rolloutId: string) {
    const holder = this.locks.get(service);
    if (holder && holder !== rolloutId) return false;
    this.locks.set(service, rolloutId);
    return true;
  }
  async releaseLock(service: string, rolloutId: string) {
    if (this.locks.get(service) === rolloutId) this.locks.delete(service);
  }
  async lockHolder(service: string) {
    return this.locks.get(service);
  }
  async getRollout(rolloutId: string) {
    return this.rollouts.get(rolloutId);
  }
  async putRollout(record: RolloutRecord) {
    this.rollouts.set(record.rolloutId, record);
  }
  async getResult(rolloutId: string, instance: string) {
    return this.rows.get(rolloutId)?.get(instance);
  }
  async putResult(rolloutId: string, result: InstanceResult) {
    if (!this.rows.has(rolloutId)) this.rows.set(rolloutId, new Map());
    this.rows.get(rolloutId)!.set(result.instance, result);
  }
  async results(rolloutId: string) {
    return [...(this.rows.get(rolloutId)?.values() ?? [])];
  }
  async listRollouts(service?: string) {
    return [...this.rollouts.values()]
      .filter((r) => service === undefined || r.service === service)
      .sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0));
  }
  async decide(rolloutId: string, wave: number, decision: ApprovalDecision, options: { rollback?: boolean } = {}) {
    this.decisions.set(`${rolloutId}#${wave}`, { decision, rollback: Boolean(options.rollback) });
  }
  async decision(rolloutId: string, wave: number) {
    return this.decisions.get(`${rolloutId}#${wave}`)?.decision;
  }
  async rollbackRequested(rolloutId: string, wave: number) {
    return this.decisions.get(`${rolloutId}#${wave}`)?.rollback ?? false;
  }
  async putExecution(record: ExecutionRecord) {
    this.executions.set(record.rolloutId, record);
  }
  async getExecution(rolloutId: string) {
    return this.executions.get(rolloutId);
  }
}
