export * from './schema';
export * from './environment-outputs';
export * from './fargate-service';
export * from './render';
