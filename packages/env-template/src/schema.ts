import { Inputs, parseTemplateSchema, readPackageFile, TemplateSchema, validateInputs } from '@tenant-waves/control-plane';

export const PACKAGE_NAME = '@tenant-waves/env-template';

/** The inputs of one tenant environment, as `schema/schema.yaml` defines them. */
export interface TenantEnvironmentInput {
  readonly tenantId: string;
  readonly vpc_cidr_block: string;
  readonly ec2_capacity: boolean;
  readonly ec2_instance_type: string;
  readonly allow_ecs_exec: boolean;
  readonly enhanced_cluster_monitoring: boolean;
  readonly service_discovery_namespace: string;
}

let cached: TemplateSchema | undefined;

/** The template's Proton-format schema (`schema/schema.yaml`). */
export function environmentSchema(): TemplateSchema {
  cached ??= parseTemplateSchema(readPackageFile(PACKAGE_NAME, 'schema/schema.yaml'), `${PACKAGE_NAME}/schema/schema.yaml`);
  return cached;
}

/** Validates raw inputs (a spec's `spec:` map) and applies the schema's defaults. */
export function validateEnvironmentInputs(raw: Record<string, unknown>, pathPrefix = 'spec.'): TenantEnvironmentInput {
  const inputs: Inputs = validateInputs(environmentSchema(), 'TenantEnvironmentInput', raw, {
    subject: 'environment inputs',
    pathPrefix,
  });
  return inputs as unknown as TenantEnvironmentInput;
}
