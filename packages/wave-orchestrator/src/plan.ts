import { UserError, WavePlan } from '@tenant-waves/control-plane';

import { InstanceRef } from './model';

export type { Wave, WavePlan } from '@tenant-waves/control-plane';

export interface PlanOptions {
  /**
   * Where instances without a wave number go. Default: the last wave present (or 1 when
   * no instance has a wave number).
   */
  readonly defaultWave?: number;
}

function isWaveNumber(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 1;
}

/**
 * Computes the rollout plan once, up front: every instance lands in exactly one wave, waves
 * run in ascending order of their numbers (sparse layouts like 1, 2, 5 are normal), and
 * instances without a wave number go to the default wave instead of being dropped.
 */
export function planWaves(instances: readonly InstanceRef[], options: PlanOptions = {}): WavePlan {
  const byWave = new Map<number, string[]>();
  const defaulted: string[] = [];
  const seen = new Set<string>();
  for (const instance of instances) {
    if (seen.has(instance.name)) {
      throw new UserError('E_PLAN_DUPLICATE', `instance "${instance.name}" appears twice in the rollout input`);
    }
    seen.add(instance.name);
    if (instance.wave === undefined) {
      defaulted.push(instance.name);
      continue;
    }
    if (!isWaveNumber(instance.wave)) {
      throw new UserError(
        'E_PLAN_WAVE',
        `instance "${instance.name}" has wave ${JSON.stringify(instance.wave)}; a wave is a whole number >= 1`,
      );
    }
    byWave.set(instance.wave, [...(byWave.get(instance.wave) ?? []), instance.name]);
  }
  if (options.defaultWave !== undefined && !isWaveNumber(options.defaultWave)) {
    throw new UserError('E_PLAN_WAVE', `default wave ${options.defaultWave} is not a whole number >= 1`);
  }
  const present = [...byWave.keys()].sort((a, b) => a - b);
  const defaultWave = options.defaultWave ?? present[present.length - 1] ?? 1;
  if (defaulted.length) {
    byWave.set(defaultWave, [...(byWave.get(defaultWave) ?? []), ...defaulted]);
  }
  const waves = [...byWave.keys()]
    .sort((a, b) => a - b)
    .map((wave) => ({ wave, instances: byWave.get(wave)! }));
  return { waves, defaulted, defaultWave };
}
