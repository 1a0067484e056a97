import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DeploymentProgress, InstanceRef, InstanceStatusView, Provider, registryInstances } from '../provider';
import { InstanceRecord, InstanceRuntime, Registry, ServiceRecord } from '../registry';
import { BuildStore, ENTRY_POINTS, WorkloadKind } from './builds';
import { LAMBDA_HOST_FILE } from './lambda-host';
import { checkHealth, findProcesses, freePort, isAlive, startProcess, stopProcess, waitHealthy } from './processes';

/** The workload a service template runs: Fargate services run a web server, serverless ones a handler. */
export function workloadKind(template: ServiceRecord['template']): WorkloadKind {
  return template === 'serverless-service' ? 'lambda' : 'web';
}

export interface LocalProviderOptions {
  /** How long a new process has to answer /health before the deployment fails (default 15 s). */
  readonly healthTimeoutMs?: number;
}

/**
 * The local backend: templates rendered to CloudFormation and kept under
 * `<stateDir>/rendered/`, and each service instance run on this machine — a saas-web build as a
 * Node process on its own port, a saas-lambda build behind a local HTTP endpoint.
 *
 * A deployment starts the new version next to the old one, checks its /health over HTTP, and
 * only then records the cut-over and stops the old process; a failed health check stops the new
 * process and leaves the old version serving. The started-but-not-cut-over process is recorded
 * (`pending`), so a deployment interrupted by a crash is found again, not started twice.
 */
export class LocalProvider implements Provider {
  readonly builds: BuildStore;
  private readonly healthTimeoutMs: number;

  constructor(
    private readonly registry: Registry,
    readonly stateDir: string,
    options: LocalProviderOptions = {},
  ) {
    this.builds = new BuildStore(join(stateDir, 'builds'));
    this.healthTimeoutMs = options.healthTimeoutMs ?? 15_000;
  }

  environmentFile(name: string): string {
    return join(this.stateDir, 'rendered', 'environments', `${name}.template.json`);
  }

  instanceFile(service: string, tenantId: string): string {
    return join(this.stateDir, 'rendered', 'instances', service, `${tenantId}.template.json`);
  }

  logFile(service: string, tenantId: string): string {
    return join(this.stateDir, 'logs', service, `${tenantId}.log`);
  }

  /** One JSON line per cut-over, rollback and stop: the local backend's own audit trail. */
  get eventsFile(): string {
    return join(this.stateDir, 'logs', 'deployments.jsonl');
  }

  async provisionEnvironment(name: string, template: Readonly<Record<string, unknown>>) {
    const location = this.environmentFile(name);
    writeJson(location, template);
    return { location };
  }

  async deprovisionEnvironment(name: string) {
    rmSync(this.environmentFile(name), { force: true });
  }

  async provisionInstance(service: string, tenantId: string, template: Readonly<Record<string, unknown>>) {
    const location = this.instanceFile(service, tenantId);
    writeJson(location, template);
    return { location };
  }

  async removeInstance(service: string, tenantId: string) {
    await this.stopInstance(service, tenantId);
    rmSync(this.instanceFile(service, tenantId), { force: true });
  }

  async status(service: string, tenantId: string): Promise<InstanceStatusView> {
    const inst = await this.registry.getInstance(service, tenantId);
    if (!inst?.version) return { state: 'NOT_DEPLOYED' };
    if (inst.runtime && isAlive(inst.runtime.pid)) return { state: 'RUNNING', version: inst.version, endpoint: inst.runtime.url };
    return { state: 'STOPPED', version: inst.version };
  }

  listInstances(service: string): Promise<InstanceRef[]> {
    return registryInstances(this.registry, service);
  }

  async currentVersion(service: string, tenantId: string): Promise<string | undefined> {
    return (await this.registry.getInstance(service, tenantId))?.version;
  }

  async deploy(service: string, tenantId: string, target: string): Promise<DeploymentProgress> {
    return this.switchTo(service, tenantId, target, 'deploy');
  }

  async rollback(service: string, tenantId: string, version: string): Promise<DeploymentProgress> {
    return this.switchTo(service, tenantId, version, 'rollback');
  }

  async healthCheck(service: string, tenantId: string): Promise<{ healthy: boolean; reason?: string }> {
    const inst = await this.registry.getInstance(service, tenantId);
    if (!inst?.runtime?.url || !isAlive(inst.runtime.pid)) return { healthy: false, reason: 'no process is serving this instance' };
    const h = await checkHealth(inst.runtime.url, inst.version);
    return { healthy: h.healthy, reason: h.reason };
  }

  /** Starts the instance's current version if its process is gone (after a reboot, or `tenant stop`). */
  async ensureRunning(service: string, tenantId: string): Promise<InstanceStatusView> {
    const inst = await this.registry.getInstance(service, tenantId);
    if (!inst?.version) return { state: 'NOT_DEPLOYED' };
    if (!(inst.runtime && isAlive(inst.runtime.pid))) {
      const progress = await this.switchTo(service, tenantId, inst.version, 'restart');
      if (progress.state !== 'DONE') return { state: 'STOPPED', version: inst.version };
    }
    return this.status(service, tenantId);
  }

  /** Stops an instance's processes; it keeps its version and is started again by `ensureRunning`. */
  async stopInstance(service: string, tenantId: string): Promise<boolean> {
    const inst = await this.registry.getInstance(service, tenantId);
    if (!inst) return false;
    const pids = [inst.runtime?.pid, inst.pending?.pid].filter((p) => isAlive(p));
    await Promise.all(pids.map((p) => stopProcess(p)));
    pids.push(...(await this.stopStrays(service, tenantId, [])));
    await this.registry.write({ putInstance: { ...inst, runtime: undefined, pending: undefined, updatedAt: now() } });
    if (pids.length) this.event({ action: 'stop', service, tenantId, version: inst.version, pids });
    return pids.length > 0;
  }

  private async switchTo(service: string, tenantId: string, target: string, action: 'deploy' | 'rollback' | 'restart'): Promise<DeploymentProgress> {
    let inst = await this.registry.getInstance(service, tenantId);
    const svc = await this.registry.getService(service);
    const tenant = await this.registry.getTenant(tenantId);
    if (!inst || !svc || !tenant) return { state: 'FAILED', reason: `${service} has no instance for tenant ${tenantId}` };
    if (inst.version === target && inst.runtime && isAlive(inst.runtime.pid)) return { state: 'DONE' };

    const kind = workloadKind(svc.template);
    const build = this.builds.get(service, target);
    if (!build) return { state: 'FAILED', reason: `no build of ${service} version ${target} in ${this.builds.dir(service, target)}` };

    // A deployment started earlier (by a process that then died) is picked up, not repeated.
    let pending = inst.pending;
    if (pending && (pending.version !== target || !isAlive(pending.pid))) {
      await stopProcess(pending.pid);
      pending = undefined;
    }
    let healthy: { healthy: boolean; reason?: string };
    if (pending) {
      // Started by an earlier `tenant` process that was interrupted: wait for it as that one would have.
      this.event({ action: 'adopt', service, tenantId, version: target, pid: pending.pid, port: pending.port });
      healthy = await waitHealthy(pending.pid!, pending.url!, target, this.healthTimeoutMs);
    } else {
      // A process a killed `tenant` started but never recorded (it died between the two) is stopped first.
      await this.stopStrays(service, tenantId, [inst.runtime?.pid]);
      const port = await freePort();
      const script = join(build.dir, kind === 'web' ? ENTRY_POINTS.web : LAMBDA_HOST_FILE);
      const child = startProcess(script, {
        TENANT_ID: tenantId,
        TENANT_TIER: tenant.tier,
        APP_VERSION: target,
        PORT: String(port),
        HOST: '127.0.0.1',
        AWS_LAMBDA_FUNCTION_NAME: `${service}-${tenantId}`,
      }, this.logFile(service, tenantId), this.marker(tenantId));
      pending = { version: target, pid: child.pid, port, url: `http://127.0.0.1:${port}`, startedAt: now() };
      inst = await this.save({ ...inst, pending });
      this.event({ action: 'start', service, tenantId, version: target, pid: child.pid, port });
      healthy = await waitHealthy(child, pending.url!, target, this.healthTimeoutMs);
    }
    if (!healthy.healthy) {
      await stopProcess(pending.pid);
      await this.save({ ...inst, pending: undefined });
      this.event({ action, service, tenantId, from: inst.version, to: target, result: 'FAILED', reason: healthy.reason });
      return {
        state: 'FAILED',
        reason: `${target} did not become healthy: ${healthy.reason}; ${inst.version && isAlive(inst.runtime?.pid) ? `${inst.version} keeps serving` : 'nothing is serving'} (log: ${this.logFile(service, tenantId)})`,
      };
    }
    // Cut over: record the new process as serving, then retire the old one.
    const old = inst.runtime;
    const changed = action !== 'restart' && inst.version !== target;
    await this.save({
      ...inst,
      version: target,
      previousVersion: changed ? inst.version : inst.previousVersion,
      runtime: pending as InstanceRuntime,
      pending: undefined,
    });
    if (old && old.pid !== pending.pid) await stopProcess(old.pid);
    this.event({ action, service, tenantId, from: inst.version, to: target, result: 'DONE', pid: pending.pid, port: pending.port });
    return { state: 'DONE' };
  }

  private marker(tenantId: string): string {
    return `--tenant-waves-instance=${tenantId}`;
  }

  /** Stops this instance's processes that the registry does not know (keeping `keep`); returns their pids. */
  private async stopStrays(service: string, tenantId: string, keep: (number | undefined)[]): Promise<number[]> {
    const strays = findProcesses([join(this.builds.dir(service, ''), '/')], ` ${this.marker(tenantId)}`).filter((p) => !keep.includes(p));
    await Promise.all(strays.map((p) => stopProcess(p)));
    if (strays.length) this.event({ action: 'stop-stray', service, tenantId, pids: strays });
    return strays;
  }

  private async save(inst: InstanceRecord): Promise<InstanceRecord> {
    const next = { ...inst, updatedAt: now() };
    await this.registry.write({ putInstance: next });
    return next;
  }

  private event(e: Record<string, unknown>) {
    mkdirSync(dirname(this.eventsFile), { recursive: true, mode: 0o700 });
    appendFileSync(this.eventsFile, JSON.stringify({ at: now(), ...e }) + '\n', { mode: 0o600 });
  }
}

function now() {
  return new Date().toISOString();
}

function writeJson(file: string, value: unknown) {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, JSON.stringify(value, null, 2) + '\n', { mode: 0o600 });
}
