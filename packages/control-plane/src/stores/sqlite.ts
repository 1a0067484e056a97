import { closeSync, chmodSync, openSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import {
  EnvironmentRecord, HistoryEntry, InstanceRecord, Registry, RegistryWrite, ServiceRecord, TenantRecord,
} from '../registry';
import { ApprovalDecision, ExecutionRecord, InstanceResult, RolloutRecord, RolloutStore } from '../rollouts';

/**
 * Versioned schema migrations, applied in order, each in its own transaction, recorded in
 * schema_migrations. Never edit a released migration: add the next one.
 */
export const MIGRATIONS: readonly { readonly version: number; readonly description: string; readonly sql: string }[] = [
  {
    version: 1,
    description: 'rollout ledger: rollouts, deployments, approvals, per-service locks',
    sql: `
      CREATE TABLE rollouts (
        rollout_id   TEXT PRIMARY KEY,
        service      TEXT NOT NULL,
        target       TEXT NOT NULL,
        status       TEXT NOT NULL,
        plan         TEXT,
        waiting_wave INTEGER,
        reason       TEXT,
        started_at   TEXT NOT NULL,
        finished_at  TEXT
      );
      CREATE INDEX rollouts_by_service ON rollouts (service, started_at);
      CREATE TABLE deployments (
        rollout_id   TEXT NOT NULL REFERENCES rollouts (rollout_id),
        instance     TEXT NOT NULL,
        seq          INTEGER NOT NULL,
        wave         INTEGER NOT NULL,
        status       TEXT NOT NULL,
        from_version TEXT,
        to_version   TEXT NOT NULL,
        noop         INTEGER NOT NULL DEFAULT 0,
        started_at   TEXT,
        finished_at  TEXT,
        reason       TEXT,
        PRIMARY KEY (rollout_id, instance)
      );
      CREATE INDEX deployments_by_instance ON deployments (instance, started_at);
      CREATE TABLE approvals (
        rollout_id TEXT NOT NULL,
        wave       INTEGER NOT NULL,
        decision   TEXT NOT NULL CHECK (decision IN ('APPROVED', 'REJECTED')),
        decided_at TEXT NOT NULL,
        PRIMARY KEY (rollout_id, wave)
      );
      CREATE TABLE rollout_locks (
        service    TEXT PRIMARY KEY,
        rollout_id TEXT NOT NULL
      );
    `,
  },
  {
    version: 2,
    description: 'registry: tenants, environments, services, instances; executions; settings; rollback on reject',
    sql: `
      CREATE TABLE environments (
        name             TEXT PRIMARY KEY,
        tier             TEXT NOT NULL,
        placement        TEXT NOT NULL CHECK (placement IN ('silo', 'pool')),
        template_version TEXT NOT NULL,
        inputs           TEXT NOT NULL,
        status           TEXT NOT NULL,
        location         TEXT,
        updated_at       TEXT NOT NULL
      );
      CREATE TABLE tenants (
        tenant_id   TEXT PRIMARY KEY,
        tier        TEXT NOT NULL,
        placement   TEXT NOT NULL CHECK (placement IN ('silo', 'pool')),
        wave        INTEGER CHECK (wave IS NULL OR wave >= 1),
        environment TEXT NOT NULL REFERENCES environments (name),
        inputs      TEXT NOT NULL,
        created_at  TEXT NOT NULL
      );
      CREATE TABLE services (
        name             TEXT PRIMARY KEY,
        template         TEXT NOT NULL,
        template_version TEXT NOT NULL,
        pipeline         TEXT NOT NULL,
        total_waves      INTEGER,
        created_at       TEXT NOT NULL
      );
      CREATE TABLE instances (
        service          TEXT NOT NULL REFERENCES services (name),
        tenant_id        TEXT NOT NULL REFERENCES tenants (tenant_id),
        inputs           TEXT NOT NULL,
        location         TEXT,
        version          TEXT,
        previous_version TEXT,
        runtime          TEXT,
        pending          TEXT,
        updated_at       TEXT NOT NULL,
        PRIMARY KEY (service, tenant_id)
      );
      CREATE INDEX instances_by_tenant ON instances (tenant_id);
      CREATE TABLE executions (
        rollout_id TEXT PRIMARY KEY REFERENCES rollouts (rollout_id),
        input      TEXT NOT NULL,
        runner     TEXT,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
      ALTER TABLE approvals ADD COLUMN rollback INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 3,
    description: 'tenants: the AWS account and region of a cross-account tenant',
    sql: 'ALTER TABLE tenants ADD COLUMN target TEXT;',
  },
  {
    version: 4,
    description: 'environments: the outputs of their stacks',
    sql: 'ALTER TABLE environments ADD COLUMN outputs TEXT;',
  },
];

interface RolloutRow {
  rollout_id: string;
  service: string;
  target: string;
  status: RolloutRecord['status'];
  plan: string | null;
  waiting_wave: number | null;
  reason: string | null;
  started_at: string;
  finished_at: string | null;
}

interface DeploymentRow {
  instance: string;
  wave: number;
  status: InstanceResult['status'];
  from_version: string | null;
  to_version: string;
  noop: number;
  started_at: string | null;
  finished_at: string | null;
  reason: string | null;
}

const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);
const json = (v: unknown): string | null => (v === undefined ? null : JSON.stringify(v));
const unjson = (v: string | null): any => (v === null ? undefined : JSON.parse(v));

/** Rows as stored, keyed by column name. */
type Row = Record<string, any>;

function toTenant(r: Row): TenantRecord {
  return {
    tenantId: r.tenant_id,
    tier: r.tier,
    placement: r.placement,
    wave: opt(r.wave),
    environment: r.environment,
    inputs: JSON.parse(r.inputs),
    createdAt: r.created_at,
    ...(r.target ? { target: JSON.parse(r.target) } : {}),
  };
}
function toEnvironment(r: Row): EnvironmentRecord {
  return {
    name: r.name,
    tier: r.tier,
    placement: r.placement,
    templateVersion: r.template_version,
    inputs: JSON.parse(r.inputs),
    status: r.status,
    location: opt(r.location),
    updatedAt: r.updated_at,
    ...(r.outputs ? { outputs: JSON.parse(r.outputs) } : {}),
  };
}
function toService(r: Row): ServiceRecord {
  return {
    name: r.name,
    template: r.template,
    templateVersion: r.template_version,
    pipeline: JSON.parse(r.pipeline),
    totalWaves: opt(r.total_waves),
    createdAt: r.created_at,
  };
}
function toInstance(r: Row): InstanceRecord {
  return {
    service: r.service,
    tenantId: r.tenant_id,
    inputs: JSON.parse(r.inputs),
    location: opt(r.location),
    version: opt(r.version),
    previousVersion: opt(r.previous_version),
    runtime: unjson(r.runtime),
    pending: unjson(r.pending),
    updatedAt: r.updated_at,
  };
}

/**
 * The rollout ledger in a SQLite file (better-sqlite3): WAL journal so a `tenant approve` in
 * another process can write while a rollout runs, a busy timeout instead of lock errors,
 * file mode 0600, versioned migrations. Writes that belong together are one transaction.
 */
export class SqliteStore implements RolloutStore, Registry {
  /** Opens (creating, with mode 0600) and migrates the database at `path`. */
  static async open(path: string): Promise<SqliteStore> {
    const { default: Database } = await import('better-sqlite3');
    closeSync(openSync(path, 'a', 0o600));
    chmodSync(path, 0o600);
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    const store = new SqliteStore(db);
    store.migrate();
    return store;
  }

  private constructor(readonly db: BetterSqlite3.Database) {}

  /** The schema version after migrating. */
  schemaVersion(): number {
    return (this.db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0;
  }

  close(): void {
    this.db.close();
  }

  private migrate() {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const current = this.schemaVersion();
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue;
      this.db.transaction(() => {
        this.db.exec(m.sql);
        this.db
          .prepare('INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)')
          .run(m.version, m.description, new Date().toISOString());
      }).immediate();
    }
  }

  async acquireLock(service: string, rolloutId: string): Promise<boolean> {
    return this.db.transaction(() => {
      const holder = this.db.prepare('SELECT rollout_id FROM rollout_locks WHERE service = ?').get(service) as { rollout_id: string } | undefined;
      if (holder && holder.rollout_id !== rolloutId) return false;
      this.db.prepare('INSERT OR REPLACE INTO rollout_locks (service, rollout_id) VALUES (?, ?)').run(service, rolloutId);
      return true;
    }).immediate();
  }

  async releaseLock(service: string, rolloutId: string): Promise<void> {
    this.db.prepare('DELETE FROM rollout_locks WHERE service = ? AND rollout_id = ?').run(service, rolloutId);
  }

  async lockHolder(service: string): Promise<string | undefined> {
    return (this.db.prepare('SELECT rollout_id FROM rollout_locks WHERE service = ?').get(service) as { rollout_id: string } | undefined)?.rollout_id;
  }

  async getRollout(rolloutId: string): Promise<RolloutRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM rollouts WHERE rollout_id = ?').get(rolloutId) as RolloutRow | undefined;
    if (!row) return undefined;
    return {
      rolloutId: row.rollout_id,
      service: row.service,
      target: row.target,
      status: row.status,
      plan: row.plan === null ? undefined : JSON.parse(row.plan),
      waitingWave: opt(row.waiting_wave),
      reason: opt(row.reason),
      startedAt: row.started_at,
      finishedAt: opt(row.finished_at),
    };
  }

  async putRollout(r: RolloutRecord): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO rollouts (rollout_id, service, target, status, plan, waiting_wave, reason, started_at, finished_at)
         VALUES (@rolloutId, @service, @target, @status, @plan, @waitingWave, @reason, @startedAt, @finishedAt)
         ON CONFLICT (rollout_id) DO UPDATE SET service = excluded.service, target = excluded.target, status = excluded.status,
           plan = excluded.plan, waiting_wave = excluded.waiting_wave, reason = excluded.reason,
           started_at = excluded.started_at, finished_at = excluded.finished_at`,
      )
      .run({
        rolloutId: r.rolloutId,
        service: r.service,
        target: r.target,
        status: r.status,
        plan: r.plan === undefined ? null : JSON.stringify(r.plan),
        waitingWave: r.waitingWave ?? null,
        reason: r.reason ?? null,
        startedAt: r.startedAt,
        finishedAt: r.finishedAt ?? null,
      });
  }

  async getResult(rolloutId: string, instance: string): Promise<InstanceResult | undefined> {
    const row = this.db.prepare('SELECT * FROM deployments WHERE rollout_id = ? AND instance = ?').get(rolloutId, instance) as DeploymentRow | undefined;
    return row && toResult(row);
  }

  async putResult(rolloutId: string, r: InstanceResult): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO deployments (rollout_id, instance, seq, wave, status, from_version, to_version, noop, started_at, finished_at, reason)
         VALUES (@rolloutId, @instance, (SELECT COALESCE(MAX(seq), 0) + 1 FROM deployments WHERE rollout_id = @rolloutId),
                 @wave, @status, @fromVersion, @toVersion, @noop, @startedAt, @finishedAt, @reason)
         ON CONFLICT (rollout_id, instance) DO UPDATE SET wave = excluded.wave, status = excluded.status,
           from_version = excluded.from_version, to_version = excluded.to_version, noop = excluded.noop,
           started_at = excluded.started_at, finished_at = excluded.finished_at, reason = excluded.reason`,
      )
      .run({
        rolloutId,
        instance: r.instance,
        wave: r.wave,
        status: r.status,
        fromVersion: r.fromVersion ?? null,
        toVersion: r.toVersion,
        noop: r.noop ? 1 : 0,
        startedAt: r.startedAt ?? null,
        finishedAt: r.finishedAt ?? null,
        reason: r.reason ?? null,
      });
  }

  async results(rolloutId: string): Promise<InstanceResult[]> {
    return (this.db.prepare('SELECT * FROM deployments WHERE rollout_id = ? ORDER BY seq').all(rolloutId) as DeploymentRow[]).map(toResult);
  }

  async listRollouts(service?: string): Promise<RolloutRecord[]> {
    const rows = (
      service === undefined
        ? this.db.prepare('SELECT rollout_id FROM rollouts ORDER BY started_at DESC, rowid DESC').all()
        : this.db.prepare('SELECT rollout_id FROM rollouts WHERE service = ? ORDER BY started_at DESC, rowid DESC').all(service)
    ) as { rollout_id: string }[];
    return Promise.all(rows.map((r) => this.getRollout(r.rollout_id) as Promise<RolloutRecord>));
  }

  async decide(rolloutId: string, wave: number, decision: ApprovalDecision, options: { rollback?: boolean } = {}): Promise<void> {
    this.db
      .prepare('INSERT OR REPLACE INTO approvals (rollout_id, wave, decision, decided_at, rollback) VALUES (?, ?, ?, ?, ?)')
      .run(rolloutId, wave, decision, new Date().toISOString(), options.rollback ? 1 : 0);
  }

  async rollbackRequested(rolloutId: string, wave: number): Promise<boolean> {
    const row = this.db.prepare('SELECT rollback FROM approvals WHERE rollout_id = ? AND wave = ?').get(rolloutId, wave) as { rollback: number } | undefined;
    return row?.rollback === 1;
  }

  async putExecution(e: ExecutionRecord): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO executions (rollout_id, input, runner, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (rollout_id) DO UPDATE SET input = excluded.input, runner = excluded.runner, updated_at = excluded.updated_at`,
      )
      .run(e.rolloutId, JSON.stringify(e.input), e.runner ?? null, e.updatedAt);
  }

  async getExecution(rolloutId: string): Promise<ExecutionRecord | undefined> {
    const r = this.db.prepare('SELECT * FROM executions WHERE rollout_id = ?').get(rolloutId) as Row | undefined;
    return r && { rolloutId: r.rollout_id, input: JSON.parse(r.input), runner: opt(r.runner), updatedAt: r.updated_at };
  }

  // ---- registry ----

  async getTenant(tenantId: string): Promise<TenantRecord | undefined> {
    const r = this.db.prepare('SELECT * FROM tenants WHERE tenant_id = ?').get(tenantId) as Row | undefined;
    return r && toTenant(r);
  }

  async listTenants(): Promise<TenantRecord[]> {
    return (this.db.prepare('SELECT * FROM tenants ORDER BY tenant_id').all() as Row[]).map(toTenant);
  }

  async getEnvironment(name: string): Promise<EnvironmentRecord | undefined> {
    const r = this.db.prepare('SELECT * FROM environments WHERE name = ?').get(name) as Row | undefined;
    return r && toEnvironment(r);
  }

  async listEnvironments(): Promise<EnvironmentRecord[]> {
    return (this.db.prepare('SELECT * FROM environments ORDER BY name').all() as Row[]).map(toEnvironment);
  }

  async getService(name: string): Promise<ServiceRecord | undefined> {
    const r = this.db.prepare('SELECT * FROM services WHERE name = ?').get(name) as Row | undefined;
    return r && toService(r);
  }

  async listServices(): Promise<ServiceRecord[]> {
    return (this.db.prepare('SELECT * FROM services ORDER BY name').all() as Row[]).map(toService);
  }

  async getInstance(service: string, tenantId: string): Promise<InstanceRecord | undefined> {
    const r = this.db.prepare('SELECT * FROM instances WHERE service = ? AND tenant_id = ?').get(service, tenantId) as Row | undefined;
    return r && toInstance(r);
  }

  async listInstances(filter: { service?: string; tenantId?: string } = {}): Promise<InstanceRecord[]> {
    return (
      this.db
        .prepare('SELECT * FROM instances WHERE (@service IS NULL OR service = @service) AND (@tenantId IS NULL OR tenant_id = @tenantId) ORDER BY tenant_id, service')
        .all({ service: filter.service ?? null, tenantId: filter.tenantId ?? null }) as Row[]
    ).map(toInstance);
  }

  async write(...writes: RegistryWrite[]): Promise<void> {
    this.db.transaction(() => {
      for (const w of writes) this.apply(w);
    }).immediate();
  }

  async history(tenantId: string, service?: string): Promise<HistoryEntry[]> {
    const rows = this.db
      .prepare(
        `SELECT r.service, d.instance, d.rollout_id, d.from_version, d.to_version, d.status, d.started_at, d.finished_at, d.reason
         FROM deployments d JOIN rollouts r ON r.rollout_id = d.rollout_id
         WHERE d.instance = @tenantId AND (@service IS NULL OR r.service = @service)
         ORDER BY COALESCE(d.started_at, r.started_at), r.rowid, d.seq`,
      )
      .all({ tenantId, service: service ?? null }) as Row[];
    return rows.map((r) => ({
      service: r.service,
      tenantId: r.instance,
      rolloutId: r.rollout_id,
      fromVersion: opt(r.from_version),
      toVersion: r.to_version,
      status: r.status,
      startedAt: opt(r.started_at),
      finishedAt: opt(r.finished_at),
      reason: opt(r.reason),
    }));
  }

  async getSetting(key: string): Promise<string | undefined> {
    return (this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }

  async setSetting(key: string, value: string): Promise<void> {
    this.db.prepare('INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)').run(key, value);
  }

  /** Every row of every table, in a stable order: what tests compare to prove nothing changed. */
  dump(): Record<string, unknown[]> {
    const tables = this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[];
    return Object.fromEntries(tables.map(({ name }) => [name, this.db.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).all()]));
  }

  private upsert(table: string, keys: string[], row: Row): void {
    const cols = Object.keys(row);
    const updates = cols.filter((c) => !keys.includes(c)).map((c) => `${c} = excluded.${c}`);
    this.db
      .prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})
                ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${updates.join(', ')}`)
      .run(row);
  }

  private apply(w: RegistryWrite): void {
    if ('putTenant' in w) {
      const t = w.putTenant;
      this.upsert('tenants', ['tenant_id'], {
        tenant_id: t.tenantId,
        tier: t.tier,
        placement: t.placement,
        wave: t.wave ?? null,
        environment: t.environment,
        inputs: JSON.stringify(t.inputs),
        created_at: t.createdAt,
        target: json(t.target),
      });
    } else if ('deleteTenant' in w) {
      this.db.prepare('DELETE FROM tenants WHERE tenant_id = ?').run(w.deleteTenant);
    } else if ('putEnvironment' in w) {
      const e = w.putEnvironment;
      this.upsert('environments', ['name'], {
        name: e.name,
        tier: e.tier,
        placement: e.placement,
        template_version: e.templateVersion,
        inputs: JSON.stringify(e.inputs),
        status: e.status,
        location: e.location ?? null,
        updated_at: e.updatedAt,
        outputs: json(e.outputs),
      });
    } else if ('deleteEnvironment' in w) {
      this.db.prepare('DELETE FROM environments WHERE name = ?').run(w.deleteEnvironment);
    } else if ('putService' in w) {
      const s = w.putService;
      this.upsert('services', ['name'], {
        name: s.name,
        template: s.template,
        template_version: s.templateVersion,
        pipeline: JSON.stringify(s.pipeline),
        total_waves: s.totalWaves ?? null,
        created_at: s.createdAt,
      });
    } else if ('putInstance' in w) {
      const i = w.putInstance;
      this.upsert('instances', ['service', 'tenant_id'], {
        service: i.service,
        tenant_id: i.tenantId,
        inputs: JSON.stringify(i.inputs),
        location: i.location ?? null,
        version: i.version ?? null,
        previous_version: i.previousVersion ?? null,
        runtime: json(i.runtime),
        pending: json(i.pending),
        updated_at: i.updatedAt,
      });
    } else {
      this.db.prepare('DELETE FROM instances WHERE service = ? AND tenant_id = ?').run(w.deleteInstance.service, w.deleteInstance.tenantId);
    }
  }


  async decision(rolloutId: string, wave: number): Promise<ApprovalDecision | undefined> {
    return (this.db.prepare('SELECT decision FROM approvals WHERE rollout_id = ? AND wave = ?').get(rolloutId, wave) as { decision: ApprovalDecision } | undefined)
      ?.decision;
  }
}

function toResult(row: DeploymentRow): InstanceResult {
  return {
    instance: row.instance,
    wave: row.wave,
    status: row.status,
    fromVersion: opt(row.from_version),
    toVersion: row.to_version,
    noop: row.noop === 1 ? true : undefined,
    startedAt: opt(row.started_at),
    finishedAt: opt(row.finished_at),
    reason: opt(row.reason),
  };
}
