import { InstanceRef } from './model';

export type DeploymentState = 'DONE' | 'PENDING' | 'FAILED';

export interface DeploymentProgress {
  readonly state: DeploymentState;
  readonly reason?: string;
}

/**
 * What the orchestrator needs from a backend (local processes, CloudFormation, Proton).
 * Every call is idempotent: deploying an instance already at the target is DONE at once.
 */
export interface DeployProvider {
  /** The service's instances with their wave numbers. */
  listInstances(service: string): Promise<InstanceRef[]>;
  /** The version an instance runs now (undefined before its first deployment). */
  currentVersion(service: string, instance: string): Promise<string | undefined>;
  /** Starts (or, if already started, looks at) the deployment of `target` to an instance. */
  deploy(service: string, instance: string, target: string): Promise<DeploymentProgress>;
  /** Where a started deployment is. */
  deploymentStatus(service: string, instance: string, target: string): Promise<DeploymentProgress>;
  healthCheck(service: string, instance: string): Promise<{ healthy: boolean; reason?: string }>;
  /** Puts an instance back on `version` (and waits for it). */
  rollback(service: string, instance: string, version: string): Promise<DeploymentProgress>;
}
