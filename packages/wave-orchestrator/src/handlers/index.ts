// Lambda entry points of the orchestrator's task states (bundled by esbuild into dist/).
export { planTask } from './plan';
