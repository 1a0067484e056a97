export type { InstanceRef } from '@tenant-waves/control-plane';

/** The failure threshold of a wave: more failures than this stop the rollout. */
export interface MaxFailures {
  /** At most this many failed instances per wave. */
  readonly count?: number;
  /** At most this percentage (0–100) of a wave's instances. */
  readonly percent?: number;
}

export type Gate = 'auto' | 'manual';

export interface RolloutOptions {
  /** What happens after each wave: `auto` continues after the bake time, `manual` waits for approval. */
  readonly gate: Gate;
  /** Per-wave exceptions to `gate`, by wave number (e.g. `{ "1": "manual" }`: approve after the canary wave only). */
  readonly gates?: Readonly<Record<string, Gate>>;
  /** Seconds to wait after a healthy wave before its gate. */
  readonly bakeSeconds: number;
  readonly maxFailures: MaxFailures;
  /** Instances deployed at once within a wave. */
  readonly concurrency: number;
  /** A manual gate not approved within this many seconds counts as rejected. */
  readonly approvalTimeoutSeconds: number;
  /** Where instances without a wave number go (default: the last wave present). */
  readonly defaultWave?: number;
  /** On reject (or approval timeout), roll back the wave that was waiting for approval. */
  readonly rollbackOnReject: boolean;
  /** First poll interval for a deployment that does not finish at once; doubles up to 60 s. */
  readonly pollSeconds: number;
  /** A deployment still running after this long has failed. */
  readonly deployTimeoutSeconds: number;
  /**
   * Most instances one batch task handles (one after another). A wave is split into at least
   * `concurrency` batches, more when a batch would exceed this, so a task's run time stays
   * bounded (a Lambda runs for 15 minutes at most).
   */
  readonly maxBatchSize: number;
}

export const DEFAULT_OPTIONS: RolloutOptions = {
  gate: 'auto',
  bakeSeconds: 0,
  maxFailures: { count: 0 },
  concurrency: 10,
  approvalTimeoutSeconds: 24 * 3600,
  rollbackOnReject: false,
  pollSeconds: 5,
  deployTimeoutSeconds: 1800,
  maxBatchSize: 100,
};

/** The state machine's input. Instances come from the provider (the registry), not the input. */
export interface RolloutInput {
  readonly rolloutId: string;
  readonly service: string;
  /** What to deploy: an image, an artifact version, a spec label. */
  readonly target: string;
  readonly options: RolloutOptions;
}

export type { InstanceResult, InstanceStatus, RolloutStatus } from '@tenant-waves/control-plane';
