import { parseTemplateSchema, readPackageFile, TemplateSchema, validateInputs } from '@tenant-waves/control-plane';

export const PACKAGE_NAME = '@tenant-waves/fargate-service-template';

export type TaskSize = 'x-small' | 'small' | 'medium' | 'large' | 'x-large';

/** The inputs of one Fargate service instance, as `schema/schema.yaml` defines them. */
export interface FargateServiceInput {
  readonly port: number;
  readonly desired_count: number;
  readonly task_size: TaskSize;
  readonly image: string;
  readonly service_discovery_name: string;
  readonly load_balanced: boolean;
  readonly load_balanced_public: boolean;
}

/** CPU units / memory MiB per task size. */
export const TASK_SIZES: Readonly<Record<TaskSize, { cpu: number; memoryMiB: number }>> = {
  'x-small': { cpu: 256, memoryMiB: 512 },
  'small': { cpu: 512, memoryMiB: 1024 },
  'medium': { cpu: 1024, memoryMiB: 2048 },
  'large': { cpu: 2048, memoryMiB: 4096 },
  'x-large': { cpu: 4096, memoryMiB: 8192 },
};

let cached: TemplateSchema | undefined;

export function fargateServiceSchema(): TemplateSchema {
  cached ??= parseTemplateSchema(readPackageFile(PACKAGE_NAME, 'schema/schema.yaml'), `${PACKAGE_NAME}/schema/schema.yaml`);
  return cached;
}

export function validateFargateServiceInputs(raw: Record<string, unknown>, pathPrefix = 'spec.'): FargateServiceInput {
  return validateInputs(fargateServiceSchema(), 'ECSFargateSvcInputs', raw, {
    subject: 'fargate-service inputs',
    pathPrefix,
  }) as unknown as FargateServiceInput;
}
