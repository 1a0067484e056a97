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
  /** Records a manual gate decision for a waiting wave. */
  decide(rolloutId: string, wave: number, decision: ApprovalDecision): Promise<void>;
  decision(rolloutId: string, wave: number): Promise<ApprovalDecision | undefined>;
}

export class InMemoryRolloutStore implements RolloutStore {
  private readonly locks = new Map<string, string>();
  private readonly rollouts = new Map<string, RolloutRecord>();
  private readonly rows = new Map<string, Map<string, InstanceResult>>();
  private readonly decisions = new Map<string, ApprovalDecision>();

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
  async decide(rolloutId: string, wave: number, decision: ApprovalDecision) {
    this.decisions.set(`${rolloutId}#${wave}`, decision);
  }
  async decision(rolloutId: string, wave: number) {
    return this.decisions.get(`${rolloutId}#${wave}`);
  }
}
