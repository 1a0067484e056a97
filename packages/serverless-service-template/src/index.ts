export * from './schema';
export * from './tiers';
export * from './serverless-service';
export * from './render';
export * from './pipeline';
