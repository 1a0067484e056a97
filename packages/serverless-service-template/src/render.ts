import { App } from 'aws-cdk-lib';
import { validateServerlessServiceInputs } from './schema';
import { TenantServerlessServiceStack } from './serverless-service';

/** Renders one serverless service instance to a CloudFormation template (JSON object). */
export function renderServerlessService(
  serviceName: string,
  tenantId: string,
  raw: Record<string, unknown>,
): Record<string, any> {
  const inputs = validateServerlessServiceInputs(raw);
  const app = new App({ analyticsReporting: false });
  const stack = new TenantServerlessServiceStack(app, `${serviceName}-${tenantId}`, { serviceName, tenantId, inputs });
  return app.synth().getStackArtifact(stack.artifactId).template;
}
