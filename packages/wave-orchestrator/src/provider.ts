// The provider interface is the control plane's (its local, CloudFormation and Proton
// implementations live there); the orchestrator's tasks call it.
export type { DeployProvider, DeploymentProgress, DeploymentState, InstanceRef } from '@tenant-waves/control-plane';
