import { ServerlessServiceInput } from './schema';

/** What each tier's instance gets unless the tenant's inputs say otherwise. */
export const TIER_PROFILES: Readonly<Record<'basic' | 'standard' | 'premium', Partial<ServerlessServiceInput>>> = {
  basic: { lambda_reserved_concurrency: 5 },
  standard: { lambda_reserved_concurrency: 50 },
  premium: { lambda_reserved_concurrency: 200 },
};
