/**
 * What a service instance needs from its environment: the environment stack's outputs.
 * Instances never look anything up in the account; everything arrives here.
 */
export interface EnvironmentOutputs {
  readonly TenantId: string;
  readonly VPCId: string;
  readonly PrivateSubnetIds: string;
  readonly PublicSubnetIds: string;
  readonly ECSClusterName: string;
  readonly ECSClusterSecGrps: string;
  readonly ECSClusterSDNamespace: string;
  readonly ECSClusterSDNamespaceName: string;
}
