import { DeploymentProgress, DeployProvider, InstanceRef } from '../src';

/** An in-memory backend whose chosen instances fail, hang, are slow or unhealthy. */
export class FakeProvider implements DeployProvider {
  readonly versions = new Map<string, string>();
  /** Every real change of an instance, in order: deployments and rollbacks. */
  readonly log: { seq: number; kind: 'deploy' | 'rollback'; instance: string; version: string }[] = [];
  readonly fail = new Set<string>();
  readonly unhealthy = new Set<string>();
  readonly hang = new Set<string>();
  /** Instance → how many more looks until its deployment finishes. */
  readonly slow = new Map<string, number>();
  private readonly started = new Set<string>();
  private seq = 0;

  constructor(readonly instances: InstanceRef[], initialVersion = 'v1') {
    for (const i of instances) this.versions.set(i.name, initialVersion);
  }

  /** The sequence number of the next event; compare with `log` entries to order things. */
  mark(): number {
    return this.seq++;
  }

  deployments(instance: string) {
    return this.log.filter((e) => e.kind === 'deploy' && e.instance === instance);
  }

  async listInstances() {
    return this.instances;
  }
  async currentVersion(_service: string, instance: string) {
    return this.versions.get(instance);
  }
  async deploy(_service: string, instance: string, target: string): Promise<DeploymentProgress> {
    if (this.versions.get(instance) === target) return { state: 'DONE' };
    const key = `${instance}@${target}`;
    if (!this.started.has(key)) {
      this.started.add(key);
      this.log.push({ seq: this.seq++, kind: 'deploy', instance, version: target });
    }
    if (this.fail.has(instance)) return { state: 'FAILED', reason: `${instance}: the new version crashed on start` };
    if (this.hang.has(instance)) return { state: 'PENDING' };
    const remaining = this.slow.get(instance) ?? 0;
    if (remaining > 0) {
      this.slow.set(instance, remaining - 1);
      return { state: 'PENDING' };
    }
    this.versions.set(instance, target);
    return { state: 'DONE' };
  }
  async healthCheck(_service: string, instance: string) {
    return this.unhealthy.has(instance) ? { healthy: false, reason: 'GET /health: 503' } : { healthy: true };
  }
  async rollback(_service: string, instance: string, version: string): Promise<DeploymentProgress> {
    this.log.push({ seq: this.seq++, kind: 'rollback', instance, version });
    this.versions.set(instance, version);
    this.started.clear();
    return { state: 'DONE' };
  }
}

/** n tenants; tenant i in waves[i mod waves.length]; `undefined` entries mean untagged. */
export function fleet(n: number, waves: (number | undefined)[]): InstanceRef[] {
  return Array.from({ length: n }, (_, i) => ({ name: `t${i}`, wave: waves[i % waves.length] }));
}
