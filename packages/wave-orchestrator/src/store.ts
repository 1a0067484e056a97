import { InstanceResult, RolloutStatus } from './model';
import { WavePlan } from './plan';

export interface RolloutRecord {
  readonly rolloutId: string;
  readonly service: string;
  readonly target: string;
  readonly status: RolloutStatus;
  readonly plan?: WavePlan;
  /** Waves whose gate is waiting for a decision. */
  readonly waitingWave?: number;
  readonly reason?: string;
  readonly startedAt: string;
  readonly finishedAt?: string;
}

export type ApprovalDecision = 'APPROVED' | 'REJECTED';

/**
 * The rollout ledger the task handlers write to: the plan, one row per instance, the
 * rollout's status, approvals, and the one-rollout-per-service lock. In memory here; SQLite
 * (local backend) and DynamoDB (AWS) implement the same interface.
 */
export interface RolloutStore {
  /** Takes the service's rollout lock for `rolloutId`; false when another rollout holds it. */
  acquireLock(service: string, rolloutId: string): Promise<boolean>;
  releaseLock(service: string, rolloutId: string): Promise<void>;
  lockHolder(service: string): Promise<string | undefined>;
  getRollout(rolloutId: string): Promise<RolloutRecord | undefined>;
  putRollout(record: RolloutRecord): Promise<void>;
  getResult(rolloutId: string, instance: string): Promise<InstanceResult | undefined>;
  putResult(rolloutId: string, result: InstanceResult): Promise<void>;
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
