import { dirname, join } from 'node:path';

export const PACKAGE_NAME = '@tenant-waves/fargate-service-template';
/** The Proton input types of this template (schema.service_input_type / pipeline_input_type). */
export const INPUT_TYPE = 'ECSFargateSvcInputs';
export const PIPELINE_INPUT_TYPE = 'PipelineInputs';

/** Path of this template's Proton-format schema (`schema/schema.yaml`), the source of truth for its inputs. */
export function schemaFile(): string {
  return join(dirname(require.resolve(`${PACKAGE_NAME}/package.json`)), 'schema', 'schema.yaml');
}

export type TaskSize = 'x-small' | 'small' | 'medium' | 'large' | 'x-large';

/** The inputs of one Fargate service instance after validation (defaults applied). */
export interface FargateServiceInput {
  readonly port: number;
  readonly desired_count: number;
  readonly task_size: TaskSize;
  readonly image: string;
  readonly service_discovery_name: string;
  readonly load_balanced: boolean;
  readonly load_balanced_public: boolean;
}

/** The service's pipeline inputs after validation. */
export interface FargatePipelineInput {
  readonly dockerfile: string;
  readonly buildspecfile: string;
  readonly totalwaves: number;
}

/** CPU units / memory MiB per task size. */
export const TASK_SIZES: Readonly<Record<TaskSize, { cpu: number; memoryMiB: number }>> = {
  'x-small': { cpu: 256, memoryMiB: 512 },
  'small': { cpu: 512, memoryMiB: 1024 },
  'medium': { cpu: 1024, memoryMiB: 2048 },
  'large': { cpu: 2048, memoryMiB: 4096 },
  'x-large': { cpu: 4096, memoryMiB: 8192 },
};

/** The environment template major versions this service template runs in (its Proton registration). */
export const COMPATIBLE_ENVIRONMENTS: readonly string[] = ['env-template:1'];
