import type { CloudFormationClient, Parameter, Stack } from '@aws-sdk/client-cloudformation';
import { DeploymentProgress, InstanceRef, InstanceStatusView, Provider, ProvisionOptions, registryInstances } from '../provider';
import { AwsTarget, Registry, ServiceRecord } from '../registry';

type Cfn = typeof import('@aws-sdk/client-cloudformation');

/** The parameter a release changes, per service template: the image, or the code's S3 key. */
export const RELEASE_PARAMETER: Readonly<Record<ServiceRecord['template'], string>> = {
  'fargate-service': 'Image',
  'serverless-service': 'ArtifactKey',
};

/** The role the provider assumes in a tenant's own account unless the tenant names another. */
export const DEFAULT_DEPLOYMENT_ROLE = 'TenantWavesDeployment';

export interface CloudFormationProviderOptions {
  /** Prefix of every stack name (default `tw`): `<prefix>-env-<environment>`, `<prefix>-<service>-<tenantId>`. */
  readonly prefix?: string;
  /** The client for a tenant's account and region (default: assume its role with STS; the default chain otherwise). */
  readonly clientFor?: (target: AwsTarget | undefined, tenantId: string | undefined) => Promise<CloudFormationClient>;
  /** Waits between polls (tests pass a fake). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** First poll interval (ms, default 2000); doubles up to `maxPollMs` (default 30000). */
  readonly pollMs?: number;
  readonly maxPollMs?: number;
  /** Attempts for a throttled call (default 5), with exponential backoff. */
  readonly attempts?: number;
  /**
   * The CloudFormation service role tenant stacks in this account are changed with (`RoleARN`):
   * then the provider's own credentials need only `iam:PassRole` on it, not the stacks' resources.
   * Stacks in a tenant's own account use the role assumed there.
   */
  readonly roleArn?: string;
}

/** A stack operation that failed, with the stack events that explain it. */
export class StackFailedError extends Error {
  constructor(
    readonly stackName: string,
    readonly status: string,
    readonly events: readonly { resource: string; status: string; reason: string }[],
  ) {
    super(`stack ${stackName} ended ${status}${events.length ? `: ${events.map((e) => `${e.resource} ${e.status}: ${e.reason}`).join('; ')}` : ''}`);
    this.name = 'StackFailed';
  }
}

const THROTTLING = new Set(['Throttling', 'ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded']);
const NO_CHANGES = /didn't contain changes|No updates are to be performed/i;

const isInProgress = (status: string | undefined) => Boolean(status?.endsWith('_IN_PROGRESS'));
const isFailed = (status: string | undefined) => Boolean(status && (/FAILED$/.test(status) || /ROLLBACK_COMPLETE$/.test(status)));

/**
 * The AWS backend's provider: one CloudFormation stack per environment and per service
 * instance, created and updated through change sets (an empty change set is a no-op), waited
 * on with backoff; a failed update reports the stack events that explain it. A release is a
 * parameter change of the instance stack (`Image` / `ArtifactKey`), started by `deploy()` and
 * looked at again by later calls, as the orchestrator polls. Tenants in other accounts are
 * reached through an assumed role.
 */
export class CloudFormationProvider implements Provider {
  /** A provider for the control plane's own stacks only (`deployStack`): it has no registry to use. */
  static stacksOnly(options: CloudFormationProviderOptions = {}): CloudFormationProvider {
    const noRegistry = new Proxy({}, {
      get: (_t, method) => () => {
        throw new Error(`this CloudFormation provider deploys control-plane stacks only; it has no registry (${String(method)})`);
      },
    }) as Registry;
    return new CloudFormationProvider(noRegistry, options);
  }

  private readonly prefix: string;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly pollMs: number;
  private readonly maxPollMs: number;
  private readonly attempts: number;
  private cfn?: Promise<Cfn>;

  constructor(
    private readonly registry: Registry,
    private readonly options: CloudFormationProviderOptions = {},
  ) {
    this.prefix = options.prefix ?? 'tw';
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.pollMs = options.pollMs ?? 2000;
    this.maxPollMs = options.maxPollMs ?? 30_000;
    this.attempts = options.attempts ?? 5;
  }

  environmentStack(name: string): string {
    return `${this.prefix}-env-${name}`;
  }

  instanceStack(service: string, tenantId: string): string {
    return `${this.prefix}-${service}-${tenantId}`;
  }

  // ---- provisioning ----

  async provisionEnvironment(name: string, template: Readonly<Record<string, unknown>>, options: ProvisionOptions = {}) {
    const tenant = (await this.registry.listTenants()).find((t) => t.environment === name);
    const target = options.target ?? tenant?.target;
    const client = await this.client(target, tenant?.tenantId);
    const stack = await this.apply(client, this.environmentStack(name), template, [], { environment: name }, this.roleFor(target));
    const outputs = Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
    return { location: stack.StackId ?? this.environmentStack(name), outputs };
  }

  async deprovisionEnvironment(name: string) {
    const tenant = (await this.registry.listTenants()).find((t) => t.environment === name);
    await this.deleteStack(await this.client(tenant?.target, tenant?.tenantId), this.environmentStack(name));
  }

  async provisionInstance(service: string, tenantId: string, template: Readonly<Record<string, unknown>>, options: ProvisionOptions = {}) {
    const tenant = await this.registry.getTenant(tenantId);
    const target = options.target ?? tenant?.target;
    const svc = await this.registry.getService(service);
    const client = await this.client(target, tenantId);
    // An update keeps the running release: its parameter stays as it is.
    const keep = svc ? [{ ParameterKey: RELEASE_PARAMETER[svc.template], UsePreviousValue: true }] : [];
    const tags = { tenant_id: tenantId, service };
    const stack = await this.apply(client, this.instanceStack(service, tenantId), template, keep, tags, this.roleFor(target));
    return { location: stack.StackId ?? this.instanceStack(service, tenantId) };
  }

  async removeInstance(service: string, tenantId: string) {
    const tenant = await this.registry.getTenant(tenantId);
    await this.deleteStack(await this.client(tenant?.target, tenantId), this.instanceStack(service, tenantId));
  }

  async status(service: string, tenantId: string): Promise<InstanceStatusView> {
    const inst = await this.registry.getInstance(service, tenantId);
    if (!inst?.version) return { state: 'NOT_DEPLOYED' };
    const { stack } = await this.instanceState(service, tenantId);
    const ok = stack && !isFailed(stack.StackStatus) && !isInProgress(stack.StackStatus);
    return { state: ok ? 'RUNNING' : 'STOPPED', version: inst.version, endpoint: stack?.Outputs?.find((o) => /Url$|Endpoint$/.test(o.OutputKey ?? ''))?.OutputValue };
  }

  /**
   * Creates or updates any stack of the control plane itself (`tenant bootstrap`): from a
   * template, or from a template already uploaded to S3 (`templateUrl`, for templates over
   * CloudFormation's 51,200-byte body limit). Returns its outputs by key.
   */
  async deployStack(name: string, source: { template?: Readonly<Record<string, unknown>>; templateUrl?: string }, tags: Record<string, string> = {}) {
    const client = await this.client(undefined, undefined);
    const stack = await this.apply(client, name, source.templateUrl ? { url: source.templateUrl } : source.template!, [], tags);
    return {
      stackId: stack.StackId ?? name,
      outputs: Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? ''])),
    };
  }

  // ---- deployments ----

  listInstances(service: string): Promise<InstanceRef[]> {
    return registryInstances(this.registry, service);
  }

  async currentVersion(service: string, tenantId: string): Promise<string | undefined> {
    return (await this.registry.getInstance(service, tenantId))?.version;
  }

  /** Start-or-look: starts the parameter update, or reports on the one under way. */
  async deploy(service: string, tenantId: string, target: string): Promise<DeploymentProgress> {
    const inst = await this.registry.getInstance(service, tenantId);
    if (!inst) return { state: 'FAILED', reason: `${service} has no instance for tenant ${tenantId}` };
    const { client, stack, parameter, name, tenant } = await this.instanceState(service, tenantId);
    if (!stack) return { state: 'FAILED', reason: `stack ${name} does not exist; provision the instance first` };
    const value = stack.Parameters?.find((p) => p.ParameterKey === parameter)?.ParameterValue;
    const started = inst.pending?.version === target;
    if (isInProgress(stack.StackStatus)) {
      return started || value === target ? { state: 'PENDING' } : { state: 'FAILED', reason: `stack ${name} is busy (${stack.StackStatus}) with another change` };
    }
    if (value === target && !isFailed(stack.StackStatus)) {
      if (inst.version !== target) {
        await this.registry.write({ putInstance: { ...inst, version: target, previousVersion: inst.version, pending: undefined, updatedAt: now() } });
      }
      return { state: 'DONE' };
    }
    if (started) {
      // It was started, and the stack is back at rest without the new value: it failed and rolled back.
      const events = await this.failureEvents(client, name, inst.pending!.startedAt);
      await this.registry.write({ putInstance: { ...inst, pending: undefined, updatedAt: now() } });
      return { state: 'FAILED', reason: new StackFailedError(name, stack.StackStatus ?? 'UNKNOWN', events).message };
    }
    const params: Parameter[] = (stack.Parameters ?? []).map((p) =>
      p.ParameterKey === parameter ? { ParameterKey: parameter, ParameterValue: target } : { ParameterKey: p.ParameterKey, UsePreviousValue: true },
    );
    const changed = await this.startChangeSet(client, name, undefined, params, 'UPDATE', {}, this.roleFor(tenant?.target));
    if (!changed) return { state: 'DONE' };
    await this.registry.write({ putInstance: { ...inst, pending: { version: target, startedAt: now() }, updatedAt: now() } });
    return { state: 'PENDING' };
  }

  async healthCheck(service: string, tenantId: string): Promise<{ healthy: boolean; reason?: string }> {
    const inst = await this.registry.getInstance(service, tenantId);
    const { stack, parameter, name } = await this.instanceState(service, tenantId);
    if (!stack) return { healthy: false, reason: `stack ${name} does not exist` };
    if (isFailed(stack.StackStatus) || isInProgress(stack.StackStatus)) return { healthy: false, reason: `stack ${name} is ${stack.StackStatus}` };
    const value = stack.Parameters?.find((p) => p.ParameterKey === parameter)?.ParameterValue;
    return value === inst?.version ? { healthy: true } : { healthy: false, reason: `stack ${name} runs ${value}, the registry says ${inst?.version}` };
  }

  /** Puts the instance back on `version` and waits until it is there. */
  async rollback(service: string, tenantId: string, version: string): Promise<DeploymentProgress> {
    let delay = this.pollMs;
    for (;;) {
      const progress = await this.deploy(service, tenantId, version);
      if (progress.state !== 'PENDING') return progress;
      await this.sleep(delay);
      delay = Math.min(delay * 2, this.maxPollMs);
    }
  }

  // ---- CloudFormation plumbing ----

  private sdk(): Promise<Cfn> {
    this.cfn ??= import('@aws-sdk/client-cloudformation');
    return this.cfn;
  }

  private async client(target: AwsTarget | undefined, tenantId: string | undefined): Promise<CloudFormationClient> {
    if (this.options.clientFor) return this.options.clientFor(target, tenantId);
    return clientFor(target, tenantId);
  }

  private async instanceState(service: string, tenantId: string) {
    const tenant = await this.registry.getTenant(tenantId);
    const svc = await this.registry.getService(service);
    const client = await this.client(tenant?.target, tenantId);
    const name = this.instanceStack(service, tenantId);
    const parameter = svc ? RELEASE_PARAMETER[svc.template] : 'Image';
    return { client, name, parameter, tenant, stack: await this.describe(client, name) };
  }

  private roleFor(target: AwsTarget | undefined): string | undefined {
    return target ? undefined : this.options.roleArn;
  }

  /** Calls `fn`, retrying throttled calls with exponential backoff. */
  private async retrying<T>(fn: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        if (!THROTTLING.has((e as Error).name) || attempt >= this.attempts) throw e;
        await this.sleep(Math.min(this.pollMs * 2 ** (attempt - 1), this.maxPollMs));
      }
    }
  }

  private async describe(client: CloudFormationClient, name: string): Promise<Stack | undefined> {
    const { DescribeStacksCommand } = await this.sdk();
    try {
      return (await this.retrying(() => client.send(new DescribeStacksCommand({ StackName: name })))).Stacks?.[0];
    } catch (e) {
      if ((e as Error).name === 'ValidationError' && /does not exist/.test((e as Error).message)) return undefined;
      throw e;
    }
  }

  /** Creates or updates a stack through a change set and waits for it; an empty change set is a no-op. */
  private async apply(
    client: CloudFormationClient, name: string, template: Readonly<Record<string, unknown>> | { url: string },
    params: Parameter[], tags: Record<string, string>, roleArn?: string,
  ): Promise<Stack> {
    const existing = await this.describe(client, name);
    const type = existing && existing.StackStatus !== 'REVIEW_IN_PROGRESS' ? 'UPDATE' : 'CREATE';
    const since = now();
    const changed = await this.startChangeSet(client, name, template, type === 'UPDATE' ? params : [], type, tags, roleArn);
    if (!changed) return existing!;
    return this.waitStack(client, name, since);
  }

  /** Creates, waits for and executes a change set; false when it has no changes (deleted). */
  private async startChangeSet(
    client: CloudFormationClient, name: string, template: Readonly<Record<string, unknown>> | { url: string } | undefined,
    params: Parameter[],
    type: 'CREATE' | 'UPDATE', tags: Record<string, string> = {}, roleArn?: string,
  ): Promise<boolean> {
    const { CreateChangeSetCommand, DescribeChangeSetCommand, ExecuteChangeSetCommand, DeleteChangeSetCommand } = await this.sdk();
    const changeSetName = `tw-${Date.now()}`;
    await this.retrying(() => client.send(new CreateChangeSetCommand({
      StackName: name,
      ChangeSetName: changeSetName,
      ChangeSetType: type,
      ...(template === undefined ? { UsePreviousTemplate: true } : 'url' in template && typeof template.url === 'string'
        ? { TemplateURL: template.url } : { TemplateBody: JSON.stringify(template) }),
      Parameters: params,
      Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
      ...(roleArn ? { RoleARN: roleArn } : {}),
      Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
    })));
    let delay = this.pollMs;
    for (;;) {
      const cs = await this.retrying(() => client.send(new DescribeChangeSetCommand({ StackName: name, ChangeSetName: changeSetName })));
      if (cs.Status === 'CREATE_COMPLETE') break;
      if (cs.Status === 'FAILED') {
        if (NO_CHANGES.test(cs.StatusReason ?? '')) {
          await this.retrying(() => client.send(new DeleteChangeSetCommand({ StackName: name, ChangeSetName: changeSetName })));
          return false;
        }
        throw new StackFailedError(name, `change set ${changeSetName} FAILED`, [{ resource: name, status: 'FAILED', reason: cs.StatusReason ?? 'no reason given' }]);
      }
      await this.sleep(delay);
      delay = Math.min(delay * 2, this.maxPollMs);
    }
    await this.retrying(() => client.send(new ExecuteChangeSetCommand({ StackName: name, ChangeSetName: changeSetName })));
    return true;
  }

  private async waitStack(client: CloudFormationClient, name: string, since: string): Promise<Stack> {
    let delay = this.pollMs;
    for (;;) {
      const stack = await this.describe(client, name);
      if (!stack) throw new StackFailedError(name, 'DELETED', []);
      if (!isInProgress(stack.StackStatus)) {
        if (isFailed(stack.StackStatus)) throw new StackFailedError(name, stack.StackStatus!, await this.failureEvents(client, name, since));
        return stack;
      }
      await this.sleep(delay);
      delay = Math.min(delay * 2, this.maxPollMs);
    }
  }

  private async deleteStack(client: CloudFormationClient, name: string): Promise<void> {
    const { DeleteStackCommand } = await this.sdk();
    if (!(await this.describe(client, name))) return;
    await this.retrying(() => client.send(new DeleteStackCommand({ StackName: name })));
    let delay = this.pollMs;
    for (;;) {
      const stack = await this.describe(client, name);
      if (!stack || stack.StackStatus === 'DELETE_COMPLETE') return;
      if (stack.StackStatus === 'DELETE_FAILED') throw new StackFailedError(name, 'DELETE_FAILED', await this.failureEvents(client, name, ''));
      await this.sleep(delay);
      delay = Math.min(delay * 2, this.maxPollMs);
    }
  }

  /** The stack's failed resource events since `since`, oldest first: what explains a failure. */
  private async failureEvents(client: CloudFormationClient, name: string, since: string) {
    const { DescribeStackEventsCommand } = await this.sdk();
    const events = (await this.retrying(() => client.send(new DescribeStackEventsCommand({ StackName: name })))).StackEvents ?? [];
    return events
      .filter((e) => /FAILED$/.test(e.ResourceStatus ?? '') && (!since || (e.Timestamp && e.Timestamp.toISOString() >= since)))
      .reverse()
      .map((e) => ({ resource: e.LogicalResourceId ?? '?', status: e.ResourceStatus ?? '?', reason: e.ResourceStatusReason ?? 'no reason given' }));
  }
}

/**
 * The CloudFormation client for a tenant: the default credential chain for the control plane's
 * own account; for a tenant in another account, credentials of the role assumed there (STS).
 */
export async function clientFor(target: AwsTarget | undefined, tenantId: string | undefined): Promise<CloudFormationClient> {
  const { CloudFormationClient: Client } = await import('@aws-sdk/client-cloudformation');
  if (!target) return new Client({});
  const { STSClient, AssumeRoleCommand } = await import('@aws-sdk/client-sts');
  const roleArn = `arn:aws:iam::${target.account}:role/${target.roleName ?? DEFAULT_DEPLOYMENT_ROLE}`;
  const sts = new STSClient({ region: target.region });
  const { Credentials: c } = await sts.send(new AssumeRoleCommand({
    RoleArn: roleArn,
    RoleSessionName: `tenant-waves-${tenantId ?? 'control-plane'}`.slice(0, 64),
    DurationSeconds: 3600,
  }));
  if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`assuming ${roleArn} returned no credentials`);
  return new Client({
    region: target.region,
    credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration },
  });
}

function now() {
  return new Date().toISOString();
}
