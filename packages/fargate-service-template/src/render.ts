import { App, DefaultStackSynthesizer } from 'aws-cdk-lib';

/**
 * Rendered templates are deployed as plain CloudFormation (no `cdk deploy`, no assets), so
 * they carry no CDK bootstrap-version check.
 */
const synthesizer = () => new DefaultStackSynthesizer({ generateBootstrapVersionRule: false });
import { TenantFargateServiceStack } from './fargate-service';
import { FargateServiceInput } from './schema';

export type FargateParameters = Partial<Record<(typeof TenantFargateServiceStack.PARAMETERS)[number], string>>;

/** One synth of one instance template (a new App, the full CDK pipeline). */
export function synthFargateService(serviceName: string, inputs: FargateServiceInput): Record<string, any> {
  const app = new App({ analyticsReporting: false, context: { 'aws:cdk:enable-path-metadata': false } });
  const stack = new TenantFargateServiceStack(app, 'TenantFargateService', { serviceName, inputs, synthesizer: synthesizer() });
  return app.synth().getStackArtifact(stack.artifactId).template;
}

const synthesised = new Map<string, string>();

/**
 * Renders one Fargate service instance (validated inputs) to a CloudFormation template.
 * Synthesised once per service name and inputs; `parameters` (the tenant id, the
 * environment's outputs, the image) become the parameters' defaults on a copy. Parameters
 * not given keep no default and must be passed when the stack is deployed.
 */
export function renderFargateService(
  serviceName: string,
  inputs: FargateServiceInput,
  parameters: FargateParameters = {},
): Record<string, any> {
  // The image is a parameter (a release changes only it), so it is not part of the key.
  const { image, ...structural } = inputs;
  const key = JSON.stringify([serviceName, Object.entries(structural).sort(([a], [b]) => a.localeCompare(b))]);
  let text = synthesised.get(key);
  if (text === undefined) {
    text = JSON.stringify(synthFargateService(serviceName, inputs));
    synthesised.set(key, text);
  }
  const template = JSON.parse(text);
  template.Parameters.Image.Default = image;
  for (const [name, value] of Object.entries(parameters)) {
    // Values for parameters this template does not have (other outputs of the environment) are ignored.
    if (value !== undefined && template.Parameters[name]) template.Parameters[name].Default = value;
  }
  return template;
}
