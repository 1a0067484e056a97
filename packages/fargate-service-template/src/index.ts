export * from './schema';
export * from './tiers';
export * from './fargate-service';
export * from './render';
export * from './pipeline';
