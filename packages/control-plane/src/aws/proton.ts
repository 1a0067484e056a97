import type { ProtonClient, Tag } from '@aws-sdk/client-proton';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { DeploymentProgress, InstanceRef, InstanceStatusView, Provider } from '../provider';
import { Registry, ServiceRecord } from '../registry';

type ProtonSdk = typeof import('@aws-sdk/client-proton');

/** Said once per provider, before its first call: Proton is gone from AWS. */
export const PROTON_END_OF_SUPPORT =
  'AWS Proton reached end of support on 2026-10-07 and its API no longer answers in AWS. The proton backend is kept for ' +
  'tools and endpoints that still speak Proton\'s API; for AWS itself use the cloudformation backend.';

/** The instance spec field a release changes, per service template. */
export const PROTON_RELEASE_FIELD: Readonly<Record<ServiceRecord['template'], string>> = {
  'fargate-service': 'image',
  'serverless-service': 'lambda_artifact_key',
};

/** The tag the old system ordered its waves by, kept as it was. */
export const WAVE_TAG = 'deployment_wave_number';

export interface ProtonProviderOptions {
  readonly client: ProtonClient;
  /** Receives PROTON_END_OF_SUPPORT, once (the CLI prints it on stderr). */
  readonly onNotice?: (message: string) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly pollMs?: number;
}

/**
 * The provider interface on AWS Proton's API, for compatibility: environments from the
 * registered `env-template`, service instances from the service's template with their
 * `deployment_wave_number` tag, releases as `UpdateServiceInstance` with `CURRENT_VERSION` and
 * the new image (or code key) in the instance spec. Instance names are tenant ids.
 */
export class ProtonProvider implements Provider {
  private noticed = false;
  private sdkPromise?: Promise<ProtonSdk>;

  constructor(
    private readonly registry: Registry,
    private readonly options: ProtonProviderOptions,
  ) {}

  async provisionEnvironment(name: string) {
    const { CreateEnvironmentCommand, UpdateEnvironmentCommand } = await this.sdk();
    const env = await this.registry.getEnvironment(name);
    const spec = toYaml({ proton: 'EnvironmentSpec', spec: env?.inputs ?? {} });
    const major = (env?.templateVersion ?? '1').split('.')[0];
    try {
      const r = await this.options.client.send(new CreateEnvironmentCommand({ name, templateName: 'env-template', templateMajorVersion: major, spec }));
      return { location: r.environment?.arn ?? name };
    } catch (e) {
      if ((e as Error).name !== 'ConflictException') throw e;
      const r = await this.options.client.send(new UpdateEnvironmentCommand({ name, deploymentType: 'CURRENT_VERSION', spec }));
      return { location: r.environment?.arn ?? name };
    }
  }

  async deprovisionEnvironment(name: string) {
    const { DeleteEnvironmentCommand } = await this.sdk();
    await this.options.client.send(new DeleteEnvironmentCommand({ name }));
  }

  async provisionInstance(service: string, tenantId: string) {
    const { CreateServiceInstanceCommand } = await this.sdk();
    const tenant = await this.registry.getTenant(tenantId);
    const inst = await this.registry.getInstance(service, tenantId);
    const tags: Tag[] = [{ key: 'tenant_id', value: tenantId }];
    if (tenant?.wave !== undefined) tags.push({ key: WAVE_TAG, value: String(tenant.wave) });
    const r = await this.options.client.send(new CreateServiceInstanceCommand({
      serviceName: service, name: tenantId, spec: toYaml({ proton: 'ServiceSpec', spec: inst?.inputs ?? {} }), tags,
    }));
    return { location: r.serviceInstance?.arn ?? `${service}/${tenantId}` };
  }

  async removeInstance() {
    // Proton deletes a service instance only by removing it from the service's spec: not done from here.
    throw new Error('the proton backend cannot delete a single service instance; remove it from the service spec in Proton');
  }

  async status(service: string, tenantId: string): Promise<InstanceStatusView> {
    const si = await this.instance(service, tenantId);
    if (!si) return { state: 'NOT_DEPLOYED' };
    return { state: si.deploymentStatus === 'SUCCEEDED' ? 'RUNNING' : 'STOPPED', version: await this.specVersion(service, si.spec) };
  }

  /** The service's instances, with their waves from the `deployment_wave_number` tag, as the old system read them. */
  async listInstances(service: string): Promise<InstanceRef[]> {
    const { ListServiceInstancesCommand, ListTagsForResourceCommand } = await this.sdk();
    const out: InstanceRef[] = [];
    let nextToken: string | undefined;
    do {
      const page = await this.options.client.send(new ListServiceInstancesCommand({ serviceName: service, nextToken }));
      for (const si of page.serviceInstances ?? []) {
        const tags = (await this.options.client.send(new ListTagsForResourceCommand({ resourceArn: si.arn }))).tags ?? [];
        const wave = tags.find((t) => t.key === WAVE_TAG)?.value;
        out.push({ name: si.name!, wave: wave !== undefined && /^\d+$/.test(wave) ? Number(wave) : undefined });
      }
      nextToken = page.nextToken;
    } while (nextToken);
    return out;
  }

  async currentVersion(service: string, tenantId: string): Promise<string | undefined> {
    return this.specVersion(service, (await this.instance(service, tenantId))?.spec);
  }

  /** Start-or-look: `UpdateServiceInstance` (CURRENT_VERSION, new spec), or where the started one is. */
  async deploy(service: string, tenantId: string, target: string): Promise<DeploymentProgress> {
    const si = await this.instance(service, tenantId);
    if (!si) return { state: 'FAILED', reason: `Proton has no service instance ${tenantId} of ${service}` };
    const version = await this.specVersion(service, si.spec);
    const status = si.deploymentStatus ?? '';
    if (/IN_PROGRESS|CANCELLING/.test(status)) return version === target ? { state: 'PENDING' } : { state: 'FAILED', reason: `instance busy (${status})` };
    if (version === target) {
      if (status === 'SUCCEEDED') return { state: 'DONE' };
      return { state: 'FAILED', reason: `Proton deployment ${status}: ${si.deploymentStatusMessage ?? 'no message'}` };
    }
    const { UpdateServiceInstanceCommand } = await this.sdk();
    await this.options.client.send(new UpdateServiceInstanceCommand({
      serviceName: service, name: tenantId, deploymentType: 'CURRENT_VERSION', spec: await this.withVersion(service, si.spec, target),
    }));
    return { state: 'PENDING' };
  }

  async healthCheck(service: string, tenantId: string) {
    const si = await this.instance(service, tenantId);
    return si?.deploymentStatus === 'SUCCEEDED' ? { healthy: true } : { healthy: false, reason: `deployment ${si?.deploymentStatus ?? 'missing'}` };
  }

  async rollback(service: string, tenantId: string, version: string): Promise<DeploymentProgress> {
    for (;;) {
      const progress = await this.deploy(service, tenantId, version);
      if (progress.state !== 'PENDING') return progress;
      await (this.options.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms))))(this.options.pollMs ?? 5000);
    }
  }

  private async sdk(): Promise<ProtonSdk> {
    if (!this.noticed) {
      this.noticed = true;
      this.options.onNotice?.(PROTON_END_OF_SUPPORT);
    }
    this.sdkPromise ??= import('@aws-sdk/client-proton');
    return this.sdkPromise;
  }

  private async instance(service: string, tenantId: string) {
    const { GetServiceInstanceCommand } = await this.sdk();
    try {
      return (await this.options.client.send(new GetServiceInstanceCommand({ serviceName: service, name: tenantId }))).serviceInstance;
    } catch (e) {
      if ((e as Error).name === 'ResourceNotFoundException') return undefined;
      throw e;
    }
  }

  private async field(service: string): Promise<string> {
    const svc = await this.registry.getService(service);
    return PROTON_RELEASE_FIELD[svc?.template ?? 'fargate-service'];
  }

  /** The release field of an instance spec (`spec:` of a ServiceSpec document, or the document itself). */
  private async specVersion(service: string, spec: string | undefined): Promise<string | undefined> {
    if (!spec) return undefined;
    const doc = (parseYaml(spec) ?? {}) as Record<string, any>;
    const value = (doc.spec ?? doc)[await this.field(service)];
    return value === undefined ? undefined : String(value);
  }

  private async withVersion(service: string, spec: string | undefined, target: string): Promise<string> {
    const doc = (spec ? parseYaml(spec) : undefined) ?? { proton: 'ServiceSpec', spec: {} };
    const holder = doc.spec ?? doc;
    holder[await this.field(service)] = target;
    return toYaml(doc);
  }
}
