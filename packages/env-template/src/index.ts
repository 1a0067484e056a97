export * from './schema';
export * from './tenant-environment';
export * from './render';
