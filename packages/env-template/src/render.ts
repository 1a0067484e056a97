import { App } from 'aws-cdk-lib';
import { validateEnvironmentInputs } from './schema';
import { TenantEnvironmentStack } from './tenant-environment';

/**
 * Renders one tenant environment to a CloudFormation template (JSON object).
 * Validates `raw` against the schema first; invalid inputs throw a ValidationError naming
 * every offending field.
 */
export function renderEnvironment(raw: Record<string, unknown>): Record<string, any> {
  const inputs = validateEnvironmentInputs(raw);
  const app = new App({ analyticsReporting: false });
  const stack = new TenantEnvironmentStack(app, `tenant-env-${inputs.tenantId}`, { inputs });
  return app.synth().getStackArtifact(stack.artifactId).template;
}
