export * from './schema';
export * from './tiers';
export * from './tenant-environment';
export * from './render';
