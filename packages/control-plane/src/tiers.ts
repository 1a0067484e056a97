import { UserError } from './errors';

/** Service tiers. Each template package maps every tier to default inputs (its tier profiles). */
export const TIERS = ['basic', 'standard', 'premium'] as const;
export type Tier = (typeof TIERS)[number];

/** Where a tenant's environment lives: its own (silo) or one shared per tier (pool). */
export const PLACEMENTS = ['silo', 'pool'] as const;
export type Placement = (typeof PLACEMENTS)[number];

/** Default placement per tier: basic tenants share a pool, the others get their own environment. */
export const DEFAULT_PLACEMENT: Readonly<Record<Tier, Placement>> = {
  basic: 'pool',
  standard: 'silo',
  premium: 'silo',
};

export function parseTier(value: string): Tier {
  if ((TIERS as readonly string[]).includes(value)) return value as Tier;
  throw new UserError('E_UNKNOWN_TIER', `unknown tier "${value}"; choose one of: ${TIERS.join(', ')}`);
}

export function parsePlacement(value: string): Placement {
  if ((PLACEMENTS as readonly string[]).includes(value)) return value as Placement;
  throw new UserError('E_UNKNOWN_PLACEMENT', `unknown placement "${value}"; choose silo or pool`);
}

/** A template's tier profiles: for every tier, the inputs it sets unless given explicitly. */
export type TierProfiles<I> = Readonly<Record<Tier, Readonly<Partial<I>>>>;

/**
 * Inputs for a tier: the tier profile, overridden by explicit inputs. The result still goes
 * through schema validation, so explicit inputs are checked exactly like profile ones.
 */
export function applyTierProfile<I>(
  profiles: TierProfiles<I>,
  tier: Tier | undefined,
  explicit: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  return { ...(tier ? profiles[tier] : {}), ...explicit };
}
