export * from './errors';
export * from './schema';
export * from './spec';
export * from './package-files';
