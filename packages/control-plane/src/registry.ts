/**
 * The registry: tenants, their environments, services and service instances — what exists and
 * what each instance runs. Stored next to the rollout ledger (SQLite on the local backend,
 * DynamoDB on AWS); writes that belong together go through `write()` as one transaction.
 */
import { UserError } from './errors';
import { Inputs } from './schema';
import { TemplateName } from './templates';
import { Placement, Tier } from './tiers';

export interface TenantRecord {
  readonly tenantId: string;
  readonly tier: Tier;
  readonly placement: Placement;
  /** The tenant's `deployment_wave_number`; undefined: it goes in a rollout's default (last) wave. */
  readonly wave?: number;
  /** The environment it runs in: its own (silo) or its tier's pool. */
  readonly environment: string;
  /** Where its stacks go on the AWS backend when not the control plane's own account and region. */
  readonly target?: AwsTarget;
  /** Explicit environment inputs (silo only), as given; tier profile and defaults are applied when rendering. */
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly createdAt: string;
}

/** A tenant's own AWS account and region; the provider assumes `roleName` there (default TenantWavesDeployment). */
export interface AwsTarget {
  readonly account: string;
  readonly region: string;
  readonly roleName?: string;
}

export type EnvironmentStatus = 'PROVISIONED' | 'FAILED';

export interface EnvironmentRecord {
  readonly name: string;
  readonly tier: Tier;
  readonly placement: Placement;
  readonly templateVersion: string;
  /** Validated inputs (tier profile, explicit inputs and defaults applied). */
  readonly inputs: Inputs;
  readonly status: EnvironmentStatus;
  /** Where the backend keeps what it provisioned (local: the rendered template file). */
  readonly location?: string;
  /** What the environment's stack output (VPCId, ECSClusterName, …): its instances' parameters. */
  readonly outputs?: Readonly<Record<string, string>>;
  readonly updatedAt: string;
}

export interface ServiceRecord {
  readonly name: string;
  readonly template: Exclude<TemplateName, 'env-template'>;
  readonly templateVersion: string;
  /** Validated pipeline inputs. */
  readonly pipeline: Inputs;
  /** `pipeline.totalwaves` when given explicitly: no tenant of the service may be in a later wave. */
  readonly totalWaves?: number;
  readonly createdAt: string;
}

/** What a backend knows of a running instance (local: its process; AWS: its stack). */
export interface InstanceRuntime {
  readonly version: string;
  readonly pid?: number;
  readonly port?: number;
  readonly url?: string;
  readonly startedAt: string;
}

export interface InstanceRecord {
  readonly service: string;
  readonly tenantId: string;
  /** Validated instance inputs. */
  readonly inputs: Inputs;
  /** Where the backend keeps what it provisioned (local: the rendered template file). */
  readonly location?: string;
  /** The version it runs; undefined before its first deployment. */
  readonly version?: string;
  /** The version it ran before `version`: what `tenant rollback` goes back to. */
  readonly previousVersion?: string;
  /** The serving deployment. */
  readonly runtime?: InstanceRuntime;
  /** A deployment started but not yet cut over (kept so an interrupted one is found again). */
  readonly pending?: InstanceRuntime;
  readonly updatedAt: string;
}

/** One deployment of one instance, from the ledger, with its rollout's service. */
export interface HistoryEntry {
  readonly service: string;
  readonly tenantId: string;
  readonly rolloutId: string;
  readonly fromVersion?: string;
  readonly toVersion: string;
  readonly status: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly reason?: string;
}

export type RegistryWrite =
  | { readonly putTenant: TenantRecord }
  | { readonly deleteTenant: string }
  | { readonly putEnvironment: EnvironmentRecord }
  | { readonly deleteEnvironment: string }
  | { readonly putService: ServiceRecord }
  | { readonly putInstance: InstanceRecord }
  | { readonly deleteInstance: { readonly service: string; readonly tenantId: string } };

export interface Registry {
  getTenant(tenantId: string): Promise<TenantRecord | undefined>;
  listTenants(): Promise<TenantRecord[]>;
  getEnvironment(name: string): Promise<EnvironmentRecord | undefined>;
  listEnvironments(): Promise<EnvironmentRecord[]>;
  getService(name: string): Promise<ServiceRecord | undefined>;
  listServices(): Promise<ServiceRecord[]>;
  getInstance(service: string, tenantId: string): Promise<InstanceRecord | undefined>;
  listInstances(filter?: { service?: string; tenantId?: string }): Promise<InstanceRecord[]>;
  /** Applies every write, or none. */
  write(...writes: RegistryWrite[]): Promise<void>;
  /** The deployment ledger of a tenant's instances, oldest first. */
  history(tenantId: string, service?: string): Promise<HistoryEntry[]>;
  getSetting(key: string): Promise<string | undefined>;
  setSetting(key: string, value: string): Promise<void>;
}

const TENANT_ID = /^[A-Za-z][A-Za-z0-9-]{0,47}$/;
const SERVICE_NAME = /^[a-z][a-z0-9-]{0,39}$/;
const VERSION_LABEL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Tenant ids become stack names, tags and URL paths: a letter, then letters, digits and dashes (≤ 48). */
export function parseTenantId(value: string | undefined): string {
  if (value === undefined || value === '') throw new UserError('E_USAGE', 'which tenant? Give a tenant id, e.g. tenantA');
  if (!TENANT_ID.test(value)) {
    throw new UserError('E_TENANT_ID', `invalid tenant id "${value}": start with a letter, then letters, digits or "-" (at most 48)`);
  }
  return value;
}

export function parseServiceName(value: string | undefined): string {
  if (value === undefined || value === '') throw new UserError('E_USAGE', 'which service? Give a service name, e.g. saas-web');
  if (!SERVICE_NAME.test(value)) {
    throw new UserError('E_SERVICE_NAME', `invalid service name "${value}": lower-case letters, digits and "-", starting with a letter (at most 40)`);
  }
  return value;
}

export function parseVersionLabel(value: string | undefined): string {
  if (value === undefined || value === '') throw new UserError('E_USAGE', 'which version? Give --version LABEL, e.g. --version v2');
  if (!VERSION_LABEL.test(value)) {
    throw new UserError('E_VERSION_LABEL', `invalid version "${value}": letters, digits, ".", "_" and "-" (at most 64), e.g. v2 or 1.4.0`);
  }
  return value;
}

/** A wave number: a whole number ≥ 1. */
export function parseWave(value: string | number | undefined, what = '--wave'): number {
  const n = typeof value === 'number' ? value : value !== undefined && /^-?\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1) {
    throw new UserError('E_WAVE', `${what} must be a whole number of 1 or more, got ${JSON.stringify(value)}`);
  }
  return n;
}
