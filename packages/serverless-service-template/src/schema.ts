import { dirname, join } from 'node:path';

export const PACKAGE_NAME = '@tenant-waves/serverless-service-template';
/** The Proton input types of this template (schema.service_input_type / pipeline_input_type). */
export const INPUT_TYPE = 'ServerlessSvcInputs';
export const PIPELINE_INPUT_TYPE = 'PipelineInputs';

/** Path of this template's Proton-format schema (`schema/schema.yaml`), the source of truth for its inputs. */
export function schemaFile(): string {
  return join(dirname(require.resolve(`${PACKAGE_NAME}/package.json`)), 'schema', 'schema.yaml');
}

/** The inputs of one serverless service instance after validation (defaults applied). */
export interface ServerlessServiceInput {
  readonly lambda_reserved_concurrency: number;
  readonly lambda_artifact_bucket: string;
  readonly lambda_artifact_key: string;
}

/** The service's pipeline inputs after validation. */
export interface ServerlessPipelineInput {
  readonly buildspecfile: string;
  readonly totalwaves: number;
}

/** The environment template major versions this service template runs in (its Proton registration). */
export const COMPATIBLE_ENVIRONMENTS: readonly string[] = ['env-template:1'];
