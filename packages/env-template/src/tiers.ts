import { TenantEnvironmentInput } from './schema';

/**
 * What each tier's environment gets unless the tenant's inputs say otherwise. basic
 * environments are pooled (many tenants share one) and kept lean; premium ones get a NAT
 * gateway per AZ, Container Insights and ECS Exec.
 */
export const TIER_PROFILES: Readonly<Record<'basic' | 'standard' | 'premium', Partial<TenantEnvironmentInput>>> = {
  basic: { nat_gateways: 1, enhanced_cluster_monitoring: false, allow_ecs_exec: false },
  standard: { nat_gateways: 1, enhanced_cluster_monitoring: true, allow_ecs_exec: false },
  premium: { nat_gateways: 2, enhanced_cluster_monitoring: true, allow_ecs_exec: true },
};
