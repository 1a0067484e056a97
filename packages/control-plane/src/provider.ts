import type { AwsTarget, Registry } from './registry';

/** A service instance as a rollout sees it: its name and (maybe) its wave number. */
export interface InstanceRef {
  readonly name: string;
  /** The instance's `deployment_wave_number`; undefined when it has none. */
  readonly wave?: number;
}

export type DeploymentState = 'DONE' | 'PENDING' | 'FAILED';

export interface DeploymentProgress {
  readonly state: DeploymentState;
  readonly reason?: string;
}

/**
 * What a rollout needs from a backend (local processes, CloudFormation, Proton) to change
 * service instances. Every call is idempotent: deploying an instance already at the target
 * is DONE at once, and asking again about a started deployment reports where it is.
 */
export interface DeployProvider {
  /** The service's instances with their wave numbers. */
  listInstances(service: string): Promise<InstanceRef[]>;
  /** The version an instance runs now (undefined before its first deployment). */
  currentVersion(service: string, instance: string): Promise<string | undefined>;
  /** Starts the deployment of `target` to an instance, or, if it is under way, says where it is. */
  deploy(service: string, instance: string, target: string): Promise<DeploymentProgress>;
  healthCheck(service: string, instance: string): Promise<{ healthy: boolean; reason?: string }>;
  /** Puts an instance back on `version` (and waits for it). */
  rollback(service: string, instance: string, version: string): Promise<DeploymentProgress>;
}

/** For a tenant being onboarded (not in the registry yet): where its stacks go. */
export interface ProvisionOptions {
  readonly target?: AwsTarget;
}

/** What an instance is doing now, as the backend sees it. */
export interface InstanceStatusView {
  /** RUNNING: serving `version`; STOPPED: deployed but not serving; NOT_DEPLOYED: never deployed. */
  readonly state: 'RUNNING' | 'STOPPED' | 'NOT_DEPLOYED';
  readonly version?: string;
  /** Where the instance itself answers (local: its process's port). */
  readonly endpoint?: string;
}

/**
 * The whole backend: provisioning of environments and instances (their rendered
 * CloudFormation), and deployments. Implementations: local (this machine), CloudFormation and
 * Proton (AWS).
 */
export interface Provider extends DeployProvider {
  /** Creates or updates an environment from its rendered template; returns where it lives. */
  provisionEnvironment(
    name: string, template: Readonly<Record<string, unknown>>, options?: ProvisionOptions,
  ): Promise<{ location: string; outputs?: Record<string, string> }>;
  deprovisionEnvironment(name: string): Promise<void>;
  /** Creates or updates a service instance's infrastructure from its rendered template. */
  provisionInstance(
    service: string, tenantId: string, template: Readonly<Record<string, unknown>>, options?: ProvisionOptions,
  ): Promise<{ location: string }>;
  /** Stops the instance's workload and removes its infrastructure. */
  removeInstance(service: string, tenantId: string): Promise<void>;
  status(service: string, tenantId: string): Promise<InstanceStatusView>;
}

/** A service's instances as the registry has them, each with its tenant's wave (the registry-backed providers' listing). */
export async function registryInstances(registry: Registry, service: string): Promise<InstanceRef[]> {
  const tenants = new Map((await registry.listTenants()).map((t) => [t.tenantId, t]));
  return (await registry.listInstances({ service })).map((i) => ({ name: i.tenantId, wave: tenants.get(i.tenantId)?.wave }));
}
