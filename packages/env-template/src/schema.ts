import { dirname, join } from 'node:path';

export const PACKAGE_NAME = '@tenant-waves/env-template';
/** The Proton input type of this template (schema.environment_input_type). */
export const INPUT_TYPE = 'TenantEnvironmentInput';

/**
 * Path of this template's Proton-format schema (`schema/schema.yaml`), the source of truth
 * for its inputs. Resolved through the package name so it works from lib/, from the sources
 * under test, and from another package's esbuild bundle alike.
 */
export function schemaFile(): string {
  return join(dirname(require.resolve(`${PACKAGE_NAME}/package.json`)), 'schema', 'schema.yaml');
}

/**
 * The inputs of one tenant environment, after validation against `schema/schema.yaml`
 * (defaults applied). A test checks this interface against the schema.
 */
export interface TenantEnvironmentInput {
  readonly tenantId: string;
  readonly vpc_cidr_block: string;
  readonly ec2_capacity: boolean;
  readonly ec2_instance_type: string;
  readonly allow_ecs_exec: boolean;
  readonly enhanced_cluster_monitoring: boolean;
  readonly nat_gateways: number;
  readonly service_discovery_namespace: string;
}
