import { applyTierProfile, DEFAULT_PLACEMENT, parsePlacement, parseTier, TierProfiles, UserError } from '../src';

const PROFILES: TierProfiles<{ size: string; count: number }> = {
  basic: { size: 'x-small', count: 1 },
  standard: { size: 'small', count: 2 },
  premium: { size: 'large', count: 4 },
};

test('explicit inputs override the tier profile', () => {
  expect(applyTierProfile(PROFILES, 'premium', { count: 9 })).toEqual({ size: 'large', count: 9 });
  expect(applyTierProfile(PROFILES, undefined, { count: 9 })).toEqual({ count: 9 });
});

test('tiers and placements are checked', () => {
  expect(parseTier('basic')).toBe('basic');
  expect(() => parseTier('gold')).toThrow(UserError);
  expect(() => parseTier('gold')).toThrow(/unknown tier "gold"; choose one of: basic, standard, premium/);
  expect(parsePlacement('pool')).toBe('pool');
  expect(() => parsePlacement('shared')).toThrow(/choose silo or pool/);
  expect(DEFAULT_PLACEMENT).toEqual({ basic: 'pool', standard: 'silo', premium: 'silo' });
});
