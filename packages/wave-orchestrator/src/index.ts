export * from './model';
export * from './plan';
export * from './provider';
export * from './store';
export * from './tasks';
export * from './definition';
export * from './local-runner';
export * from './construct';
