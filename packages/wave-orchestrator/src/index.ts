export * from './plan';
export * from './handlers/plan';
