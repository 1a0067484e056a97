/**
 * The control plane's operations on the registry: services, tenant onboarding and offboarding,
 * waves, views of tenants and rollouts, the deployment history, approvals and single-instance
 * rollback. Every operation validates all of its input (and renders every template) before it
 * writes anything; its writes are one transaction.
 */
import { UserError, ValidationError } from './errors';
import { LocalProvider } from './local/provider';
import { Provider } from './provider';
import {
  AwsTarget, EnvironmentRecord, HistoryEntry, InstanceRecord, parseServiceName, parseTenantId, parseWave, Registry, RegistryWrite,
  ServiceRecord, TenantRecord,
} from './registry';
import { InstanceResult, isActive, RolloutRecord, RolloutStatus, RolloutStore } from './rollouts';
import { coerceInputs, Inputs } from './schema';
import { EnvironmentSpec, ServiceSpec } from './spec';
import { loadTemplate, parseTemplateName, pipelineInputs, templateInputs, TemplateName } from './templates';
import { DEFAULT_PLACEMENT, Placement, Tier } from './tiers';

export type Store = Registry & RolloutStore;

/** `tenant list --json`: one tenant. */
export interface TenantView {
  readonly tenantId: string;
  readonly tier: Tier;
  readonly placement: Placement;
  readonly wave: number | null;
  readonly environment: { readonly name: string; readonly status: string };
  readonly instances: readonly { service: string; version: string | null; status: string; url: string | null }[];
}

/** `tenant rollout --json`: a rollout, wave by wave, tenant by tenant. */
export interface RolloutView {
  readonly rolloutId: string;
  readonly service: string;
  readonly version: string;
  readonly status: RolloutStatus;
  readonly reason: string | null;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly waitingWave: number | null;
  readonly waves: readonly {
    readonly wave: number;
    readonly status: string;
    readonly tenants: readonly {
      tenantId: string;
      status: string;
      fromVersion: string | null;
      toVersion: string;
      startedAt: string | null;
      finishedAt: string | null;
      reason: string | null;
    }[];
  }[];
}

export interface OnboardRequest {
  readonly tenantId: string;
  readonly tier: Tier;
  /** A whole number ≥ 1 (as typed, or a number). */
  readonly wave?: number | string;
  readonly placement?: Placement;
  /** `--set key=value` environment inputs. */
  readonly sets?: readonly string[];
  readonly spec?: EnvironmentSpec;
  /** The tenant's own AWS account and region (AWS backend): its stacks go there, through an assumed role. */
  readonly target?: AwsTarget;
}

export interface CreateServiceRequest {
  readonly name: string;
  readonly template: string;
  readonly spec?: ServiceSpec;
}

export interface Outcome<T> {
  /** False when the request matched what exists: nothing was done. */
  readonly changed: boolean;
  readonly value: T;
  readonly notes: readonly string[];
}

/** What `tenant rollback <service> <tenantId>` did. */
export interface InstanceRollback {
  readonly rolloutId: string;
  readonly from: string;
  readonly to: string;
  readonly ok: boolean;
  readonly reason?: string;
}

export const DEFAULT_SERVE_PORT = 8080;

const now = () => new Date().toISOString();
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort()) : x));

export function environmentName(tenantId: string, tier: Tier, placement: Placement): string {
  return placement === 'pool' ? `pool-${tier}` : `${tenantId}-env`;
}

/** Instance inputs the local backend fills in where AWS would use the environment's outputs. */
function defaultInstanceInputs(template: TemplateName, tenantId: string): Record<string, unknown> {
  return template === 'serverless-service' ? { lambda_artifact_bucket: `${tenantId.toLowerCase()}-artifacts` } : {};
}

export class ControlPlane {
  constructor(
    readonly store: Store,
    readonly provider: Provider,
  ) {}

  // ---- services ----

  async createService(req: CreateServiceRequest): Promise<Outcome<ServiceRecord>> {
    const name = parseServiceName(req.name);
    const templateName = parseTemplateName(req.template);
    if (templateName === 'env-template') {
      throw new UserError('E_NOT_A_SERVICE', 'env-template is an environment template; a service uses fargate-service or serverless-service');
    }
    const template = await loadTemplate(templateName);
    const pipeline = pipelineInputs(template, req.spec?.pipeline ?? {});
    const totalWaves = req.spec?.totalWaves;
    const existing = await this.store.getService(name);
    if (existing) {
      if (existing.template !== templateName) {
        throw new UserError(
          'E_SERVICE_EXISTS',
          `service ${name} already exists with template ${existing.template}, not ${templateName}; choose another name for a ${templateName} service`,
        );
      }
      if (canonical(existing.pipeline) === canonical(pipeline) && existing.totalWaves === totalWaves && !req.spec?.instances.length) {
        return { changed: false, value: existing, notes: [`service ${name} already exists with these settings; nothing changed`] };
      }
    }
    const tenants = await this.store.listTenants();
    if (totalWaves !== undefined) {
      const beyond = tenants.filter((t) => t.wave !== undefined && t.wave > totalWaves);
      if (beyond.length) {
        throw new UserError(
          'E_WAVE_BEYOND_TOTAL',
          `pipeline.totalwaves is ${totalWaves}, but ${beyond.map((t) => `${t.tenantId} is in wave ${t.wave}`).join(', ')}; ` +
            'raise totalwaves or move those tenants first (tenant set-wave)',
        );
      }
    }
    // Instances: every tenant gets one; a ServiceSpec's instances give inputs to the tenants they name.
    const notes: string[] = [];
    const specFor = new Map<string, Record<string, unknown>>();
    for (const inst of req.spec?.instances ?? []) {
      const t = tenants.find((x) => x.environment === inst.environment || x.tenantId === inst.environment || inst.name === x.tenantId || inst.name.startsWith(`${x.tenantId}-`));
      if (!t) {
        notes.push(`instance ${inst.name} (environment ${inst.environment}) names no onboarded tenant: skipped; onboard the tenant, then run this again`);
        continue;
      }
      specFor.set(t.tenantId, inst.spec);
    }
    const record: ServiceRecord = {
      name, template: templateName, templateVersion: template.version, pipeline, totalWaves, createdAt: existing?.createdAt ?? now(),
    };
    const writes: RegistryWrite[] = [{ putService: record }];
    const pending: { tenant: TenantRecord; inputs: Inputs }[] = [];
    for (const t of tenants) {
      const current = await this.store.getInstance(name, t.tenantId);
      if (current && !specFor.has(t.tenantId)) continue;
      const inputs = this.instanceInputs(template, t, { ...(current?.inputs ?? {}), ...(specFor.get(t.tenantId) ?? {}) });
      pending.push({ tenant: t, inputs });
    }
    for (const { tenant, inputs } of pending) {
      const envOutputs = (await this.store.getEnvironment(tenant.environment))?.outputs;
      const rendered = await template.render(inputs, { tenantId: tenant.tenantId, service: name, parameters: environmentParameters(envOutputs) });
      const { location } = await this.provider.provisionInstance(name, tenant.tenantId, rendered);
      const current = await this.store.getInstance(name, tenant.tenantId);
      writes.push({ putInstance: { ...(current ?? {}), service: name, tenantId: tenant.tenantId, inputs, location, updatedAt: now() } });
      notes.push(`instance ${name}/${tenant.tenantId} rendered (${location})`);
    }
    await this.store.write(...writes);
    return { changed: true, value: record, notes };
  }

  async requireService(name: string): Promise<ServiceRecord> {
    const svc = await this.store.getService(parseServiceName(name));
    if (!svc) {
      const known = (await this.store.listServices()).map((s) => s.name);
      throw new UserError('E_UNKNOWN_SERVICE', `unknown service "${name}"; ${known.length ? `known: ${known.join(', ')}` : 'create one with: tenant service create <name> --template fargate-service'}`);
    }
    return svc;
  }

  // ---- tenants ----

  async onboard(req: OnboardRequest): Promise<Outcome<TenantRecord>> {
    const tenantId = parseTenantId(req.tenantId);
    const placement = req.placement ?? DEFAULT_PLACEMENT[req.tier];
    const wave = req.wave === undefined ? undefined : parseWave(req.wave);
    const envTemplate = await loadTemplate('env-template');
    const fromSets = coerceInputs(envTemplate.schema, envTemplate.inputType, [...(req.sets ?? [])]);
    const explicit: Record<string, unknown> = { ...(req.spec?.spec ?? {}), ...fromSets };
    if (explicit.tenantId !== undefined && explicit.tenantId !== tenantId) {
      throw new ValidationError('environment inputs', [{ path: 'spec.tenantId', message: `is ${JSON.stringify(explicit.tenantId)}, but the tenant being onboarded is ${tenantId}` }]);
    }
    delete explicit.tenantId;
    if (placement === 'pool' && Object.keys(explicit).length) {
      throw new UserError(
        'E_POOL_INPUTS',
        `${tenantId} is a pool tenant: it shares the ${req.tier} pool environment, so environment inputs (${Object.keys(explicit).join(', ')}) ` +
          'cannot be set per tenant; drop --set/--spec, or onboard it with --placement silo',
      );
    }
    const services = await this.store.listServices();
    if (wave !== undefined) this.checkWaveAgainst(services, tenantId, wave);
    if (req.target) {
      if (!/^\d{12}$/.test(req.target.account)) throw new UserError('E_ACCOUNT', `--account must be a 12-digit AWS account id, got ${JSON.stringify(req.target.account)}`);
      if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(req.target.region)) throw new UserError('E_REGION', `--region must be an AWS region such as eu-west-1, got ${JSON.stringify(req.target.region)}`);
      if (placement === 'pool') throw new UserError('E_POOL_ACCOUNT', `${tenantId} is a pool tenant: pool environments live in the control plane's account; onboard it with --placement silo to give it its own account`);
    }
    const existing = await this.store.getTenant(tenantId);
    if (existing) {
      const same = existing.tier === req.tier && existing.placement === placement && existing.wave === wave
        && canonical(existing.inputs) === canonical(explicit) && canonical(existing.target ?? null) === canonical(req.target ?? null);
      if (same) return { changed: false, value: existing, notes: [`tenant ${tenantId} is already onboarded with these settings; nothing changed`] };
      const diffs = [
        existing.tier !== req.tier ? `tier ${existing.tier}, not ${req.tier}` : '',
        existing.placement !== placement ? `placement ${existing.placement}, not ${placement}` : '',
        existing.wave !== wave ? `wave ${existing.wave ?? 'none'}, not ${wave ?? 'none'}` : '',
        canonical(existing.inputs) !== canonical(explicit) ? `environment inputs ${canonical(existing.inputs)}, not ${canonical(explicit)}` : '',
        canonical(existing.target ?? null) !== canonical(req.target ?? null) ? `account ${existing.target?.account ?? 'the control plane\'s'}, not ${req.target?.account ?? 'the control plane\'s'}` : '',
      ].filter(Boolean);
      throw new UserError(
        'E_TENANT_EXISTS',
        `tenant ${tenantId} already exists with different settings (${diffs.join('; ')}); ` +
          'change its wave with `tenant set-wave`, or offboard it first (`tenant offboard --yes`)',
      );
    }

    // Validate and render everything first; write only when all of it worked.
    const envName = environmentName(tenantId, req.tier, placement);
    const writes: RegistryWrite[] = [];
    const notes: string[] = [];
    const currentEnv = await this.store.getEnvironment(envName);
    if (!currentEnv) {
      const envInputs = templateInputs(envTemplate, {
        service_discovery_namespace: `${(placement === 'pool' ? envName : tenantId).toLowerCase()}.tenants.local`,
        ...explicit,
        tenantId: placement === 'pool' ? envName : tenantId,
      }, { tier: req.tier });
      const rendered = await envTemplate.render(envInputs, { tenantId: String(envInputs.tenantId), service: 'environment' });
      const { location, outputs } = await this.provider.provisionEnvironment(envName, rendered, { target: req.target });
      const env: EnvironmentRecord = {
        name: envName, tier: req.tier, placement, templateVersion: envTemplate.version, inputs: envInputs, status: 'PROVISIONED', location, outputs, updatedAt: now(),
      };
      writes.push({ putEnvironment: env });
      notes.push(`environment ${envName} rendered (${location})`);
    } else {
      notes.push(`environment ${envName} is shared with the other ${req.tier} pool tenants`);
    }
    const envOutputs = (writes.find((w) => 'putEnvironment' in w) as { putEnvironment: EnvironmentRecord } | undefined)?.putEnvironment.outputs ?? currentEnv?.outputs;
    const tenant: TenantRecord = {
      tenantId,
      tier: req.tier,
      placement,
      wave,
      environment: envName,
      inputs: explicit,
      createdAt: now(),
      ...(req.target ? { target: req.target } : {}),
    };
    writes.push({ putTenant: tenant });
    for (const svc of services) {
      const template = await loadTemplate(svc.template);
      const inputs = this.instanceInputs(template, tenant, {});
      const rendered = await template.render(inputs, { tenantId, service: svc.name, parameters: environmentParameters(envOutputs) });
      const { location } = await this.provider.provisionInstance(svc.name, tenantId, rendered, { target: req.target });
      writes.push({ putInstance: { service: svc.name, tenantId, inputs, location, updatedAt: now() } });
      notes.push(`instance ${svc.name}/${tenantId} rendered (${location})`);
    }
    await this.store.write(...writes);
    return { changed: true, value: tenant, notes };
  }

  async requireTenant(tenantId: string): Promise<TenantRecord> {
    const t = await this.store.getTenant(parseTenantId(tenantId));
    if (!t) {
      const known = (await this.store.listTenants()).map((x) => x.tenantId);
      throw new UserError('E_UNKNOWN_TENANT', `unknown tenant "${tenantId}"; ${known.length ? `onboarded: ${known.join(', ')}` : 'onboard one with: tenant onboard <tenantId> --tier basic'}`);
    }
    return t;
  }

  async offboard(tenantId: string): Promise<Outcome<TenantRecord>> {
    const tenant = await this.requireTenant(tenantId);
    const instances = await this.store.listInstances({ tenantId: tenant.tenantId });
    for (const inst of instances) {
      const running = await this.runningRolloutWith(inst.service, tenant.tenantId);
      if (running) {
        throw new UserError('E_ROLLOUT_RUNNING', `rollout ${running} of ${inst.service} includes ${tenant.tenantId} and is still running; let it finish or reject it first`);
      }
    }
    const notes: string[] = [];
    const writes: RegistryWrite[] = instances.map((i) => ({ deleteInstance: { service: i.service, tenantId: i.tenantId } }));
    writes.push({ deleteTenant: tenant.tenantId });
    const sharing = (await this.store.listTenants()).filter((t) => t.environment === tenant.environment && t.tenantId !== tenant.tenantId);
    for (const inst of instances) {
      await this.provider.removeInstance(inst.service, inst.tenantId);
      notes.push(`instance ${inst.service}/${inst.tenantId} stopped and removed`);
    }
    if (sharing.length === 0) {
      await this.provider.deprovisionEnvironment(tenant.environment);
      writes.push({ deleteEnvironment: tenant.environment });
      notes.push(`environment ${tenant.environment} removed`);
    } else {
      notes.push(`environment ${tenant.environment} stays: ${sharing.map((t) => t.tenantId).join(', ')} still use it`);
    }
    await this.store.write(...writes);
    notes.push('its deployment history stays in the ledger (tenant history)');
    return { changed: true, value: tenant, notes };
  }

  async setWave(tenantId: string, waveText: string | number): Promise<Outcome<TenantRecord>> {
    const tenant = await this.requireTenant(tenantId);
    const wave = parseWave(waveText, 'the wave');
    this.checkWaveAgainst(await this.store.listServices(), tenant.tenantId, wave);
    if (tenant.wave === wave) return { changed: false, value: tenant, notes: [`${tenant.tenantId} is already in wave ${wave}; nothing changed`] };
    const next = { ...tenant, wave };
    await this.store.write({ putTenant: next });
    return { changed: true, value: next, notes: [`${tenant.tenantId}: wave ${tenant.wave ?? 'none'} → ${wave}; rollouts already running keep the plan they started with`] };
  }

  // ---- views ----

  async servePort(): Promise<number> {
    return Number((await this.store.getSetting('serve.port')) ?? DEFAULT_SERVE_PORT);
  }

  async tenantViews(): Promise<TenantView[]> {
    const port = await this.servePort();
    const envs = new Map((await this.store.listEnvironments()).map((e) => [e.name, e]));
    const views: TenantView[] = [];
    for (const t of await this.store.listTenants()) {
      const instances = [];
      for (const i of await this.store.listInstances({ tenantId: t.tenantId })) {
        const status = await this.provider.status(i.service, i.tenantId);
        instances.push({
          service: i.service,
          version: i.version ?? null,
          status: status.state,
          // Locally `tenant serve` is the front door; on AWS, the instance's own endpoint (a stack output).
          url: i.version ? (this.provider instanceof LocalProvider ? `http://127.0.0.1:${port}/${t.tenantId}/${i.service}/` : status.endpoint ?? null) : null,
        });
      }
      views.push({
        tenantId: t.tenantId,
        tier: t.tier,
        placement: t.placement,
        wave: t.wave ?? null,
        environment: { name: t.environment, status: envs.get(t.environment)?.status ?? 'MISSING' },
        instances,
      });
    }
    return views;
  }

  async tenantDetail(tenantId: string) {
    const t = await this.requireTenant(tenantId);
    const view = (await this.tenantViews()).find((v) => v.tenantId === t.tenantId)!;
    const env = await this.store.getEnvironment(t.environment);
    const instances: (InstanceRecord & { endpoint: string | null })[] = [];
    for (const i of await this.store.listInstances({ tenantId: t.tenantId })) {
      instances.push({ ...i, endpoint: (await this.provider.status(i.service, i.tenantId)).endpoint ?? null });
    }
    return { ...view, environmentDetail: env, inputs: t.inputs, createdAt: t.createdAt, instanceDetail: instances };
  }

  async history(tenantId: string, service?: string): Promise<HistoryEntry[]> {
    const t = await this.requireTenant(tenantId).catch(async (e) => {
      // Offboarded tenants keep their history.
      if ((await this.store.history(tenantId, service)).length) return undefined;
      throw e;
    });
    if (service !== undefined) await this.requireService(service);
    return this.store.history(t?.tenantId ?? tenantId, service);
  }

  async rolloutView(rolloutId: string): Promise<RolloutView> {
    const r = await this.requireRollout(rolloutId);
    const rows = new Map((await this.store.results(r.rolloutId)).map((x) => [x.instance, x]));
    const waves = (r.plan?.waves ?? []).map((w) => {
      const tenants = w.instances.map((name) => {
        const row = rows.get(name);
        return {
          tenantId: name,
          status: row?.status ?? 'PENDING',
          fromVersion: row?.fromVersion ?? null,
          toVersion: row?.toVersion ?? r.target,
          startedAt: row?.startedAt ?? null,
          finishedAt: row?.finishedAt ?? null,
          reason: row?.reason ?? null,
        };
      });
      return { wave: w.wave, status: waveStatus(r, w.wave, tenants.map((t) => rows.get(t.tenantId))), tenants };
    });
    return {
      rolloutId: r.rolloutId,
      service: r.service,
      version: r.target,
      status: r.status,
      reason: r.reason ?? null,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt ?? null,
      waitingWave: r.waitingWave ?? null,
      waves,
    };
  }

  async requireRollout(rolloutId: string): Promise<RolloutRecord> {
    const r = rolloutId ? await this.store.getRollout(rolloutId) : undefined;
    if (!r) {
      const recent = (await this.store.listRollouts()).slice(0, 3).map((x) => x.rolloutId);
      throw new UserError('E_UNKNOWN_ROLLOUT', `unknown rollout "${rolloutId}"; ${recent.length ? `recent: ${recent.join(', ')} (tenant rollouts lists them all)` : 'no rollout has run yet'}`);
    }
    return r;
  }

  // ---- approvals ----

  async approve(rolloutId: string): Promise<RolloutRecord> {
    const r = await this.assertWaiting(rolloutId, 'approve');
    await this.store.decide(r.rolloutId, r.waitingWave!, 'APPROVED');
    return r;
  }

  async reject(rolloutId: string, rollback: boolean): Promise<RolloutRecord> {
    const r = await this.assertWaiting(rolloutId, 'reject');
    await this.store.decide(r.rolloutId, r.waitingWave!, 'REJECTED', { rollback });
    return r;
  }

  // ---- one instance back to its previous version ----

  async rollbackInstance(serviceName: string, tenantId: string): Promise<InstanceRollback> {
    const svc = await this.requireService(serviceName);
    const tenant = await this.requireTenant(tenantId);
    const inst = await this.store.getInstance(svc.name, tenant.tenantId);
    if (!inst?.version) throw new UserError('E_NOTHING_TO_ROLL_BACK', `${svc.name} has never been deployed to ${tenant.tenantId}; nothing to roll back`);
    if (!inst.previousVersion) {
      throw new UserError('E_NOTHING_TO_ROLL_BACK', `${svc.name} on ${tenant.tenantId} runs ${inst.version}, its first version; there is no previous version to go back to`);
    }
    const rolloutId = newRolloutId(`rollback-${svc.name}`);
    if (!(await this.store.acquireLock(svc.name, rolloutId))) {
      throw new UserError('E_ROLLOUT_RUNNING', `rollout ${await this.store.lockHolder(svc.name)} of ${svc.name} is running; roll back after it ends (or reject it with --rollback)`);
    }
    const wave = tenant.wave ?? 1;
    const base: RolloutRecord = {
      rolloutId,
      service: svc.name,
      target: inst.previousVersion,
      status: 'RUNNING',
      startedAt: now(),
      plan: { waves: [{ wave, instances: [tenant.tenantId] }], defaulted: [], defaultWave: wave },
    };
    await this.store.putRollout(base);
    const row: InstanceResult = { instance: tenant.tenantId, wave, status: 'IN_PROGRESS', fromVersion: inst.version, toVersion: inst.previousVersion, startedAt: now() };
    await this.store.putResult(rolloutId, row);
    try {
      const progress = await this.provider.rollback(svc.name, tenant.tenantId, inst.previousVersion);
      const ok = progress.state === 'DONE';
      await this.store.putResult(rolloutId, { ...row, status: ok ? 'ROLLED_BACK' : 'FAILED', reason: progress.reason, finishedAt: now() });
      await this.store.putRollout({ ...base, status: ok ? 'ROLLED_BACK' : 'FAILED', reason: ok ? `manual rollback of ${tenant.tenantId}` : progress.reason, finishedAt: now() });
      return { rolloutId, from: inst.version, to: inst.previousVersion, ok, reason: progress.reason };
    } finally {
      await this.store.releaseLock(svc.name, rolloutId);
    }
  }

  /** The running rollout of `service` whose plan includes `tenantId`, if any. */
  private async runningRolloutWith(service: string, tenantId: string): Promise<string | undefined> {
    const holder = await this.store.lockHolder(service);
    if (!holder) return undefined;
    const r = await this.store.getRollout(holder);
    if (!r || !isActive(r.status)) return undefined;
    return !r.plan || r.plan.waves.some((w) => w.instances.includes(tenantId)) ? holder : undefined;
  }

  /** The rollout, if it waits at a manual gate nobody has decided yet; a UserError otherwise. */
  async assertWaiting(rolloutId: string, verb: 'approve' | 'reject'): Promise<RolloutRecord> {
    const r = await this.requireRollout(rolloutId);
    if (r.status !== 'WAITING_APPROVAL' || r.waitingWave === undefined) {
      throw new UserError('E_NOT_WAITING', `rollout ${r.rolloutId} is ${r.status}, not waiting for approval; only a rollout at a manual gate can be ${verb === 'approve' ? 'approved' : 'rejected'}`);
    }
    if (await this.store.decision(r.rolloutId, r.waitingWave)) {
      throw new UserError('E_ALREADY_DECIDED', `the gate after wave ${r.waitingWave} of ${r.rolloutId} has already been decided; the rollout is moving on`);
    }
    return r;
  }

  private instanceInputs(template: Awaited<ReturnType<typeof loadTemplate>>, tenant: TenantRecord, explicit: Record<string, unknown>): Inputs {
    return templateInputs(template, { ...defaultInstanceInputs(template.name, tenant.tenantId), ...explicit }, { tier: tenant.tier, pathPrefix: `instances[${tenant.tenantId}].spec.` });
  }

  private checkWaveAgainst(services: readonly ServiceRecord[], tenantId: string, wave: number) {
    const limited = services.filter((s) => s.totalWaves !== undefined && wave > s.totalWaves);
    if (limited.length) {
      throw new UserError(
        'E_WAVE_BEYOND_TOTAL',
        `wave ${wave} for ${tenantId} is beyond ${limited.map((s) => `${s.name}'s pipeline.totalwaves (${s.totalWaves})`).join(', ')}; ` +
          'choose a wave within it, or raise totalwaves with tenant service create <name> --spec FILE',
      );
    }
  }
}

function waveStatus(r: RolloutRecord, wave: number, rows: (InstanceResult | undefined)[]): string {
  if (r.waitingWave === wave && r.status === 'WAITING_APPROVAL') return 'WAITING_APPROVAL';
  if (rows.some((x) => x?.status === 'IN_PROGRESS')) return 'RUNNING';
  if (rows.some((x) => x?.status === 'ROLLED_BACK')) return 'ROLLED_BACK';
  if (rows.some((x) => x?.status === 'FAILED')) return 'FAILED';
  if (rows.length && rows.every((x) => x?.status === 'SUCCEEDED')) return 'SUCCEEDED';
  if (rows.some((x) => x !== undefined && x.status !== 'PENDING')) return isActive(r.status) ? 'RUNNING' : r.status;
  return 'PENDING';
}

/**
 * The environment's outputs an instance takes as parameter values (VPCId, subnets, cluster, …).
 * TenantId is the instance's own: a pool environment's is the pool's.
 */
function environmentParameters(outputs: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const { TenantId: _pool, ...rest } = outputs ?? {};
  return rest;
}

/** A rollout id users can type: `<prefix>-<utc yyyymmddhhmmss>-<4 hex>`. */
export function newRolloutId(prefix: string): string {
  const stamp = new Date().toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const rand = Math.floor(Math.random() * 0x10000).toString(16).padStart(4, '0');
  return `${prefix}-${stamp}-${rand}`;
}
