import { App, DefaultStackSynthesizer } from 'aws-cdk-lib';

/**
 * Rendered templates are deployed as plain CloudFormation (no `cdk deploy`, no assets), so
 * they carry no CDK bootstrap-version check.
 */
const synthesizer = () => new DefaultStackSynthesizer({ generateBootstrapVersionRule: false });
import { ServerlessServiceInput } from './schema';
import { TenantServerlessServiceStack } from './serverless-service';

export type ServerlessParameters = Partial<Record<(typeof TenantServerlessServiceStack.PARAMETERS)[number], string>>;

/** One synth of one instance template (a new App, the full CDK pipeline). */
export function synthServerlessService(serviceName: string, inputs: ServerlessServiceInput): Record<string, any> {
  const app = new App({ analyticsReporting: false, context: { 'aws:cdk:enable-path-metadata': false } });
  const stack = new TenantServerlessServiceStack(app, 'TenantServerlessService', { serviceName, inputs, synthesizer: synthesizer() });
  return app.synth().getStackArtifact(stack.artifactId).template;
}

const synthesised = new Map<string, string>();

/**
 * Renders one serverless service instance (validated inputs) to a CloudFormation template,
 * synthesised once per service name and reserved concurrency; the tenant id and the code's
 * bucket and key are parameters whose defaults are set on a copy.
 */
export function renderServerlessService(
  serviceName: string,
  inputs: ServerlessServiceInput,
  parameters: ServerlessParameters = {},
): Record<string, any> {
  const key = JSON.stringify([serviceName, inputs.lambda_reserved_concurrency]);
  let text = synthesised.get(key);
  if (text === undefined) {
    text = JSON.stringify(synthServerlessService(serviceName, inputs));
    synthesised.set(key, text);
  }
  const template = JSON.parse(text);
  template.Parameters.ArtifactBucket.Default = inputs.lambda_artifact_bucket;
  template.Parameters.ArtifactKey.Default = inputs.lambda_artifact_key;
  for (const [name, value] of Object.entries(parameters)) {
    // Values for parameters this template does not have (other outputs of the environment) are ignored.
    if (value !== undefined && template.Parameters[name]) template.Parameters[name].Default = value;
  }
  return template;
}
