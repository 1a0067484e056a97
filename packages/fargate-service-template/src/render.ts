import { App } from 'aws-cdk-lib';
import { EnvironmentOutputs } from './environment-outputs';
import { TenantFargateServiceStack } from './fargate-service';
import { validateFargateServiceInputs } from './schema';

/** Renders one Fargate service instance to a CloudFormation template (JSON object). */
export function renderFargateService(
  serviceName: string,
  raw: Record<string, unknown>,
  environment: EnvironmentOutputs,
): Record<string, any> {
  const inputs = validateFargateServiceInputs(raw);
  const app = new App({ analyticsReporting: false });
  const stack = new TenantFargateServiceStack(app, `${serviceName}-${environment.TenantId}`, {
    serviceName,
    inputs,
    environment,
  });
  return app.synth().getStackArtifact(stack.artifactId).template;
}
