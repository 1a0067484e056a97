export * from './errors';
export * from './schema';
export * from './spec';
export * from './tiers';
export * from './schema-compat';
export * from './templates';
export * from './template-versions';
export * from './proton-bundle';
