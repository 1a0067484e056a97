import { planWaves, PlannedInstance, WavePlan } from '../plan';

/** Input of the state machine's first task: the rollout request. */
export interface PlanTaskInput {
  readonly service: string;
  readonly instances: readonly PlannedInstance[];
  readonly defaultWave?: number;
}

export interface PlanTaskOutput extends WavePlan {
  readonly service: string;
  readonly totalInstances: number;
}

/**
 * The "Plan" task: computes the wave plan once, up front, so it can be recorded with the
 * rollout and so every later state iterates only the instances of its own wave.
 * Used as a Lambda handler on AWS and as a local task override by the local runner.
 */
export async function planTask(input: PlanTaskInput): Promise<PlanTaskOutput> {
  const plan = planWaves(input.instances, { defaultWave: input.defaultWave });
  return { service: input.service, totalInstances: input.instances.length, ...plan };
}
