export * from './schema';
export * from './serverless-service';
export * from './render';
