import { App, DefaultStackSynthesizer } from 'aws-cdk-lib';

/**
 * Rendered templates are deployed as plain CloudFormation (no `cdk deploy`, no assets), so
 * they carry no CDK bootstrap-version check.
 */
const synthesizer = () => new DefaultStackSynthesizer({ generateBootstrapVersionRule: false });
import { TenantEnvironmentInput } from './schema';
import { TenantEnvironmentStack } from './tenant-environment';

/** One `cdk synth` of one environment: a new App, a new stack, the full CDK pipeline. */
export function synthEnvironment(inputs: TenantEnvironmentInput): Record<string, any> {
  const app = new App({ analyticsReporting: false, context: { 'aws:cdk:enable-path-metadata': false } });
  const stack = new TenantEnvironmentStack(app, 'TenantEnvironment', { inputs, synthesizer: synthesizer() });
  return app.synth().getStackArtifact(stack.artifactId).template;
}

/** The inputs that shape the template. The others (tenant id, namespace) are parameters. */
function structuralKey(inputs: TenantEnvironmentInput): string {
  const { tenantId: _t, service_discovery_namespace: _n, ...structural } = inputs;
  return JSON.stringify(Object.entries(structural).sort(([a], [b]) => a.localeCompare(b)));
}

const synthesised = new Map<string, string>();

/**
 * Renders one tenant environment (validated inputs) to a CloudFormation template.
 *
 * Fast at fleet scale: the template is synthesised once per distinct set of structural
 * inputs (CIDR, NAT gateways, capacity, monitoring, exec) — per template version, since the
 * cache lives in this module — and each tenant's own values (tenant id, namespace name) are
 * CloudFormation parameters whose defaults are set per tenant on a copy.
 */
export function renderEnvironment(inputs: TenantEnvironmentInput): Record<string, any> {
  const key = structuralKey(inputs);
  let text = synthesised.get(key);
  if (text === undefined) {
    text = JSON.stringify(synthEnvironment(inputs));
    synthesised.set(key, text);
  }
  const template = JSON.parse(text);
  template.Parameters.TenantId.Default = inputs.tenantId;
  template.Parameters.ServiceDiscoveryNamespace.Default = inputs.service_discovery_namespace;
  return template;
}
