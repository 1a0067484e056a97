import { FargateServiceInput } from './schema';

/** What each tier's instance gets unless the tenant's inputs say otherwise. */
export const TIER_PROFILES: Readonly<Record<'basic' | 'standard' | 'premium', Partial<FargateServiceInput>>> = {
  basic: { task_size: 'x-small', desired_count: 1 },
  standard: { task_size: 'small', desired_count: 2 },
  premium: { task_size: 'medium', desired_count: 3 },
};
