export { main, usage } from './cli';
export type { Io } from './io';
