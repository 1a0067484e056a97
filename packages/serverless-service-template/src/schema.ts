import { parseTemplateSchema, readPackageFile, TemplateSchema, validateInputs } from '@tenant-waves/control-plane';

export const PACKAGE_NAME = '@tenant-waves/serverless-service-template';

/** The inputs of one serverless service instance, as `schema/schema.yaml` defines them. */
export interface ServerlessServiceInput {
  readonly lambda_reserved_concurrency: number;
  readonly lambda_artifact_bucket: string;
  readonly lambda_artifact_key: string;
}

let cached: TemplateSchema | undefined;

export function serverlessServiceSchema(): TemplateSchema {
  cached ??= parseTemplateSchema(readPackageFile(PACKAGE_NAME, 'schema/schema.yaml'), `${PACKAGE_NAME}/schema/schema.yaml`);
  return cached;
}

export function validateServerlessServiceInputs(raw: Record<string, unknown>, pathPrefix = 'spec.'): ServerlessServiceInput {
  return validateInputs(serverlessServiceSchema(), 'ServerlessSvcInputs', raw, {
    subject: 'serverless-service inputs',
    pathPrefix,
  }) as unknown as ServerlessServiceInput;
}
